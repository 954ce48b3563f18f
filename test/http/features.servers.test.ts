import { afterAll, beforeAll, describe } from 'vitest';
import { startHost, type Host } from '../../src/host/host.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { createTestRedis, type TestRedis } from '../state/support/redis.js';
import { featureApiSuite, type Call } from './support/features-suite.js';
import { testConfig } from './support/host.js';

const REDIS_URL = process.env.DISPATCHD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('the feature engine through HTTP over sockets on MariaDB + Redis', () => {
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
  const call: Call = async (method, path, body) => {
    const response = await fetch(`${host.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  featureApiSuite(() => ({ host, call }));
});
