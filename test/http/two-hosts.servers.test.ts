import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holderName } from '../../src/coordination/holder.js';
import { startHost, type Host } from '../../src/host/host.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { createTestRedis, type TestRedis } from '../state/support/redis.js';
import { couriers, orders, testConfig, waitFor } from './support/host.js';

const REDIS_URL = process.env.DISPATCHD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two hosts sharing MariaDB + Redis', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let a: Host;
  let b: Host;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase({ migrated: false }), createTestRedis()]);
    const config = (hostId: string) => testConfig({ hostId, port: 0, listen: '127.0.0.1', mysqlUrl: db.url, redisUrl: REDIS_URL, keyPrefix: redis.prefix });
    a = await startHost(config('host-a'));
    b = await startHost(config('host-b'));
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await Promise.all([db?.drop(), redis?.cleanup()]);
  });

  const call = async (host: Host, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${host.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };

  it('concurrent creations of the same order ids, on one host and across both, give one 201 per id and no double offer', async () => {
    const city = 'race';
    await call(a, 'PUT', `/v1/cities/${city}`, { tick_ms: 60_000 });
    await call(a, 'PUT', `/v1/cities/${city}/couriers`, { couriers: couriers(12) });
    // Twelve creations of each id at once: six through each host, each batch holding every id.
    const batch = orders(8, 'race-o');
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => call(i % 2 ? a : b, 'POST', `/v1/cities/${city}/orders`, { orders: batch })));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error).toMatch(/^order race-o\d+ already exists/);
    }
    // Single-id batches racing on one host: one winner per id.
    const single = await Promise.all(Array.from({ length: 12 }, () => call(a, 'POST', `/v1/cities/${city}/orders`, { orders: orders(1, 'solo-o') })));
    expect(single.map((r) => r.status).sort()).toEqual([201, ...Array.from({ length: 11 }, () => 409)]);

    const holder = await waitFor(() => [a, b].find((h) => h.keeper.lease(city)), 15_000, 'a holder');
    const first = await call(holder, 'POST', `/v1/cities/${city}/dispatch`);
    expect(first.body).toMatchObject({ committed: true, durable: true });
    // A late duplicate creation of an offered order is refused and leaves the offer as it is.
    const offered = first.body.assignments[0];
    const late = await call(holder === a ? b : a, 'POST', `/v1/cities/${city}/orders`, { orders: [{ ...batch[0], id: offered.order }] });
    expect(late.status).toBe(409);
    const accepted = await call(holder, 'POST', `/v1/cities/${city}/offers/${offered.order}/accept`, { courier: offered.courier });
    expect(accepted.status).toBe(200);
    await call(holder, 'POST', `/v1/cities/${city}/dispatch`);
    const log = await call(holder, 'GET', `/v1/cities/${city}/decisions`);
    const offers = log.body.decisions.flatMap((d: { assignments: { order: string; courier: string }[] }) => d.assignments);
    expect(offers.filter((o: { order: string }) => o.order === offered.order)).toEqual([{ order: offered.order, courier: offered.courier }]);
    // Out of the way of the next test's one-city-per-host split.
    await call(a, 'PUT', `/v1/cities/${city}`, { enabled: false });
  });

  it('each city is dispatched by one host; the other answers 409 naming it; a shut-down host hands over', async () => {
    for (const city of ['c1', 'c2']) {
      await call(a, 'PUT', `/v1/cities/${city}`, { tick_ms: 60_000 });
      // Ingest through either host: the state is shared.
      await call(b, 'PUT', `/v1/cities/${city}/couriers`, { couriers: couriers(3) });
      await call(a, 'POST', `/v1/cities/${city}/orders`, { orders: orders(2) });
    }
    const owner = (city: string) => [a, b].find((h) => h.keeper.lease(city));
    await waitFor(() => owner('c1') && owner('c2') && owner('c1') !== owner('c2'), 15_000, 'one city per host');
    const holderOfC1 = owner('c1')!;
    const other = holderOfC1 === a ? b : a;

    const refused = await call(other, 'POST', '/v1/cities/c1/dispatch');
    expect(refused).toEqual({
      status: 409,
      body: { error: `city c1 is leased by ${holderName(holderOfC1.holder)}`, code: 'leased_elsewhere', holder: holderName(holderOfC1.holder) },
    });
    const first = await call(holderOfC1, 'POST', '/v1/cities/c1/dispatch');
    expect(first.body).toMatchObject({ committed: true, durable: true, version: 1 });

    // Graceful shutdown of the holder releases c1; the other host takes it with a newer token.
    await holderOfC1.close();
    await waitFor(() => other.keeper.lease('c1'), 15_000, 'the other host to take c1');
    await call(other, 'POST', '/v1/cities/c1/orders', { orders: orders(1, 'late') });
    const second = await call(other, 'POST', '/v1/cities/c1/dispatch');
    expect(second.body).toMatchObject({ committed: true, durable: true, version: 2 });
    expect(second.body.token).toBeGreaterThan(first.body.token);
    const log = await call(other, 'GET', '/v1/cities/c1/decisions');
    expect(log.body.decisions.map((d: { version: number; holder: string }) => [d.version, d.holder])).toEqual([
      [1, expect.stringMatching(/^host-.\//)],
      [2, holderName(other.holder)],
    ]);
  });
});
