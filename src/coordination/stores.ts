import { Redis } from 'ioredis';
import type { CityStateStore } from '../state/city-state-store.js';
import type { DecisionLog } from '../state/decision-log.js';
import { MemoryCityStateStore } from '../state/memory-city-state-store.js';
import { MemoryDecisionLog } from '../state/memory-decision-log.js';
import { MysqlDecisionLog } from '../state/mysql-decision-log.js';
import { RedisCityStateStore } from '../state/redis-city-state-store.js';
import type { LeaseStore } from './lease-store.js';
import { MemoryLeaseStore } from './memory-lease-store.js';
import { migrate } from './migrations.js';
import { createMysqlPool } from './mysql.js';
import { MysqlLeaseStore } from './mysql-lease-store.js';

/** The three stores a dispatching host works with. */
export interface CoordinationStores {
  leases: LeaseStore;
  state: CityStateStore;
  decisions: DecisionLog;
  close(): Promise<void>;
}

export interface ServerStoresOptions {
  /** mysql://user:password@host:port/database */
  mysqlUrl: string;
  /** redis://host:port */
  redisUrl: string;
  /** Redis key prefix; default `dispatchd:`. */
  keyPrefix?: string;
}

/** MySQL leases and decision log plus Redis city state; migrates the schema first (start-up). */
export async function openServerStores(options: ServerStoresOptions): Promise<CoordinationStores> {
  const pool = createMysqlPool(options.mysqlUrl);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const redis = new Redis(options.redisUrl, { lazyConnect: false });
  return {
    leases: new MysqlLeaseStore(pool),
    state: new RedisCityStateStore(redis, { keyPrefix: options.keyPrefix }),
    decisions: new MysqlDecisionLog(pool),
    async close() {
      await Promise.all([pool.end(), redis.quit()]);
    },
  };
}

/** Everything in process memory: the embedded default, for a laptop with no servers. */
export function openEmbeddedStores(): CoordinationStores {
  return {
    leases: new MemoryLeaseStore(),
    state: new MemoryCityStateStore(),
    decisions: new MemoryDecisionLog(),
    async close() {},
  };
}
