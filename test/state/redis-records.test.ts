import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCourier, decodeOrder, encodeCourier, encodeOrder } from '../../src/state/redis-records.js';

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
});
