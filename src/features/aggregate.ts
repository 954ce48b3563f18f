/**
 * Features evaluated from the stores' samples (feature-state.ts): the one evaluation every reader
 * runs — the host's tick, `GET /v1/cities/:city/features`, the offline replay — so online and
 * offline agree by construction. A window ends at the read time and is exact: a sample counts
 * when `at - window < t <= at`.
 */
import { FEATURES, ORDERS_OVERDUE, ORDERS_WAITING, OVERDUE_MAX, RUNNING_LATE, SIGNALS, type FeatureKey, type WindowedFeature } from './definitions.js';
import { SIGNAL_UNITS, type FeatureState, type Sample } from './feature-state.js';

/** The index of the first sample after `t` (samples in ascending time). */
function firstAfter(samples: readonly Sample[], t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].t > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The feature over one key's samples at `at`, in its unit; undefined when the window holds none (a count: 0). */
export function evaluateFeature(feature: WindowedFeature, samples: readonly Sample[], at: number): number | undefined {
  const from = firstAfter(samples, at - feature.windowMs);
  const to = firstAfter(samples, at);
  const n = to - from;
  const { aggregate } = feature;
  if (aggregate.kind === 'count') return n;
  if (aggregate.kind === 'rate') return n / (feature.windowMs / 60_000);
  if (n === 0) return undefined;
  const unit = SIGNAL_UNITS[feature.signal];
  if (aggregate.kind === 'mean') {
    // Integer stored values: the sum is exact, so every reader gets the same double.
    let sum = 0;
    for (let i = from; i < to; i++) sum += samples[i].value;
    return sum / n / unit;
  }
  const values = samples.slice(from, to).map((s) => s.value);
  values.sort((a, b) => a - b);
  return values[Math.max(0, Math.ceil(aggregate.q * n) - 1)] / unit;
}

/** feature name → key → value: every windowed feature of every key with samples in its window, and the gauge. */
export type FeatureTable = Map<string, Map<string, number>>;

export function evaluateFeatures(state: FeatureState, features: readonly WindowedFeature[] = FEATURES): FeatureTable {
  const table: FeatureTable = new Map();
  for (const feature of features) {
    const values = new Map<string, number>();
    for (const [key, samples] of state.signals[feature.signal]) {
      const value = evaluateFeature(feature, samples, state.at);
      if (value !== undefined && !(value === 0 && (feature.aggregate.kind === 'count' || feature.aggregate.kind === 'rate'))) values.set(key, value);
    }
    table.set(feature.name, values);
  }
  table.set(ORDERS_WAITING, new Map(state.waiting));
  const overdue = new Map<string, number>();
  const overdueMax = new Map<string, number>();
  const late = new Map<string, number>();
  for (const restaurant of state.signals.created.keys()) {
    const o = overdueOf(state, restaurant);
    if (o.count === 0) continue;
    overdue.set(restaurant, o.count);
    overdueMax.set(restaurant, o.maxRatio);
    late.set(restaurant, 1);
  }
  table.set(ORDERS_OVERDUE, overdue);
  table.set(OVERDUE_MAX, overdueMax);
  table.set(RUNNING_LATE, late);
  return table;
}

/** The restaurant's open quoted orders past their quote at the read time (definitions.ts ORDERS_OVERDUE). */
export function overdueOf(state: FeatureState, restaurant: string): { count: number; maxRatio: number } {
  const created = state.signals.created.get(restaurant);
  if (!created) return { count: 0, maxRatio: 0 };
  const done = new Set(state.signals.done.get(restaurant)?.map((s) => s.ref));
  let count = 0;
  let maxRatio = 0;
  for (const s of created) {
    // A `created` sample is valued the quoted preparation, ms; 0: no quote.
    if (s.value === 0 || state.at <= s.t + s.value || done.has(s.ref)) continue;
    count++;
    maxRatio = Math.max(maxRatio, (state.at - s.t) / s.value);
  }
  return { count, maxRatio };
}

/** One key's features at `at` (absent ones left out): what a replay row and an ETA prediction read. */
export function featuresOfKey(state: FeatureState, kind: FeatureKey, key: string, features: readonly WindowedFeature[] = FEATURES): Record<string, number> {
  const out: Record<string, number> = {};
  for (const feature of features) {
    if (SIGNALS[feature.signal].key !== kind) continue;
    const samples = state.signals[feature.signal].get(key);
    const value = samples
      ? evaluateFeature(feature, samples, state.at)
      : feature.aggregate.kind === 'mean' || feature.aggregate.kind === 'quantile'
        ? undefined
        : 0;
    if (value !== undefined) out[feature.name] = value;
  }
  if (kind === 'restaurant') {
    const overdue = overdueOf(state, key);
    out[ORDERS_WAITING] = state.waiting.get(key) ?? 0;
    out[ORDERS_OVERDUE] = overdue.count;
    out[OVERDUE_MAX] = overdue.maxRatio;
    out[RUNNING_LATE] = overdue.count > 0 ? 1 : 0;
  }
  return out;
}
