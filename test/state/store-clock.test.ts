import { describe, expect, it } from 'vitest';
import { MemoryCityStateStore } from '../../src/state/memory-city-state-store.js';

describe("the embedded store's clock", () => {
  it('stamps new orders and courier updates with its own clock, not the caller’s', async () => {
    const hourAhead = Date.now() + 3_600_000;
    const store = new MemoryCityStateStore({ now: () => hourAhead });
    await store.createOrders('bcn', [{ id: 'o-1', pickupLat: 41.387, pickupLng: 2.17, dropoffLat: 41.4012, dropoffLng: 2.1605 }]);
    await store.updateCouriers('bcn', [{ id: 'c-1', lat: 41.39, lng: 2.15, speedMps: 4, status: 'free' }]);
    expect((await store.readOrder('bcn', 'o-1'))!.readyAt).toBe(hourAhead);
    expect((await store.readCourier('bcn', 'c-1'))!.freeAt).toBe(hourAhead);
  });
});
