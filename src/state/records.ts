import { EpochMs, SpeedMps } from '../domain/limits.js';
import { numberRule } from '../domain/schema-rules.js';
import { assertItemId } from './decision.js';
import type { CourierState, CourierStatus, CourierUpdate, NewOrder, OrderEvent, OrderState, OrderStatus, PickupEvent } from './city-state-store.js';

const COURIER_STATUSES: readonly CourierStatus[] = ['free', 'busy', 'offline'];
const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'assigned', 'picked_up', 'delivered', 'cancelled'];

const SPEED_MPS = numberRule(SpeedMps);
const EPOCH_MS = numberRule(EpochMs);

/** Statuses that leave the hot set. */
export const FINISHED_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set(['delivered', 'cancelled']);

export function assertCourierUpdate(c: CourierUpdate): void {
  assertItemId(c.id, 'courier');
  assertPosition(c.lat, c.lng, `courier ${c.id}`);
  if (!SPEED_MPS.accepts(c.speedMps)) throw new RangeError(`courier ${c.id}: speedMps ${SPEED_MPS.reason}, got ${c.speedMps}`);
  if (!COURIER_STATUSES.includes(c.status)) {
    throw new RangeError(`courier ${c.id}: status must be one of ${COURIER_STATUSES.join(', ')}, got ${c.status}`);
  }
}

export function assertCourierState(c: CourierState): void {
  assertCourierUpdate(c);
  assertEpochMs(c.freeAt, `courier ${c.id}: freeAt`);
}

export function assertNewOrder(o: NewOrder): void {
  assertItemId(o.id, 'order');
  assertPosition(o.pickupLat, o.pickupLng, `order ${o.id} pickup`);
  assertPosition(o.dropoffLat, o.dropoffLng, `order ${o.id} dropoff`);
  if (o.readyAt !== undefined) assertEpochMs(o.readyAt, `order ${o.id}: readyAt`);
}

export function assertOrderState(o: OrderState): void {
  assertNewOrder(o);
  assertEpochMs(o.readyAt, `order ${o.id}: readyAt`);
  if (!ORDER_STATUSES.includes(o.status)) {
    throw new RangeError(`order ${o.id}: status must be one of ${ORDER_STATUSES.join(', ')}, got ${o.status}`);
  }
}

/** The answer's courier and a decline's cooldown, for order and pickup events alike. */
export function assertEventAnswer(event: OrderEvent | PickupEvent): void {
  if ((event.kind === 'accept' || event.kind === 'decline') && event.courier !== undefined) assertItemId(event.courier, 'courier');
  if (event.kind === 'decline' && (!Number.isSafeInteger(event.cooldownMs) || event.cooldownMs < 0)) {
    throw new RangeError(`cooldownMs must be a non-negative integer, got ${event.cooldownMs}`);
  }
}

/** Only the fields of the state types: callers may pass richer objects, the stores keep these. */
export function courierRecord(c: CourierState): CourierState {
  return { id: c.id, lat: c.lat, lng: c.lng, speedMps: c.speedMps, freeAt: c.freeAt, status: c.status };
}

export function orderRecord(o: OrderState): OrderState {
  return {
    id: o.id,
    pickupLat: o.pickupLat,
    pickupLng: o.pickupLng,
    dropoffLat: o.dropoffLat,
    dropoffLng: o.dropoffLng,
    readyAt: o.readyAt,
    status: o.status,
  };
}

function assertPosition(lat: number, lng: number, what: string): void {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90 || !Number.isFinite(lng) || lng < -180 || lng > 180) {
    throw new RangeError(`${what}: position (${lat}, ${lng}) is not a valid latitude/longitude`);
  }
}

function assertEpochMs(value: number, what: string): void {
  if (!EPOCH_MS.accepts(value)) throw new RangeError(`${what} ${EPOCH_MS.reason} of epoch milliseconds, got ${value}`);
}
