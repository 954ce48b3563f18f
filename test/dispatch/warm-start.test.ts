/**
 * The host's warm start across ticks (src/dispatch/dispatch-city.ts CityWarmState): through the
 * real loop, a city's second tick starts from its first solve (its duals and its candidate graph),
 * and the first tick after the host lost and took the city again starts cold.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Problem, Solution } from '../../src/domain/problem.js';
import { InThreadSolver } from '../../src/dispatch/solver.js';
import { AREA_BAND_DEG } from '../../src/domain/areas.js';
import type { Host } from '../../src/host/host.js';
import type { PoolSolveOptions } from '../../src/solver/solver-pool.js';
import { NO_WARM_STATE } from '../../src/solver/warm-start.js';
import { couriers, orders, startTestHost, waitFor } from '../http/support/host.js';

/** The in-thread solver, recording whether each solve started warm and was given the previous graph. */
class RecordingSolver extends InThreadSolver {
  readonly starts: boolean[] = [];
  readonly graphs: boolean[] = [];
  /** Whether the warm start knew any of the problem's orders (it came from the same orders' solve). */
  readonly known: boolean[] = [];
  override async solve(problem: Problem, options?: PoolSolveOptions): Promise<Solution> {
    const solution = await super.solve(problem, options);
    this.starts.push(solution.stats.warmStart);
    this.graphs.push(options?.warm?.graph !== undefined);
    this.known.push(options?.warm?.orderCourier.some((c) => c !== NO_WARM_STATE) ?? false);
    // Every solve packs its graph for the next tick's.
    expect(solution.warmGraph).toBeDefined();
    return solution;
  }
}

describe('warm start across ticks in the dispatch loop', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('the second tick of a city runs warm; the first after the city is taken again runs cold', async () => {
    const solver = new RecordingSolver();
    host = await startTestHost({ renewIntervalMs: 100, leaseTtlMs: 1_000 }, { solver });
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/warm', payload: { tick_ms: 50 } });
    await app.inject({ method: 'PUT', url: '/v1/cities/warm/couriers', payload: { couriers: couriers(3) } });
    // One order too far for anyone: every tick has something to solve, and the committed pairs leave the rest.
    const far = { id: 'far', pickup: { lat: 42.5, lng: 2.17 }, dropoff: { lat: 42.5, lng: 2.2 } };
    await app.inject({ method: 'POST', url: '/v1/cities/warm/orders', payload: { orders: [...orders(2), far] } });
    await waitFor(() => solver.starts.length >= 3, 5_000, 'three ticks');
    expect(solver.starts.slice(0, 3)).toEqual([false, true, true]);
    expect(solver.graphs.slice(0, 3)).toEqual([false, true, true]);
    const metrics = (await app.inject('/metrics')).body;
    const started = (start: string) => Number(new RegExp(`dispatchd_solve_starts_total\\{city="warm",start="${start}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(started('cold')).toBe(1);
    expect(started('warm')).toBeGreaterThanOrEqual(2);
    expect(host.loop.latest('warm')?.warmStart).toBe(true);

    // The host gives the city up and takes it again: its per-city state went with the lease.
    await app.inject({ method: 'PUT', url: '/v1/cities/warm', payload: { enabled: false } });
    await waitFor(() => !host!.loop.cities().includes('warm'), 5_000, 'the loop to drop the city');
    const before = solver.starts.length;
    await app.inject({ method: 'PUT', url: '/v1/cities/warm', payload: { enabled: true } });
    await waitFor(() => solver.starts.length >= before + 2, 5_000, 'two ticks after taking the city again');
    expect(solver.starts.slice(before, before + 2)).toEqual([false, true]);
    expect(solver.graphs.slice(before, before + 2)).toEqual([false, true]);
  });

  it('keeps one warm state per area shard: each shard starts from its own previous solve', async () => {
    const solver = new RecordingSolver();
    host = await startTestHost({}, { solver });
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/warm3', payload: { tick_ms: 50, shards: 3 } });
    // Two of the three areas (bands of AREA_BAND_DEG of longitude) hold couriers and orders, each with
    // an order too far for anyone so that every tick has something to solve in both.
    const east = <T extends { lng: number }>(p: T): T => ({ ...p, lng: p.lng + AREA_BAND_DEG });
    const far = (id: string) => ({ id, pickup: { lat: 42.5, lng: 2.17 }, dropoff: { lat: 42.5, lng: 2.2 } });
    const west = { couriers: couriers(3, 'w'), orders: [...orders(2, 'wo'), far('wfar')] };
    const eastern = {
      couriers: couriers(3, 'e').map(east),
      orders: [...orders(2, 'eo'), far('efar')].map((o) => ({ ...o, pickup: east(o.pickup), dropoff: east(o.dropoff) })),
    };
    await app.inject({ method: 'PUT', url: '/v1/cities/warm3/couriers', payload: { couriers: [...west.couriers, ...eastern.couriers] } });
    await app.inject({ method: 'POST', url: '/v1/cities/warm3/orders', payload: { orders: [...west.orders, ...eastern.orders] } });
    await waitFor(() => solver.starts.length >= 6, 5_000, 'three ticks of two shards');
    // Each tick solves the two shards that hold something: cold first, then each warm from its own.
    expect(solver.starts.slice(0, 6)).toEqual([false, false, true, true, true, true]);
    expect(solver.graphs.slice(0, 6)).toEqual([false, false, true, true, true, true]);
    expect(solver.known.slice(0, 6)).toEqual([false, false, true, true, true, true]);
    expect(host.loop.latest('warm3')?.warmStart).toBe(true);
  });
});
