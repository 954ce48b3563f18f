/**
 * dispatchd's matching against peer solvers on the same edges (issue 15): scipy's sparse LAPJV
 * and LEMON's network simplex and cost scaling (bench/peer-solvers.ts) on the normal, hotspot and
 * degenerate shapes (src/sim/city-shapes.ts) of cities M and L, K = 0. dispatchd builds its
 * candidate edges; the kept ones (cost ≤ penalty, the graph its matching solves) go to a file the
 * peers read, with "unassigned" at the penalty in each of them. Every solver's objective must
 * equal dispatchd's: a difference throws. Each run solves once with each solver in turn, so they
 * share the machine's noise; figures are medians of the runs. `npm run bench -- --only peers`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PresetName } from '../src/sim/city.js';
import { compileSolverEagerly } from '../src/solver/wasm-module.js';
import { toDeciseconds, WasmSolver } from '../src/solver/wasm-solver.js';
import { CITY_SHAPES, shapedCity, type CityShape } from '../src/sim/city-shapes.js';
import { installedPeers, writeEdgeFile, type PeerName } from './peer-solvers.js';
import { machineInfo, solverBuild, type RunStamp } from './results.js';
import { markdownTable, runsOfRows, runStampLine, terminalTable } from './tables.js';

/** The sizes compared, with the runs of each (scipy takes seconds per L solve). */
const RUNS = { M: 7, L: 5 } as const;
type PeerSize = keyof typeof RUNS;
const PEER_SIZES = Object.keys(RUNS) as PeerSize[];
const SEED = 1;

export interface PeerRow {
  shape: CityShape;
  size: PeerSize;
  couriers: number;
  orders: number;
  /** Kept candidate edges: what every solver of the row matched on. */
  edges: number;
  /** Deciseconds, the same for every solver. */
  objective: number;
  runs: number;
  /** 1-minute load average before and after the row's runs. */
  load: [number, number];
  run: RunStamp;
  edgeBuildMs: number;
  matchingMs: number;
  /** Median matching ms per installed peer. */
  peers: Partial<Record<PeerName, number>>;
  /** Library version per installed peer. */
  versions: Partial<Record<PeerName, string>>;
}

