/**
 * Warm start across ticks (src/solver/warm-start.ts, assembly/assignment.ts): a city solved cold,
 * then its next tick (a few percent of its orders and couriers moved, added and removed) solved
 * warm from the first solve and cold. Both must reach the same optimum, and the warm one's dual
 * certificate must check against the independent oracle's edges. Warm data that is stale or
 * nonsense must still end in the optimum: it only changes where the solve starts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PositionsProblem, Solution } from '../../src/domain/problem.js';
import { CITY_SHAPES, shapedCity } from '../../src/sim/city-shapes.js';
import type { CityPreset } from '../../src/sim/city.js';
import { nextTick, type CityTick } from '../../src/sim/tick-changes.js';
import { loadSolver } from '../../src/solver/index.js';
import { SolverPool } from '../../src/solver/solver-pool.js';
import { NO_WARM_STATE, WAS_UNASSIGNED, previousSolveOf, warmStartFor, type WarmStart } from '../../src/solver/warm-start.js';
import { candidateEdges, checkSolution } from '../support/reference.js';

/** Small enough for the oracle's edges, crowded enough for crowds: 200 orders at 5 restaurant districts. */
const SMALL: CityPreset = { couriers: 300, orders: 200, radiusM: 3_000, hotspots: 5 };

const solver = loadSolver();

function tickOf(problem: PositionsProblem): CityTick {
  return {
    problem,
    orderIds: Array.from({ length: problem.orderCount }, (_, o) => `o${o}`),
    courierIds: Array.from({ length: problem.courierCount }, (_, c) => `c${c}`),
  };
}

function warmFrom(tick: CityTick, solution: Solution, next: CityTick): WarmStart {
  const previous = previousSolveOf(tick, solution);
  if (previous === undefined) throw new Error('the solve returned no duals');
  return warmStartFor(previous, next.orderIds, next.courierIds);
}

/** Solves `problem` warm and cold; checks both and returns the warm solution. */
function expectWarmEqualsCold(problem: PositionsProblem, warm: WarmStart): Solution {
  const edges = candidateEdges(problem);
  const cold = solver.solve(problem, { duals: true });
  const warmed = solver.solve(problem, { duals: true, warm });
  checkSolution(problem, cold, edges);
  checkSolution(problem, warmed, edges);
  expect(warmed.objective).toBe(cold.objective);
  expect(warmed.stats.warmStart).toBe(true);
  expect(cold.stats.warmStart).toBe(false);
  return warmed;
}

