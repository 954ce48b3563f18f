import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlLeaseStore } from '../../src/coordination/mysql-lease-store.js';
import { openServerStores } from '../../src/coordination/stores.js';
import { startHost, type Host } from '../../src/host/host.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { createTestRedis, type TestRedis } from '../state/support/redis.js';
import { couriers, orders, testConfig, waitFor } from './support/host.js';

const REDIS_URL = process.env.DISPATCHD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('HTTP API over sockets on MariaDB + Redis', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let host: Host;
  const TOKEN = 'server-token';

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase({ migrated: false }), createTestRedis()]);
    const config = testConfig({ port: 0, listen: '127.0.0.1', token: TOKEN, mysqlUrl: db.url, redisUrl: REDIS_URL, keyPrefix: redis.prefix });
    host = await startHost(config);
  });
  afterAll(async () => {
    await host?.close();
    await Promise.all([db?.drop(), redis?.cleanup()]);
  });

  const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${host.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };

  it('ingest → dispatch → decisions → accept/decline → delivered', async () => {
    expect((await call('PUT', '/v1/cities/mad', { tick_ms: 60_000 })).status).toBe(200);
    expect((await call('PUT', '/v1/cities/mad/couriers', { couriers: couriers(6) })).body).toEqual({ upserted: 6 });
    expect((await call('POST', '/v1/cities/mad/orders', { orders: orders(4) })).status).toBe(201);
    await waitFor(() => host.keeper.lease('mad'), 10_000, 'the lease of mad');

    const first = await call('POST', '/v1/cities/mad/dispatch');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ committed: true, durable: true, version: 1, orders: 4, couriers: 6 });
    const [a, b] = first.body.assignments as { order: string; courier: string }[];

    const log = await call('GET', '/v1/cities/mad/decisions?after=0', undefined, null);
    expect(log.body.decisions.map((d: { version: number }) => d.version)).toEqual([1]);
    expect(log.body.decisions[0].assignments).toHaveLength(4);
    // An auditor's read from the durable log (MySQL): the solve's objective and its checked certificate.
    const offered = (first.body.assignments as { cost: number }[]).reduce((sum, x) => sum + x.cost, 0);
    expect(log.body.decisions[0]).toMatchObject({ objective: offered, certificate: 'checked' });

    expect((await call('POST', `/v1/cities/mad/offers/${a.order}/accept`, { courier: a.courier })).body.status).toBe('assigned');
    expect((await call('POST', `/v1/cities/mad/orders/${a.order}/picked-up`)).body.status).toBe('picked_up');
    // A position update while carrying keeps the courier busy (not dispatched again).
    await call('PUT', '/v1/cities/mad/couriers', { couriers: couriers(6) });
    expect((await call('POST', `/v1/cities/mad/offers/${b.order}/decline`, { courier: b.courier })).body.status).toBe('pending');

    const second = await call('POST', '/v1/cities/mad/dispatch');
    expect(second.body).toMatchObject({ committed: true, durable: true, version: 2 });
    const redo = (second.body.assignments as { order: string; courier: string }[]).find((p) => p.order === b.order)!;
    expect(redo.courier).not.toBe(b.courier);
    expect(second.body.assignments.map((p: { courier: string }) => p.courier)).not.toContain(a.courier);

    expect((await call('POST', `/v1/cities/mad/orders/${a.order}/delivered`)).body).toEqual({ order: a.order, status: 'delivered', courier: a.courier });
    expect((await call('GET', '/v1/cities/mad/decisions?after=1')).body.decisions.map((d: { version: number }) => d.version)).toEqual([2]);
    const metrics = await call('GET', '/metrics');
    expect(metrics.body).toMatch(/dispatchd_commit_duration_seconds_count\{city="mad"\} 2/);
    expect((await call('GET', '/readyz')).body.status).toBe('ready');
  });

  it('refuses: 401, 400 naming the field, 404, 409 with the holder, 413', async () => {
    expect((await call('PUT', '/v1/cities/mad/couriers', { couriers: couriers(1) }, null)).status).toBe(401);
    const bad = await call('POST', '/v1/cities/mad/orders', { orders: [{ id: 'z', pickup: { lat: 1, lng: 500 }, dropoff: { lat: 1, lng: 1 } }] });
    expect(bad).toEqual({
      status: 400,
      body: { error: 'orders[0].pickup.lng: must be a number in [-180, 180]', field: 'orders[0].pickup.lng', code: 'invalid_field' },
    });
    expect((await call('POST', '/v1/cities/nowhere/dispatch')).status).toBe(404);

    // Another host holds a city: it is live first, so this host (already at its fair share of
    // one city in two) leaves the new city to it for the grace period; it takes the lease at once.
    const other = { hostId: 'elsewhere', bootId: 'b-1' };
    const leases = new MysqlLeaseStore(db.pool);
    await leases.heartbeat(other);
    await leases.putCity({ id: 'held', enabled: true, tickMs: 60_000 });
    expect(await leases.acquire('held', other, 60_000)).not.toBeNull();
    const refused = await call('POST', '/v1/cities/held/dispatch');
    expect(refused).toEqual({ status: 409, body: { error: 'city held is leased by elsewhere/b-1', code: 'leased_elsewhere', holder: 'elsewhere/b-1' } });

    const huge = await call('PUT', '/v1/cities/mad/couriers', `{"couriers":[],"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`);
    expect(huge.status).toBe(413);
    expect((await call('PUT', '/v1/cities/mad/couriers', { couriers: couriers(50_001, 'x') })).status).toBe(413);
    expect((await call('PUT', '/v1/cities/mad/couriers', { couriers: couriers(50_000, 'bulk') })).body).toEqual({ upserted: 50_000 });
  });

  it('ids on Redis: 128 emoji round-trip through every path; lone surrogates are refused, not aliased', async () => {
    await call('PUT', '/v1/cities/ids', { enabled: false });
    const id = '😀'.repeat(128);
    const order = { pickup: { lat: 41.4, lng: 2.17 }, dropoff: { lat: 41.41, lng: 2.16 } };
    expect((await call('POST', '/v1/cities/ids/orders', { orders: [{ id, ...order }] })).status).toBe(201);
    expect((await call('POST', `/v1/cities/ids/offers/${encodeURIComponent(id)}/accept`)).status).toBe(409);
    expect((await call('POST', `/v1/cities/ids/orders/${encodeURIComponent(id)}/cancel`)).body).toEqual({ order: id, status: 'cancelled', courier: null });
    expect((await call('POST', '/v1/cities/ids/orders', { orders: [{ id: 's\ufffd', ...order }] })).status).toBe(201);
    for (const lone of ['s\\ud800', 's\\udbff']) {
      const refused = await call('POST', '/v1/cities/ids/orders', `{"orders":[{"id":"${lone}","pickup":{"lat":1,"lng":1},"dropoff":{"lat":1,"lng":1}}]}`);
      expect(refused).toEqual({ status: 400, body: { error: expect.any(String), field: 'orders[0].id', code: 'invalid_field' } });
    }
  });

  it('graceful shutdown releases the leases, bumping their tokens', async () => {
    const before = await new MysqlLeaseStore(db.pool).census(60_000);
    const mine = before.leases.filter((l) => l.holder?.bootId === host.holder.bootId);
    expect(mine.length).toBeGreaterThan(0);
    await host.close();
    const stores = await openServerStores({ mysqlUrl: db.url, redisUrl: REDIS_URL, keyPrefix: redis.prefix });
    try {
      const after = await stores.leases.census(60_000);
      for (const lease of mine) {
        const now = after.leases.find((l) => l.city === lease.city)!;
        expect(now.holder).toBeNull();
        expect(now.token).toBe(lease.token + 1);
        expect((await stores.state.readFence(lease.city))?.token).toBe(lease.token + 1);
      }
      expect(after.liveHosts.map((h) => h.bootId)).not.toContain(host.holder.bootId);
    } finally {
      await stores.close();
    }
  });
});
