import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ESTIMATE_PAIRS } from '../../src/domain/limits.js';
import type { Host } from '../../src/host/host.js';
import { startTestHost, waitFor } from './support/host.js';

const RESTAURANT = { lat: 41.39, lng: 2.17 };
const DROPOFF = { lat: 41.4, lng: 2.16 };
/** c-near waits at the restaurant; c-far is about 1.1 km away, still within max_pickup_s. */
const COURIERS = [
  { id: 'c-near', ...RESTAURANT, speed_mps: 5, status: 'on_shift' },
  { id: 'c-far', lat: 41.4, lng: 2.17, speed_mps: 5, status: 'on_shift' },
];

describe('estimates through HTTP on the embedded stores (inject)', () => {
  let host: Host;
  let app: FastifyInstance;
  beforeAll(async () => {
    host = await startTestHost();
    app = host.app;
  });
  afterAll(() => host.close());

  const put = (url: string, payload: unknown) => app.inject({ method: 'PUT', url, payload: payload as object });
  const post = (url: string, payload?: unknown) => app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) });
  /** A city the loop leaves alone (one tick an hour): the test dispatches it itself. */
  const city = async (id: string, bundling?: object) => {
    await put(`/v1/cities/${id}`, { tick_ms: 3_600_000, ...(bundling ? { bundling } : {}) });
    await put(`/v1/cities/${id}/couriers`, { couriers: COURIERS });
    await waitFor(() => host.keeper.lease(id), 5_000, `the lease of ${id}`);
  };
  const dispatch = async (id: string) => {
    const reply = await post(`/v1/cities/${id}/dispatch`);
    expect(reply.statusCode).toBe(200);
    return reply.json();
  };

  it('a cost estimate drives the dispatch against the geographic choice; without estimates it is geographic', async () => {
    await city('est');
    await post('/v1/cities/est/orders', { orders: [{ id: 'o1', pickup: RESTAURANT, dropoff: DROPOFF }] });
    const accepted = await put('/v1/cities/est/estimates', { pairs: [{ order: 'o1', courier: 'c-far', cost_s: 100 }], ttl_s: 60 });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ ready: 0, pairs: 1 });
    expect(accepted.json().expires_at).toBeGreaterThan(Date.now() + 55_000);

    const decision = await dispatch('est');
    expect(decision.assignments).toEqual([{ order: 'o1', courier: 'c-far', cost: 1000, estimated: true, ready_source: 'caller', pickup_id: 'p1.1' }]);
    expect(decision.estimated).toEqual({ ready: 0, pairs: 1, model: 0, ready_events: 0 });
    expect((await app.inject('/metrics')).body).toMatch(/dispatchd_estimates_used_total\{city="est",kind="pair"\} 1/);

    // The same order in a city without estimates goes to the courier at the restaurant.
    await city('geo');
    await post('/v1/cities/geo/orders', { orders: [{ id: 'o1', pickup: RESTAURANT, dropoff: DROPOFF }] });
    const geographic = await dispatch('geo');
    expect(geographic.assignments).toEqual([expect.objectContaining({ order: 'o1', courier: 'c-near', estimated: false })]);
    expect(geographic.estimated).toEqual({ ready: 0, pairs: 0, model: 0, ready_events: 0 });
  });

  it('a travel estimate (the near courier stuck in traffic) and a ready estimate, priced through a bundling city too', async () => {
    await city('jam', { max_bundle_size: 2 });
    await post('/v1/cities/jam/orders', { orders: [{ id: 'o1', pickup: RESTAURANT, dropoff: DROPOFF }] });
    await put('/v1/cities/jam/estimates', {
      ready: [
        { order: 'o1', ready_at: Date.now() + 60_000 },
        { order: 'nobody', ready_at: Date.now() },
      ],
      pairs: [{ order: 'o1', courier: 'c-near', travel_s: 500 }],
      ttl_s: 60,
    });
    const decision = await dispatch('jam');
    expect(decision.assignments).toEqual([expect.objectContaining({ order: 'o1', courier: 'c-far', estimated: false })]);
    // Unknown ids are taken and not used.
    expect(decision.estimated).toEqual({ ready: 1, pairs: 1, model: 0, ready_events: 0 });
  });

  it('estimates lapse after ttl_s: the dispatch is geographic again', async () => {
    await city('lapse');
    await post('/v1/cities/lapse/orders', { orders: [{ id: 'o1', pickup: RESTAURANT, dropoff: DROPOFF }] });
    await put('/v1/cities/lapse/estimates', { pairs: [{ order: 'o1', courier: 'c-far', cost_s: 100 }], ttl_s: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const decision = await dispatch('lapse');
    expect(decision.assignments).toEqual([expect.objectContaining({ order: 'o1', courier: 'c-near', estimated: false })]);
    expect(decision.estimated).toEqual({ ready: 0, pairs: 0, model: 0, ready_events: 0 });
  });

  it('are validated like every input: the field named, too many refused, unknown city 404', async () => {
    await put('/v1/cities/val', { enabled: false });
    const cases: [unknown, number, string, string | undefined][] = [
      [{ pairs: [{ order: 'o1', courier: 'c1', travel_s: 1, cost_s: 1 }], ttl_s: 10 }, 400, 'invalid_field', 'pairs[0]'],
      [{ pairs: [{ order: 'o1', courier: 'c1' }], ttl_s: 10 }, 400, 'invalid_field', 'pairs[0]'],
      [{ pairs: [{ order: 'o1', courier: 'c1', travel_s: -1 }], ttl_s: 10 }, 400, 'invalid_field', 'pairs[0].travel_s'],
      [{ ready: [{ order: 'a|b', ready_at: 0 }], ttl_s: 10 }, 400, 'invalid_field', 'ready[0].order'],
      [{ ready: [{ order: 'o1' }], ttl_s: 10 }, 400, 'invalid_field', 'ready[0].ready_at'],
      [{ ttl_s: 0 }, 400, 'invalid_field', 'ttl_s'],
      [{ ttl_s: 3601 }, 400, 'invalid_field', 'ttl_s'],
      [{ pairs: [] }, 400, 'invalid_field', 'ttl_s'],
      [{ ttl_s: 10, model: 'x' }, 400, 'unknown_field', 'model'],
    ];
    for (const [body, status, code, field] of cases) {
      const reply = await put('/v1/cities/val/estimates', body);
      expect([reply.statusCode, reply.json().code, reply.json().field], JSON.stringify(body)).toEqual([status, code, field]);
    }
    const many = Array.from({ length: MAX_ESTIMATE_PAIRS + 1 }, (_, i) => ({ order: `o${i}`, courier: 'c1', travel_s: 1 }));
    const tooMany = await put('/v1/cities/val/estimates', { pairs: many, ttl_s: 10 });
    expect([tooMany.statusCode, tooMany.json().code, tooMany.json().field]).toEqual([413, 'too_many_items', 'pairs']);
    const unknown = await put('/v1/cities/nowhere/estimates', { ttl_s: 10 });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'unknown_city']);
  });
});
