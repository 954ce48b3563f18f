/**
 * `dispatchd simulate`: a whole day on a simulated clock, dispatched by the engine's own cycle,
 * on an MDRP instance (`--mdrp DIR`), on every instance under a folder (`--mdrp-all DIR`), or on
 * a generated city (`--city S|M|L|XL`). Writes the chosen policy's three solution files, the
 * evaluator's report of both policies (report.json), the plots (report.svg), and prints the KPIs.
 * The simulator, the plots and the worker pool are imported only when it runs (simulate-run.ts).
 */
import type { Command } from 'commander';
import { MAX_BUNDLE_SIZE } from '../domain/problem.js';
import { citySizes } from '../sim/city-scenario.js';
import { SCENARIOS } from '../sim/prep-drift.js';
import { DEFAULT_SIMULATION, SIM_POLICIES } from '../sim/simulator.js';

export interface SimulateFlags {
  mdrp?: string;
  mdrpAll?: string;
  city?: string;
  seed: string;
  out?: string;
  policy: string;
  epochMin: string;
  maxBundle: string;
  threads?: string;
  scenario: string;
  features: string;
  eventsOut?: string;
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulate a day of deliveries on a simulated clock, dispatched by the engine, and report its quality against greedy')
    .option('--mdrp <dir>', 'one Meal Delivery Routing Problem instance (a folder with orders.txt, couriers.txt, ...)')
    .option('--mdrp-all <dir>', 'every MDRP instance under this folder, both policies, in parallel workers (needs --out)')
    .option('--city <size>', `a generated city: ${citySizes().join(', ')}`)
    .option('--seed <n>', 'seed of the generated city', '1')
    .option('--out <dir>', 'where the solution files, report.json and report.svg go')
    .option('--policy <name>', `whose solution files are written: ${SIM_POLICIES.join(' or ')} (both are simulated for the report)`, DEFAULT_SIMULATION.policy)
    .option('--epoch-min <n>', 'minutes between dispatch decisions', String(DEFAULT_SIMULATION.epochMin))
    .option(
      '--max-bundle <n>',
      `most orders of one restaurant per pickup, 1 = no bundling (at most ${MAX_BUNDLE_SIZE})`,
      String(DEFAULT_SIMULATION.maxBundleSize),
    )
    .option('--threads <n>', "worker threads for --mdrp-all (default: the machine's parallelism)")
    .option(
      '--scenario <name>',
      `what happens to the day: ${SCENARIOS.join(' or ')} (a third of the kitchens twice as slow as quoted in the peak hour)`,
      'none',
    )
    .option(
      '--features <on|off>',
      'on: the engine dispatches on ready estimates from the feature engine and an ETA model fitted on a training day (another seed of the scenario)',
      'off',
    )
    .option('--events-out <file>', "write the dispatchd run's feature-engine event log (NDJSON) here, for `dispatchd features replay|fit`")
    .action(async (flags: SimulateFlags) => {
      const { runSimulate } = await import('./simulate-run.js');
      await runSimulate(flags);
    });
}
