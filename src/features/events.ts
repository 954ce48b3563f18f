/**
 * Business events into the feature engine (docs/features.md, "Events"): an order's life and a
 * courier's positions and status, from the fleet's own systems (`POST /v1/cities/:city/events`)
 * or from the host itself (orders it creates, events on them, courier updates). Each carries an
 * id the stores remember for DEDUPE_HORIZON_MS, so a retried batch is not counted twice; its time
 * is the store's clock when the batch is taken (every event of a batch shares it), so hosts
 * with skewed clocks agree and an event log replays exactly (replay.ts).
 */
import { isItemId, ITEM_ID_MAX_CODE_POINTS } from '../domain/limits.js';

export type CourierFeatureStatus = 'free' | 'busy' | 'offline';

export type FeatureEvent =
  /** `quotedPrepS`: the kitchen's own quote; the tick's ready estimate is this plus the predicted lateness. */
  | { id: string; type: 'order_created'; order: string; restaurant: string; zone?: string; quotedPrepS?: number }
  | { id: string; type: 'order_ready' | 'order_picked_up' | 'order_delivered' | 'order_cancelled'; order: string }
  | { id: string; type: 'courier_position'; courier: string; lat: number; lng: number }
  | { id: string; type: 'courier_status'; courier: string; status: CourierFeatureStatus };

export type FeatureEventType = FeatureEvent['type'];
export const FEATURE_EVENT_TYPES: readonly FeatureEventType[] = [
  'order_created',
  'order_ready',
  'order_picked_up',
  'order_delivered',
  'order_cancelled',
  'courier_position',
  'courier_status',
];
export const COURIER_FEATURE_STATUSES: readonly CourierFeatureStatus[] = ['free', 'busy', 'offline'];

/** An event as an event log line holds it: what was sent, with the store time it was taken at. */
export type LoggedEvent = FeatureEvent & { at: number };

/** Most events per batch. */
export const MAX_EVENTS_PER_BATCH = 10_000;
/** A quoted preparation time is at most a day. */
export const MAX_QUOTED_PREP_S = 86_400;

/**
 * Why an event the stores took changed nothing: a duplicate id, or a step of an order the store
 * has no record of (never created, already delivered, or the step was already taken).
 */
export type IgnoredReason = 'duplicate' | 'unknown_order' | 'repeated_step';

export interface IngestResult {
  /** The store time every event of the batch was taken at, epoch ms. */
  at: number;
  accepted: number;
  /** Per ignored event, in batch order. */
  ignored: { id: string; reason: IgnoredReason }[];
}

/**
 * The stores' own check of a batch (the HTTP schema checks the same first, naming the field):
 * returns the first problem as `events[i].field: why`, or null.
 */
export function featureEventProblem(events: readonly FeatureEvent[]): string | null {
  if (events.length > MAX_EVENTS_PER_BATCH) return `events: at most ${MAX_EVENTS_PER_BATCH} per batch, got ${events.length}`;
  for (const [i, e] of events.entries()) {
    const at = (field: string, why: string) => `events[${i}].${field}: ${why}`;
    const id = `1-${ITEM_ID_MAX_CODE_POINTS} characters without |`;
    if (!isItemId(e.id)) return at('id', `must be ${id}`);
    switch (e.type) {
      case 'order_created':
        if (!isItemId(e.order)) return at('order', `must be ${id}`);
        if (!isItemId(e.restaurant)) return at('restaurant', `must be ${id}`);
        if (e.zone !== undefined && !isItemId(e.zone)) return at('zone', `must be ${id}`);
        if (e.quotedPrepS !== undefined && !(Number.isFinite(e.quotedPrepS) && e.quotedPrepS >= 0 && e.quotedPrepS <= MAX_QUOTED_PREP_S)) {
          return at('quoted_prep_s', `must be a number of seconds in [0, ${MAX_QUOTED_PREP_S}]`);
        }
        break;
      case 'order_ready':
      case 'order_picked_up':
      case 'order_delivered':
      case 'order_cancelled':
        if (!isItemId(e.order)) return at('order', `must be ${id}`);
        break;
      case 'courier_position':
        if (!isItemId(e.courier)) return at('courier', `must be ${id}`);
        if (!(Number.isFinite(e.lat) && Math.abs(e.lat) <= 90)) return at('lat', 'must be a latitude in [-90, 90]');
        if (!(Number.isFinite(e.lng) && Math.abs(e.lng) <= 180)) return at('lng', 'must be a longitude in [-180, 180]');
        break;
      case 'courier_status':
        if (!isItemId(e.courier)) return at('courier', `must be ${id}`);
        if (!COURIER_FEATURE_STATUSES.includes(e.status)) return at('status', `must be one of ${COURIER_FEATURE_STATUSES.join(', ')}`);
        break;
      default:
        return at('type', `must be one of ${FEATURE_EVENT_TYPES.join(', ')}`);
    }
  }
  return null;
}

export function assertFeatureEvents(events: readonly FeatureEvent[]): void {
  const problem = featureEventProblem(events);
  if (problem !== null) throw new RangeError(problem);
}