describe('warm start across ticks', () => {
  describe.each(CITY_SHAPES)('%s cities', (shape) => {
    it.each([0, 0.01, 0.02, 0.05, 0.2])('a tick with %f of its orders and couriers changed: the same optimum, certified', (share) => {
      for (let seed = 1; seed <= 4; seed++) {
        const tick = tickOf(shapedCity(shape, SMALL, seed));
        const next = nextTick(tick, share, seed);
        const first = solver.solve(tick.problem, { duals: true });
        const warmed = expectWarmEqualsCold(next.problem, warmFrom(tick, first, next));
        // Only the changes' rows bid: none when nothing changed (how many otherwise is the benchmark's figure).
        if (share === 0) expect(warmed.stats.rowsToPlace).toBe(0);
      }
    });
  });

  it('tick after tick, each warm from the one before', () => {
    let tick = tickOf(shapedCity('hotspot', SMALL, 7));
    let solution = solver.solve(tick.problem, { duals: true });
    for (let step = 1; step <= 6; step++) {
      const next = nextTick(tick, 0.03, 100 + step);
      solution = expectWarmEqualsCold(next.problem, warmFrom(tick, solution, next));
      tick = next;
    }
  });

  it('maps by id: new orders and couriers start cold, vanished ones are dropped, unassigned stays unassigned', () => {
    const previous = { orderIds: ['a', 'b', 'c'], courierIds: ['x', 'y'], orderCourier: [1, -1, 0], courierDual: [-7, -3] };
    const warm = warmStartFor(previous, ['c', 'new', 'b', 'a'], ['y', 'z']);
    // c held x, which vanished; a held y, now courier 0.
    expect(Array.from(warm.orderCourier)).toEqual([NO_WARM_STATE, NO_WARM_STATE, WAS_UNASSIGNED, 0]);
    expect(Array.from(warm.courierDual)).toEqual([-3, 0]);
  });

  it('any warm start, however wrong, ends in the optimum', () => {
    const problems = [1, 2, 3].map((seed) =>
      shapedCity(CITY_SHAPES[seed % CITY_SHAPES.length], { couriers: 60, orders: 50, radiusM: 2_000, hotspots: 3 }, seed),
    );
    const edges = problems.map((p) => candidateEdges(p));
    const optima = problems.map((p) => solver.solve(p).objective);
    const arbitrary = fc.record({
      which: fc.integer({ min: 0, max: problems.length - 1 }),
      orderCourier: fc.array(fc.integer({ min: -3, max: 70 }), { minLength: 50, maxLength: 50 }),
      courierDual: fc.array(fc.oneof(fc.integer({ min: -40_000, max: 10 }), fc.constantFrom(0, -2_147_483_648, 2_147_483_647)), {
        minLength: 60,
        maxLength: 60,
      }),
    });
    fc.assert(
      fc.property(arbitrary, ({ which, orderCourier, courierDual }) => {
        const problem = problems[which];
        const warmed = solver.solve(problem, { duals: true, warm: { orderCourier: Int32Array.from(orderCourier), courierDual: Int32Array.from(courierDual) } });
        checkSolution(problem, warmed, edges[which]);
        expect(warmed.objective).toBe(optima[which]);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a warm start sized for another problem', () => {
    const problem = shapedCity('normal', SMALL, 1);
    const warm = { orderCourier: new Int32Array(problem.orderCount + 1), courierDual: new Int32Array(problem.courierCount) };
    expect(() => solver.solve(problem, { warm })).toThrow(RangeError);
  });

  describe("the previous tick's graph, reused", () => {
    /** The kept graph as sorted "order courier cost" lines: equal graphs, equal lines. */
    const edgeLines = (solution: Solution) => {
      const { order, courier, cost } = solution.candidates!;
      return Array.from(order, (o, i) => `${o} ${courier[i]} ${cost[i]}`).sort();
    };

    /** Solves `next` cold and warm from `first` with its graph: the same graph, counts and optimum, certified. */
    function expectReusedGraph(tick: CityTick, first: Solution, next: CityTick): Solution {
      const warm = warmFrom(tick, first, next);
      expect(warm.graph).toBeDefined();
      const cold = solver.solve(next.problem, { duals: true, candidates: true });
      const warmed = solver.solve(next.problem, { duals: true, candidates: true, warm, warmGraph: true });
      expect(edgeLines(warmed)).toEqual(edgeLines(cold));
      expect(warmed.stats.edges).toBe(cold.stats.edges);
      expect(warmed.stats.edgesKept).toBe(cold.stats.edgesKept);
      expect(warmed.objective).toBe(cold.objective);
      checkSolution(next.problem, warmed, candidateEdges(next.problem));
      return warmed;
    }

    describe.each(CITY_SHAPES)('%s cities', (shape) => {
      it.each([0, 0.01, 0.05, 0.2])('%f changed: the cold build’s edges', (share) => {
        for (let seed = 1; seed <= 3; seed++) {
          const tick = tickOf(shapedCity(shape, SMALL, seed));
          const next = nextTick(tick, share, seed);
          const warmed = expectReusedGraph(tick, solver.solve(tick.problem, { duals: true, warmGraph: true }), next);
          if (share <= 0.05) expect(warmed.stats.edgesReused).toBeGreaterThan(0.8 * warmed.stats.edgesKept);
        }
      });
    });

    it('tick after tick, with edges costing more than the penalty counted', () => {
      const problem = shapedCity('hotspot', SMALL, 5);
      // A penalty below many prices: rows keep fewer edges than they have eligible pairs.
      let tick = tickOf({ ...problem, params: { ...problem.params, unassignedPenaltyS: 1_500 } });
      let solution = solver.solve(tick.problem, { duals: true, warmGraph: true });
      expect(solution.stats.edges).toBeGreaterThan(solution.stats.edgesKept);
      for (let step = 1; step <= 5; step++) {
        const next = nextTick(tick, 0.03, 200 + step);
        solution = expectReusedGraph(tick, solution, next);
        expect(solution.stats.edgesReused).toBeGreaterThan(0);
        tick = next;
      }
    });

    it('a handed-over block takes the next graph; each tick reads only its own bytes of it', () => {
      let tick = tickOf(shapedCity('normal', SMALL, 8));
      let solution = solver.solve(tick.problem, { duals: true, warmGraph: true });
      for (const [step, share] of [0.02, 0.05, 0.01, 0.03].entries()) {
        const next = nextTick(tick, share, 300 + step);
        const warm = warmFrom(tick, solution, next);
        // Room to spare, its tail stale bytes: the graph is read by its header, not the buffer's length.
        const roomy = new Uint8Array(warm.graph!.block.byteLength * 1.5).fill(0xa5);
        roomy.set(new Uint8Array(warm.graph!.block));
        const handed = { ...warm, graph: { ...warm.graph!, block: roomy.buffer, handedOver: true } };
        const cold = solver.solve(next.problem, { duals: true, candidates: true });
        const warmed = solver.solve(next.problem, { duals: true, candidates: true, warm: handed, warmGraph: true });
        expect(edgeLines(warmed)).toEqual(edgeLines(cold));
        expect(warmed.objective).toBe(cold.objective);
        expect(warmed.stats.edgesReused).toBeGreaterThan(0.8 * warmed.stats.edgesKept);
        expect(warmed.warmGraph).toBe(roomy.buffer);
        solution = warmed;
        tick = next;
      }
    });

    it('a block cut short is not read: the build is cold, the next graph in a buffer of its own', () => {
      const tick = tickOf(shapedCity('normal', SMALL, 9));
      const next = nextTick(tick, 0.02, 9);
      const warm = warmFrom(tick, solver.solve(tick.problem, { duals: true, warmGraph: true }), next);
      // The header's byte length without the keys (f64 3) and its count of keys (f64 2).
      const header = new Float64Array(warm.graph!.block, 0, 4);
      const short = warm.graph!.block.slice(0, header[3] + 8 * header[2] - 8);
      const warmed = solver.solve(next.problem, { duals: true, warm: { ...warm, graph: { ...warm.graph!, block: short, handedOver: true } }, warmGraph: true });
      expect(warmed.stats.edgesReused).toBe(0);
      expect(warmed.objective).toBe(solver.solve(next.problem).objective);
      expect(warmed.warmGraph).not.toBe(short);
    });

    it('ready times shifted in the past reuse the rows; a courier free in the past rebuilds them', () => {
      const tick = tickOf(shapedCity('normal', SMALL, 2));
      const readyInPast = { ...tick.problem, orderReadyInS: tick.problem.orderReadyInS.map((r) => -1 - Math.abs(r)) };
      const past = { ...tick, problem: readyInPast };
      const first = solver.solve(readyInPast, { duals: true, warmGraph: true });
      const later = { ...past, problem: { ...readyInPast, orderReadyInS: readyInPast.orderReadyInS.map((r) => r - 7.3) } };
      expect(expectReusedGraph(past, first, later).stats.edgesReused).toBe(first.stats.edgesKept);
      // With a courier free 50 s ago kept, an order ready 7.3 s earlier may cost it differently.
      const freeInPast = { ...readyInPast, courierFreeInS: readyInPast.courierFreeInS.map((f, c) => (c === 0 ? -50 : f)) };
      const firstFree = solver.solve(freeInPast, { duals: true, warmGraph: true });
      const laterFree = { ...past, problem: { ...freeInPast, orderReadyInS: later.problem.orderReadyInS } };
      expect(expectReusedGraph({ ...past, problem: freeInPast }, firstFree, laterFree).stats.edgesReused).toBe(0);
    });

    it('orders with excluded pairs, then or now, are built in full', () => {
      const tick = tickOf(shapedCity('hotspot', SMALL, 4));
      const excludedThen = { order: Int32Array.of(0, 0, 5), courier: Int32Array.of(1, 2, 3) };
      const then = { ...tick, problem: { ...tick.problem, excluded: excludedThen } };
      const first = solver.solve(then.problem, { duals: true, warmGraph: true });
      const next = nextTick(tick, 0.01, 4);
      const excludedNow = { order: Int32Array.of(7, 9), courier: Int32Array.of(4, 4) };
      expectReusedGraph(then, first, { ...next, problem: { ...next.problem, excluded: excludedNow } });
    });

    it('is not written with K > 0, nor reused for a problem with other parameters', () => {
      const tick = tickOf(shapedCity('normal', SMALL, 6));
      const bounded = { ...tick.problem, params: { ...tick.problem.params, maxCandidates: 4 } };
      expect(solver.solve(bounded, { duals: true, warmGraph: true }).warmGraph).toBeUndefined();
      const first = solver.solve(tick.problem, { duals: true, warmGraph: true });
      const warm = warmFrom(tick, first, tick);
      for (const params of [{ maxCandidates: 4 }, { handoverS: 121 }]) {
        const problem = { ...tick.problem, params: { ...tick.problem.params, ...params } };
        const warmed = solver.solve(problem, { duals: true, warm });
        expect(warmed.stats.edgesReused).toBe(0);
        expect(warmed.objective).toBe(solver.solve(problem).objective);
      }
    });
  });

  it('travels with the solve task to a pool worker, with its graph, and the next one comes back', async () => {
    const tick = tickOf(shapedCity('normal', SMALL, 3));
    const next = nextTick(tick, 0.02, 3);
    const warm = warmFrom(tick, solver.solve(tick.problem, { duals: true, warmGraph: true }), next);
    const pool = await SolverPool.start({ threads: 1 });
    try {
      const warmed = await pool.solve(next.problem, { warm, certify: true, duals: true, warmGraph: true });
      expect(warmed.stats.warmStart).toBe(true);
      expect(warmed.stats.edgesReused).toBeGreaterThan(0.8 * warmed.stats.edgesKept);
      // Transferred to the worker: a second warm start from it builds cold, as after a failed solve.
      expect(warm.graph!.block.byteLength).toBe(0);
      expect(warmed.warmGraph!.byteLength).toBeGreaterThan(0);
      const third = nextTick(next, 0.02, 4);
      const again = await pool.solve(third.problem, { warm: warmFrom(next, warmed, third), certify: true });
      expect(again.stats.edgesReused).toBeGreaterThan(0);
      expect(again.certificate).toEqual({ certificate: 'checked' });
      expect(warmed.certificate).toEqual({ certificate: 'checked' });
      expect(warmed.objective).toBe(solver.solve(next.problem).objective);
    } finally {
      await pool.close();
    }
  });
});