export interface PeersResults {
  rows: PeerRow[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export function runSolverPeers(sizes: readonly PresetName[], progress: (line: string) => void): PeerRow[] {
  const run: RunStamp = { date: new Date().toISOString(), machine: machineInfo(), solver: solverBuild(), seed: SEED };
  const peers = installedPeers(progress);
  // Compiled as the host's pool compiles it: no baseline-compiled code left in the timed solves.
  compileSolverEagerly();
  const solver = new WasmSolver();
  const dir = mkdtempSync(join(tmpdir(), 'dispatchd-peers-'));
  const rows: PeerRow[] = [];
  try {
    for (const size of PEER_SIZES.filter((s) => sizes.includes(s))) {
      for (const shape of CITY_SHAPES) {
        progress(`peers ${shape} ${size}…`);
        const problem = shapedCity(shape, size, SEED);
        const load = loadavg()[0];
        const { objective } = solver.solve(problem); // also warms the instance
        const edgeFile = join(dir, `${shape}-${size}.bin`);
        const kept = solver.candidates(problem);
        const penalty = toDeciseconds(problem.params.unassignedPenaltyS);
        writeEdgeFile(edgeFile, { orders: problem.orderCount, couriers: problem.courierCount, penalty, ...kept });
        const runs = RUNS[size];
        const edgeBuildMs: number[] = [];
        const matchingMs: number[] = [];
        const peerMs = peers.map((): number[] => []);
        const versions: Partial<Record<PeerName, string>> = {};
        for (let i = 0; i < runs; i++) {
          const { stats } = solver.solve(problem);
          edgeBuildMs.push(stats.edgeBuildMs);
          matchingMs.push(stats.matchingMs);
          peers.forEach(([name, solve], p) => {
            const result = solve(edgeFile);
            if (result.objective !== objective) {
              throw new Error(`${name} on ${shape} ${size}: objective ${result.objective}, dispatchd ${objective}: the solvers disagree`);
            }
            peerMs[p].push(result.ms);
            versions[name] = result.version;
          });
        }
        rows.push({
          shape,
          size,
          couriers: problem.courierCount,
          orders: problem.orderCount,
          edges: kept.order.length,
          objective,
          runs,
          load: [load, loadavg()[0]],
          run,
          edgeBuildMs: median(edgeBuildMs),
          matchingMs: median(matchingMs),
          peers: Object.fromEntries(peers.map(([name], p) => [name, median(peerMs[p])])),
          versions,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** `previous` with each fresh (shape, size) row in place of the old one (or added), size then shape order. */
export function mergePeerRows(previous: readonly PeerRow[], fresh: readonly PeerRow[]): PeerRow[] {
  const key = (row: PeerRow) => `${row.shape}/${row.size}`;
  const rows = new Map(previous.map((row) => [key(row), row]));
  for (const row of fresh) rows.set(key(row), row);
  return [...rows.values()].sort(
    (a, b) => PEER_SIZES.indexOf(a.size) - PEER_SIZES.indexOf(b.size) || CITY_SHAPES.indexOf(a.shape) - CITY_SHAPES.indexOf(b.shape),
  );
}

const COLUMNS = [
  'shape',
  'size',
  'edges',
  'dispatchd build ms',
  'dispatchd matching ms',
  'scipy ms',
  'LEMON NS ms',
  'LEMON CS ms',
  '× vs faster LEMON',
  '× vs scipy',
  'load',
] as const;

function cells(row: PeerRow): string[] {
  const ms = (value: number | undefined) => (value === undefined ? 'not installed' : value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(1));
  const ratio = (value: number | undefined) => (value === undefined ? '' : `${(value / row.matchingMs).toFixed(1)}×`);
  const { scipy, lemonNs, lemonCs } = row.peers;
  const fasterLemon = lemonNs === undefined || lemonCs === undefined ? undefined : Math.min(lemonNs, lemonCs);
  return [
    row.shape,
    row.size,
    row.edges.toLocaleString('en'),
    ms(row.edgeBuildMs),
    ms(row.matchingMs),
    ms(scipy),
    ms(lemonNs),
    ms(lemonCs),
    ratio(fasterLemon),
    ratio(scipy),
    row.load.map((l) => l.toFixed(1)).join(' → '),
  ];
}

export function formatPeersTable(rows: readonly PeerRow[]): string {
  return terminalTable(COLUMNS, rows.map(cells), 2);
}

/** The peers section of RESULTS.md. */
export function renderPeersSection(results: PeersResults): string {
  // One line per run: its rows share its date, stamp and peer versions.
  const { runRows, runsPerSize: runs } = runsOfRows(results.rows);
  return [
    '## Solver against peers on the same edges (npm run bench -- --only peers, bench/solver-peers.ts)',
    '',
    'Generated from bench/peers-results.json; a run of one size (`--sizes M`) replaces only its rows. The cities of src/sim/city-shapes.ts',
    '(normal; hotspot: every order at one of orders / 10 restaurants; degenerate: couriers stacked 30 to a point, one speed, all free),',
    'seed 1, K = 0. dispatchd builds its candidate edges; the kept ones (cost ≤ penalty) are written to a file that scipy',
    '(`min_weight_full_bipartite_matching`, sparse LAPJV; a dummy column per order at the penalty) and LEMON (`NetworkSimplex`,',
    "`CostScaling`; an order → sink arc at the penalty) read. Only the matching is timed: dispatchd's `solveAssignment`, the scipy call,",
    "LEMON's `run()` (not reading the file or building the graph). Every solver's objective equals dispatchd's (the bench throws",
    `otherwise). Medians of the runs of each row (${runs}), one solve per solver in turn in each run; ratios are peer ms / dispatchd matching ms;`,
    'load is the 1-minute load average before → after the row.',
    '',
    ...runRows.map(({ run: s, versions }) => {
      const peers =
        [versions.scipy && `scipy ${versions.scipy}`, versions.lemonNs && `LEMON ${versions.lemonNs}`].filter(Boolean).join(', ') || 'no peers installed';
      return `${runStampLine(s)}; ${peers}`;
    }),
    '',
    ...markdownTable(COLUMNS, results.rows.map(cells), 2),
  ].join('\n');
}
