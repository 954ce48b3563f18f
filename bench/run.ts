/**
 * The benchmark suite, run by `npm run bench` (after a build):
 *
 *   node dist/bench/run.js [--sizes S,M,L,XL] [--only solver|pool]
 *
 * The solver on generated cities (bench/solver-suite.ts) and the worker pool's four
 * benchmarks (bench/pool.ts), a progress line per step on stderr, the figures in
 * bench/results.json and bench/pool-results.json and in their sections of RESULTS.md.
 * A script of its own rather than a CLI subcommand, so the shipped dispatchd never loads bench/.
 */
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/cli/files.js';
import { PRESETS, type PresetName } from '../src/sim/city.js';
import { formatPoolResults, POOL_RESULTS_PATH, renderPoolSection, runPoolBenchmarks } from './pool.js';
import { formatTable } from './report.js';
import { RESULTS_MD, writeResultsSection } from './results-sections.js';
import { runSolverSuite, SOLVER_RESULTS_PATH } from './solver-suite.js';

const SUITES = ['solver', 'pool'] as const;
const SIZES = Object.keys(PRESETS) as PresetName[];
const EXIT_BAD_INPUT = 2;

const progress = (line: string) => process.stderr.write(`${line}\n`);

const flags = readFlags();
if (flags !== undefined) {
  if (flags.only !== 'pool') {
    const results = await runSolverSuite(flags.sizes, progress);
    process.stdout.write(`${formatTable(results)}\n`);
    progress(`wrote ${SOLVER_RESULTS_PATH}`);
  }
  if (flags.only !== 'solver') {
    const results = await runPoolBenchmarks(progress);
    await writeFileAtomic(POOL_RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
    writeResultsSection('pool-bench', renderPoolSection(results));
    process.stdout.write(`${formatPoolResults(results)}\n`);
    progress(`wrote ${POOL_RESULTS_PATH}`);
  }
  progress(`updated ${RESULTS_MD}`);
}

/** The command line's flags, or undefined (one stderr line, exit code 2) when they are wrong. */
function readFlags(): { sizes: PresetName[]; only?: (typeof SUITES)[number] } | undefined {
  const refuse = (message: string) => {
    process.stderr.write(`bench: ${message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
    return undefined;
  };
  let values: { sizes?: string; only?: string };
  try {
    ({ values } = parseArgs({ options: { sizes: { type: 'string' }, only: { type: 'string' } } }));
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  const sizes = (values.sizes ?? SIZES.join(',')).split(',');
  const unknownSize = sizes.find((s) => !(SIZES as string[]).includes(s));
  if (unknownSize !== undefined) return refuse(`--sizes: unknown size ${JSON.stringify(unknownSize)} (use ${SIZES.join(',')})`);
  const only = values.only;
  if (only !== undefined && !(SUITES as readonly string[]).includes(only)) return refuse(`--only: must be ${SUITES.join(' or ')}`);
  return { sizes: sizes as PresetName[], only: only as (typeof SUITES)[number] | undefined };
}
