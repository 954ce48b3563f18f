import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host/host.js';
import { couriers, startTestHost, waitFor } from './support/host.js';

const RESTAURANT = { lat: 41.39, lng: 2.17 };
const order = (id: string, pickup = RESTAURANT) => ({ id, pickup, dropoff: { lat: 41.4, lng: 2.16 } });

describe('pickups through HTTP on the embedded stores (inject)', () => {
  let host: Host;
  let app: FastifyInstance;
  beforeAll(async () => {
    host = await startTestHost({ declineCooldownMs: 60_000 });
    app = host.app;
  });
  afterAll(() => host.close());

  const post = (url: string, payload?: unknown) => app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) });
  /** A city nobody dispatches, with a fence, so the test commits its own decisions. */
  const quietCity = async (city: string) => {
    await app.inject({ method: 'PUT', url: `/v1/cities/${city}`, payload: { enabled: false } });
    await app.inject({ method: 'PUT', url: `/v1/cities/${city}/couriers`, payload: { couriers: couriers(3) } });
    await host.stores.state.raiseFence(city, { token: 1, version: 0 });
  };
  const commit = async (city: string, pairs: [string, string][]) => {
    const result = await host.stores.state.commit({ city, token: 1, holder: 'test/1', assignments: pairs.map(([o, c]) => ({ order: o, courier: c })) });
    if (!result.ok) throw new Error(JSON.stringify(result));
    await host.stores.decisions.append([result.decision]);
    return result.decision;
  };

  it('a two-order pickup: shown, accepted, picked up, delivered order by order', async () => {
    await quietCity('bun');
    expect((await post('/v1/cities/bun/orders', { orders: [order('o1'), order('o2')] })).statusCode).toBe(201);
    const decision = await commit('bun', [
      ['o1', 'c1'],
      ['o2', 'c1'],
    ]);

    const shown = await app.inject('/v1/cities/bun/pickups/p1.1');
    expect(shown.json()).toEqual({ pickup_id: 'p1.1', courier: 'c1', orders: ['o1', 'o2'], status: 'offered', expires_at: decision.committedAt + 30_000 });
    const log = (await app.inject('/v1/cities/bun/decisions')).json().decisions;
    expect(log[0].pickups).toEqual([{ pickup_id: 'p1.1', courier: 'c1', orders: ['o1', 'o2'] }]);

    const wrong = await post('/v1/cities/bun/pickups/p1.1/accept', { courier: 'c2' });
    expect([wrong.statusCode, wrong.json().code]).toEqual([409, 'no_offer']);
    expect((await post('/v1/cities/bun/pickups/p1.1/accept', { courier: 'c1' })).json()).toEqual({
      pickup_id: 'p1.1',
      status: 'assigned',
      courier: 'c1',
      orders: ['o1', 'o2'],
    });
    const again = await post('/v1/cities/bun/pickups/p1.1/accept');
    expect([again.statusCode, again.json().code]).toEqual([409, 'wrong_state']);
    expect((await post('/v1/cities/bun/pickups/p1.1/picked-up')).json()).toEqual({
      pickup_id: 'p1.1',
      status: 'picked_up',
      courier: 'c1',
      orders: ['o1', 'o2'],
    });
    expect((await app.inject('/v1/cities/bun/pickups/p1.1')).json().status).toBe('picked_up');

    expect((await post('/v1/cities/bun/orders/o1/delivered')).json()).toEqual({
      order: 'o1',
      status: 'delivered',
      courier: 'c1',
      pickup_id: 'p1.1',
      pickup_orders: ['o1', 'o2'],
    });
    expect((await app.inject('/v1/cities/bun/pickups/p1.1')).json().orders).toEqual(['o2']);
    expect((await post('/v1/cities/bun/orders/o2/delivered')).json()).toEqual({ order: 'o2', status: 'delivered', courier: 'c1' });
    const gone = await app.inject('/v1/cities/bun/pickups/p1.1');
    expect([gone.statusCode, gone.json().code]).toEqual([404, 'unknown_pickup']);
    expect((await post('/v1/cities/bun/pickups/p1.1/picked-up')).statusCode).toBe(404);
  });

  it('old clients: an order-level accept of a bundled order accepts its pickup; decline frees all of it', async () => {
    await quietCity('old');
    await post('/v1/cities/old/orders', { orders: [order('a1'), order('a2'), order('b1'), order('b2')] });
    await commit('old', [
      ['a1', 'c1'],
      ['a2', 'c1'],
      ['b1', 'c2'],
      ['b2', 'c2'],
    ]);
    expect((await post('/v1/cities/old/offers/a2/accept', { courier: 'c1' })).json()).toEqual({
      order: 'a2',
      status: 'assigned',
      courier: 'c1',
      pickup_id: 'p1.1',
      pickup_orders: ['a1', 'a2'],
    });
    expect((await app.inject('/v1/cities/old/pickups/p1.1')).json().status).toBe('assigned');
    expect((await post('/v1/cities/old/pickups/p1.2/decline', { courier: 'c2' })).json()).toEqual({
      pickup_id: 'p1.2',
      status: 'pending',
      courier: 'c2',
      orders: ['b1', 'b2'],
    });
    expect((await app.inject('/v1/cities/old/pickups/p1.2')).statusCode).toBe(404);
    const decline = await post('/v1/cities/old/offers/b1/decline');
    expect([decline.statusCode, decline.json().code]).toEqual([409, 'no_offer']);
  });

  it('refuses malformed pickup ids with 400 naming the field, and unknown cities with 404', async () => {
    for (const url of ['/v1/cities/bun/pickups/x1.1', '/v1/cities/bun/pickups/p0.1', '/v1/cities/bun/pickups/p1']) {
      const refused = await app.inject(url);
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ field: 'pickup', code: 'invalid_field' });
    }
    expect((await post('/v1/cities/bun/pickups/p1.1.1/accept')).json()).toMatchObject({ field: 'pickup', code: 'invalid_field' });
    expect((await post('/v1/cities/bun/pickups/p1.1/accept', { courier: 'c1', extra: 1 })).json()).toMatchObject({ code: 'unknown_field' });
    expect((await app.inject('/v1/cities/nowhere/pickups/p1.1')).statusCode).toBe(404);
  });

  it('the dispatch reply names each assignment’s pickup and lists the pickups; the OpenAPI document has the routes', async () => {
    await app.inject({ method: 'PUT', url: '/v1/cities/live', payload: { tick_ms: 60_000 } });
    await app.inject({ method: 'PUT', url: '/v1/cities/live/couriers', payload: { couriers: couriers(2) } });
    await post('/v1/cities/live/orders', { orders: [order('l1'), order('l2', { lat: 41.392, lng: 2.171 })] });
    await waitFor(() => host.keeper.lease('live'), 5_000, 'the lease of live');
    const reply = (await post('/v1/cities/live/dispatch')).json();
    expect(reply).toMatchObject({ committed: true, version: 1 });
    const ids = reply.assignments.map((a: { pickup_id: string }) => a.pickup_id).sort();
    expect(ids).toEqual(['p1.1', 'p1.2']);
    expect(reply.pickups).toEqual(
      reply.assignments.map((a: { order: string; courier: string; pickup_id: string }) => ({ pickup_id: a.pickup_id, courier: a.courier, orders: [a.order] })),
    );
    const idle = (await post('/v1/cities/live/dispatch')).json();
    expect(idle).toMatchObject({ committed: false, assignments: [], pickups: [] });

    const openapi = (await app.inject('/docs/json')).json();
    for (const path of [
      '/v1/cities/{city}/pickups/{pickup}',
      '/v1/cities/{city}/pickups/{pickup}/accept',
      '/v1/cities/{city}/pickups/{pickup}/decline',
      '/v1/cities/{city}/pickups/{pickup}/picked-up',
    ]) {
      const operations = Object.values(openapi.paths[path] ?? {}) as { tags: string[] }[];
      expect(operations.length, path).toBeGreaterThan(0);
      for (const op of operations) expect(op.tags).toEqual(['pickups']);
    }
  });

  it("a city that bundles: PUT sets the knobs, POST /dispatch gives one courier the restaurant's three orders as one pickup", async () => {
    const bad = await app.inject({ method: 'PUT', url: '/v1/cities/bundles', payload: { bundling: { max_bundle_size: 5 } } });
    expect([bad.statusCode, bad.json().code, bad.json().field]).toEqual([400, 'invalid_field', 'bundling.max_bundle_size']);
    const city = await app.inject({
      method: 'PUT',
      url: '/v1/cities/bundles',
      payload: { tick_ms: 3_600_000, params: { max_pickup_s: 900 }, bundling: { max_bundle_size: 3 } },
    });
    expect(city.json().bundling).toEqual({ max_bundle_size: 3, bundle_window_s: 600 });
    expect((await app.inject('/v1/cities/bundles')).json().bundling).toEqual({ max_bundle_size: 3, bundle_window_s: 600 });
    await app.inject({ method: 'PUT', url: '/v1/cities/bundles/couriers', payload: { couriers: couriers(1) } });
    expect((await post('/v1/cities/bundles/orders', { orders: [order('k1'), order('k2'), order('k3')] })).statusCode).toBe(201);
    await waitFor(() => host.keeper.lease('bundles'), 5_000, 'the lease of bundles');
    const reply = (await post('/v1/cities/bundles/dispatch')).json();
    expect(reply).toMatchObject({ committed: true, unassigned: [] });
    expect(reply.pickups).toHaveLength(1);
    expect(reply.pickups[0]).toMatchObject({ pickup_id: `p${reply.version}.1`, courier: 'c1' });
    expect([...reply.pickups[0].orders].sort()).toEqual(['k1', 'k2', 'k3']);
    // The pickup path is certified too: the core's certificate of the courier × pickup assignment.
    expect(reply).toMatchObject({ objective: reply.assignments[0].cost, certificate: 'checked' });
    const recorded = (await app.inject(`/v1/cities/bundles/decisions?after=${reply.version - 1}`)).json().decisions[0];
    expect(recorded).toMatchObject({ version: reply.version, objective: reply.objective, certificate: 'checked' });
  });
});
