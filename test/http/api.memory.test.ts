import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host/host.js';
import { couriers, orders, startTestHost, waitFor } from './support/host.js';

describe('HTTP API on the embedded stores (inject)', () => {
  let host: Host;
  let app: FastifyInstance;
  const TOKEN = 's3cret';
  const auth = { authorization: `Bearer ${TOKEN}` };
  beforeAll(async () => {
    host = await startTestHost({ token: TOKEN, declineCooldownMs: 60_000 });
    app = host.app;
  });
  afterAll(() => host.close());

  const put = (url: string, payload: unknown, headers: Record<string, string> = auth) =>
    app.inject({ method: 'PUT', url, payload: payload as object, headers });
  const post = (url: string, payload?: unknown, headers: Record<string, string> = auth) =>
    app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }), headers });

  it('ingest → dispatch → decisions → accept/decline → delivered', async () => {
    const city = await put('/v1/cities/bcn', { tick_ms: 60_000, params: { max_pickup_s: 900 } });
    expect(city.statusCode).toBe(200);
    expect(city.json()).toMatchObject({ id: 'bcn', enabled: true, tick_ms: 60_000, params: { max_pickup_s: 900, handover_s: 120 } });
    expect((await app.inject('/v1/cities')).json().cities.map((c: { id: string }) => c.id)).toEqual(['bcn']);

    expect((await put('/v1/cities/bcn/couriers', { couriers: couriers(5) })).json()).toEqual({ upserted: 5 });
    expect((await post('/v1/cities/bcn/orders', { orders: orders(3) })).statusCode).toBe(201);
    expect((await post('/v1/cities/bcn/orders', { orders: orders(1) })).statusCode).toBe(409);

    await waitFor(() => host.keeper.lease('bcn'), 5_000, 'the lease of bcn');
    const dispatched = await post('/v1/cities/bcn/dispatch');
    expect(dispatched.statusCode).toBe(200);
    const decision = dispatched.json();
    expect(decision).toMatchObject({ city: 'bcn', committed: true, durable: true, version: 1, couriers: 5, orders: 3, unassigned: [] });
    expect(decision.assignments).toHaveLength(3);
    expect(decision.timings.total_ms).toBeGreaterThan(0);

    const decisions = (await app.inject('/v1/cities/bcn/decisions?after=0')).json().decisions;
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ version: 1, token: decision.token });
    // An auditor's read: the solve's objective (every order assigned: the sum of the offers' costs) and its checked certificate.
    const offered = (decision.assignments as { cost: number }[]).reduce((sum, a) => sum + a.cost, 0);
    expect(decision).toMatchObject({ objective: offered, certificate: 'checked' });
    expect(decisions[0]).toMatchObject({ objective: offered, certificate: 'checked' });
    expect((await app.inject('/v1/cities/bcn/decisions?after=1')).json().decisions).toEqual([]);

    const [first, second, third] = decision.assignments as { order: string; courier: string }[];
    // Accept with the wrong courier: 409; with the right one: assigned.
    const wrong = first.courier === 'c1' ? 'c2' : 'c1';
    expect((await post(`/v1/cities/bcn/offers/${first.order}/accept`, { courier: wrong })).statusCode).toBe(409);
    const accepted = await post(`/v1/cities/bcn/offers/${first.order}/accept`, { courier: first.courier });
    expect(accepted.json()).toEqual({ order: first.order, status: 'assigned', courier: first.courier });
    expect((await post(`/v1/cities/bcn/orders/${first.order}/picked-up`)).json().status).toBe('picked_up');
    expect((await post(`/v1/cities/bcn/orders/${first.order}/delivered`)).json()).toEqual({ order: first.order, status: 'delivered', courier: first.courier });
    expect((await post(`/v1/cities/bcn/orders/${first.order}/delivered`)).statusCode).toBe(404);

    // Decline: the order is pending again and is not offered to the same courier.
    expect((await post(`/v1/cities/bcn/offers/${second.order}/decline`)).json().status).toBe('pending');
    expect((await post(`/v1/cities/bcn/orders/${third.order}/cancel`)).json().status).toBe('cancelled');
    const again = (await post('/v1/cities/bcn/dispatch')).json();
    expect(again.committed).toBe(true);
    expect(again.version).toBe(2);
    const redo = again.assignments.find((a: { order: string }) => a.order === second.order);
    expect(redo).toBeDefined();
    expect(redo.courier).not.toBe(second.courier);
    expect(again.assignments.map((a: { order: string }) => a.order)).toEqual([second.order]);

    // Nothing left to assign: no commit, the version stays.
    const idle = (await post('/v1/cities/bcn/dispatch')).json();
    expect(idle).toMatchObject({ committed: false, reason: 'nothing_to_assign', version: 2 });

    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(/dispatchd_commits_total\{city="bcn"\} 2/);
    expect(metrics).toMatch(/dispatchd_ingested_total\{city="bcn",kind="courier"\} 5/);
    expect(metrics).toMatch(/dispatchd_solve_duration_seconds_count\{city="bcn"\} \d+/);
    expect(metrics).toMatch(/dispatchd_leases_held 1/);

    const leases = (await app.inject('/v1/leases')).json();
    expect(leases.leases).toEqual([expect.objectContaining({ city: 'bcn', holder: leases.host, token: decision.token })]);
    expect(leases.leases[0].expires_in_ms).toBeGreaterThan(0);

    const map = (await app.inject('/v1/cities/bcn/map')).json();
    expect(map.kpis).toMatchObject({ pending_orders: 0, version: 2, last_assigned: 1 });
    expect(map.lines).toHaveLength(1);
  });

  it('removing a courier withdraws its offer', async () => {
    await put('/v1/cities/rm', { tick_ms: 60_000 });
    await put('/v1/cities/rm/couriers', { couriers: couriers(1, 'r') });
    await post('/v1/cities/rm/orders', { orders: orders(1, 'ro') });
    await waitFor(() => host.keeper.lease('rm'), 5_000, 'the lease of rm');
    expect((await post('/v1/cities/rm/dispatch')).json().assignments).toHaveLength(1);
    expect((await app.inject({ method: 'DELETE', url: '/v1/cities/rm/couriers/r1', headers: auth })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: '/v1/cities/rm/couriers/r1', headers: auth })).statusCode).toBe(404);
    expect((await app.inject('/v1/cities/rm/map')).json().kpis.pending_orders).toBe(1);
  });

  it('401 without the token on mutating routes; reads stay open', async () => {
    expect((await put('/v1/cities/x', {}, {})).statusCode).toBe(401);
    expect((await put('/v1/cities/x', {}, { authorization: 'Bearer nope' })).statusCode).toBe(401);
    expect((await post('/v1/cities/bcn/dispatch', undefined, {})).json()).toEqual({ error: 'missing or wrong bearer token', code: 'unauthorized' });
    expect((await app.inject('/v1/cities')).statusCode).toBe(200);
  });

  it('400 naming the field for any schema violation', async () => {
    const bad = await put('/v1/cities/bcn/couriers', { couriers: [...couriers(2), { id: 'c9', lat: 91, lng: 2, speed_mps: 4, status: 'on_shift' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'couriers[2].lat: must be a number in [-90, 90]', field: 'couriers[2].lat', code: 'invalid_field' });
    const missing = await post('/v1/cities/bcn/orders', { orders: [{ id: 'x', pickup: { lat: 1, lng: 1 } }] });
    expect(missing.json()).toEqual({ error: 'orders[0].dropoff: is required', field: 'orders[0].dropoff', code: 'invalid_field' });
    const stringly = await put('/v1/cities/bcn/couriers', { couriers: [{ ...couriers(1)[0], speed_mps: '4' }] });
    expect(stringly.json().field).toBe('couriers[0].speed_mps');
    const status = await put('/v1/cities/bcn/couriers', { couriers: [{ ...couriers(1)[0], status: 'busy' }] });
    expect(status.statusCode).toBe(400);
    expect(status.json().field).toBe('couriers[0].status');
    expect((await put('/v1/cities/b{a}d', {})).json().field).toBe('city');
    expect((await put('/v1/cities/bcn', { tick_ms: 0 })).json()).toEqual({
      error: 'tick_ms: must be an integer in [50, 3600000]',
      field: 'tick_ms',
      code: 'invalid_field',
    });
    expect((await put('/v1/cities/bcn', { params: { unassigned_penalty_s: 1e12 } })).json().field).toBe('params.unassigned_penalty_s');
    expect((await app.inject('/v1/cities/bcn/decisions?after=-1')).json().field).toBe('after');
    const notJson = await app.inject({
      method: 'PUT',
      url: '/v1/cities/bcn/couriers',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"couriers": [',
    });
    expect(notJson.statusCode).toBe(400);
  });

  it('404 for unknown cities, couriers and orders', async () => {
    expect((await put('/v1/cities/nowhere/couriers', { couriers: couriers(1) })).statusCode).toBe(404);
    expect((await post('/v1/cities/nowhere/orders', { orders: orders(1) })).json()).toEqual({ error: 'unknown city nowhere', code: 'unknown_city' });
    expect((await post('/v1/cities/nowhere/dispatch')).statusCode).toBe(404);
    expect((await app.inject('/v1/cities/nowhere/decisions')).statusCode).toBe(404);
    expect((await app.inject('/v1/cities/nowhere')).statusCode).toBe(404);
    expect((await post('/v1/cities/bcn/offers/nope/accept')).statusCode).toBe(404);
  });

  it('409 naming the holder when another host holds the lease', async () => {
    // Another host takes the city as it is created: the memory store's calls settle without a
    // timer in between, so this host's keeper cannot take it first.
    const other = { hostId: 'other-host', bootId: 'boot-1' };
    await host.stores.leases.putCity({ id: 'elsewhere', tickMs: 60_000 });
    expect(await host.stores.leases.acquire('elsewhere', other, 60_000)).toBe(1);
    const refused = await post('/v1/cities/elsewhere/dispatch');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual({ error: 'city elsewhere is leased by other-host/boot-1', code: 'leased_elsewhere', holder: 'other-host/boot-1' });
  });

  it('413 beyond the bulk limits', async () => {
    const tooMany = await put('/v1/cities/bcn/couriers', { couriers: couriers(50_001) });
    expect(tooMany.statusCode).toBe(413);
    const huge = await app.inject({
      method: 'PUT',
      url: '/v1/cities/bcn/couriers',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: `{"couriers":[],"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`,
    });
    expect(huge.statusCode).toBe(413);
    const fine = await put('/v1/cities/bcn/couriers', { couriers: couriers(50_000, 'bulk') });
    expect(fine.json()).toEqual({ upserted: 50_000 });
  });

  it('health, readiness, OpenAPI and the map page', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toMatchObject({ status: 'ready', checks: { leases: 'ok', state: 'ok', decisions: 'ok', pool: 'ok' } });
    const openapi = (await app.inject('/docs/json')).json();
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/cities/{city}/dispatch', '/v1/cities/{city}/couriers', '/v1/leases', '/metrics']));
    expect((await app.inject('/docs')).statusCode).toBeLessThan(400);
    const page = await app.inject('/');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<canvas id="map"');
  });
});
