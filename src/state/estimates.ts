/**
 * A fleet's own estimates for a running city (docs/host.md, "Estimates"): ready times of orders
 * and the travel time or whole cost of courier × order pairs, from a model outside dispatchd.
 * A city holds one set: each put replaces it whole and it lapses at its expiry on the store's
 * clock, so what a city keeps is bounded by what one request may carry (limits.ts).
 */
import { EpochMs, EstimateCostS, EstimateTravelS, EstimateTtlS, MAX_ESTIMATE_PAIRS, MAX_ESTIMATE_READY } from '../domain/limits.js';
import { numberRule } from '../domain/schema-rules.js';
import { assertItemId } from './decision.js';

export interface ReadyEstimate {
  order: string;
  /** When the kitchen will have it ready, epoch ms: replaces the order's ready_at for dispatch. */
  readyAt: number;
}

/** Exactly one of travelS and costS. */
export type PairEstimate =
  /** Seconds from the courier (once free) to the order's pickup: replaces the geographic approach. */
  | { order: string; courier: string; travelS: number; costS?: undefined }
  /** The pair's whole cost in seconds: replaces the geographic price of the pair. */
  | { order: string; courier: string; costS: number; travelS?: undefined };

export interface Estimates {
  readonly ready: readonly ReadyEstimate[];
  readonly pairs: readonly PairEstimate[];
}

export interface CityEstimates extends Estimates {
  /** Epoch ms on the store's clock: from then on the city has no estimates. */
  readonly expiresAt: number;
}

const TTL_MS = numberRule({ ...EstimateTtlS, minimum: 1, maximum: EstimateTtlS.maximum! * 1000 });
const EPOCH_MS = numberRule(EpochMs);
const TRAVEL_S = numberRule(EstimateTravelS);
const COST_S = numberRule(EstimateCostS);

/** The stores' own check (the HTTP schema checks the same rules first, naming the field). */
export function assertEstimates(estimates: Estimates, ttlMs: number): void {
  if (!TTL_MS.accepts(ttlMs)) throw new RangeError(`estimates ttlMs ${TTL_MS.reason}, got ${ttlMs}`);
  if (estimates.ready.length > MAX_ESTIMATE_READY) throw new RangeError(`at most ${MAX_ESTIMATE_READY} ready estimates, got ${estimates.ready.length}`);
  if (estimates.pairs.length > MAX_ESTIMATE_PAIRS) throw new RangeError(`at most ${MAX_ESTIMATE_PAIRS} pair estimates, got ${estimates.pairs.length}`);
  for (const r of estimates.ready) {
    assertItemId(r.order, 'order');
    if (!EPOCH_MS.accepts(r.readyAt)) throw new RangeError(`ready estimate of ${r.order}: readyAt ${EPOCH_MS.reason}, got ${r.readyAt}`);
  }
  for (const p of estimates.pairs) {
    assertItemId(p.order, 'order');
    assertItemId(p.courier, 'courier');
    const what = `pair estimate ${p.order}/${p.courier}`;
    if ((p.travelS === undefined) === (p.costS === undefined)) throw new RangeError(`${what}: exactly one of travelS and costS`);
    if (p.travelS !== undefined && !TRAVEL_S.accepts(p.travelS)) throw new RangeError(`${what}: travelS ${TRAVEL_S.reason}, got ${p.travelS}`);
    if (p.costS !== undefined && !COST_S.accepts(p.costS)) throw new RangeError(`${what}: costS ${COST_S.reason}, got ${p.costS}`);
  }
}

/**
 * Only the fields of the types, copied and frozen: callers may pass richer objects, the memory
 * store keeps these and hands the same record to every snapshot until a put replaces it.
 */
export function estimatesRecord(estimates: Estimates, expiresAt: number): CityEstimates {
  return Object.freeze({
    ready: Object.freeze(estimates.ready.map(({ order, readyAt }) => Object.freeze({ order, readyAt }))),
    pairs: Object.freeze(
      estimates.pairs.map((p) =>
        Object.freeze(
          p.travelS !== undefined ? { order: p.order, courier: p.courier, travelS: p.travelS } : { order: p.order, courier: p.courier, costS: p.costS },
        ),
      ),
    ),
    expiresAt,
  });
}

/** The Redis value: compact JSON, `[order, readyAt]` and `[order, courier, 't' | 'c', seconds]`. */
export function encodeEstimates(estimates: Estimates): string {
  return JSON.stringify({
    r: estimates.ready.map((r) => [r.order, r.readyAt]),
    p: estimates.pairs.map((p) => (p.travelS !== undefined ? [p.order, p.courier, 't', p.travelS] : [p.order, p.courier, 'c', p.costS])),
  });
}

export function decodeEstimates(value: string, expiresAt: number): CityEstimates {
  const { r, p } = JSON.parse(value) as { r: [string, number][]; p: [string, string, 't' | 'c', number][] };
  return {
    ready: r.map(([order, readyAt]) => ({ order, readyAt })),
    pairs: p.map(([order, courier, kind, s]) => (kind === 't' ? { order, courier, travelS: s } : { order, courier, costS: s })),
    expiresAt,
  };
}
