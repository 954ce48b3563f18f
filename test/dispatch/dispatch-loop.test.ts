import { afterEach, describe, expect, it } from 'vitest';
import type { Problem, Solution } from '../../src/domain/problem.js';
import { InThreadSolver, type DispatchSolver } from '../../src/dispatch/solver.js';
import type { Host } from '../../src/host/host.js';
import type { PoolSolveOptions } from '../../src/solver/solver-pool.js';
import { couriers, orders, startTestHost, waitFor } from '../http/support/host.js';

/** The in-thread solver behind a delay, counting how many solves overlap. */
class SlowSolver extends InThreadSolver {
  running = 0;
  maxRunning = 0;
  solves = 0;
  constructor(private readonly delayMs: number) {
    super();
  }
  override async solve(problem: Problem, options?: PoolSolveOptions): Promise<Solution> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await new Promise((r) => setTimeout(r, this.delayMs));
      this.solves++;
      return await super.solve(problem, options);
    } finally {
      this.running--;
    }
  }
}

describe('DispatchLoop', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('skips a tick that finds the previous one running, never queues, and HTTP stays responsive', async () => {
    const solver = new SlowSolver(800);
    host = await startTestHost({}, { solver });
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/slow', payload: { tick_ms: 50 } });
    await app.inject({ method: 'PUT', url: '/v1/cities/slow/couriers', payload: { couriers: couriers(3) } });
    // Two orders to assign, and one too far for anyone: every cycle has something to solve.
    const far = { id: 'far', pickup: { lat: 42.5, lng: 2.17 }, dropoff: { lat: 42.5, lng: 2.2 } };
    await app.inject({ method: 'POST', url: '/v1/cities/slow/orders', payload: { orders: [...orders(2), far] } });
    await waitFor(() => solver.running > 0, 5_000, 'a first tick');
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/v1/leases')).json().leases[0].holder).not.toBeNull();
    expect(solver.running).toBe(1); // answered while the solve was still running
    await waitFor(() => solver.solves >= 2, 5_000, 'two cycles');
    expect(solver.maxRunning).toBe(1);
    const metrics = (await app.inject('/metrics')).body;
    const skipped = Number(/dispatchd_ticks_skipped_total\{city="slow"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    expect(skipped).toBeGreaterThan(2);
    // The first cycle committed, the later ones found nothing new to assign.
    expect((await app.inject('/v1/cities/slow/decisions')).json().decisions).toHaveLength(1);
  });

  it('shutdown abandons a cycle that outlives the grace period: its solve is aborted, nothing commits', async () => {
    let aborted = false;
    const hanging: DispatchSolver = {
      solve: (_problem, options) =>
        new Promise<Solution>((_, reject) => {
          options?.signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
      stats: () => new InThreadSolver().stats(),
      close: async () => {},
    };
    host = await startTestHost({ shutdownGraceMs: 200 }, { solver: hanging });
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/stuck', payload: { tick_ms: 50 } });
    await app.inject({ method: 'PUT', url: '/v1/cities/stuck/couriers', payload: { couriers: couriers(2) } });
    await app.inject({ method: 'POST', url: '/v1/cities/stuck/orders', payload: { orders: orders(2) } });
    await waitFor(() => host!.loop.cities().includes('stuck'), 5_000, 'the loop to take stuck');
    await new Promise((r) => setTimeout(r, 150)); // a cycle is now waiting on the solver
    const stores = host.stores;
    // The solver never answers unless aborted: close() returning at all means it did not wait for it.
    await host.close();
    host = undefined;
    expect(aborted).toBe(true);
    expect(await stores.decisions.lastVersion('stuck')).toBe(0);
    const census = await stores.leases.census(60_000);
    expect(census.leases.find((l) => l.city === 'stuck')).toMatchObject({ holder: null, token: 2 });
  });

  it('stops dispatching a city once it is disabled (the keeper releases it)', async () => {
    host = await startTestHost({ renewIntervalMs: 100, leaseTtlMs: 1_000 }, { solver: new InThreadSolver() });
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/off', payload: { tick_ms: 50 } });
    await waitFor(() => host!.loop.cities().includes('off'), 5_000, 'the loop to take off');
    await app.inject({ method: 'PUT', url: '/v1/cities/off', payload: { enabled: false } });
    await waitFor(() => !host!.loop.cities().includes('off'), 5_000, 'the loop to drop off');
    const refused = await app.inject({ method: 'POST', url: '/v1/cities/off/dispatch' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual({ error: 'city off is disabled', code: 'city_disabled' });
  });
});
