/**
 * The certificate travels with the decision: every dispatch solve is checked by its dual
 * certificate before anything is committed, and a solve whose certificate does not check is not
 * offered to anyone (docs/host.md, "The certificate travels with the decision").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { edgesByOrder, type CertifiedEdges } from '../../src/domain/certificate.js';
import { DEFAULT_PARAMS, type Problem, type Solution } from '../../src/domain/problem.js';
import { InThreadSolver } from '../../src/dispatch/solver.js';
import type { Host } from '../../src/host/host.js';
import { generateCity } from '../../src/sim/city.js';
import { certificateOf } from '../../src/solver/certified-solve.js';
import { WasmSolver, toDeciseconds, type SolveOptions } from '../../src/solver/wasm-solver.js';
import { assertValidDecision } from '../../src/state/decision.js';
import { couriers, orders, startTestHost, waitFor } from '../http/support/host.js';

describe('certificateOf', () => {
  const { problem } = generateCity({ preset: 'S', seed: 7 });
  const penalty = toDeciseconds(problem.params.unassignedPenaltyS);
  const solver = new WasmSolver();
  /** A solve and the graph it kept, read in place as the worker reads it. */
  const solve = () => {
    const solution = solver.solve(problem, { duals: true, candidates: true });
    return { solution, graph: solver.keptGraph() };
  };
  const assignedOrder = (s: Solution) => s.orderCourier.findIndex((c) => c >= 0);
  /** The edges of a by-order graph as sorted "order courier cost" lines. */
  const edgeLines = ({ rowStart, rowEnd, courierCost }: CertifiedEdges) =>
    Array.from(rowStart, (start, o) =>
      Array.from({ length: rowEnd[o] - start }, (_, k) => `${o} ${courierCost[2 * (start + k)]} ${courierCost[2 * (start + k) + 1]}`),
    )
      .flat()
      .sort();

  it('checks the solver’s answer over the graph it kept', () => {
    const { solution, graph } = solve();
    expect(certificateOf(solution, penalty, graph)).toEqual({ certificate: 'checked' });
  });

  it('reads in place the same graph the solver writes out', () => {
    const { solution, graph } = solve();
    const written = edgesByOrder(problem.orderCount, solution.candidates!);
    expect(graph.courierCost.length).toBeGreaterThanOrEqual(2 * solution.stats.edgesKept);
    expect(edgeLines(graph)).toEqual(edgeLines(written));
  });

  it.each<[string, (s: Solution, graph: CertifiedEdges) => void, RegExp]>([
    ['an order dual raised above its edge', (s) => (s.orderDual![assignedOrder(s)] += 5), /reduced cost|not tight|duals sum/],
    ['a courier dual made positive', (s) => (s.courierDual![s.orderCourier[assignedOrder(s)]] = 1), /courierDual/],
    [
      'an assigned order dropped (the objective still claims it)',
      (s) => {
        const o = assignedOrder(s);
        s.orderCourier[o] = -1;
        s.orderCost[o] = 0;
      },
      /objective/,
    ],
    [
      'the assigned edge missing from the graph',
      (s, graph) => {
        const o = assignedOrder(s);
        graph.rowEnd[o] = graph.rowStart[o];
      },
      /not a candidate edge/,
    ],
    ['no duals', (s) => ((s.orderDual = undefined), (s.courierDual = undefined)), /no duals/],
  ])('fails on %s', (_, corrupt, message) => {
    const { solution, graph } = solve();
    corrupt(solution, graph);
    const checked = certificateOf(solution, penalty, graph);
    expect(checked.certificate).toBe('failed');
    expect(checked.certificateError).toMatch(message);
  });
});

describe('the stores', () => {
  it('refuse a decision whose certificate failed, as any other invalid decision', () => {
    const decision = { city: 'bcn', token: 1, holder: 'h/b', assignments: [{ order: 'o1', courier: 'c1' }] };
    expect(() => assertValidDecision({ ...decision, audit: { objective: 10, certificate: 'checked' } })).not.toThrow();
    expect(() => assertValidDecision({ ...decision, audit: { objective: 10, certificate: 'failed' } })).toThrow(/certificate failed/);
    expect(() => assertValidDecision({ ...decision, audit: { objective: -1, certificate: 'none' } })).toThrow(/objective/);
  });
});

/** The wasm solver whose duals are off by one decisecond for the first order: a wrong certificate, checked after it. */
class CorruptDuals extends WasmSolver {
  override solve(problem: Problem, options?: SolveOptions): Solution {
    const solution = super.solve(problem, options);
    if (solution.orderDual) solution.orderDual[0] += 1;
    return solution;
  }
}

describe('a dispatch whose certificate fails', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it.each([
    ['orders', 1],
    ['pickups', 3],
  ])('commits nothing, says why and counts it (%s)', async (_, maxBundleSize) => {
    host = await startTestHost({}, { solver: new InThreadSolver(new CorruptDuals()) });
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/bad', payload: { tick_ms: 3_600_000, bundling: { max_bundle_size: maxBundleSize } } });
    await app.inject({ method: 'PUT', url: '/v1/cities/bad/couriers', payload: { couriers: couriers(3) } });
    await app.inject({ method: 'POST', url: '/v1/cities/bad/orders', payload: { orders: orders(3) } });
    await waitFor(() => host!.keeper.lease('bad'), 5_000, 'the lease of bad');

    const reply = (await app.inject({ method: 'POST', url: '/v1/cities/bad/dispatch' })).json();
    expect(reply).toMatchObject({ committed: false, durable: false, reason: 'certificate_failed', certificate: 'failed', version: 0 });
    const page = (await app.inject('/v1/cities/bad/decisions')).json();
    expect(page).toMatchObject({ durable_version: 0, committed_version: 0, decisions: [] });
    // The orders are still pending: no offer went out.
    expect((await host.stores.state.readSnapshot('bad', DEFAULT_PARAMS)).orderIds).toEqual(['o1', 'o2', 'o3']);
    expect((await app.inject('/metrics')).body).toMatch(/dispatchd_certificate_failures_total\{city="bad"\} 1\b/);
  });
});
