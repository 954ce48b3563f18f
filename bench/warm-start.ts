/**
 * Warm start across ticks (issue 15): a city solved cold, its next tick (a share of its orders
 * and couriers moved, added and removed: src/sim/tick-changes.ts) solved cold and warm from the
 * first solve (its duals and its graph, Solution.warmGraph), in turn within each run so that both
 * share the machine's noise. The warm solve also packs its own graph for the tick after, as the
 * host's does. The objectives must be equal (the bench throws otherwise). M and L, normal and
 * hotspot (src/sim/city-shapes.ts), 1 %, 2 % and 5 % changed, K = 0; and the host's tick: the time advanced
 * 1 s (orders' ready and busy couriers' free times 1 s sooner: advanceTime) with 0, 1 and 2 % changed.
 * `npm run bench -- --only warm`.
 */
import { loadavg } from 'node:os';
import type { PresetName } from '../src/sim/city.js';
import { shapedCity, type CityShape } from '../src/sim/city-shapes.js';
import { advanceTime, nextTick, type CityTick } from '../src/sim/tick-changes.js';
import { previousSolveOf, warmStartFor, type WarmStart } from '../src/solver/warm-start.js';
import { compileSolverEagerly } from '../src/solver/wasm-module.js';
import { WasmSolver } from '../src/solver/wasm-solver.js';
import { machineInfo, solverBuild, type RunStamp } from './results.js';
import { markdownTable, runsOfRows, runStampLine, terminalTable } from './tables.js';

const RUNS = { M: 7, L: 5 } as const;
type WarmSize = keyof typeof RUNS;
const WARM_SIZES = Object.keys(RUNS) as WarmSize[];
const WARM_SHAPES = ['normal', 'hotspot'] as const satisfies readonly CityShape[];
/** The ticks measured: the share changed and the seconds the time advanced (the host's ticks are 1 s apart). */
const TICKS = [
  { share: 0.01, timeS: 0 },
  { share: 0.02, timeS: 0 },
  { share: 0.05, timeS: 0 },
  { share: 0, timeS: 1 },
  { share: 0.01, timeS: 1 },
  { share: 0.02, timeS: 1 },
] as const;
const SEED = 1;
/** The goal: a warm solve at least this many times faster than a cold one. */
export const WARM_GOAL = 3;

export interface WarmRow {
  shape: CityShape;
  size: WarmSize;
  /** Share of the orders and of the couriers changed between the ticks. */
  share: number;
  /** Seconds the time advanced between the ticks (absent: 0). */
  timeS?: number;
  orders: number;
  couriers: number;
  /** Deciseconds, the same cold and warm. */
  objective: number;
  runs: number;
  /** 1-minute load average before and after the row's runs. */
  load: [number, number];
  run: RunStamp;
  /** Medians over the runs. */
  coldMatchingMs: number;
  warmMatchingMs: number;
  /** The whole solve (columns in, edges, matching, results out); warm includes mapping the previous solve by id. */
  coldSolveMs: number;
  warmSolveMs: number;
  /** The edge build: cold, and from the previous tick's graph. */
  coldBuildMs: number;
  warmBuildMs: number;
  /** Of the warm graph's edges, those carried from the previous tick's (the last run's). */
  warmEdgesReused: number;
  edges: number;
  coldBids: number;
  warmBids: number;
  /** Orders the warm auction had to place (new, or moved beyond ε by the changes). */
  warmRowsToPlace: number;
}

