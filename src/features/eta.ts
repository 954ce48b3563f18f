/**
 * Ready-time estimates for a tick (docs/features.md, "At every tick"): per open order, its
 * ready event if the kitchen has sent one; otherwise, with an ETA model, creation + quoted
 * preparation × the ratio the model predicts from its restaurant's features now. An order the
 * engine has no quoted record of (created without a quote, or before the open-order horizon)
 * keeps its caller-given ready time.
 */
import { featuresOfKey } from './aggregate.js';
import { SIGNAL_NAMES, SIGNALS, type SignalName, type WindowedFeature } from './definitions.js';
import { predictPrepRatio, type EtaModel } from './eta-model.js';
import type { FeatureState } from './feature-state.js';

/** What a tick reads: the restaurants' signals, all the model's inputs come from (not couriers' speeds, the bulk of a big city's samples). */
export const TICK_SIGNALS: readonly SignalName[] = SIGNAL_NAMES.filter((s) => SIGNALS[s].key === 'restaurant');

/** Where a dispatched order's ready time came from. */
export type ReadySource = 'caller' | 'estimate' | 'ready_event' | 'model';

export interface ReadyEstimate {
  readyAt: number;
  source: 'ready_event' | 'model';
}

/** Order → its ready estimate, for the orders the state knows (those created within the open-order horizon). */
export function readyEstimates(state: FeatureState, model: EtaModel | undefined, features?: readonly WindowedFeature[]): Map<string, ReadyEstimate> {
  const estimates = new Map<string, ReadyEstimate>();
  for (const samples of state.signals.prep_s.values()) for (const s of samples) estimates.set(s.ref, { readyAt: s.t, source: 'ready_event' });
  if (!model) return estimates;
  const byRestaurant = new Map<string, Record<string, number>>();
  for (const [restaurant, samples] of state.signals.created) {
    // Orders ready, picked up or gone need no prediction (nor does a tick dispatch them).
    const done = state.signals.done.get(restaurant);
    const settled = done ? new Set(done.map((s) => s.ref)) : undefined;
    for (const s of samples) {
      // A `created` sample's value is the quoted preparation, ms; 0 means none was quoted.
      if (s.value === 0 || estimates.has(s.ref) || settled?.has(s.ref)) continue;
      let values = byRestaurant.get(restaurant);
      if (!values) byRestaurant.set(restaurant, (values = featuresOfKey(state, 'restaurant', restaurant, features)));
      // Never in the past: the order is not ready yet (it has no ready event).
      estimates.set(s.ref, { readyAt: Math.max(state.at, Math.round(s.t + s.value * predictPrepRatio(model, values))), source: 'model' });
    }
  }
  return estimates;
}
