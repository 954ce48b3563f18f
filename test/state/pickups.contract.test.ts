import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import type { CityStateStore } from '../../src/state/city-state-store.js';
import { courier, order, sleep, STATE_STORES, type StateFixture } from './support/state-stores.js';

const CITY = 'bcn';
const ELSEWHERE = { pickupLat: 41.4, pickupLng: 2.19 };

describe.each(STATE_STORES)('pickups of several orders ($name)', ({ create }) => {
  let fixture: StateFixture;
  let store: CityStateStore;
  beforeEach(async () => {
    fixture = await create();
    store = fixture.store;
    await store.raiseFence(CITY, { token: 1, version: 0 });
    await store.putCouriers(CITY, [courier('c1'), courier('c2'), courier('c3')]);
    await store.putOrders(CITY, [
      order('o1', { dropoffLat: 41.41, dropoffLng: 2.15 }),
      order('o2', { dropoffLat: 41.42, dropoffLng: 2.14 }),
      order('o3'),
      order('o4'),
      order('o-far', ELSEWHERE),
    ]);
  });
  afterEach(() => fixture.close());

  const commit = (pairs: [string, string][], offerTtlMs = 30_000) =>
    store.commit({ city: CITY, token: 1, holder: 'h/b', assignments: pairs.map(([o, c]) => ({ order: o, courier: c })), offerTtlMs });
  const snapshotIds = async () => {
    const s = await store.readSnapshot(CITY, DEFAULT_PARAMS);
    return { couriers: [...s.courierIds].sort(), orders: [...s.orderIds].sort() };
  };
  const status = async (id: string) => (await store.readOrder(CITY, id))?.status;
  /** Everything a refused commit must leave unchanged. */
  const observable = async () => ({
    fence: await store.readFence(CITY),
    stream: await store.readDecisionStream(CITY),
    orders: await Promise.all(['o1', 'o2', 'o3', 'o4', 'o-far'].map((id) => store.readOrder(CITY, id))),
    couriers: await Promise.all(['c1', 'c2', 'c3'].map((id) => store.readCourier(CITY, id))),
  });

  it('commits each run of one courier as one pickup: offers name the pickup and its orders', async () => {
    const result = await commit([
      ['o1', 'c1'],
      ['o2', 'c1'],
      ['o3', 'c2'],
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result));
    const { committedAt, version } = result.decision;
    expect(version).toBe(1);
    expect(result.decision.assignments).toEqual([
      { order: 'o1', courier: 'c1' },
      { order: 'o2', courier: 'c1' },
      { order: 'o3', courier: 'c2' },
    ]);
    const offer = { courier: 'c1', version: 1, expiresAt: committedAt + 30_000, pickup: 'p1.1', orders: ['o1', 'o2'] };
    expect((await store.readOrder(CITY, 'o2'))?.offer).toEqual({ order: 'o2', ...offer });
    expect((await store.readCourier(CITY, 'c1'))?.offer).toEqual({ order: 'o1', ...offer });
    expect((await store.readCourier(CITY, 'c2'))?.offer).toMatchObject({ order: 'o3', pickup: 'p1.2', orders: ['o3'] });
    expect(await store.readPickup(CITY, 'p1.1')).toEqual({
      id: 'p1.1',
      courier: 'c1',
      version: 1,
      orders: ['o1', 'o2'],
      status: 'offered',
      expiresAt: committedAt + 30_000,
    });
    expect(await store.readPickup(CITY, 'p1.3')).toBeUndefined();
    expect(await snapshotIds()).toEqual({ couriers: ['c3'], orders: ['o-far', 'o4'] });
  });

  it.each([
    {
      case: 'an order not pending',
      setup: () => store.putOrders(CITY, [order('o2', { status: 'assigned' })]),
      item: { kind: 'order', id: 'o2', state: 'assigned' },
    },
    { case: 'an order already offered', setup: () => commit([['o2', 'c3']]), item: { kind: 'order', id: 'o2', state: 'offered' } },
    {
      case: 'an order from another restaurant',
      setup: async () => {},
      pairs: [
        ['o3', 'c2'],
        ['o1', 'c1'],
        ['o-far', 'c1'],
      ],
      item: { kind: 'order', id: 'o-far', state: 'pickup_mismatch' },
    },
    {
      case: 'the courier not free',
      setup: () => store.putCouriers(CITY, [courier('c1', { status: 'busy' })]),
      item: { kind: 'courier', id: 'c1', state: 'busy' },
    },
  ] as const)('refuses a pickup with $case, all or nothing', async ({ setup, item, ...rest }) => {
    await setup();
    const pairs =
      rest.pairs ??
      ([
        ['o3', 'c2'],
        ['o1', 'c1'],
        ['o2', 'c1'],
      ] as const);
    const before = await observable();
    expect(await commit(pairs.map(([o, c]) => [o, c]))).toEqual({ ok: false, reason: 'conflict', item });
    expect(await observable()).toEqual(before);
  });

  it('accept → picked up → delivered one by one: the courier is freed at the last dropoff only', async () => {
    await commit([
      ['o1', 'c1'],
      ['o2', 'c1'],
    ]);
    expect(await store.applyPickupEvent(CITY, 'p1.1', { kind: 'picked_up' })).toEqual({ ok: false, reason: 'wrong_state', state: 'pending' });
    expect(await store.applyPickupEvent(CITY, 'p1.1', { kind: 'accept', courier: 'c2' })).toEqual({ ok: false, reason: 'no_offer' });
    expect(await store.applyPickupEvent(CITY, 'p1.1', { kind: 'accept', courier: 'c1' })).toEqual({ ok: true, courier: 'c1', orders: ['o1', 'o2'] });
    expect([await status('o1'), await status('o2')]).toEqual(['assigned', 'assigned']);
    expect((await store.readCourier(CITY, 'c1'))?.status).toBe('busy');
    expect(await store.readPickup(CITY, 'p1.1')).toMatchObject({ status: 'assigned', orders: ['o1', 'o2'] });
    expect(await store.applyPickupEvent(CITY, 'p1.1', { kind: 'accept' })).toEqual({ ok: false, reason: 'wrong_state', state: 'assigned' });
    expect(await store.applyPickupEvent(CITY, 'p1.1', { kind: 'picked_up' })).toEqual({ ok: true, courier: 'c1', orders: ['o1', 'o2'] });
    expect([await status('o1'), await status('o2')]).toEqual(['picked_up', 'picked_up']);

    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'delivered' })).toEqual({ ok: true, courier: 'c1', pickup: { id: 'p1.1', orders: ['o1', 'o2'] } });
    expect(await store.readCourier(CITY, 'c1')).toMatchObject({ status: 'busy', offer: { order: 'o2', orders: ['o2'] } });
    expect(await store.readPickup(CITY, 'p1.1')).toMatchObject({ status: 'picked_up', orders: ['o2'] });
    // The last order: a one-order remainder answers as a one-order pickup does.
    expect(await store.applyOrderEvent(CITY, 'o2', { kind: 'delivered' })).toEqual({ ok: true, courier: 'c1' });
    expect(await store.readCourier(CITY, 'c1')).toMatchObject({ status: 'free', lat: 41.42, lng: 2.14, offer: null });
    expect(await store.readPickup(CITY, 'p1.1')).toBeUndefined();
    expect(await store.applyPickupEvent(CITY, 'p1.1', { kind: 'picked_up' })).toEqual({ ok: false, reason: 'unknown_pickup' });
    expect((await snapshotIds()).couriers).toContain('c1');
  });

  it('decline drops the whole offer and cools every pair of the pickup down', async () => {
    await commit([
      ['o1', 'c1'],
      ['o2', 'c1'],
    ]);
    expect(await store.applyPickupEvent(CITY, 'p1.1', { kind: 'decline', courier: 'c1', cooldownMs: 60_000 })).toEqual({
      ok: true,
      courier: 'c1',
      orders: ['o1', 'o2'],
    });
    expect(await snapshotIds()).toEqual({ couriers: ['c1', 'c2', 'c3'], orders: ['o-far', 'o1', 'o2', 'o3', 'o4'] });
    expect((await store.readCooldowns(CITY)).sort((a, b) => a.order.localeCompare(b.order))).toEqual([
      { order: 'o1', courier: 'c1' },
      { order: 'o2', courier: 'c1' },
    ]);
    expect(await store.readPickup(CITY, 'p1.1')).toBeUndefined();
    expect(
      (
        await commit([
          ['o1', 'c2'],
          ['o2', 'c2'],
        ])
      ).ok,
    ).toBe(true);
  });

  it('order-level accept, picked_up and decline of a bundled order act on its pickup', async () => {
    await commit([
      ['o1', 'c1'],
      ['o2', 'c1'],
      ['o3', 'c2'],
      ['o4', 'c2'],
    ]);
    const p1 = { id: 'p1.1', orders: ['o1', 'o2'] };
    expect(await store.applyOrderEvent(CITY, 'o2', { kind: 'accept', courier: 'c2' })).toEqual({ ok: false, reason: 'no_offer' });
    expect(await store.applyOrderEvent(CITY, 'o2', { kind: 'accept', courier: 'c1' })).toEqual({ ok: true, courier: 'c1', pickup: p1 });
    expect([await status('o1'), await status('o2')]).toEqual(['assigned', 'assigned']);
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'picked_up' })).toEqual({ ok: true, courier: 'c1', pickup: p1 });
    expect([await status('o1'), await status('o2')]).toEqual(['picked_up', 'picked_up']);
    expect(await store.applyOrderEvent(CITY, 'o4', { kind: 'decline', cooldownMs: 60_000 })).toEqual({
      ok: true,
      courier: 'c2',
      pickup: { id: 'p1.2', orders: ['o3', 'o4'] },
    });
    expect([(await store.readOrder(CITY, 'o3'))?.offer, (await store.readCourier(CITY, 'c2'))?.offer]).toEqual([null, null]);
    expect((await store.readCooldowns(CITY)).map((p) => p.order).sort()).toEqual(['o3', 'o4']);
  });

  it('cancel takes one order out: an offered pickup stays offered, a carrying courier is freed with the last', async () => {
    await commit([
      ['o1', 'c1'],
      ['o2', 'c1'],
      ['o3', 'c1'],
      ['o4', 'c2'],
    ]);
    expect(await store.applyOrderEvent(CITY, 'o2', { kind: 'cancel' })).toEqual({
      ok: true,
      courier: 'c1',
      pickup: { id: 'p1.1', orders: ['o1', 'o2', 'o3'] },
    });
    expect(await store.readPickup(CITY, 'p1.1')).toMatchObject({ status: 'offered', orders: ['o1', 'o3'] });
    expect((await store.readOrder(CITY, 'o3'))?.offer).toMatchObject({ pickup: 'p1.1', orders: ['o1', 'o3'] });
    expect(await snapshotIds()).toEqual({ couriers: ['c3'], orders: ['o-far'] });
    expect((await store.applyPickupEvent(CITY, 'p1.1', { kind: 'accept' })).ok).toBe(true);
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'cancel' })).toMatchObject({ ok: true, courier: 'c1' });
    expect((await store.readCourier(CITY, 'c1'))?.status).toBe('busy');
    expect(await store.applyOrderEvent(CITY, 'o3', { kind: 'cancel' })).toEqual({ ok: true, courier: 'c1' });
    expect(await store.readCourier(CITY, 'c1')).toMatchObject({ status: 'free', offer: null });
    expect(await store.readPickup(CITY, 'p1.1')).toBeUndefined();
    // The last order of an offered pickup cancelled: the courier's offer goes with it.
    expect(await store.applyOrderEvent(CITY, 'o4', { kind: 'cancel' })).toEqual({ ok: true, courier: 'c2' });
    expect((await store.readCourier(CITY, 'c2'))?.offer).toBeNull();
    expect(await snapshotIds()).toEqual({ couriers: ['c1', 'c2', 'c3'], orders: ['o-far'] });
  });

  it('a pickup offer nobody answers lapses as a whole', async () => {
    await commit(
      [
        ['o1', 'c1'],
        ['o2', 'c1'],
      ],
      50,
    );
    await sleep(80);
    expect(await store.readPickup(CITY, 'p1.1')).toBeUndefined();
    expect(await store.applyPickupEvent(CITY, 'p1.1', { kind: 'accept' })).toEqual({ ok: false, reason: 'unknown_pickup' });
    expect(await store.applyOrderEvent(CITY, 'o2', { kind: 'accept' })).toEqual({ ok: false, reason: 'no_offer' });
    expect(await snapshotIds()).toEqual({ couriers: ['c1', 'c2', 'c3'], orders: ['o-far', 'o1', 'o2', 'o3', 'o4'] });
    const again = await commit([
      ['o2', 'c2'],
      ['o1', 'c2'],
    ]);
    expect(again.ok && again.decision.version).toBe(2);
    expect(await store.readPickup(CITY, 'p2.1')).toMatchObject({ courier: 'c2', orders: ['o2', 'o1'], status: 'offered' });
  });

  it('removing a carrying courier returns its accepted, not picked-up orders to pending', async () => {
    await commit([
      ['o1', 'c1'],
      ['o2', 'c1'],
    ]);
    await store.applyPickupEvent(CITY, 'p1.1', { kind: 'accept' });
    expect(await store.removeCourier(CITY, 'c1')).toBe(true);
    expect(await store.readOrder(CITY, 'o1')).toMatchObject({ status: 'pending', offer: null });
    expect(await store.readOrder(CITY, 'o2')).toMatchObject({ status: 'pending', offer: null });
    expect(await store.readPickup(CITY, 'p1.1')).toBeUndefined();
    expect(
      (
        await commit([
          ['o1', 'c2'],
          ['o2', 'c2'],
        ])
      ).ok,
    ).toBe(true);
  });

  it('rejects malformed pickup ids and answers before touching the store', async () => {
    await expect(store.readPickup(CITY, 'p0.1')).rejects.toThrow(/pickup id/);
    await expect(store.applyPickupEvent(CITY, 'x1.1', { kind: 'accept' })).rejects.toThrow(/pickup id/);
    await expect(store.applyPickupEvent(CITY, 'p1.1', { kind: 'decline', cooldownMs: -1 })).rejects.toThrow(/cooldownMs/);
    await expect(store.applyPickupEvent(CITY, 'p1.1', { kind: 'accept', courier: 'a|b' })).rejects.toThrow(/courier id/);
  });
});
