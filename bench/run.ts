/**
 * The benchmark suite, run by `npm run bench` (after a build):
 *
 *   node dist/bench/run.js [--sizes S,M,L,XL] [--only solver|peers|edges|warm|pool|features|prep-drift|startup] [--results-dir DIR]
 *
 * The solver on generated cities (bench/solver-suite.ts), the solver against scipy and LEMON on
 * the same edges (bench/solver-peers.ts, M and L), the edge build against its scalar C floor
 * (bench/edges.ts, M, L and XL), warm against cold solves of a city's next tick
 * (bench/warm-start.ts, M and L), the worker pool's four benchmarks
 * (bench/pool.ts), the feature engine's ingest and read against the local Redis (bench/features.ts;
 * skipped without one), its prep-drift days (bench/prep-drift.ts) and the start-up ratios of the
 * CLI, its threads and the pool's first solve (bench/startup.ts), a progress line per step on
 * stderr. The solver's, the peers', the edge build's and the warm start's rows are merged into bench/results.json,
 * bench/peers-results.json, bench/edges-results.json and bench/warm-results.json (a run of some sizes replaces only their rows); the pool's figures
 * replace bench/pool-results.json, the feature engine's features-results.json and
 * prep-drift-results.json, the start-up's startup-results.json. Each then rewrites its chart and
 * its section of RESULTS.md and nothing else. --results-dir points all of it at another folder (a copy of bench/'s files).
 * A script of its own rather than a CLI subcommand, so the shipped dispatchd never loads bench/.
 */
import { parseArgs } from 'node:util';
import { PRESETS, type PresetName } from '../src/sim/city.js';
import { formatEdgesTable, mergeEdgeRows, runEdgeBenchmark, type EdgeResults } from './edges.js';
import { formatPoolResults, runPoolBenchmarks } from './pool.js';
import { runFeatureBenchmarks } from './features.js';
import { runPrepDriftBenchmark } from './prep-drift.js';
import {
  publishEdges,
  publishFeatures,
  publishPeers,
  publishPool,
  publishPrepDrift,
  publishSolver,
  publishStartup,
  publishWarm,
  readResults,
  RESULT_FILES,
} from './publish.js';
import { formatTable } from './report.js';
import { mergeRows, type BenchResults } from './results.js';
import { BENCH_DIR } from './results-sections.js';
import { formatPeersTable, mergePeerRows, runSolverPeers, type PeersResults } from './solver-peers.js';
import { runSolverSuite } from './solver-suite.js';
import { renderStartupSection, runStartupBenchmark } from './startup.js';
import { formatWarmTable, mergeWarmRows, runWarmStart, type WarmResults } from './warm-start.js';

const SUITES = ['solver', 'peers', 'edges', 'warm', 'pool', 'features', 'prep-drift', 'startup'] as const;
const SIZES = Object.keys(PRESETS) as PresetName[];
const EXIT_BAD_INPUT = 2;

const progress = (line: string) => process.stderr.write(`${line}\n`);

const flags = readFlags();
if (flags !== undefined) {
  const dir = flags.resultsDir;
  const runs = (suite: (typeof SUITES)[number]) => flags.only === undefined || flags.only === suite;
  if (runs('solver')) {
    const fresh = await runSolverSuite(flags.sizes, progress);
    const previous = readResults<BenchResults>(dir, RESULT_FILES.solver)?.rows ?? [];
    await publishSolver(dir, { rows: mergeRows(previous, fresh) });
    process.stdout.write(`${formatTable({ rows: fresh })}\n`);
    progress(
      `updated the rows ${fresh.map((row) => `${row.preset} K=${row.maxCandidates}`).join(', ')} of ${RESULT_FILES.solver}, charts/solver.svg and the solver section of RESULTS.md in ${dir}`,
    );
  }
  if (runs('peers')) {
    const fresh = runSolverPeers(flags.sizes, progress);
    const previous = readResults<PeersResults>(dir, RESULT_FILES.peers)?.rows ?? [];
    await publishPeers(dir, { rows: mergePeerRows(previous, fresh) });
    process.stdout.write(`${formatPeersTable(fresh)}\n`);
    progress(`updated ${fresh.length} rows of ${RESULT_FILES.peers} and the peers section of RESULTS.md in ${dir}`);
  }
  if (runs('edges')) {
    const fresh = runEdgeBenchmark(flags.sizes, progress);
    const previous = readResults<EdgeResults>(dir, RESULT_FILES.edges)?.rows ?? [];
    await publishEdges(dir, { rows: mergeEdgeRows(previous, fresh) });
    process.stdout.write(`${formatEdgesTable(fresh)}\n`);
    progress(`updated ${fresh.length} rows of ${RESULT_FILES.edges} and the edges section of RESULTS.md in ${dir}`);
  }
  if (runs('warm')) {
    const fresh = runWarmStart(flags.sizes, progress);
    const previous = readResults<WarmResults>(dir, RESULT_FILES.warm)?.rows ?? [];
    await publishWarm(dir, { rows: mergeWarmRows(previous, fresh) });
    process.stdout.write(`${formatWarmTable(fresh)}\n`);
    progress(`updated ${fresh.length} rows of ${RESULT_FILES.warm} and the warm section of RESULTS.md in ${dir}`);
  }
  if (runs('pool')) {
    const results = await runPoolBenchmarks(progress);
    await publishPool(dir, results);
    process.stdout.write(`${formatPoolResults(results)}\n`);
    progress(`wrote ${RESULT_FILES.pool}, charts/pool.svg and the pool section of RESULTS.md in ${dir}`);
  }
  if (runs('features')) {
    const results = await runFeatureBenchmarks(progress);
    if (results !== undefined) {
      await publishFeatures(dir, results);
      progress(`wrote ${RESULT_FILES.features} and the features section of RESULTS.md in ${dir}`);
    }
  }
  if (runs('prep-drift')) {
    await publishPrepDrift(dir, await runPrepDriftBenchmark(progress));
    progress(`wrote ${RESULT_FILES.prepDrift} and the prep-drift section of RESULTS.md in ${dir}`);
  }
  if (runs('startup')) {
    const results = runStartupBenchmark(progress);
    await publishStartup(dir, results);
    process.stdout.write(`${renderStartupSection(results)}\n`);
    progress(`wrote ${RESULT_FILES.startup} and the startup section of RESULTS.md in ${dir}`);
  }
}

/** The command line's flags, or undefined (one stderr line, exit code 2) when they are wrong. */
function readFlags(): { sizes: PresetName[]; only?: (typeof SUITES)[number]; resultsDir: string } | undefined {
  const refuse = (message: string) => {
    process.stderr.write(`bench: ${message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
    return undefined;
  };
  let values: { sizes?: string; only?: string; 'results-dir'?: string };
  try {
    ({ values } = parseArgs({ options: { sizes: { type: 'string' }, only: { type: 'string' }, 'results-dir': { type: 'string' } } }));
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  const sizes = (values.sizes ?? SIZES.join(',')).split(',');
  const unknownSize = sizes.find((s) => !(SIZES as string[]).includes(s));
  if (unknownSize !== undefined) return refuse(`--sizes: unknown size ${JSON.stringify(unknownSize)} (use ${SIZES.join(',')})`);
  const only = values.only;
  if (only !== undefined && !(SUITES as readonly string[]).includes(only)) return refuse(`--only: must be one of ${SUITES.join(', ')}`);
  return { sizes: sizes as PresetName[], only: only as (typeof SUITES)[number] | undefined, resultsDir: values['results-dir'] ?? BENCH_DIR };
}
