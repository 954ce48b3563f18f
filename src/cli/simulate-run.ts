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
import { DEFAULT_SIMULATION, SIM_POLICIES, type SimPolicy, type SimulationOptions } from '../sim/simulator.js';
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
  if (flags.mdrpAll !== undefined) {
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
  const instance = flags.mdrp !== undefined ? readInstance(flags.mdrp) : cityScenario(citySize(flags.city!), int('seed', flags.seed, 0, 2 ** 31 - 1));
  await simulateOne(instance, policy, options, flags.out);
}

async function simulateOne(
  instance: MdrpInstance,
  written: SimPolicy,
  options: Omit<SimulationOptions, 'policy' | 'solver'>,
  out: string | undefined,
): Promise<void> {
  const runs: PolicyRun[] = [];
  for (const policy of SIM_POLICIES) {
    runs.push(await runPolicy(instance, { ...options, policy }, out && policy === written ? out : undefined));
  }
  const report: InstanceReport = { instance: instance.name, options, policies: runs.map((r) => r.report) };
  process.stdout.write(formatKpiTable(report));
  if (!out) return;
  writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
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
