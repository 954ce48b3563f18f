/**
 * Two solver figures of issue 15, measured as a user meets them:
 *
 *  1. the first solve of a fresh host process's pool against its warm solves (M city, 2 threads,
 *     each run a child process of its own, so nothing is compiled or warm beforehand);
 *  2. the edge build of an M city as generated, and of the same city with every order at one of
 *     100 restaurants (orders grouped by pickup point share one grid scan: docs/solver.md).
 *
 *   npm run build && node dist/bench/solver-warmup.js [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PositionsProblem } from '../src/domain/problem.js';
import { generateCity } from '../src/sim/city.js';
import { SolverPool } from '../src/solver/solver-pool.js';
import { WasmSolver } from '../src/solver/wasm-solver.js';
import { crowdedAtRestaurants } from '../src/sim/city-shapes.js';

const SOLVES = 8;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, child: { type: 'boolean' } } });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

if (values.child) {
  // One fresh pool: its first solve, then the median of the warm ones, as JSON on stdout.
  const { problem } = generateCity({ preset: 'M', seed: 3 });
  const pool = await SolverPool.start({ threads: 2 });
  const times: number[] = [];
  for (let i = 0; i < SOLVES; i++) {
    const started = performance.now();
    await pool.solve(problem);
    times.push(performance.now() - started);
  }
  await pool.close();
  process.stdout.write(JSON.stringify({ first: times[0], warm: median(times.slice(2)) }));
} else {
  const self = fileURLToPath(import.meta.url);
  const runs = Array.from(
    { length: Number(values.runs) },
    () => JSON.parse(execFileSync(process.execPath, [self, '--child'], { encoding: 'utf8' })) as { first: number; warm: number },
  );
  for (const r of runs) process.stdout.write(`first solve ${r.first.toFixed(1)} ms, warm ${r.warm.toFixed(1)} ms: ${(r.first / r.warm).toFixed(2)}×\n`);

  const { problem } = generateCity({ preset: 'M', seed: 3 });
  const crowded = crowdedAtRestaurants(problem, 100);
  const solver = new WasmSolver();
  const edgeBuild = (p: PositionsProblem) => median(Array.from({ length: 7 }, () => solver.solve(p).stats.edgeBuildMs));
  edgeBuild(problem); // warm
  process.stdout.write(
    `edge build, M city: ${edgeBuild(problem).toFixed(1)} ms; every order at one of 100 restaurants: ${edgeBuild(crowded).toFixed(1)} ms (load ${loadavg()[0].toFixed(1)})\n`,
  );
}
