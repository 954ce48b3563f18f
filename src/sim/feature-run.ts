/**
 * The feature engine's measurement on a simulated day (docs/features.md, "Measured value"), as
 * `dispatchd simulate --scenario … --features on|off` runs it and bench/prep-drift.ts repeats it:
 * the day under its scenario, with features on an ETA model fitted on an earlier day (the next
 * seed's), and the headline figures of the dispatchd run.
 */
import { fitEtaModel, type EtaModel } from '../features/eta-model.js';
import { trainingRows } from '../features/replay.js';
import type { MdrpInstance } from './mdrp/instance.js';
import { driftKitchens, type Scenario } from './prep-drift.js';
import type { PolicyReport } from './report.js';
import { simulateMdrp, type SimulationOptions } from './simulator.js';

export type RunOptions = Omit<SimulationOptions, 'policy' | 'solver'>;

export interface FeatureSetting {
  scenario: Scenario;
  features: boolean;
}

export interface FeatureDay {
  instance: MdrpInstance;
  /** `options` with the feature engine fed and, with features on, the fitted model. */
  options: RunOptions;
  model?: EtaModel;
}

/** The day of `seed` under the setting; `keepEvents` feeds the engine (and keeps its event log) even with features off (`--events-out`). */
export async function featureDay(base: MdrpInstance, seed: number, setting: FeatureSetting, options: RunOptions, keepEvents = false): Promise<FeatureDay> {
  const day = (s: number) => (setting.scenario === 'prep-drift' ? driftKitchens(base, s).instance : base);
  const feeding: RunOptions = { ...options, feedFeatures: setting.features || keepEvents };
  if (!setting.features) return { instance: day(seed), options: feeding };
  const model = await fitOnTrainingDay(day(seed + 1), options);
  return { instance: day(seed), options: { ...feeding, etaModel: model }, model };
}

/**
 * The ETA model a city would have learnt from an earlier day: that day simulated without a model,
 * its event log replayed and fitted (what `dispatchd features fit` does with a real one).
 */
async function fitOnTrainingDay(instance: MdrpInstance, options: RunOptions): Promise<EtaModel> {
  const training = await simulateMdrp(instance, { ...options, policy: 'dispatchd', feedFeatures: true, etaModel: null });
  return fitEtaModel(trainingRows(training.events));
}

/** The headline figures of the dispatchd run, named as the feature engine's measurements are (report.json). */
export function featureKpis(dispatchd: PolicyReport, setting: FeatureSetting) {
  const { metrics, readyTimeMaeS } = dispatchd;
  return {
    scenario: setting.scenario,
    features: setting.features ? 'on' : 'off',
    ready_time_mae_s: readyTimeMaeS,
    click_to_door_mean_min: metrics.clickToDoorMean,
    click_to_door_p90_min: metrics.clickToDoorP90,
    ready_to_pickup_mean_min: metrics.readyToPickupMean,
    delivered: metrics.delivered,
    orders: metrics.orders,
  };
}

export type FeatureKpis = ReturnType<typeof featureKpis>;
