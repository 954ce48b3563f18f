import type { DecisionLog } from '../../../src/state/decision-log.js';
import { GroupCommitDecisionLog } from '../../../src/state/group-commit-decision-log.js';
import { MemoryDecisionLog } from '../../../src/state/memory-decision-log.js';
import { MysqlDecisionLog } from '../../../src/state/mysql-decision-log.js';
import { createTestDatabase } from '../../coordination/support/mysql.js';
import { onServers } from '../../support/servers.js';

interface TestDecisionLog {
  name: string;
  create(): Promise<{ log: DecisionLog; close(): Promise<void> }>;
}

const STORES: TestDecisionLog[] = [
  { name: 'memory', create: async () => ({ log: new MemoryDecisionLog(), close: async () => {} }) },
  ...onServers({
    name: 'mysql',
    async create() {
      const db = await createTestDatabase();
      return { log: new MysqlDecisionLog(db.pool), close: () => db.drop() };
    },
  }),
];

/** Each store as it is and behind the host's group commit, which must keep the same contract. */
export const DECISION_LOGS: TestDecisionLog[] = STORES.flatMap((store) => [
  store,
  {
    name: `${store.name}, group commit`,
    async create() {
      const { log, close } = await store.create();
      return { log: new GroupCommitDecisionLog(log), close };
    },
  },
]);
