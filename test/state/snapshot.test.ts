import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import { SnapshotBuilder } from '../../src/state/snapshot.js';

describe('SnapshotBuilder', () => {
  it('keeps only dispatchable records, in the solver columns relative to the read time', () => {
    const snapshot = new SnapshotBuilder({
      city: 'bcn',
      params: DEFAULT_PARAMS,
      now: 1_000_000,
      version: 3,
      offeredCouriers: new Set(['c-offered']),
      offeredOrders: new Set(['o-offered']),
      maxCouriers: 3,
      maxOrders: 3,
    });
    const courier = { lat: 41.25, lng: -2.5, speedMps: 4.5, freeAt: 1_030_000 };
    snapshot.addCouriers([
      { id: 'c-1', ...courier, status: 'free' },
      { id: 'c-busy', ...courier, status: 'busy' },
      { id: 'c-offered', ...courier, status: 'free' },
    ]);
    const place = { pickupLat: 1.5, pickupLng: 2.5, dropoffLat: -3.5, dropoffLng: 4.5, readyAt: 940_000 };
    snapshot.addOrders([
      { id: 'o-1', ...place, status: 'pending' },
      { id: 'o-2', ...place, status: 'assigned' },
      { id: 'o-offered', ...place, status: 'pending' },
    ]);

    const { courierIds, orderIds, version, takenAt, problem } = snapshot.build();
    expect([courierIds, orderIds, version, takenAt]).toEqual([['c-1'], ['o-1'], 3, 1_000_000]);
    expect([...problem.courierLat, ...problem.courierLng, ...problem.courierSpeedMps, ...problem.courierFreeInS]).toEqual([41.25, -2.5, 4.5, 30]);
    expect([...problem.orderPickupLat, ...problem.orderPickupLng, ...problem.orderDropoffLat, ...problem.orderDropoffLng]).toEqual([1.5, 2.5, -3.5, 4.5]);
    expect([...problem.orderReadyInS]).toEqual([-60]);
  });
});
