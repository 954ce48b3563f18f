import { redisNodeUrls } from './redis-urls.js';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { CityStateStore } from '../state/city-state-store.js';
import type { DecisionLog } from '../state/decision-log.js';
import { MemoryCityStateStore } from '../state/memory-city-state-store.js';
import { MemoryDecisionLog } from '../state/memory-decision-log.js';
import { MysqlDecisionLog } from '../state/mysql-decision-log.js';
import { RedisCityStateStore } from '../state/redis-city-state-store.js';
import { ShardedCityStateStore } from '../state/sharded-city-state-store.js';
import { configuredShards } from './city-shards.js';
import type { LeaseStore } from './lease-store.js';
import { MemoryLeaseStore } from './memory-lease-store.js';
import { migrate } from './migrations.js';
import { createMysqlPool } from './mysql.js';
import { MysqlLeaseStore } from './mysql-lease-store.js';
import { STORE_TIMEOUTS } from './store-timeouts.js';
import { boundedStore, isMysqlConnectionError, isRedisConnectionError } from './store-unavailable.js';

/** The three stores a dispatching host works with. */
export interface CoordinationStores {
  leases: LeaseStore;
  state: CityStateStore;
  decisions: DecisionLog;
  /** Closes the connections gracefully (waiting for replies in flight). */
  close(): Promise<void>;
  /** Drops every connection at once: the shutdown deadline, when close() does not finish. */
  destroy(): void;
}

export interface ServerStoresOptions {
  /** mysql://user:password@host:port/database */
  mysqlUrl: string;
  /** redis://host:port, or a Redis Cluster's seed nodes as a comma-separated list (redisNodeUrls). */
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
  const redis = openRedis(options.redisUrl);
  // Connection errors reach callers as failed commands; the event would only repeat them.
  redis.on('error', () => undefined);
  // Without an offline queue a command sent before the first connection fails: wait for it (a
  // Redis that is down is not fatal at start-up: the client keeps reconnecting, calls get 503).
  await redis.connect().catch(() => undefined);
  const leases = boundedStore('leases', new MysqlLeaseStore(pool), isMysqlConnectionError);
  return {
    leases,
    state: new ShardedCityStateStore(
      boundedStore('state', new RedisCityStateStore(redis, { keyPrefix: options.keyPrefix }), isRedisConnectionError),
      configuredShards(leases),
    ),
    decisions: boundedStore('decisions', new MysqlDecisionLog(pool), isMysqlConnectionError),
    async close() {
      // QUIT needs a live connection; without one there is nothing to wait for.
      await Promise.all([pool.end(), redis.quit().catch(() => redis.disconnect())]);
    },
    destroy() {
      redis.disconnect();
      // mysql2's pool has no destroy(); its connections (an internal ring queue) do.
      const all = (pool.pool as unknown as { _allConnections: { length: number; get(i: number): { destroy(): void } } })._allConnections;
      for (let i = all.length - 1; i >= 0; i--) all.get(i).destroy();
    },
  };
}

/** The client for a --redis value, failing fast while disconnected (callers get a 503, not a hang). */
function openRedis(text: string): Redis | Cluster {
  const commands: RedisOptions = {
    maxRetriesPerRequest: 1,
    commandTimeout: STORE_TIMEOUTS.redisCommandMs,
    connectTimeout: STORE_TIMEOUTS.connectMs,
  };
  const reconnect = (attempt: number) => Math.min(attempt * 50, STORE_TIMEOUTS.reconnectMaxDelayMs);
  const urls = redisNodeUrls(text);
  // No offline queue: a command sent while disconnected fails at once instead of queueing.
  if (urls.length === 1) return new Redis(urls[0], { ...commands, lazyConnect: true, enableOfflineQueue: false, retryStrategy: reconnect });
  // The nodes the client discovers get the seeds' credentials and TLS (a cluster shares them);
  // a lost node is not reconnected on its own but found again with the slots (ioredis Cluster).
  const seed = new URL(urls[0]);
  return new Cluster(urls, {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: reconnect,
    redisOptions: {
      ...commands,
      username: decodeURIComponent(seed.username) || undefined,
      password: decodeURIComponent(seed.password) || undefined,
      tls: seed.protocol === 'rediss:' ? {} : undefined,
    },
  });
}

/**
 * Everything in process memory: the embedded default, for a laptop with no servers. `now` is the
 * city state's clock (what Redis TIME is for Redis): a simulated one runs a city faster than real time.
 */
export function openEmbeddedStores(options: { now?: () => number } = {}): CoordinationStores {
  const leases = new MemoryLeaseStore();
  return {
    leases,
    state: new ShardedCityStateStore(new MemoryCityStateStore(options), configuredShards(leases)),
    decisions: new MemoryDecisionLog(),
    async close() {},
    destroy() {},
  };
}
