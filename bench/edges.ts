/**
 * The edge build against its scalar C floor (issue 15): per city (the shapes of
 * src/sim/city-shapes.ts, sizes M, L, XL, seed 1), dispatchd's edge build with K = 0, 4, 16
 * and 64, and bench/peers/pricing_floor.c pricing the same pairs (dispatchd's eligible pairs, K = 0) by the
 * same formula with nothing to find; with K > 0, the pairs the build priced. The C program
 * is compiled here with `gcc -O3 -fno-tree-vectorize` (scalar: no SIMD, and no -march=native, so
 * no FMA); its costs must sum to dispatchd's or the bench throws. Each run times one C pricing
 * (best of 3 inside the process) and one build per K in turn, so they share the machine's noise;
 * figures are medians of the runs. ns per pair: build time ÷ eligible pairs (K = 0).
 * `npm run bench -- --only edges`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PositionsProblem } from '../src/domain/problem.js';
import { packageRoot } from '../src/package-root.js';
import type { PresetName } from '../src/sim/city.js';
import { CITY_SHAPES, shapedCity, type CityShape } from '../src/sim/city-shapes.js';
import { compileSolverEagerly } from '../src/solver/wasm-module.js';
import { WasmSolver } from '../src/solver/wasm-solver.js';
import { machineInfo, solverBuild, type RunStamp } from './results.js';
import { markdownTable, runsOfRows, runStampLine, terminalTable } from './tables.js';

/** The sizes measured, with the runs of each. */
const RUNS = { M: 9, L: 7, XL: 5 } as const;
type EdgeSize = keyof typeof RUNS;
const EDGE_SIZES = Object.keys(RUNS) as EdgeSize[];
const SEED = 1;
/** max_candidates measured besides 0: one the ring bound serves (positions.ts), two the arrival buckets serve. */
const LIMITS = [4, 16, 64] as const;
/** Repeats of the pricing inside one C process; it reports the best. */
const FLOOR_REPEATS = 3;
const FLOOR_SOURCE = join(packageRoot(), 'bench', 'peers', 'pricing_floor.c');
const FLOOR_BINARY = join(packageRoot(), 'build', 'peers', 'pricing_floor');
export const FLOOR_FLAGS = ['-O3', '-fno-tree-vectorize'];

export interface EdgeRow {
  shape: CityShape;
  size: EdgeSize;
  couriers: number;
  orders: number;
  /** Eligible pairs (candidate edges with K = 0). */
  eligible: number;
  /** Pairs the build priced with K = 0 and each of LIMITS. */
  pricedK0: number;
  pricedK: number[];
  runs: number;
  /** 1-minute load average before and after the row's runs. */
  load: [number, number];
  run: RunStamp;
  /** Median edge build ms with K = 0 and each of LIMITS. */
  buildMsK0: number;
  buildMsK: number[];
  /** The C floor's median ns per pair; absent without gcc. */
  floorNsPerPair?: number;
}

