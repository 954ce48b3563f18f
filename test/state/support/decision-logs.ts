import type { DecisionLog } from '../../../src/state/decision-log.js';
import { MemoryDecisionLog } from '../../../src/state/memory-decision-log.js';
import { MysqlDecisionLog } from '../../../src/state/mysql-decision-log.js';
import { createTestDatabase } from '../../coordination/support/mysql.js';
import { onServers } from '../../support/servers.js';

export const DECISION_LOGS: { name: string; create(): Promise<{ log: DecisionLog; close(): Promise<void> }> }[] = [
  { name: 'memory', create: async () => ({ log: new MemoryDecisionLog(), close: async () => {} }) },
  ...onServers({
    name: 'mysql',
    async create() {
      const db = await createTestDatabase();
      return { log: new MysqlDecisionLog(db.pool), close: () => db.drop() };
    },
  }),
];
