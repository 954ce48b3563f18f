/**
 * SolverPool against the solver in this thread, and its failure paths: a timeout, an
 * abort, a wasm trap and a dying worker each fail their own task only, and the pool then
 * solves the next one correctly. The workers run the built dist/ (npm test builds first).
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInstance } from '../support/random-instance.js';
import { packProblem, unpackProblem } from '../../src/domain/packed-problem.js';
import type { Solution } from '../../src/domain/problem.js';
import { generateCity, type PresetName } from '../../src/sim/city.js';
import { loadSolver } from '../../src/solver/index.js';
import { SolveError } from '../../src/solver/solve-error.js';
import { SolverPool } from '../../src/solver/solver-pool.js';
import { edgesProblem } from '../support/problems.js';

const inThread = loadSolver();

/** Everything but the timings. */
function expectSameSolution(actual: Solution, expected: Solution): void {
  expect(actual.objective).toBe(expected.objective);
  expect(actual.orderCourier).toEqual(expected.orderCourier);
  expect(actual.orderCost).toEqual(expected.orderCost);
  expect(actual.orderDual).toEqual(expected.orderDual);
  expect(actual.courierDual).toEqual(expected.courierDual);
  const { edgeBuildMs, matchingMs, solveMs, ...counts } = actual.stats;
  const { edgeBuildMs: _b, matchingMs: _m, solveMs: _s, ...expectedCounts } = expected.stats;
  expect(counts).toEqual(expectedCounts);
}

async function expectSolveError(solving: Promise<unknown>, failure: SolveError['failure'], message: RegExp): Promise<void> {
  const error = await solving.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SolveError);
  expect((error as SolveError).failure).toBe(failure);
  expect((error as SolveError).message).toMatch(message);
}

const city = (preset: PresetName, maxCandidates: number, seed = 1) => generateCity({ preset, seed, maxCandidates }).problem;

describe('results through the pool', () => {
  let pool: SolverPool;
  beforeAll(async () => {
    pool = await SolverPool.start({ threads: 2 });
  });
  afterAll(() => pool.close());

  it.each([
    ['S', 0],
    ['S', 64],
    ['M', 0],
    ['M', 64],
  ] as const)('equal those in this thread on city %s, K = %i, duals included', async (preset, maxCandidates) => {
    const problem = city(preset, maxCandidates);
    expectSameSolution(await pool.solve(problem, { duals: true }), inThread.solve(problem, { duals: true }));
  });

  it('equal those in this thread on caller-given edges', async () => {
    const problem = randomInstance({ seed: 5, kind: 'edges', couriers: 60, orders: 40, density: 0.3, maxCost: 40_000 });
    expectSameSolution(await pool.solve(problem, { duals: true }), inThread.solve(problem, { duals: true }));
  });

  it('come back to each of many cities submitted at once, and leave the problems as they were', async () => {
    const problems = [1, 2, 3, 4, 5, 6].map((seed) => city('S', 0, seed));
    const copies = problems.map((problem) => ({ ...problem, courierLat: problem.courierLat.slice() }));
    const solutions = await Promise.all(problems.map((problem) => pool.solve(problem)));
    solutions.forEach((solution, i) => expectSameSolution(solution, inThread.solve(problems[i])));
    problems.forEach((problem, i) => expect(problem.courierLat).toEqual(copies[i].courierLat));
    expect(pool.stats()).toMatchObject({ threads: 2, queued: 0, pending: 0, failed: 0 });
  });

  it("count the workers' busy time: more than the solver's own time, less than the time the pool had", async () => {
    const before = pool.stats().busyMs;
    const started = performance.now();
    const solutions = await Promise.all([1, 2, 3, 4].map((seed) => pool.solve(city('M', 0, seed))));
    const elapsed = performance.now() - started;
    const busy = pool.stats().busyMs - before;
    expect(busy).toBeGreaterThanOrEqual(solutions.reduce((sum, s) => sum + s.stats.solveMs, 0));
    expect(busy).toBeLessThanOrEqual(pool.threads * elapsed);
  });
});

