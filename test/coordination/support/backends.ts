import type { LeaseStore } from '../../../src/coordination/lease-store.js';
import { MemoryLeaseStore } from '../../../src/coordination/memory-lease-store.js';
import { MysqlLeaseStore } from '../../../src/coordination/mysql-lease-store.js';
import type { CityStateStore } from '../../../src/state/city-state-store.js';
import type { DecisionLog } from '../../../src/state/decision-log.js';
import { MemoryCityStateStore } from '../../../src/state/memory-city-state-store.js';
import { MemoryDecisionLog } from '../../../src/state/memory-decision-log.js';
import { MysqlDecisionLog } from '../../../src/state/mysql-decision-log.js';
import { RedisCityStateStore } from '../../../src/state/redis-city-state-store.js';
import { cityKeys } from '../../../src/state/redis-keys.js';
import { createTestRedis } from '../../state/support/redis.js';
import { onServers } from '../../support/servers.js';
import { createTestDatabase } from './mysql.js';

export interface Backend {
  leases: LeaseStore;
  state: CityStateStore;
  decisions: DecisionLog;
  loseFence(city: string): Promise<void>;
  close(): Promise<void>;
}

type BackendEntry = { name: string; create(): Promise<Backend> };

/** All three stores: embedded (memory) or the local MariaDB + Redis (when the run has them), each on fresh state. */
export const BACKENDS: BackendEntry[] = [
  {
    name: 'embedded',
    async create() {
      const state = new MemoryCityStateStore();
      return {
        leases: new MemoryLeaseStore(),
        state,
        decisions: new MemoryDecisionLog(),
        loseFence: async (city) => state.loseFence(city),
        close: async () => {},
      };
    },
  },
  ...onServers<BackendEntry>({
    name: 'mysql + redis',
    async create() {
      const [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
      return {
        leases: new MysqlLeaseStore(db.pool),
        state: new RedisCityStateStore(redis.redis, { keyPrefix: redis.prefix }),
        decisions: new MysqlDecisionLog(db.pool),
        loseFence: async (city) => {
          await redis.redis.del(cityKeys(redis.prefix, city).fence);
        },
        close: async () => {
          await Promise.all([db.drop(), redis.cleanup()]);
        },
      };
    },
  }),
];
