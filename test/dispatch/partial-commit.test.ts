/**
 * Per-pickup commits through the host: an order cancelled while its city is being solved costs
 * the decision only that order's pickup; the rest is offered, logged and counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Problem, Solution } from '../../src/domain/problem.js';
import { InThreadSolver } from '../../src/dispatch/solver.js';
import type { Host } from '../../src/host/host.js';
import type { PoolSolveOptions } from '../../src/solver/solver-pool.js';
import { couriers, orders, startTestHost, waitFor } from '../http/support/host.js';

/** The in-thread solver, running `during` (once armed) before it answers: a change made mid-solve. */
class MidSolveChange extends InThreadSolver {
  during?: () => Promise<void>;
  override async solve(problem: Problem, options?: PoolSolveOptions): Promise<Solution> {
    const solution = await super.solve(problem, options);
    const during = this.during;
    this.during = undefined;
    await during?.();
    return solution;
  }
}

describe('a commit per pickup', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('commits the pickups still dispatchable when an order is cancelled mid-solve, and counts what it dropped', async () => {
    const solver = new MidSolveChange();
    host = await startTestHost({}, { solver });
    const app = host.app;
    // Ticks far apart: the cycle under test is the one POST /dispatch runs.
    await app.inject({ method: 'PUT', url: '/v1/cities/mid', payload: { tick_ms: 3_600_000 } });
    await app.inject({ method: 'PUT', url: '/v1/cities/mid/couriers', payload: { couriers: couriers(3) } });
    await app.inject({ method: 'POST', url: '/v1/cities/mid/orders', payload: { orders: orders(3) } });
    await waitFor(
      async () => (await app.inject('/v1/leases')).json().leases.some((l: { city: string; holder: unknown }) => l.city === 'mid' && l.holder),
      5_000,
      'the lease',
    );
    solver.during = async () => {
      expect((await app.inject({ method: 'POST', url: '/v1/cities/mid/orders/o2/cancel' })).statusCode).toBe(200);
    };
    const reply = await app.inject({ method: 'POST', url: '/v1/cities/mid/dispatch' });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body.committed).toBe(true);
    expect(body.assignments.map((a: { order: string }) => a.order).sort()).toEqual(['o1', 'o3']);
    expect(body.dropped).toEqual(['o2']);

    const [decision] = (await app.inject('/v1/cities/mid/decisions')).json().decisions;
    expect(decision.assignments.map((a: { order: string }) => a.order).sort()).toEqual(['o1', 'o3']);
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(/dispatchd_partial_commits_total\{city="mid"\} 1\b/);
    expect(metrics).toMatch(/dispatchd_dropped_orders_total\{city="mid"\} 1\b/);
  });
});
