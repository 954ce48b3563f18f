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
import { DEFAULT_SIMULATION, SIM_POLICIES, type SimPolicy } from '../sim/simulator.js';
import { SCENARIOS } from '../sim/prep-drift.js';
import { featureDay, featureKpis, type FeatureSetting, type RunOptions } from '../sim/feature-run.js';
import { formatLoggedEvent } from '../features/event-log.js';
import { writeFileAtomic } from './files.js';
import { int, oneOf } from './flags.js';
import type { SimulateFlags } from './simulate-command.js';

export async function runSimulate(flags: SimulateFlags): Promise<void> {
  const sources = [flags.mdrp, flags.mdrpAll, flags.city].filter((s) => s !== undefined);
  if (sources.length !== 1) throw new InputError('--mdrp / --mdrp-all / --city', 'give exactly one of them');
  const options: RunOptions = {
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
  const setting = { scenario, features };
  const day = await featureDay(base, seed, setting, options, flags.eventsOut !== undefined);
  if (day.model) {
    process.stderr.write(
      `ETA model fitted on a training day (seed ${seed + 1}): ${day.model.fit.rows} orders, error ${day.model.fit.modelMaeS.toFixed(0)} s (the quote alone: ${day.model.fit.quoteMaeS.toFixed(0)} s)\n`,
    );
  }
  await simulateOne(day.instance, policy, day.options, flags, setting);
}

async function simulateOne(instance: MdrpInstance, written: SimPolicy, options: RunOptions, flags: SimulateFlags, setting: FeatureSetting): Promise<void> {
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
  const kpis = featureKpis(dispatchd.report, setting);
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