export interface WarmResults {
  rows: WarmRow[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function tickOf(shape: CityShape, size: WarmSize): CityTick {
  const problem = shapedCity(shape, size, SEED);
  return {
    problem,
    orderIds: Array.from({ length: problem.orderCount }, (_, o) => `o${o}`),
    courierIds: Array.from({ length: problem.courierCount }, (_, c) => `c${c}`),
  };
}

/** `warm` with its graph's block copied into `spare` (or a copy of its own) and handed over, as a transfer to the pool's worker does. */
function handedOver(warm: WarmStart, spare: ArrayBuffer | undefined): WarmStart {
  if (warm.graph === undefined) return warm;
  const { block } = warm.graph;
  const copy = spare !== undefined && spare.byteLength >= block.byteLength ? spare : new ArrayBuffer(block.byteLength);
  new Uint8Array(copy).set(new Uint8Array(block));
  return { ...warm, graph: { ...warm.graph, block: copy, handedOver: true } };
}

export function runWarmStart(sizes: readonly PresetName[], progress: (line: string) => void): WarmRow[] {
  const run: RunStamp = { date: new Date().toISOString(), machine: machineInfo(), solver: solverBuild(), seed: SEED };
  // Compiled as the host's pool compiles it: no baseline-compiled code in the timed solves.
  compileSolverEagerly();
  const solver = new WasmSolver();
  const rows: WarmRow[] = [];
  for (const size of WARM_SIZES.filter((s) => sizes.includes(s))) {
    for (const shape of WARM_SHAPES) {
      const tick = tickOf(shape, size);
      const previous = previousSolveOf(tick, solver.solve(tick.problem, { duals: true, warmGraph: true }));
      if (previous === undefined) throw new Error('the first solve returned no duals');
      // The buffer the host's ticks pass back and forth: the last warm solve's graph.
      let spare: ArrayBuffer | undefined;
      for (const { share, timeS } of TICKS) {
        progress(`warm ${shape} ${size} ${share * 100} % +${timeS} s…`);
        const next = advanceTime(nextTick(tick, share, SEED), timeS);
        const load = loadavg()[0];
        const samples = {
          coldMatchingMs: [] as number[],
          warmMatchingMs: [] as number[],
          coldSolveMs: [] as number[],
          warmSolveMs: [] as number[],
          coldBuildMs: [] as number[],
          warmBuildMs: [] as number[],
        };
        let objective = 0;
        let counts = { coldBids: 0, warmBids: 0, warmRowsToPlace: 0, warmEdgesReused: 0, edges: 0 };
        const runs = RUNS[size];
        for (let i = 0; i <= runs; i++) {
          const cold = solver.solve(next.problem, { duals: true });
          const started = performance.now();
          const mapped = warmStartFor(previous, next.orderIds, next.courierIds);
          const mapMs = performance.now() - started;
          // As the pool's worker gets it: a copy of the block, handed over (the solve writes its own graph into it).
          const warm = handedOver(mapped, spare);
          const warmed = solver.solve(next.problem, { duals: true, warm, warmGraph: true });
          spare = warmed.warmGraph;
          if (warmed.objective !== cold.objective) {
            throw new Error(`warm ${shape} ${size} ${share}: objective ${warmed.objective}, cold ${cold.objective}`);
          }
          if (!warmed.stats.warmStart) throw new Error(`warm ${shape} ${size} ${share}: the warm start was not used`);
          objective = cold.objective;
          counts = {
            coldBids: cold.stats.bids,
            warmBids: warmed.stats.bids,
            warmRowsToPlace: warmed.stats.rowsToPlace,
            warmEdgesReused: warmed.stats.edgesReused,
            edges: warmed.stats.edgesKept,
          };
          if (i === 0) continue; // the first pair warms the instance's memory up for this size
          samples.coldMatchingMs.push(cold.stats.matchingMs);
          samples.warmMatchingMs.push(warmed.stats.matchingMs);
          samples.coldSolveMs.push(cold.stats.solveMs);
          samples.warmSolveMs.push(warmed.stats.solveMs + mapMs);
          samples.coldBuildMs.push(cold.stats.edgeBuildMs);
          samples.warmBuildMs.push(warmed.stats.edgeBuildMs);
        }
        rows.push({
          shape,
          size,
          share,
          timeS,
          orders: next.problem.orderCount,
          couriers: next.problem.courierCount,
          objective,
          runs,
          load: [load, loadavg()[0]],
          run,
          coldMatchingMs: median(samples.coldMatchingMs),
          warmMatchingMs: median(samples.warmMatchingMs),
          coldSolveMs: median(samples.coldSolveMs),
          warmSolveMs: median(samples.warmSolveMs),
          coldBuildMs: median(samples.coldBuildMs),
          warmBuildMs: median(samples.warmBuildMs),
          ...counts,
        });
      }
    }
  }
  return rows;
}

/** `previous` with each fresh (shape, size, share) row in place of the old one (or added). */
export function mergeWarmRows(previous: readonly WarmRow[], fresh: readonly WarmRow[]): WarmRow[] {
  const key = (row: WarmRow) => `${row.size}/${row.shape}/${row.share}/${row.timeS ?? 0}`;
  const rows = new Map(previous.map((row) => [key(row), row]));
  for (const row of fresh) rows.set(key(row), row);
  return [...rows.values()].sort(
    (a, b) =>
      WARM_SIZES.indexOf(a.size) - WARM_SIZES.indexOf(b.size) ||
      WARM_SHAPES.indexOf(a.shape as (typeof WARM_SHAPES)[number]) - WARM_SHAPES.indexOf(b.shape as (typeof WARM_SHAPES)[number]) ||
      (a.timeS ?? 0) - (b.timeS ?? 0) ||
      a.share - b.share,
  );
}

const COLUMNS = [
  'shape',
  'size',
  'changed',
  'cold matching ms',
  'warm matching ms',
  'matching ×',
  'cold solve ms',
  'warm solve ms',
  'solve ×',
  'edge build ms cold → warm',
  'edges reused',
  'bids cold → warm',
  'rows to place',
  'load',
] as const;

function cells(row: WarmRow): string[] {
  const ms = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(1));
  return [
    row.shape,
    row.size,
    `${row.share * 100} %${row.timeS ? `, +${row.timeS} s` : ''}`,
    ms(row.coldMatchingMs),
    ms(row.warmMatchingMs),
    `${(row.coldMatchingMs / row.warmMatchingMs).toFixed(2)}×`,
    ms(row.coldSolveMs),
    ms(row.warmSolveMs),
    `${(row.coldSolveMs / row.warmSolveMs).toFixed(2)}×`,
    `${ms(row.coldBuildMs)} → ${ms(row.warmBuildMs)}`,
    `${((100 * row.warmEdgesReused) / row.edges).toFixed(1)} %`,
    `${row.coldBids.toLocaleString('en')} → ${row.warmBids.toLocaleString('en')}`,
    `${row.warmRowsToPlace} of ${row.orders}`,
    row.load.map((l) => l.toFixed(1)).join(' → '),
  ];
}

export function formatWarmTable(rows: readonly WarmRow[]): string {
  return terminalTable(COLUMNS, rows.map(cells), 3);
}

/** The warm-start section of RESULTS.md. */
export function renderWarmSection(results: WarmResults): string {
  const { runRows, runsPerSize: runs } = runsOfRows(results.rows);
  const met = (ratio: (row: WarmRow) => number) => results.rows.filter((row) => ratio(row) >= WARM_GOAL).length;
  const metMatching = met((row) => row.coldMatchingMs / row.warmMatchingMs);
  const metSolve = met((row) => row.coldSolveMs / row.warmSolveMs);
  return [
    '## Warm start across ticks (npm run bench -- --only warm, bench/warm-start.ts)',
    '',
    'Generated from bench/warm-results.json. A city of src/sim/city-shapes.ts (seed 1, K = 0) solved cold; its next tick, with the',
    'share of its orders and of its couriers changed (a third moved up to 400 m, a third removed, a third added: src/sim/tick-changes.ts),',
    'and in the rows "+1 s" the time advanced a second as between the host\'s ticks (every ready time and busy courier\'s free time 1 s sooner),',
    'solved cold and warm from the first solve (its duals and its candidate graph), one after the other in each run. Objectives are',
    `equal on every run (the bench throws otherwise). Medians of the runs (${runs}, after one untimed pair); the warm solve ms include`,
    "mapping the previous solve by id, copying its graph in and packing this solve's for the next tick; edges reused: of the warm",
    "graph's kept edges, those carried from the previous one. Bids, rows to place and edges reused are those of the last run; load",
    'is the 1-minute load average before → after the row.',
    `Goal: warm ≥ ${WARM_GOAL}× faster than cold; met on ${metMatching} of ${results.rows.length} rows (matching), ${metSolve} (whole solve).`,
    '',
    ...runRows.map(({ run: s }) => `${runStampLine(s)}`),
    '',
    ...markdownTable(COLUMNS, results.rows.map(cells), 3),
  ].join('\n');
}
