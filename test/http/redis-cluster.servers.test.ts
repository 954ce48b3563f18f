/** A host on MariaDB + the run's local Redis Cluster (three masters): `--redis` given the seed list. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/host/host.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { createTestRedisCluster, type TestRedisCluster } from '../state/support/redis.js';
import { couriers, orders, testConfig, waitFor } from './support/host.js';

describe('a host on MariaDB + a Redis Cluster', () => {
  let db: TestDatabase;
  let redis: TestRedisCluster;
  let host: Host;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase({ migrated: false }), createTestRedisCluster()]);
    host = await startHost(testConfig({ port: 0, listen: '127.0.0.1', mysqlUrl: db.url, redisUrl: redis.url, keyPrefix: redis.prefix }));
  });
  afterAll(async () => {
    await host?.close();
    await Promise.all([db?.drop(), redis?.cleanup()]);
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${host.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };

  it('dispatches cities held on different masters through HTTP, durable and answered', async () => {
    const cities = ['city1', 'city2', 'city3', 'city4'];
    const masters = new Set(await Promise.all(cities.map(async (c) => redis.redis.slots[Number(await redis.redis.cluster('KEYSLOT', c))][0])));
    expect(masters.size).toBeGreaterThan(1);
    for (const city of cities) {
      expect((await call('PUT', `/v1/cities/${city}`, { tick_ms: 60_000 })).status).toBe(200);
      await call('PUT', `/v1/cities/${city}/couriers`, { couriers: couriers(3) });
      expect((await call('POST', `/v1/cities/${city}/orders`, { orders: orders(2) })).status).toBe(201);
    }
    await waitFor(() => cities.every((city) => host.keeper.lease(city)), 15_000, 'every lease');
    for (const city of cities) {
      const decision = await call('POST', `/v1/cities/${city}/dispatch`);
      expect(decision.body).toMatchObject({ committed: true, durable: true });
      const [offered] = decision.body.assignments;
      const accepted = await call('POST', `/v1/cities/${city}/offers/${offered.order}/accept`, { courier: offered.courier });
      expect(accepted.status).toBe(200);
      const log = await call('GET', `/v1/cities/${city}/decisions`);
      expect(log.body.decisions.map((d: { version: number }) => d.version)).toEqual([1]);
    }
  });
});
