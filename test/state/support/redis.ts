import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { inject } from 'vitest';
import { deleteKeysUnder } from '../../../src/state/redis-prefix.js';

const REDIS_URL = process.env.DISPATCHD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  /** Key prefix of its own for one test (or file). */
  prefix: string;
  /** Another connection, for truly concurrent clients. */
  connect(): Redis;
  /** Deletes every key under the prefix and closes all connections. */
  cleanup(): Promise<void>;
}

/** The same on the run's local Redis Cluster (redis-cluster-setup.ts): clients are Cluster clients. */
export interface TestRedisCluster {
  redis: Cluster;
  prefix: string;
  /** The seed nodes, comma-separated, as --redis takes them. */
  url: string;
  connect(): Cluster;
  cleanup(): Promise<void>;
}

const newPrefix = () => `dispatchd_test_${randomBytes(6).toString('hex')}:`;

export async function createTestRedis(): Promise<TestRedis> {
  const prefix = newPrefix();
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  };
  const redis = connect();
  await redis.ping();
  return {
    redis,
    prefix,
    connect,
    async cleanup() {
      await deleteKeysUnder(redis, prefix);
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
}

export async function createTestRedisCluster(): Promise<TestRedisCluster> {
  const urls = inject('redisClusterUrls');
  const prefix = newPrefix();
  const clients: Cluster[] = [];
  const connect = () => {
    const client = new Cluster(urls, { redisOptions: { maxRetriesPerRequest: 1 } });
    clients.push(client);
    return client;
  };
  const redis = connect();
  await redis.ping();
  return {
    redis,
    prefix,
    url: urls.join(','),
    connect,
    async cleanup() {
      // SCAN is per node: every master holds some cities.
      await Promise.all(redis.nodes('master').map((node) => deleteKeysUnder(node, prefix)));
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
}
