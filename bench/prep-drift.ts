/**
 * The feature engine's measured value (docs/features.md, "Measured value"), run by `npm run bench
 * -- --only prep-drift` (bench/run.ts): the prep-drift day of city M for seeds 1..3 and of one
 * MDRP instance, dispatched with features off and on, as `dispatchd simulate --scenario
 * prep-drift --features off|on` runs it (src/sim/feature-run.ts). Only the dispatchd policy is
 * simulated: the figures are its own.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { packageRoot } from '../src/package-root.js';
import { cityScenario } from '../src/sim/city-scenario.js';
import { featureDay, featureKpis, type FeatureKpis } from '../src/sim/feature-run.js';
import { readMdrpInstance, type MdrpInstance } from '../src/sim/mdrp/instance.js';
import { runPolicy } from '../src/sim/run-instance.js';
import { DEFAULT_SIMULATION } from '../src/sim/simulator.js';
import { machineInfo, type MachineInfo } from './results.js';

const CITY_SEEDS = [1, 2, 3];
/** An MDRP instance of the shared data set (../shared next to the checkout); skipped when it is not there. */
const MDRP_INSTANCE = join(packageRoot(), '..', 'shared', 'data', 'mdrp', '8o100t100s1p100');
const MDRP_SEED = 1;

export interface PrepDriftRun {
  /** `city M` or the MDRP instance's name. */
  source: string;
  seed: number;
  off: FeatureKpis;
  on: FeatureKpis;
}

export interface PrepDriftResults {
  at: string;
  machine: MachineInfo;
  /** The 1-minute load average (`uptime`) at the start and at the end. */
  load: { start: number; end: number };
  runs: PrepDriftRun[];
  /** Why a source was left out (its data missing). */
  skipped: string[];
}

export async function runPrepDriftBenchmark(progress: (line: string) => void): Promise<PrepDriftResults> {
  const load = { start: loadavg()[0], end: 0 };
  const days: { source: string; seed: number; base: MdrpInstance }[] = CITY_SEEDS.map((seed) => ({ source: 'city M', seed, base: cityScenario('M', seed) }));
  const skipped: string[] = [];
  if (existsSync(MDRP_INSTANCE)) {
    const base = readMdrpInstance(MDRP_INSTANCE);
    days.push({ source: `MDRP ${base.name}`, seed: MDRP_SEED, base });
  } else skipped.push(`MDRP instance ${MDRP_INSTANCE}: not found`);
  for (const line of skipped) progress(`prep-drift: skipped ${line}`);
  const runs: PrepDriftRun[] = [];
  for (const { source, seed, base } of days) {
    const off = await kpisOf(base, seed, false);
    const on = await kpisOf(base, seed, true);
    runs.push({ source, seed, off, on });
    progress(
      `prep-drift: ${source} seed ${seed}: ready-time MAE ${off.ready_time_mae_s?.toFixed(0)} s -> ${on.ready_time_mae_s?.toFixed(0)} s, click-to-door ${off.click_to_door_mean_min.toFixed(1)} -> ${on.click_to_door_mean_min.toFixed(1)} min`,
    );
  }
  load.end = loadavg()[0];
  return { at: new Date().toISOString(), machine: machineInfo(), load, runs, skipped };
}

async function kpisOf(base: MdrpInstance, seed: number, features: boolean): Promise<FeatureKpis> {
  const setting = { scenario: 'prep-drift' as const, features };
  const day = await featureDay(base, seed, setting, DEFAULT_SIMULATION);
  const run = await runPolicy(day.instance, { ...day.options, policy: 'dispatchd' });
  return featureKpis(run.report, setting);
}
