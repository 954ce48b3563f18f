import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import type { CityStateStore } from '../../src/state/city-state-store.js';
import { courier, order, sleep, STATE_STORES, type StateFixture } from '../state/support/state-stores.js';

const CITY = 'bcn';

describe.each(STATE_STORES)('order lifecycle after an offer ($name)', ({ create }) => {
  let fixture: StateFixture;
  let store: CityStateStore;
  beforeEach(async () => {
    fixture = await create();
    store = fixture.store;
    await store.raiseFence(CITY, { token: 1, version: 0 });
    await store.putCouriers(CITY, [courier('c1'), courier('c2')]);
    await store.putOrders(CITY, [order('o1'), order('o2')]);
  });
  afterEach(() => fixture.close());

  const offer = (o: string, c: string, offerTtlMs = 30_000) =>
    store.commit({ city: CITY, token: 1, holder: 'h/b', assignments: [{ order: o, courier: c }], offerTtlMs });
  const snapshotIds = async () => {
    const s = await store.readSnapshot(CITY, DEFAULT_PARAMS);
    return { couriers: [...s.courierIds].sort(), orders: [...s.orderIds].sort() };
  };

  it('accept → picked up → delivered: busy while carrying, free again at the dropoff', async () => {
    expect((await offer('o1', 'c1')).ok).toBe(true);
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'accept', courier: 'c2' })).toEqual({ ok: false, reason: 'no_offer' });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'accept', courier: 'c1' })).toEqual({ ok: true, courier: 'c1' });
    expect((await store.readOrder(CITY, 'o1'))?.status).toBe('assigned');
    expect((await store.readCourier(CITY, 'c1'))?.status).toBe('busy');
    // A position update keeps the carrying courier busy.
    await store.updateCouriers(CITY, [courier('c1', { lat: 41.4 }), courier('c2', { lat: 41.41 })]);
    expect(await store.readCourier(CITY, 'c1')).toMatchObject({ status: 'busy', lat: 41.4 });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'delivered' })).toMatchObject({ ok: true });
    expect(await store.readOrder(CITY, 'o2')).toBeDefined();
    await store.putOrders(CITY, [order('o3')]);
    expect(await store.applyOrderEvent(CITY, 'o3', { kind: 'picked_up' })).toEqual({ ok: false, reason: 'wrong_state', state: 'pending' });
    expect(await store.readOrder(CITY, 'o1')).toBeUndefined();
    const c1 = await store.readCourier(CITY, 'c1');
    expect(c1).toMatchObject({ status: 'free', lat: 41.4012, lng: 2.1605, offer: null });
    expect(await snapshotIds()).toEqual({ couriers: ['c1', 'c2'], orders: ['o2', 'o3'] });
  });

  it('picked up, then delivered; unknown orders and wrong states are named', async () => {
    await offer('o1', 'c1');
    await store.applyOrderEvent(CITY, 'o1', { kind: 'accept' });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'picked_up' })).toEqual({ ok: true, courier: 'c1' });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'accept' })).toEqual({ ok: false, reason: 'wrong_state', state: 'picked_up' });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'delivered' })).toEqual({ ok: true, courier: 'c1' });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'delivered' })).toEqual({ ok: false, reason: 'unknown_order' });
  });

  it('decline frees both at once and puts the pair in cooldown', async () => {
    await offer('o1', 'c1');
    expect(await snapshotIds()).toEqual({ couriers: ['c2'], orders: ['o2'] });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'decline', courier: 'c1', cooldownMs: 60_000 })).toEqual({ ok: true, courier: 'c1' });
    expect(await snapshotIds()).toEqual({ couriers: ['c1', 'c2'], orders: ['o1', 'o2'] });
    expect(await store.readCooldowns(CITY)).toEqual([{ order: 'o1', courier: 'c1' }]);
    expect((await offer('o1', 'c2')).ok).toBe(true);
  });

  it('a cooldown ends', async () => {
    await offer('o1', 'c1');
    await store.applyOrderEvent(CITY, 'o1', { kind: 'decline', cooldownMs: 50 });
    await sleep(80);
    expect(await store.readCooldowns(CITY)).toEqual([]);
  });

  it('an unanswered offer lapses: both are free again and it can no longer be accepted', async () => {
    await offer('o1', 'c1', 50);
    await sleep(80);
    expect(await snapshotIds()).toEqual({ couriers: ['c1', 'c2'], orders: ['o1', 'o2'] });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'accept' })).toEqual({ ok: false, reason: 'no_offer' });
  });

  it('cancel frees the carrying courier; removing a courier withdraws its offer', async () => {
    await store.commit({
      city: CITY,
      token: 1,
      holder: 'h/b',
      assignments: [
        { order: 'o1', courier: 'c1' },
        { order: 'o2', courier: 'c2' },
      ],
    });
    await store.applyOrderEvent(CITY, 'o1', { kind: 'accept' });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'cancel' })).toEqual({ ok: true, courier: 'c1' });
    expect(await store.readCourier(CITY, 'c1')).toMatchObject({ status: 'free', offer: null });
    expect(await store.removeCourier(CITY, 'c2')).toBe(true);
    expect(await store.removeCourier(CITY, 'c2')).toBe(false);
    expect(await store.readOrder(CITY, 'o2')).toMatchObject({ status: 'pending', offer: null });
    expect(await snapshotIds()).toEqual({ couriers: ['c1'], orders: ['o2'] });
  });

  it('removing a courier that accepted returns the order to pending', async () => {
    await offer('o1', 'c1');
    await store.applyOrderEvent(CITY, 'o1', { kind: 'accept' });
    await store.removeCourier(CITY, 'c1');
    expect(await store.readOrder(CITY, 'o1')).toMatchObject({ status: 'pending', offer: null });
  });
});
