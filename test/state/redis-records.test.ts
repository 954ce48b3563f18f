import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import { addCourierRecord, addOrderRecord, decodeCourier, decodeOrder, encodeCourier, encodeOrder } from '../../src/state/redis-records.js';
import { SnapshotBuilder } from '../../src/state/snapshot.js';

const id = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('|'));
// `+ 0` turns -0 into 0: both are written as "0".
const lat = fc.double({ min: -90, max: 90, noNaN: true }).map((x) => x + 0);
const lng = fc.double({ min: -180, max: 180, noNaN: true }).map((x) => x + 0);
const epochMs = fc.integer({ min: 0, max: 2 ** 52 });

describe('Redis record encoding', () => {
  it('round-trips couriers and orders exactly', () => {
    fc.assert(
      fc.property(id, lat, lng, fc.double({ min: 0.1, max: 50, noNaN: true }), epochMs, fc.constantFrom('free', 'busy', 'offline'), (i, la, ln, v, t, s) => {
        const courier = { id: i, lat: la, lng: ln, speedMps: v, freeAt: t, status: s as 'free' };
        expect(decodeCourier(encodeCourier(courier))).toEqual(courier);
      }),
    );
    fc.assert(
      fc.property(id, lat, lng, lat, lng, epochMs, fc.constantFrom('pending', 'assigned', 'picked_up'), (i, a, b, c, d, t, s) => {
        const order = { id: i, pickupLat: a, pickupLng: b, dropoffLat: c, dropoffLng: d, readyAt: t, status: s as 'pending' };
        expect(decodeOrder(encodeOrder(order))).toEqual(order);
      }),
    );
  });

  it('decode straight into snapshot columns, keeping only dispatchable records', () => {
    const snapshot = new SnapshotBuilder({
      city: 'bcn',
      params: DEFAULT_PARAMS,
      now: 1_000_000,
      version: 3,
      offeredCouriers: new Set(['c-offered']),
      offeredOrders: new Set(),
      maxCouriers: 3,
      maxOrders: 2,
    });
    const courier = { lat: 41.25, lng: -2.5, speedMps: 4.5, freeAt: 1_030_000 };
    addCourierRecord(snapshot, encodeCourier({ id: 'c-1', ...courier, status: 'free' }));
    addCourierRecord(snapshot, encodeCourier({ id: 'c-busy', ...courier, status: 'busy' }));
    addCourierRecord(snapshot, encodeCourier({ id: 'c-offered', ...courier, status: 'free' }));
    const place = { pickupLat: 1.5, pickupLng: 2.5, dropoffLat: -3.5, dropoffLng: 4.5 };
    addOrderRecord(snapshot, encodeOrder({ id: 'o-1', ...place, readyAt: 940_000, status: 'pending' }));
    addOrderRecord(snapshot, encodeOrder({ id: 'o-2', ...place, readyAt: 940_000, status: 'assigned' }));

    const { courierIds, orderIds, problem } = snapshot.build();
    expect([courierIds, orderIds]).toEqual([['c-1'], ['o-1']]);
    expect([...problem.courierLat, ...problem.courierLng, ...problem.courierSpeedMps, ...problem.courierFreeInS]).toEqual([41.25, -2.5, 4.5, 30]);
    expect([...problem.orderPickupLat, ...problem.orderPickupLng, ...problem.orderDropoffLat, ...problem.orderDropoffLng]).toEqual([1.5, 2.5, -3.5, 4.5]);
    expect([...problem.orderReadyInS]).toEqual([-60]);
  });
});
