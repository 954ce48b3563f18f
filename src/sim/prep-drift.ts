/**
 * The `prep-drift` scenario (docs/features.md, "Measured value"): during the day's peak hour
 * (the 60 minutes with the most orders placed) a third of the restaurants, drawn from the seed,
 * take twice as long as they quote — think El Clásico — while every other order is ready when
 * quoted. The engine is told the quotes (MdrpOrder.quotedReadyMin); the fleet waits for the food
 * and the evaluator checks against what really happened (readyMin).
 */
import type { MdrpInstance } from './mdrp/instance.js';
import { Rng } from './rng.js';

export const SCENARIOS = ['none', 'prep-drift'] as const;
export type Scenario = (typeof SCENARIOS)[number];

const PEAK_MIN = 60;
const DRIFT_SHARE = 1 / 3;
const DRIFT_FACTOR = 2;

export interface DriftedDay {
  instance: MdrpInstance;
  /** The peak hour, [from, to) in minutes of the day. */
  peak: [number, number];
  drifted: Set<string>;
}

/** The first minute of the 60-minute window with the most placements. */
export function peakStartMin(instance: MdrpInstance): number {
  const placements = instance.orders.map((o) => o.placementMin).sort((a, b) => a - b);
  let best = placements[0] ?? 0;
  let most = 0;
  for (let i = 0, j = 0; i < placements.length; i++) {
    while (placements[j] < placements[i] - PEAK_MIN + 1) j++;
    if (i - j + 1 > most) {
      most = i - j + 1;
      best = placements[i] - PEAK_MIN + 1;
    }
  }
  return Math.max(0, best);
}

export function driftKitchens(instance: MdrpInstance, seed: number): DriftedDay {
  const rng = new Rng(seed);
  const restaurants = [...instance.restaurants.keys()].sort();
  const drifted = new Set(restaurants.filter(() => rng.chance(DRIFT_SHARE)));
  const from = peakStartMin(instance);
  const peak: [number, number] = [from, from + PEAK_MIN];
  const orders = instance.orders.map((o) => {
    const late = drifted.has(o.restaurant) && o.placementMin >= peak[0] && o.placementMin < peak[1];
    const readyMin = late ? o.placementMin + DRIFT_FACTOR * (o.readyMin - o.placementMin) : o.readyMin;
    return { ...o, readyMin, quotedReadyMin: o.readyMin };
  });
  return { instance: { ...instance, name: `${instance.name}-prep-drift-seed${seed}`, orders }, peak, drifted };
}
