/** A host over sockets on a fresh MariaDB database and Redis key prefix for one describe block, and a JSON caller for it. */
import { afterAll, beforeAll } from 'vitest';
import { startHost, type Host } from '../../../src/host/host.js';
import { createTestDatabase, type TestDatabase } from '../../coordination/support/mysql.js';
import { createTestRedis, type TestRedis } from '../../state/support/redis.js';
import { testConfig } from './host.js';

const REDIS_URL = process.env.DISPATCHD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ServersHost {
  host(): Host;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies of many shapes, checked field by field
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** Registers the host's start and cleanup with the enclosing describe block. */
export function useServersHost(): ServersHost {
  let db: TestDatabase;
  let redis: TestRedis;
  let host: Host;
  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase({ migrated: false }), createTestRedis()]);
    host = await startHost(testConfig({ port: 0, listen: '127.0.0.1', mysqlUrl: db.url, redisUrl: REDIS_URL, keyPrefix: redis.prefix }));
  });
  afterAll(async () => {
    await host?.close();
    await Promise.all([db?.drop(), redis?.cleanup()]);
  });
  return {
    host: () => host,
    async call(method, path, body) {
      const response = await fetch(`${host.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
    },
  };
}
