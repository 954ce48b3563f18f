/** The run behind `dispatchd simulate` (src/cli/simulate-command.ts), imported only when it runs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../domain/errors.js';
import { MAX_BUNDLE_SIZE } from '../domain/problem.js';
import { citySizes, cityScenario, type CitySize } from '../sim/city-scenario.js';
import { MdrpInputError, readMdrpInstance, type MdrpInstance } from '../sim/mdrp/instance.js';
import { formatKpiTable, type InstanceReport } from '../sim/report.js';
import { renderReportSvg } from '../sim/report-svg.js';
import { runAll } from '../sim/run-all.js';
import { runPolicy, type PolicyRun } from '../sim/run-instance.js';
import { DEFAULT_SIMULATION, SIM_POLICIES, simulateMdrp, type SimPolicy, type SimulationOptions } from '../sim/simulator.js';
import { driftKitchens, SCENARIOS, type Scenario } from '../sim/prep-drift.js';
import { fitEtaModel, type EtaModel } from '../features/eta-model.js';
import { formatLoggedEvent } from '../features/event-log.js';
import { trainingRows } from '../features/replay.js';
import { writeFileAtomic } from './files.js';
import { int, oneOf } from './flags.js';
import type { SimulateFlags } from './simulate-command.js';

export async function runSimulate(flags: SimulateFlags): Promise<void> {
  const sources = [flags.mdrp, flags.mdrpAll, flags.city].filter((s) => s !== undefined);
  if (sources.length !== 1) throw new InputError('--mdrp / --mdrp-all / --city', 'give exactly one of them');
  const options: Omit<SimulationOptions, 'policy' | 'solver'> = {
    ...DEFAULT_SIMULATION,
    epochMin: int('epoch-min', flags.epochMin, 1, 60),
    maxBundleSize: int('max-bundle', flags.maxBundle, 1, MAX_BUNDLE_SIZE),
  };
  const policy = oneOf('policy', flags.policy, SIM_POLICIES);
  const scenario = oneOf('scenario', flags.scenario, SCENARIOS);
  const features = oneOf('features', flags.features, ['on', 'off'] as const) === 'on';
  if (flags.mdrpAll !== undefined) {
    if (scenario !== 'none' || features || flags.eventsOut) throw new InputError('--mdrp-all', 'takes no --scenario, --features or --events-out');
    if (!flags.out) throw new InputError('--out', 'is required with --mdrp-all');
    const threads = flags.threads === undefined ? undefined : int('threads', flags.threads, 1, 256);
    mkdirSync(flags.out, { recursive: true });
    const { markdown } = await runAll({
      root: flags.mdrpAll,
      outDir: flags.out,
      options,
      threads,
      onProgress: (done, total, instance, p) => process.stderr.write(`[${done}/${total}] ${instance} ${p}\n`),
    });
    process.stdout.write(markdown);
    return;
  }
  const seed = int('seed', flags.seed, 0, 2 ** 31 - 1);
  const base = flags.mdrp !== undefined ? readInstance(flags.mdrp) : cityScenario(citySize(flags.city!), seed);
  const day = (s: number) => (scenario === 'prep-drift' ? driftKitchens(base, s).instance : base);
  const feeding = { ...options, feedFeatures: features || flags.eventsOut !== undefined };
  if (features) {
    const model = await fitOnTrainingDay(day(seed + 1), options);
    process.stderr.write(
      `ETA model fitted on a training day (seed ${seed + 1}): ${model.fit.rows} orders, error ${model.fit.modelMaeS.toFixed(0)} s (the quote alone: ${model.fit.quoteMaeS.toFixed(0)} s)\n`,
    );
    feeding.etaModel = model;
  }
  await simulateOne(day(seed), policy, feeding, flags, { scenario, features });
}

/**
 * The ETA model a city would have learnt from an earlier day: that day simulated without a model,
 * its event log replayed and fitted (what `dispatchd features fit` does with a real one).
 */
async function fitOnTrainingDay(instance: MdrpInstance, options: Omit<SimulationOptions, 'policy' | 'solver'>): Promise<EtaModel> {
  const training = await simulateMdrp(instance, { ...options, policy: 'dispatchd', feedFeatures: true, etaModel: null });
  return fitEtaModel(trainingRows(training.events));
}

async function simulateOne(
  instance: MdrpInstance,
  written: SimPolicy,
  options: Omit<SimulationOptions, 'policy' | 'solver'>,
  flags: SimulateFlags,
  setting: { scenario: Scenario; features: boolean },
): Promise<void> {
  const { out, eventsOut } = flags;
  const runs: PolicyRun[] = [];
  for (const policy of SIM_POLICIES) {
    runs.push(await runPolicy(instance, { ...options, policy }, out && policy === written ? out : undefined));
  }
  const report: InstanceReport = { instance: instance.name, options, policies: runs.map((r) => r.report) };
  process.stdout.write(formatKpiTable(report));
  const dispatchd = runs.find((r) => r.report.policy === 'dispatchd')!;
  if (eventsOut) {
    await writeFileAtomic(eventsOut, dispatchd.events.map((e) => `${formatLoggedEvent(e)}\n`).join(''));
    process.stdout.write(`wrote the dispatchd run's ${dispatchd.events.length} feature-engine events to ${eventsOut}\n`);
  }
  if (!out) return;
  const { metrics, readyTimeMaeS } = dispatchd.report;
  // The headline figures of the dispatchd run, named as the feature engine's measurements are (docs/features.md).
  const kpis = {
    scenario: setting.scenario,
    features: setting.features ? 'on' : 'off',
    ready_time_mae_s: readyTimeMaeS,
    click_to_door_mean_min: metrics.clickToDoorMean,
    click_to_door_p90_min: metrics.clickToDoorP90,
    ready_to_pickup_mean_min: metrics.readyToPickupMean,
    delivered: metrics.delivered,
    orders: metrics.orders,
  };
  writeFileSync(join(out, 'report.json'), `${JSON.stringify({ ...kpis, ...report }, null, 2)}\n`);
  writeFileSync(
    join(out, 'report.svg'),
    await renderReportSvg(
      `${instance.name}: decisions every ${options.epochMin} min`,
      runs.map((r) => r.data),
    ),
  );
  process.stdout.write(`wrote ${written}'s solution files, report.json and report.svg to ${out}\n`);
}

function readInstance(dir: string): MdrpInstance {
  try {
    return readMdrpInstance(dir);
  } catch (error) {
    if (error instanceof MdrpInputError) throw new InputError('--mdrp', error.message);
    throw error;
  }
}

function citySize(text: string): CitySize {
  return oneOf('city', text, citySizes());
}
