import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import type { CityStateStore } from '../../src/state/city-state-store.js';
import type { Estimates } from '../../src/state/estimates.js';
import { courier, order, sleep, STATE_STORES, type StateFixture } from './support/state-stores.js';

const CITY = 'bcn';
const ESTIMATES: Estimates = {
  ready: [{ order: 'o1', readyAt: 1_767_225_600_000 }],
  pairs: [
    { order: 'o1', courier: 'c1', travelS: 240 },
    { order: 'o2', courier: 'c2', costS: 1830.5 },
  ],
};

describe.each(STATE_STORES)('estimates ($name)', ({ create }) => {
  let fixture: StateFixture;
  let store: CityStateStore;
  beforeEach(async () => {
    fixture = await create();
    store = fixture.store;
    await store.putCouriers(CITY, [courier('c1'), courier('c2')]);
    await store.putOrders(CITY, [order('o1'), order('o2')]);
  });
  afterEach(() => fixture.close());

  const snapshot = () => store.readSnapshot(CITY, DEFAULT_PARAMS);

  it('are read with the snapshot until they expire on the store clock', async () => {
    expect((await snapshot()).estimates).toBeUndefined();
    const { expiresAt } = await store.putEstimates(CITY, ESTIMATES, 60_000);
    const s = await snapshot();
    expect(s.estimates).toEqual({ ...ESTIMATES, expiresAt });
    // The expiry is the store's clock at the put plus the ttl.
    expect(expiresAt - s.takenAt).toBeGreaterThan(55_000);
    expect(expiresAt - s.takenAt).toBeLessThanOrEqual(60_000);
  });

  it('lapse after their ttl', async () => {
    await store.putEstimates(CITY, ESTIMATES, 300);
    expect((await snapshot()).estimates).toBeDefined();
    await sleep(450);
    expect((await snapshot()).estimates).toBeUndefined();
  });

  it('are replaced whole by the next put', async () => {
    await store.putEstimates(CITY, ESTIMATES, 60_000);
    const next: Estimates = { ready: [], pairs: [{ order: 'o2', courier: 'c1', travelS: 60 }] };
    const { expiresAt } = await store.putEstimates(CITY, next, 1000);
    expect((await snapshot()).estimates).toEqual({ ...next, expiresAt });
    await sleep(1150);
    expect((await snapshot()).estimates).toBeUndefined();
  });

  it('are kept per city, and stay when their order ends (the snapshot no longer has the order)', async () => {
    await store.putEstimates(CITY, ESTIMATES, 60_000);
    await store.putOrders(CITY, [order('o1', { status: 'delivered' })]);
    const s = await snapshot();
    expect(s.orderIds).toEqual(['o2']);
    expect(s.estimates?.pairs).toHaveLength(2);
    expect((await store.readSnapshot('mad', DEFAULT_PARAMS)).estimates).toBeUndefined();
  });

  it('are checked by the store', async () => {
    await expect(store.putEstimates(CITY, ESTIMATES, 0)).rejects.toThrow(/ttlMs/);
    await expect(store.putEstimates(CITY, ESTIMATES, 3_600_001)).rejects.toThrow(/ttlMs/);
    const both = { order: 'o1', courier: 'c1', travelS: 1, costS: 1 } as unknown as Estimates['pairs'][number];
    await expect(store.putEstimates(CITY, { ready: [], pairs: [both] }, 1000)).rejects.toThrow(/exactly one/);
    await expect(store.putEstimates(CITY, { ready: [], pairs: [{ order: 'o1', courier: 'c1', travelS: -1 }] }, 1000)).rejects.toThrow(/travelS/);
    await expect(store.putEstimates(CITY, { ready: [{ order: 'a|b', readyAt: 0 }], pairs: [] }, 1000)).rejects.toThrow();
    expect((await snapshot()).estimates).toBeUndefined();
  });
});
