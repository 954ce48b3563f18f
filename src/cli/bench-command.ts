/**
 * `dispatchd bench [--sizes S,M,L,XL] [--only solver|pool]`: the benchmark suite. The
 * solver on generated cities (bench/solver-suite.ts) and the worker pool's four
 * benchmarks (bench/pool.ts), a progress line per step on stderr, the figures in
 * bench/results.json and bench/pool-results.json and in their sections of RESULTS.md.
 */
import type { Command } from 'commander';
import { InputError } from '../domain/errors.js';
import { writeFileAtomic } from './files.js';

const SUITES = ['solver', 'pool'] as const;
const SIZES = ['S', 'M', 'L', 'XL'] as const;

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('run the benchmark suite (solver on S..XL cities, then the worker pool; several minutes)')
    .option('--sizes <list>', `city sizes for the solver suite, comma-separated (default ${SIZES.join(',')})`)
    .option('--only <suite>', `run one suite: ${SUITES.join(' or ')}`)
    .action(async (flags: { sizes?: string; only?: string }) => {
      const sizes = (flags.sizes ?? SIZES.join(',')).split(',');
      const unknownSize = sizes.find((s) => !(SIZES as readonly string[]).includes(s));
      if (unknownSize !== undefined) throw new InputError('--sizes', `unknown size ${JSON.stringify(unknownSize)} (use ${SIZES.join(',')})`);
      if (flags.only !== undefined && !(SUITES as readonly string[]).includes(flags.only)) {
        throw new InputError('--only', `must be ${SUITES.join(' or ')}`);
      }
      const progress = (line: string) => process.stderr.write(`${line}\n`);
      // The benchmarks and their city generator load only for this command.
      const { writeResultsSection, RESULTS_MD } = await import('../../bench/results-sections.js');
      if (flags.only !== 'pool') {
        const { SOLVER_RESULTS_PATH, runSolverSuite } = await import('../../bench/solver-suite.js');
        const { formatTable } = await import('../../bench/report.js');
        const results = await runSolverSuite(sizes as (typeof SIZES)[number][], progress);
        process.stdout.write(`${formatTable(results)}\n`);
        progress(`wrote ${SOLVER_RESULTS_PATH}`);
      }
      if (flags.only !== 'solver') {
        const { POOL_RESULTS_PATH, formatPoolResults, renderPoolSection, runPoolBenchmarks } = await import('../../bench/pool.js');
        const results = await runPoolBenchmarks(progress);
        await writeFileAtomic(POOL_RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
        writeResultsSection('pool-bench', renderPoolSection(results));
        process.stdout.write(`${formatPoolResults(results)}\n`);
        progress(`wrote ${POOL_RESULTS_PATH}`);
      }
      progress(`updated ${RESULTS_MD}`);
    });
}
