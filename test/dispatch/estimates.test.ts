/**
 * A city priced with live estimates solves exactly what the CLI solves with caller-given `edges`
 * carrying the same numbers: here the edges are built independently, pair by pair, from
 * docs/problem.md's formula (a travel estimate as the approach), the cost estimates as given and
 * the engine's own geographic price elsewhere, and solved by the same solver.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedStores } from '../../src/coordination/stores.js';
import { DEFAULT_PARAMS, type EdgesProblem, type PositionsProblem } from '../../src/domain/problem.js';
import { InThreadSolver } from '../../src/dispatch/solver.js';
import type { Host } from '../../src/host/host.js';
import { Rng } from '../../src/sim/rng.js';
import { haversineM, priceBundle } from '../../src/solver/bundles.js';
import { startTestHost, waitFor } from '../http/support/host.js';

const NOW = 1_767_225_600_000;
const COURIERS = 12;
const ORDERS = 15;

describe('estimates in the dispatch cycle', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('equal the CLI with edges: estimated pairs as estimated, every other pair at its geographic price', async () => {
    const rng = new Rng(14);
    const near = () => ({ lat: 41.39 + rng.uniform(-0.012, 0.012), lng: 2.17 + rng.uniform(-0.015, 0.015) });
    const couriers = Array.from({ length: COURIERS }, (_, i) => ({ id: `c${i}`, ...near(), speed_mps: rng.uniform(3, 7), status: 'on_shift' as const }));
    const orders = Array.from({ length: ORDERS }, (_, i) => ({ id: `o${i}`, pickup: near(), dropoff: near(), ready_at: NOW + rng.int(-300, 900) * 1000 }));
    const ready = orders.filter(() => rng.chance(0.4)).map((o) => ({ order: o.id, ready_at: NOW + rng.int(0, 1200) * 1000 }));
    const pairs: { order: string; courier: string; travel_s?: number; cost_s?: number }[] = [];
    for (const o of orders) {
      for (const c of couriers) {
        if (rng.chance(0.15)) pairs.push({ order: o.id, courier: c.id, travel_s: rng.uniform(0, 700) });
        else if (rng.chance(0.1)) pairs.push({ order: o.id, courier: c.id, cost_s: rng.uniform(300, 4000) });
      }
    }
    // Estimates of ids the city does not have are not used.
    pairs.push({ order: 'gone', courier: 'c0', cost_s: 1 }, { order: 'o0', courier: 'gone', cost_s: 1 });

    host = await startTestHost({}, { stores: openEmbeddedStores({ now: () => NOW }), solver: new InThreadSolver() });
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/ml', payload: { tick_ms: 3_600_000 } });
    await app.inject({ method: 'PUT', url: '/v1/cities/ml/couriers', payload: { couriers } });
    expect((await app.inject({ method: 'POST', url: '/v1/cities/ml/orders', payload: { orders } })).statusCode).toBe(201);
    expect((await app.inject({ method: 'PUT', url: '/v1/cities/ml/estimates', payload: { ready, pairs, ttl_s: 60 } })).statusCode).toBe(200);
    await waitFor(() => host!.keeper.lease('ml'), 5_000, 'the lease of ml');
    const decision = (await app.inject({ method: 'POST', url: '/v1/cities/ml/dispatch' })).json();

    // The reference, built from the numbers alone.
    const readyInS = orders.map((o) => (([...ready].reverse().find((r) => r.order === o.id)?.ready_at ?? o.ready_at) - NOW) / 1000);
    const problem: PositionsProblem = {
      kind: 'positions',
      params: DEFAULT_PARAMS,
      courierCount: COURIERS,
      orderCount: ORDERS,
      courierLat: Float64Array.from(couriers, (c) => c.lat),
      courierLng: Float64Array.from(couriers, (c) => c.lng),
      courierSpeedMps: Float64Array.from(couriers, (c) => c.speed_mps),
      courierFreeInS: new Float64Array(COURIERS),
      orderPickupLat: Float64Array.from(orders, (o) => o.pickup.lat),
      orderPickupLng: Float64Array.from(orders, (o) => o.pickup.lng),
      orderDropoffLat: Float64Array.from(orders, (o) => o.dropoff.lat),
      orderDropoffLng: Float64Array.from(orders, (o) => o.dropoff.lng),
      orderReadyInS: Float64Array.from(readyInS),
    };
    const { maxPickupS, detourFactor, handoverS, waitWeight } = DEFAULT_PARAMS;
    const edges: [number, number, number][] = [];
    const estimatedPairs = new Set<string>();
    orders.forEach((o, oi) =>
      couriers.forEach((c, ci) => {
        const estimate = pairs.find((p) => p.order === o.id && p.courier === c.id);
        if (estimate) estimatedPairs.add(`${o.id}|${c.id}`);
        let cost: number | undefined;
        if (estimate?.cost_s !== undefined) cost = Math.floor(estimate.cost_s * 10 + 0.5);
        else if (estimate?.travel_s !== undefined) {
          const arrive = 0 + estimate.travel_s;
          const readyS = readyInS[oi];
          const deliver =
            Math.max(arrive, readyS) + (haversineM(o.pickup.lat, o.pickup.lng, o.dropoff.lat, o.dropoff.lng) * detourFactor) / c.speed_mps + handoverS;
          if (arrive <= maxPickupS) cost = Math.floor((deliver + waitWeight * Math.max(0, readyS - arrive)) * 10 + 0.5);
        } else cost = priceBundle(problem, ci, { orders: [oi] });
        if (cost !== undefined) edges.push([oi, ci, cost]);
      }),
    );
    const edgesProblem: EdgesProblem = {
      kind: 'edges',
      params: DEFAULT_PARAMS,
      courierCount: COURIERS,
      orderCount: ORDERS,
      edgeOrder: Int32Array.from(edges, (e) => e[0]),
      edgeCourier: Int32Array.from(edges, (e) => e[1]),
      edgeCost: Int32Array.from(edges, (e) => e[2]),
    };
    const reference = await new InThreadSolver().solve(edgesProblem);
    const costOf = new Map(edges.map(([o, c, cost]) => [`${orders[o].id}|${couriers[c].id}`, cost]));

    expect(decision.committed).toBe(true);
    expect(decision.objective).toBe(reference.objective);
    expect(decision.estimated.ready).toBe(ready.length);
    // Each pair in the city's snapshot with an estimate is priced from it (the two of unknown ids are not).
    expect(decision.estimated.pairs).toBe(estimatedPairs.size);
    for (const a of decision.assignments) {
      expect(a.cost, `${a.order}|${a.courier}`).toBe(costOf.get(`${a.order}|${a.courier}`));
      expect(a.estimated).toBe(estimatedPairs.has(`${a.order}|${a.courier}`));
    }
    expect(decision.assignments.some((a: { estimated: boolean }) => a.estimated)).toBe(true);
  });
});