export interface EdgeResults {
  rows: EdgeRow[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export function runEdgeBenchmark(sizes: readonly PresetName[], progress: (line: string) => void): EdgeRow[] {
  const run: RunStamp = { date: new Date().toISOString(), machine: machineInfo(), solver: solverBuild(), seed: SEED };
  const floor = floorBinary();
  if (!floor.ok) progress(`C pricing floor skipped: ${floor.reason}`);
  compileSolverEagerly();
  const solver = new WasmSolver();
  const dir = mkdtempSync(join(tmpdir(), 'dispatchd-edges-'));
  const rows: EdgeRow[] = [];
  try {
    for (const size of EDGE_SIZES.filter((s) => sizes.includes(s))) {
      for (const shape of CITY_SHAPES) {
        progress(`edges ${shape} ${size}…`);
        const problem = shapedCity(shape, size, SEED, { maxCandidates: 0 });
        const limited = LIMITS.map((maxCandidates) => ({ ...problem, params: { ...problem.params, maxCandidates } }));
        const load = loadavg()[0];
        const pairFile = join(dir, `${shape}-${size}.bin`);
        const kept = writePairFile(pairFile, problem, solver);
        const eligible = solver.solve(problem).stats.edges; // also warms the instance
        const runs = RUNS[size];
        const buildK0: number[] = [];
        const buildK = LIMITS.map((): number[] => []);
        const floorNs: number[] = [];
        let pricedK0 = 0;
        const pricedK = LIMITS.map(() => 0);
        for (let i = 0; i < runs; i++) {
          if (floor.ok) floorNs.push(runFloor(pairFile, kept, `${shape} ${size}`));
          const unbounded = solver.solve(problem).stats;
          buildK0.push(unbounded.edgeBuildMs);
          pricedK0 = unbounded.pairsPriced;
          limited.forEach((p, j) => {
            const withK = solver.solve(p).stats;
            buildK[j].push(withK.edgeBuildMs);
            pricedK[j] = withK.pairsPriced;
          });
        }
        rows.push({
          shape,
          size,
          couriers: problem.courierCount,
          orders: problem.orderCount,
          eligible,
          pricedK0,
          pricedK,
          runs,
          load: [load, loadavg()[0]],
          run,
          buildMsK0: median(buildK0),
          buildMsK: buildK.map(median),
          ...(floor.ok ? { floorNsPerPair: median(floorNs) } : {}),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The kept edges of `problem` (K = 0) with its columns, as pricing_floor.c reads them; returns their count and cost sum. */
function writePairFile(path: string, problem: PositionsProblem, solver: WasmSolver): { pairs: number; costSum: number } {
  const graph = solver.candidates(problem);
  const p = problem.params;
  const head = Int32Array.of(problem.courierCount, problem.orderCount, graph.order.length, 0);
  const columns = [
    Float64Array.of(p.maxPickupS, p.detourFactor, p.waitWeight, p.handoverS),
    problem.courierLat,
    problem.courierLng,
    problem.courierSpeedMps,
    problem.courierFreeInS,
    problem.orderPickupLat,
    problem.orderPickupLng,
    problem.orderDropoffLat,
    problem.orderDropoffLng,
    problem.orderReadyInS,
    graph.order,
    graph.courier,
  ];
  writeFileSync(path, Buffer.concat([head, ...columns].map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength))));
  return { pairs: graph.order.length, costSum: graph.cost.reduce((sum, cost) => sum + cost, 0) };
}

/** One C pricing of the pair file: its best ns per pair, after checking it priced as dispatchd did. */
function runFloor(pairFile: string, kept: { pairs: number; costSum: number }, what: string): number {
  const out = JSON.parse(execFileSync(FLOOR_BINARY, [pairFile, String(FLOOR_REPEATS)], { encoding: 'utf8' })) as {
    ns_per_pair: number;
    eligible: number;
    cost_sum: number;
  };
  if (out.eligible !== kept.pairs || out.cost_sum !== kept.costSum) {
    throw new Error(`C floor on ${what}: ${out.eligible} pairs costing ${out.cost_sum} ds, dispatchd ${kept.pairs} costing ${kept.costSum}: they disagree`);
  }
  return out.ns_per_pair;
}

/** build/peers/pricing_floor, compiled when missing or older than its source. */
function floorBinary(): { ok: true } | { ok: false; reason: string } {
  if (existsSync(FLOOR_BINARY) && statSync(FLOOR_BINARY).mtimeMs >= statSync(FLOOR_SOURCE).mtimeMs) return { ok: true };
  mkdirSync(dirname(FLOOR_BINARY), { recursive: true });
  const compile = spawnSync('gcc', [...FLOOR_FLAGS, '-o', FLOOR_BINARY, FLOOR_SOURCE, '-lm'], { encoding: 'utf8' });
  if (compile.error) return { ok: false, reason: 'gcc not installed' };
  if (compile.status !== 0) throw new Error(`compiling ${FLOOR_SOURCE} failed:\n${compile.stderr}`);
  return { ok: true };
}

/** `previous` with each fresh (shape, size) row in place of the old one (or added), size then shape order. */
export function mergeEdgeRows(previous: readonly EdgeRow[], fresh: readonly EdgeRow[]): EdgeRow[] {
  const key = (row: EdgeRow) => `${row.shape}/${row.size}`;
  const rows = new Map(previous.map((row) => [key(row), row]));
  for (const row of fresh) rows.set(key(row), row);
  return [...rows.values()].sort(
    (a, b) => EDGE_SIZES.indexOf(a.size) - EDGE_SIZES.indexOf(b.size) || CITY_SHAPES.indexOf(a.shape) - CITY_SHAPES.indexOf(b.shape),
  );
}

const COLUMNS = [
  'shape',
  'size',
  'eligible pairs',
  'build ms K=0',
  'ns / pair',
  'C floor ns / pair',
  '× C floor',
  ...LIMITS.flatMap((k) => [`build ms K=${k}`, `priced / eligible K=${k}`]),
  'load',
];

function cells(row: EdgeRow): string[] {
  const nsPerPair = (row.buildMsK0 * 1e6) / row.eligible;
  return [
    row.shape,
    row.size,
    row.eligible.toLocaleString('en'),
    row.buildMsK0.toFixed(1),
    nsPerPair.toFixed(1),
    row.floorNsPerPair === undefined ? 'no gcc' : row.floorNsPerPair.toFixed(1),
    row.floorNsPerPair === undefined ? '' : `${(nsPerPair / row.floorNsPerPair).toFixed(2)}×`,
    ...LIMITS.flatMap((_, j) => [
      row.buildMsK[j].toFixed(1),
      `${row.pricedK[j].toLocaleString('en')} (${((100 * row.pricedK[j]) / row.eligible).toFixed(0)} %)`,
    ]),
    row.load.map((l) => l.toFixed(1)).join(' → '),
  ];
}

export function formatEdgesTable(rows: readonly EdgeRow[]): string {
  return terminalTable(COLUMNS, rows.map(cells), 2);
}

/** The edges section of RESULTS.md. */
export function renderEdgesSection(results: EdgeResults): string {
  const { runRows, runsPerSize: runs } = runsOfRows(results.rows);
  return [
    '## Edge build against its scalar C floor (npm run bench -- --only edges, bench/edges.ts)',
    '',
    'Generated from bench/edges-results.json; a run of some sizes replaces only their rows. The cities of src/sim/city-shapes.ts, seed 1.',
    `dispatchd's edge build (\`stats.edge_build_ms\`, the wasm compiled eagerly, warm instance) with K = 0, ${LIMITS.join(', ')}, and`,
    `bench/peers/pricing_floor.c (\`gcc ${FLOOR_FLAGS.join(' ')}\`: scalar, no SIMD, no FMA) pricing dispatchd's eligible pairs (K = 0) by the`,
    "same formula and bound with nothing to find; its costs sum to dispatchd's (the bench throws otherwise). ns / pair is the build",
    `time ÷ eligible pairs; priced / eligible counts the pairs a build with K > 0 priced (\`stats.pairs_priced\`; K ≤ 4: the ring bound, K > 4: the arrival buckets). Medians`,
    `of the runs (${runs}), one C pricing (best of ${FLOOR_REPEATS}) and one build per K in turn in each run; load is the 1-minute load average before → after the row.`,
    '',
    ...runRows.map(({ run: s }) => `${runStampLine(s)}`),
    '',
    ...markdownTable(COLUMNS, results.rows.map(cells), 2),
  ].join('\n');
}
