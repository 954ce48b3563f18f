/**
 * The offline half of the feature engine (`dispatchd features replay|fit`): an event log — the
 * events a city took, each with the store time it was taken at — run through the very code the
 * embedded store runs (memory-signals.ts) and evaluated by the code every reader runs
 * (aggregate.ts). Point in time: each event's row holds the features as they stood when it came,
 * from the events before it only, so a model trained on the rows never sees its own future.
 */
import { evaluateFeatures, featuresOfKey, type FeatureTable } from './aggregate.js';
import { DEFAULT_FEATURE_RULES, RESTAURANT_STATE_FEATURES, SIGNALS, type FeatureKey, type FeatureRules } from './definitions.js';
import type { TrainingRow } from './eta-model.js';
import type { LoggedEvent } from './events.js';
import type { FeatureState } from './feature-state.js';
import { MemoryFeatureSignals } from './memory-signals.js';

export interface ReplayRow {
  event: LoggedEvent;
  /** The restaurant, zone and courier the event concerns (an order's from its creation). */
  keys: Partial<Record<FeatureKey, string>>;
  /** Those keys' features just before the event, at its time (absent ones left out). */
  features: Record<string, number>;
}

/** Every feature's name, in the table's column order: per key kind, windowed then the gauge. */
export function featureColumns(rules: FeatureRules = DEFAULT_FEATURE_RULES): string[] {
  const kinds: FeatureKey[] = ['restaurant', 'zone', 'courier'];
  return kinds.flatMap((kind) => [
    ...rules.features.filter((f) => SIGNALS[f.signal].key === kind).map((f) => f.name),
    ...(kind === 'restaurant' ? RESTAURANT_STATE_FEATURES : []),
  ]);
}

/**
 * Replays the log in its order (times must not go back) and calls `row` per event with the
 * features as they stood before it; returns the signals as they stand after the last event.
 */
export function replayEvents(events: Iterable<LoggedEvent>, row: (r: ReplayRow) => void, rules: FeatureRules = DEFAULT_FEATURE_RULES): MemoryFeatureSignals {
  const signals = new MemoryFeatureSignals(rules);
  let last = Number.NEGATIVE_INFINITY;
  let index = 0;
  for (const event of events) {
    if (event.at < last) throw new RangeError(`event ${index} (${event.id}): its time ${event.at} is before the previous event's ${last}`);
    last = event.at;
    const keys = keysOf(signals, event);
    const state: FeatureState = signals.readKeys(event.at, keys);
    const features: Record<string, number> = {};
    for (const kind of Object.keys(keys) as FeatureKey[]) Object.assign(features, featuresOfKey(state, kind, keys[kind]!, rules.features));
    row({ event, keys, features });
    signals.ingest([event], event.at);
    index++;
  }
  return signals;
}

/**
 * The whole feature table as it stood at each instant (ascending), after the log's events up to
 * it: what a live host answered at `GET /features` at those instants, for the parity check.
 */
export function tablesAt(events: readonly LoggedEvent[], instants: readonly number[], rules: FeatureRules = DEFAULT_FEATURE_RULES): FeatureTable[] {
  const signals = new MemoryFeatureSignals(rules);
  const tables: FeatureTable[] = [];
  let next = 0;
  for (const at of instants) {
    for (; next < events.length && events[next].at <= at; next++) signals.ingest([events[next]], events[next].at);
    tables.push(evaluateFeatures(signals.read(at), rules.features));
  }
  return tables;
}

function keysOf(signals: MemoryFeatureSignals, event: LoggedEvent): Partial<Record<FeatureKey, string>> {
  if (event.type === 'courier_position' || event.type === 'courier_status') return { courier: event.courier };
  if (event.type === 'order_created') return event.zone === undefined ? { restaurant: event.restaurant } : { restaurant: event.restaurant, zone: event.zone };
  const place = signals.orderPlace(event.order);
  if (!place) return {};
  return place.zone === undefined ? { restaurant: place.restaurant } : { restaurant: place.restaurant, zone: place.zone };
}

/**
 * The ETA model's training rows: per quoted order with a ready event, its restaurant's features
 * when it was created, its quote and its preparation time (ready − creation), seconds.
 */
export function trainingRows(events: Iterable<LoggedEvent>, rules: FeatureRules = DEFAULT_FEATURE_RULES): TrainingRow[] {
  const open = new Map<string, { at: number; quotedPrepS: number; features: Record<string, number> }>();
  const rows: TrainingRow[] = [];
  replayEvents(
    events,
    ({ event, features }) => {
      if (event.type === 'order_created' && event.quotedPrepS && !open.has(event.order)) {
        open.set(event.order, { at: event.at, quotedPrepS: event.quotedPrepS, features });
      } else if (event.type === 'order_ready') {
        const created = open.get(event.order);
        if (!created) return;
        open.delete(event.order);
        rows.push({ features: created.features, quotedPrepS: created.quotedPrepS, prepS: (event.at - created.at) / 1000 });
      }
    },
    rules,
  );
  return rows;
}