describe('a failed task', () => {
  // One worker: the task after a failure must be served by the worker that survived it
  // or by the one that replaced it.
  let pool: SolverPool;
  const next = city('S', 0, 2);
  const expected = inThread.solve(next);
  const slow = city('XL', 64); // over half a second to solve, far beyond the 100 ms of the tests below
  beforeAll(async () => {
    pool = await SolverPool.start({ threads: 1 });
  });
  afterAll(() => pool.close());

  it('times out with a clear error, and the next task succeeds', async () => {
    await expectSolveError(pool.solve(slow, { timeoutMs: 100 }), 'timeout', /^solve timed out after 100 ms$/);
    expectSameSolution(await pool.solve(next), expected);
  });

  it('is aborted by its signal, running or still queued, and the next task succeeds', async () => {
    const controller = new AbortController();
    const running = pool.solve(slow, { signal: controller.signal });
    const queued = pool.solve(slow, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('dispatch round cancelled')), 100);
    await expectSolveError(running, 'aborted', /^solve aborted: dispatch round cancelled$/);
    await expectSolveError(queued, 'aborted', /^solve aborted: dispatch round cancelled$/);
    expectSameSolution(await pool.solve(next), expected);
  });

  it('fails with the trap when the wasm solver traps, and the next task succeeds', async () => {
    // A real trap from corrupt content: a packed problem is trusted (packProblem checked it),
    // so an edge whose order index is changed afterwards reaches the solver, which stores
    // through it 1 GiB past its memory.
    const packed = packProblem(
      edgesProblem(2, 2, [
        [0, 0, 5],
        [1, 1, 7],
      ]),
    );
    const unpacked = unpackProblem(packed);
    if (unpacked.kind !== 'edges') throw new Error('edgesProblem packed as positions');
    unpacked.edgeOrder[0] = 1 << 28;
    await expectSolveError(pool.solve(packed), 'failed', /^solve failed: the wasm solver failed: RuntimeError: memory access out of bounds$/);
    expectSameSolution(await pool.solve(next), expected);
  });

  it('counts every failure', () => {
    expect(pool.stats()).toMatchObject({ threads: 1, pending: 0, solved: 3, failed: 4, workerErrors: 0 });
  });
});

describe('a worker that dies', () => {
  let pool: SolverPool;
  beforeAll(async () => {
    pool = await SolverPool.start({
      threads: 1,
      workerFile: fileURLToPath(new URL('./fixtures/mortal-solve-worker.mjs', import.meta.url)),
    });
  });
  afterAll(() => pool.close());

  it('fails its task, and is replaced by one that solves the next', async () => {
    const fatal = edgesProblem(7, 0, []); // the fixture's EXIT_ORDER_COUNT, no couriers
    await expectSolveError(pool.solve(fatal), 'failed', /^solve failed: worker exited with code: 3$/);
    const next = city('S', 0, 3);
    expectSameSolution(await pool.solve(next), inThread.solve(next));
  });
});

describe('SolverPool.start', () => {
  it('refuses a thread count that is not a positive integer', async () => {
    await expect(SolverPool.start({ threads: 0 })).rejects.toThrow('threads must be a positive integer, got 0');
  });

  it('fails, leaving no worker behind, when the workers cannot load their solver', async () => {
    await expect(
      SolverPool.start({ threads: 2, workerFile: fileURLToPath(new URL('./fixtures/unloadable-solve-worker.mjs', import.meta.url)) }),
    ).rejects.toThrow(/^solver workers failed to start: WebAssembly\.Instance\(\): Import #0 module="env" error/);
  });

  it('says when the worker is not built', async () => {
    await expect(SolverPool.start({ workerFile: '/nonexistent/solve-worker.js' })).rejects.toThrow(
      'solver worker not built: /nonexistent/solve-worker.js is missing (run npm run build)',
    );
  });
});
