/**
 * Business events into the feature engine (docs/features.md, "Events"): an order's life and a
 * courier's positions and status, from the fleet's own systems (`POST /v1/cities/:city/events`)
 * or from the host itself (orders it creates, events on them, courier updates). Each carries an
 * id the stores remember for DEDUPE_HORIZON_MS, so a retried batch is not counted twice; its time
 * is the store's clock when the batch is taken (every event of a batch shares it), so hosts
 * with skewed clocks agree and an event log replays exactly (replay.ts).
 */
import { EventId, isEventId, isItemId, ItemId, Latitude, Longitude } from '../domain/limits.js';
import { numberRule } from '../domain/schema-rules.js';
import { Type } from '@sinclair/typebox';

export type CourierFeatureStatus = 'free' | 'busy' | 'offline';

export type FeatureEvent =
  /** `quotedPrepS`: the kitchen's own quote; the tick's ready estimate scales it by what the ETA model predicts. */
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

/** The quote as the stores keep it: whole milliseconds, rounded (undefined without a quote). */
export function quotedPrepMs(event: { quotedPrepS?: number }): number | undefined {
  return event.quotedPrepS === undefined ? undefined : Math.floor(event.quotedPrepS * 1000 + 0.5);
}

/** An event as an event log line holds it: what was sent, with the store time it was taken at. */
export type LoggedEvent = FeatureEvent & { at: number };

/** Most events per batch. */
export const MAX_EVENTS_PER_BATCH = 10_000;
/** A quoted preparation time is at most a day. */
export const QuotedPrepS = Type.Number({ minimum: 0, maximum: 86_400, description: "the kitchen's quoted preparation time, seconds" });
const QUOTED_PREP_S = numberRule(QuotedPrepS);
const LATITUDE = numberRule(Latitude);
const LONGITUDE = numberRule(Longitude);

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

export interface EventProblem {
  /** The event's index in its batch (or log). */
  index: number;
  /** The field as the JSON names it. */
  field: string;
  message: string;
}

const ID_RULE = `must be ${ItemId.description}`;

/** The first problem of a batch, or null: the stores' own check (the HTTP schema checks the shape first). */
export function featureEventProblem(events: readonly FeatureEvent[]): EventProblem | null {
  for (const [index, e] of events.entries()) {
    const problem = (field: string, message: string): EventProblem => ({ index, field, message });
    if (!isEventId(e.id)) return problem('id', `must be ${EventId.description}`);
    switch (e.type) {
      case 'order_created':
        if (!isItemId(e.order)) return problem('order', ID_RULE);
        if (!isItemId(e.restaurant)) return problem('restaurant', ID_RULE);
        if (e.zone !== undefined && !isItemId(e.zone)) return problem('zone', ID_RULE);
        if (e.quotedPrepS !== undefined && !QUOTED_PREP_S.accepts(e.quotedPrepS)) return problem('quoted_prep_s', QUOTED_PREP_S.reason);
        break;
      case 'order_ready':
      case 'order_picked_up':
      case 'order_delivered':
      case 'order_cancelled':
        if (!isItemId(e.order)) return problem('order', ID_RULE);
        break;
      case 'courier_position':
        if (!isItemId(e.courier)) return problem('courier', ID_RULE);
        if (!LATITUDE.accepts(e.lat)) return problem('lat', LATITUDE.reason);
        if (!LONGITUDE.accepts(e.lng)) return problem('lng', LONGITUDE.reason);
        break;
      case 'courier_status':
        if (!isItemId(e.courier)) return problem('courier', ID_RULE);
        if (!COURIER_FEATURE_STATUSES.includes(e.status)) return problem('status', `must be one of ${COURIER_FEATURE_STATUSES.join(', ')}`);
        break;
      default:
        return problem('type', `must be one of ${FEATURE_EVENT_TYPES.join(', ')}`);
    }
  }
  return null;
}

export function assertFeatureEvents(events: readonly FeatureEvent[]): void {
  if (events.length > MAX_EVENTS_PER_BATCH) throw new RangeError(`events: at most ${MAX_EVENTS_PER_BATCH} per batch, got ${events.length}`);
  const problem = featureEventProblem(events);
  if (problem !== null) throw new RangeError(`events[${problem.index}].${problem.field} ${problem.message}`);
}

/** An event as the HTTP API and event logs write it (snake_case). */
export interface FeatureEventJson {
  id: string;
  type: string;
  order?: string;
  restaurant?: string;
  zone?: string;
  quoted_prep_s?: number;
  courier?: string;
  lat?: number;
  lng?: number;
  status?: string;
}

export function eventFromJson(json: FeatureEventJson): FeatureEvent {
  const { id, type, order, restaurant, zone, quoted_prep_s: quotedPrepS, courier, lat, lng, status } = json;
  const fields = { order, restaurant, zone, quotedPrepS, courier, lat, lng, status };
  // Only the fields that are there: the checks above then name what is missing.
  return { id, type, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) } as FeatureEvent;
}

export function eventToJson(event: FeatureEvent): FeatureEventJson {
  const { quotedPrepS, ...rest } = event as FeatureEvent & { quotedPrepS?: number };
  return quotedPrepS === undefined ? { ...rest } : { ...rest, quoted_prep_s: quotedPrepS };
}
