import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

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

export async function createTestRedis(): Promise<TestRedis> {
  const prefix = `dispatchd_test_${randomBytes(6).toString('hex')}:`;
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
      for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await redis.del(...keys);
      }
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
}
