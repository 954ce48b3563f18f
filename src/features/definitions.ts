/**
 * The feature engine's vocabulary, declared once as data (docs/features.md). Events (events.ts)
 * produce samples of a few signals, each keyed by what it measures — a restaurant, a zone, a
 * courier — and stored in time panes that expire (feature-state.ts); a feature is an aggregate
 * of one signal's samples over a window ending now. The stores (memory and Redis) keep the
 * signals; every reader — the host's tick, `GET /features`, `dispatchd features replay` —
 * evaluates the features with the same code (aggregate.ts) from the same samples.
 */

/** What the samples of a signal measure, and the kind of id they are keyed by. */
export const SIGNALS = {
  /** Seconds from an order's creation to its ready event: the kitchen's preparation time. */
  prep_s: { key: 'restaurant' },
  /** Preparation time over the quoted one, in thousandths (1000: on time, 2000: twice as long); only orders with a quote. */
  prep_ratio: { key: 'restaurant' },
  /** One sample per order created, valued its quoted preparation seconds (0 without a quote), with the order as ref. */
  created: { key: 'restaurant' },
  /** One sample (valued 1) per order created in a zone. */
  zone_created: { key: 'zone' },
  /**
   * One sample per order when it is first known to be ready: its ready event, or else its pickup,
   * delivery or cancellation. An order created and not yet done is open; past its quote, overdue.
   */
  done: { key: 'restaurant' },
  /** A courier's speed, metres per second, between two positions at least SPEED_SAMPLE_MS apart. */
  speed_mps: { key: 'courier' },
} as const;

export type SignalName = keyof typeof SIGNALS;
export const SIGNAL_NAMES = Object.keys(SIGNALS) as SignalName[];
export type FeatureKey = (typeof SIGNALS)[SignalName]['key'];

export type Aggregate =
  | { kind: 'count' }
  | { kind: 'mean' }
  /** Nearest rank: the smallest sample with at least q of the samples at or below it. */
  | { kind: 'quantile'; q: number }
  /** Samples per minute over the window. */
  | { kind: 'rate' };

export interface WindowedFeature {
  name: string;
  signal: SignalName;
  windowMs: number;
  aggregate: Aggregate;
}

/** Orders created and not yet picked up (nor cancelled) per restaurant: a gauge, not a window. */
export const ORDERS_WAITING = 'restaurant_orders_waiting';
/**
 * Open quoted orders of a restaurant past their quoted ready time, and the largest time since
 * creation over quoted preparation among them (1.5: half as long again as quoted, and still
 * not ready): a kitchen running late shows here before any of its late orders is ready.
 */
export const ORDERS_OVERDUE = 'restaurant_orders_overdue';
export const OVERDUE_MAX = 'restaurant_overdue_ratio_max';
/** 1 when the restaurant has an overdue order, else 0: what a linear model needs to tell "late" from "by how much". */
export const RUNNING_LATE = 'restaurant_running_late';
/** The features that are not windows over one signal, all per restaurant. */
export const RESTAURANT_STATE_FEATURES: readonly string[] = [ORDERS_WAITING, ORDERS_OVERDUE, OVERDUE_MAX, RUNNING_LATE];

const MIN = 60_000;

/** The features every city has (docs/features.md, "Definitions"). */
export const FEATURES: readonly WindowedFeature[] = Object.freeze([
  { name: 'restaurant_prep_mean_30m', signal: 'prep_s', windowMs: 30 * MIN, aggregate: { kind: 'mean' } },
  { name: 'restaurant_prep_p90_30m', signal: 'prep_s', windowMs: 30 * MIN, aggregate: { kind: 'quantile', q: 0.9 } },
  { name: 'restaurant_prep_ratio_mean_30m', signal: 'prep_ratio', windowMs: 30 * MIN, aggregate: { kind: 'mean' } },
  { name: 'restaurant_prep_ratio_p90_30m', signal: 'prep_ratio', windowMs: 30 * MIN, aggregate: { kind: 'quantile', q: 0.9 } },
  { name: 'restaurant_orders_created_30m', signal: 'created', windowMs: 30 * MIN, aggregate: { kind: 'count' } },
  { name: 'zone_orders_created_10m', signal: 'zone_created', windowMs: 10 * MIN, aggregate: { kind: 'count' } },
  { name: 'zone_order_rate_10m', signal: 'zone_created', windowMs: 10 * MIN, aggregate: { kind: 'rate' } },
  { name: 'courier_speed_mean_5m', signal: 'speed_mps', windowMs: 5 * MIN, aggregate: { kind: 'mean' } },
] satisfies WindowedFeature[]);

/**
 * The engine's rules: the features and how their signals are kept. One set serves every city
 * (DEFAULT_FEATURE_RULES); tests declare short windows to watch them expire in real time.
 */
export interface FeatureRules {
  features: readonly WindowedFeature[];
  /** Samples are kept in panes of this length; a pane expires once its last instant leaves its signal's horizon. */
  paneMs: number;
  /** A courier's speed is sampled at most once per this interval (bounds its samples per window). */
  speedSampleMs: number;
  /** Event ids are remembered this long: a batch retried within it is not counted twice. */
  dedupeHorizonMs: number;
  /** Order records (for preparation times and the waiting gauge) and courier anchors lapse when the city has had no event for this long. */
  recordTtlMs: number;
  /**
   * How long the `created` and `done` samples are kept beyond their windows: the tick looks an
   * order's restaurant and quote up in them, and which orders are open (an order open longer keeps
   * its caller-given ready time and no longer counts as overdue).
   */
  openOrderHorizonMs: number;
}

export const DEFAULT_FEATURE_RULES: Readonly<FeatureRules> = Object.freeze({
  features: FEATURES,
  paneMs: MIN,
  speedSampleMs: MIN,
  dedupeHorizonMs: 10 * MIN,
  recordTtlMs: 6 * 60 * MIN,
  openOrderHorizonMs: 120 * MIN,
});

/** How long a signal's samples are kept: its longest window (for `created` and `done`, at least the open-order horizon). */
export function signalHorizonMs(rules: FeatureRules, signal: SignalName): number {
  const windows = rules.features.filter((f) => f.signal === signal).map((f) => f.windowMs);
  return Math.max(rules.paneMs, ...windows, signal === 'created' || signal === 'done' ? rules.openOrderHorizonMs : 0);
}
