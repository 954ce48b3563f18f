import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import type { CityStateStore } from '../../src/state/city-state-store.js';
import type { Decision } from '../../src/state/decision.js';
import { courier, order, sleep, STATE_STORES, type StateFixture } from './support/state-stores.js';

const CITY = 'bcn';

describe.each(STATE_STORES)('CityStateStore contract: $name', ({ create }) => {
  let fixture: StateFixture;
  let store: CityStateStore;

  beforeEach(async () => {
    fixture = await create();
    store = fixture.store;
  });
  afterEach(() => fixture.close());

  const decide = (token: number, pairs: [string, string][], fields: Partial<Decision> = {}): Decision => ({
    city: CITY,
    token,
    holder: 'host-a/boot-1',
    assignments: pairs.map(([o, c]) => ({ order: o, courier: c })),
    ...fields,
  });

  /** Everything a failed commit must leave unchanged. */
  const observable = async (ids: { orders: string[]; couriers: string[] }) => ({
    fence: await store.readFence(CITY),
    stream: await store.readDecisionStream(CITY),
    orders: await Promise.all(ids.orders.map((id) => store.readOrder(CITY, id))),
    couriers: await Promise.all(ids.couriers.map((id) => store.readCourier(CITY, id))),
  });

  it('answers its health check while its servers are up', async () => {
    await expect(store.checkHealth()).resolves.toBeUndefined();
  });

  describe('snapshot', () => {
    it('returns free couriers and pending orders in columnar form, times relative to the read', async () => {
      const now = Date.now();
      await store.putCouriers(CITY, [
        courier('c-free', { lat: 41.1, lng: 2.1, speedMps: 5, freeAt: now + 60_000 }),
        courier('c-busy', { status: 'busy' }),
        courier('c-offline', { status: 'offline' }),
        courier('c-now', { lat: 41.2, lng: 2.2, speedMps: 3, freeAt: now - 5_000 }),
      ]);
      await store.putOrders(CITY, [
        order('o-late', { pickupLat: 41.3, pickupLng: 2.3, dropoffLat: 41.4, dropoffLng: 2.4, readyAt: now + 120_000 }),
        order('o-waiting', { readyAt: now - 30_000 }),
        order('o-assigned', { status: 'assigned' }),
        order('o-picked', { status: 'picked_up' }),
      ]);
      const params = { ...DEFAULT_PARAMS, maxPickupS: 900 };
      const snapshot = await store.readSnapshot(CITY, params);

      expect(snapshot.city).toBe(CITY);
      expect(snapshot.version).toBe(0);
      expect(Math.abs(snapshot.takenAt - Date.now())).toBeLessThan(5_000);
      expect(snapshot.problem.params).toEqual(params);
      expect(snapshot.problem.kind).toBe('positions');
      expect([...snapshot.courierIds].sort()).toEqual(['c-free', 'c-now']);
      expect([...snapshot.orderIds].sort()).toEqual(['o-late', 'o-waiting']);
      expect(snapshot.problem.courierCount).toBe(2);
      expect(snapshot.problem.orderCount).toBe(2);

      const p = snapshot.problem;
      const c = snapshot.courierIds.indexOf('c-free');
      expect([p.courierLat[c], p.courierLng[c], p.courierSpeedMps[c]]).toEqual([41.1, 2.1, 5]);
      expect(p.courierFreeInS[c]).toBeCloseTo((now + 60_000 - snapshot.takenAt) / 1000, 3);
      expect(p.courierFreeInS[snapshot.courierIds.indexOf('c-now')]).toBe(0);
      const o = snapshot.orderIds.indexOf('o-late');
      expect([p.orderPickupLat[o], p.orderPickupLng[o], p.orderDropoffLat[o], p.orderDropoffLng[o]]).toEqual([41.3, 2.3, 41.4, 2.4]);
      expect(p.orderReadyInS[o]).toBeCloseTo((now + 120_000 - snapshot.takenAt) / 1000, 3);
      expect(p.orderReadyInS[snapshot.orderIds.indexOf('o-waiting')]).toBeLessThan(-25);
    });

    it('shows every courier and order with its state in the city view, offered ones marked', async () => {
      await store.putCouriers(CITY, [
        courier('c-free'),
        courier('c-offered'),
        courier('c-busy', { status: 'busy' }),
        courier('c-offline', { status: 'offline' }),
      ]);
      await store.putOrders(CITY, [order('o-waiting'), order('o-offered'), order('o-picked', { status: 'picked_up' })]);
      await store.raiseFence(CITY, { token: 1, version: 0 });
      expect((await store.commit(decide(1, [['o-offered', 'c-offered']], { offerTtlMs: 60_000 }))).ok).toBe(true);
      const view = await store.readCityView(CITY);
      expect(Math.abs(view.takenAt - Date.now())).toBeLessThan(5_000);
      const states = (items: { id: string; status: string; offered: boolean }[]) =>
        Object.fromEntries(items.map((i) => [i.id, `${i.status}${i.offered ? '+offered' : ''}`]));
      expect(states(view.couriers)).toEqual({ 'c-free': 'free', 'c-offered': 'free+offered', 'c-busy': 'busy', 'c-offline': 'offline' });
      expect(states(view.orders)).toEqual({ 'o-waiting': 'pending', 'o-offered': 'pending+offered', 'o-picked': 'picked_up' });
      expect(view.couriers.find((c) => c.id === 'c-free')).toMatchObject(courier('c-free'));
      expect(await store.readCityView('empty')).toMatchObject({ couriers: [], orders: [] });
    });

    it('is empty for a city with no state', async () => {
      const snapshot = await store.readSnapshot('empty', DEFAULT_PARAMS);
      expect(snapshot.courierIds).toEqual([]);
      expect(snapshot.orderIds).toEqual([]);
      expect(snapshot.problem.courierLat).toHaveLength(0);
    });

    it('drops delivered and cancelled orders, and their offers, from the hot set', async () => {
      await store.putCouriers(CITY, [courier('c-1')]);
      await store.putOrders(CITY, [order('o-1'), order('o-2'), order('o-3')]);
      await store.raiseFence(CITY, { token: 1, version: 0 });
      expect((await store.commit(decide(1, [['o-1', 'c-1']]))).ok).toBe(true);

      await store.putOrders(CITY, [order('o-1', { status: 'cancelled' }), order('o-2', { status: 'delivered' })]);
      expect(await store.readOrder(CITY, 'o-1')).toBeUndefined();
      expect(await store.readOrder(CITY, 'o-2')).toBeUndefined();
      expect((await store.readSnapshot(CITY, DEFAULT_PARAMS)).orderIds).toEqual(['o-3']);
      // Re-created, the order has no leftover offer.
      await store.putOrders(CITY, [order('o-1')]);
      expect((await store.readOrder(CITY, 'o-1'))?.offer).toBeNull();
    });

    it('creates a batch of orders all or nothing, naming the first that exists', async () => {
      const fresh = (id: string) => ({ id, pickupLat: 41.387, pickupLng: 2.17, dropoffLat: 41.4012, dropoffLng: 2.1605 });
      expect(await store.createOrders(CITY, [fresh('o-1'), fresh('o-2')])).toEqual({ ok: true, created: 2 });
      const before = await observable({ orders: ['o-1', 'o-2', 'o-3', 'o-4'], couriers: [] });
      expect(await store.createOrders(CITY, [fresh('o-3'), fresh('o-2'), fresh('o-1'), fresh('o-4')])).toEqual({ ok: false, reason: 'exists', id: 'o-2' });
      expect(await observable({ orders: ['o-1', 'o-2', 'o-3', 'o-4'], couriers: [] })).toEqual(before);
      expect(await store.createOrders(CITY, [])).toEqual({ ok: true, created: 0 });
      await expect(store.createOrders(CITY, [{ ...fresh('o-5'), readyAt: -1 }])).rejects.toThrow(/readyAt/);
      expect(await store.readOrder(CITY, 'o-5')).toBeUndefined();
    });

    it('creates an order once when many clients create it at the same time', async () => {
      const clients = Array.from({ length: 12 }, () => fixture.peer());
      const results = await Promise.all(
        clients.map((client, i) =>
          client.createOrders(CITY, [{ id: 'o-race', pickupLat: 41.387, pickupLng: 2.17 + i / 1000, dropoffLat: 41.4012, dropoffLng: 2.1605 }]),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 11 }, () => ({ ok: false, reason: 'exists', id: 'o-race' })));
      const winner = results.findIndex((r) => r.ok);
      expect((await store.readOrder(CITY, 'o-race'))?.pickupLng).toBeCloseTo(2.17 + winner / 1000, 9);
    });

    it("stamps created orders ready, and updated couriers free, on the store's clock", async () => {
      const clockBefore = (await store.readSnapshot('clock', DEFAULT_PARAMS)).takenAt;
      await store.createOrders(CITY, [{ id: 'o-now', pickupLat: 41.387, pickupLng: 2.17, dropoffLat: 41.4012, dropoffLng: 2.1605 }]);
      await store.createOrders(CITY, [
        { id: 'o-later', pickupLat: 41.387, pickupLng: 2.17, dropoffLat: 41.4012, dropoffLng: 2.1605, readyAt: clockBefore + 600_000 },
      ]);
      await store.updateCouriers(CITY, [{ id: 'c-1', lat: 41.39, lng: 2.15, speedMps: 4, status: 'free' }]);
      const clockAfter = (await store.readSnapshot('clock', DEFAULT_PARAMS)).takenAt;
      for (const stamped of [(await store.readOrder(CITY, 'o-now'))!.readyAt, (await store.readCourier(CITY, 'c-1'))!.freeAt]) {
        expect(stamped).toBeGreaterThanOrEqual(clockBefore);
        expect(stamped).toBeLessThanOrEqual(clockAfter);
      }
      expect((await store.readOrder(CITY, 'o-later'))!.readyAt).toBe(clockBefore + 600_000);
      expect((await store.readOrder(CITY, 'o-now'))!.status).toBe('pending');
    });

    it('rejects malformed couriers and orders', async () => {
      await expect(store.putCouriers(CITY, [courier('c-1', { lat: 91 })])).rejects.toThrow(/latitude/);
      await expect(store.putCouriers(CITY, [courier('c-1', { speedMps: 0 })])).rejects.toThrow(/speedMps/);
      await expect(store.putCouriers(CITY, [courier('c-1', { status: 'napping' as never })])).rejects.toThrow(/status/);
      await expect(store.putOrders(CITY, [order('', {})])).rejects.toThrow(/order id/);
      await expect(store.putOrders(CITY, [order('o|1', {})])).rejects.toThrow(/without \|/);
      await expect(store.putOrders(CITY, [order('o-1', { readyAt: 1.5 })])).rejects.toThrow(/readyAt/);
      await expect(store.putOrders('no{tag}', [order('o-1')])).rejects.toThrow(/city id/);
    });
  });

  describe('commit', () => {
    beforeEach(async () => {
      await store.putCouriers(CITY, [courier('c-1'), courier('c-2'), courier('c-3'), courier('c-busy', { status: 'busy' })]);
      await store.putOrders(CITY, [order('o-1'), order('o-2'), order('o-3'), order('o-assigned', { status: 'assigned' })]);
    });

    it('is refused while the city has no fence, and changes nothing', async () => {
      const before = await observable({ orders: ['o-1'], couriers: ['c-1'] });
      expect(await store.commit(decide(99, [['o-1', 'c-1']]))).toEqual({ ok: false, reason: 'fence_missing' });
      expect(await observable({ orders: ['o-1'], couriers: ['c-1'] })).toEqual(before);
    });

    it('offers orders to couriers, moves the fence to the token, bumps the version and appends to the stream', async () => {
      await store.raiseFence(CITY, { token: 3, version: 0 });
      const result = await store.commit(
        decide(
          4,
          [
            ['o-1', 'c-1'],
            ['o-2', 'c-2'],
          ],
          { offerTtlMs: 60_000 },
        ),
      );
      if (!result.ok) throw new Error(`commit failed: ${JSON.stringify(result)}`);

      const { decision } = result;
      expect(decision).toMatchObject({ city: CITY, version: 1, token: 4, holder: 'host-a/boot-1' });
      expect(Math.abs(decision.committedAt - Date.now())).toBeLessThan(5_000);
      expect(await store.readFence(CITY)).toEqual({ token: 4, version: 1 });
      expect(await store.readDecisionStream(CITY)).toEqual([decision]);

      const offered = await store.readOrder(CITY, 'o-1');
      expect(offered?.status).toBe('pending');
      expect(offered?.offer).toEqual({ order: 'o-1', courier: 'c-1', version: 1, expiresAt: decision.committedAt + 60_000, pickup: 'p1.1', orders: ['o-1'] });
      expect((await store.readCourier(CITY, 'c-2'))?.offer).toMatchObject({ order: 'o-2', courier: 'c-2', version: 1 });

      const snapshot = await store.readSnapshot(CITY, DEFAULT_PARAMS);
      expect(snapshot.version).toBe(1);
      expect([...snapshot.orderIds].sort()).toEqual(['o-3']);
      expect([...snapshot.courierIds].sort()).toEqual(['c-3']);

      const second = await store.commit(decide(4, [['o-3', 'c-3']]));
      expect(second.ok && second.decision.version).toBe(2);
      expect((await store.readDecisionStream(CITY)).map((d) => d.version)).toEqual([1, 2]);
    });

    it('refuses a token below the fence and changes nothing', async () => {
      await store.raiseFence(CITY, { token: 5, version: 0 });
      const before = await observable({ orders: ['o-1'], couriers: ['c-1'] });
      expect(await store.commit(decide(4, [['o-1', 'c-1']]))).toEqual({ ok: false, reason: 'stale_token', fence: 5 });
      expect(await observable({ orders: ['o-1'], couriers: ['c-1'] })).toEqual(before);
    });

    it.each([
      {
        case: 'order not pending',
        pairs: [
          ['o-2', 'c-2'],
          ['o-assigned', 'c-1'],
        ],
        item: { kind: 'order', id: 'o-assigned', state: 'assigned' },
      },
      {
        case: 'courier not free',
        pairs: [
          ['o-2', 'c-2'],
          ['o-1', 'c-busy'],
        ],
        item: { kind: 'courier', id: 'c-busy', state: 'busy' },
      },
      {
        case: 'unknown order',
        pairs: [
          ['o-nope', 'c-2'],
          ['o-assigned', 'c-1'],
        ],
        item: { kind: 'order', id: 'o-nope', state: 'missing' },
      },
      { case: 'unknown courier', pairs: [['o-2', 'c-nope']], item: { kind: 'courier', id: 'c-nope', state: 'missing' } },
    ] as const)('names the first conflicting item ($case) and changes nothing', async ({ pairs, item }) => {
      await store.raiseFence(CITY, { token: 1, version: 0 });
      const ids = { orders: ['o-1', 'o-2'], couriers: ['c-1', 'c-2'] };
      const before = await observable(ids);
      expect(
        await store.commit(
          decide(
            1,
            pairs.map(([o, c]) => [o, c]),
          ),
        ),
      ).toEqual({ ok: false, reason: 'conflict', item });
      expect(await observable(ids)).toEqual(before);
    });

    it('per pickup: commits the pickups still dispatchable, drops and names the others, renumbers the kept ones', async () => {
      await store.raiseFence(CITY, { token: 1, version: 0 });
      const result = await store.commit(
        decide(
          1,
          [
            ['o-1', 'c-1'],
            ['o-assigned', 'c-2'],
            ['o-2', 'c-busy'],
            ['o-3', 'c-3'],
          ],
          { partial: true },
        ),
      );
      if (!result.ok) throw new Error(`commit failed: ${JSON.stringify(result)}`);
      expect(result.dropped).toEqual([
        { courier: 'c-2', orders: ['o-assigned'], item: { kind: 'order', id: 'o-assigned', state: 'assigned' } },
        { courier: 'c-busy', orders: ['o-2'], item: { kind: 'courier', id: 'c-busy', state: 'busy' } },
      ]);
      expect(result.decision.assignments).toEqual([
        { order: 'o-1', courier: 'c-1' },
        { order: 'o-3', courier: 'c-3' },
      ]);
      expect(await store.readDecisionStream(CITY)).toEqual([result.decision]);
      // The kept pickups are numbered as the committed decision's pickups are (p<version>.<n>).
      expect((await store.readOrder(CITY, 'o-3'))?.offer).toMatchObject({ courier: 'c-3', pickup: 'p1.2' });
      expect(await store.readPickup(CITY, 'p1.2')).toMatchObject({ courier: 'c-3', orders: ['o-3'] });
      // What was dropped is untouched: o-2 and c-2 are still free to dispatch.
      const snapshot = await store.readSnapshot(CITY, DEFAULT_PARAMS);
      expect([...snapshot.orderIds].sort()).toEqual(['o-2']);
      expect([...snapshot.courierIds].sort()).toEqual(['c-2']);
    });

    it('per pickup: drops a whole pickup for one changed order, and refuses when nothing is left', async () => {
      await store.raiseFence(CITY, { token: 1, version: 0 });
      const ids = { orders: ['o-1', 'o-2', 'o-3'], couriers: ['c-1', 'c-2'] };
      const before = await observable(ids);
      expect(
        await store.commit(
          decide(
            1,
            [
              ['o-1', 'c-1'],
              ['o-assigned', 'c-1'],
              ['o-2', 'c-busy'],
            ],
            { partial: true },
          ),
        ),
      ).toEqual({
        ok: false,
        reason: 'conflict',
        item: { kind: 'order', id: 'o-assigned', state: 'assigned' },
      });
      expect(await observable(ids)).toEqual(before);
      const result = await store.commit(
        decide(
          1,
          [
            ['o-1', 'c-1'],
            ['o-assigned', 'c-1'],
            ['o-2', 'c-2'],
            ['o-3', 'c-2'],
          ],
          { partial: true },
        ),
      );
      expect(result.ok && result.dropped).toEqual([
        { courier: 'c-1', orders: ['o-1', 'o-assigned'], item: { kind: 'order', id: 'o-assigned', state: 'assigned' } },
      ]);
      expect(result.ok && result.decision.assignments).toEqual([
        { order: 'o-2', courier: 'c-2' },
        { order: 'o-3', courier: 'c-2' },
      ]);
      expect(await store.readPickup(CITY, 'p1.1')).toMatchObject({ courier: 'c-2', orders: ['o-2', 'o-3'] });
      expect((await store.readOrder(CITY, 'o-1'))?.offer).toBeNull();
    });

    it('treats items with an outstanding offer as taken, until the offer lapses', async () => {
      await store.raiseFence(CITY, { token: 1, version: 0 });
      expect((await store.commit(decide(1, [['o-1', 'c-1']], { offerTtlMs: 400 }))).ok).toBe(true);

      expect(await store.commit(decide(1, [['o-2', 'c-1']]))).toEqual({
        ok: false,
        reason: 'conflict',
        item: { kind: 'courier', id: 'c-1', state: 'offered' },
      });
      expect(await store.commit(decide(1, [['o-1', 'c-2']]))).toEqual({
        ok: false,
        reason: 'conflict',
        item: { kind: 'order', id: 'o-1', state: 'offered' },
      });

      await sleep(600);
      expect((await store.readOrder(CITY, 'o-1'))?.offer).toBeNull();
      expect((await store.readSnapshot(CITY, DEFAULT_PARAMS)).orderIds).toContain('o-1');
      const again = await store.commit(
        decide(1, [
          ['o-1', 'c-2'],
          ['o-2', 'c-1'],
        ]),
      );
      expect(again.ok && again.decision.version).toBe(2);
    });

    it('keeps a courier’s outstanding offer across position updates', async () => {
      await store.raiseFence(CITY, { token: 1, version: 0 });
      await store.commit(decide(1, [['o-1', 'c-1']]));
      await store.putCouriers(CITY, [courier('c-1', { lat: 41.5 })]);
      const view = await store.readCourier(CITY, 'c-1');
      expect(view?.lat).toBe(41.5);
      expect(view?.offer?.order).toBe('o-1');
    });

    it('is refused after the fence is lost, whatever the token, until it is raised again', async () => {
      await store.raiseFence(CITY, { token: 2, version: 0 });
      expect((await store.commit(decide(2, [['o-1', 'c-1']]))).ok).toBe(true);
      await fixture.loseFence(CITY);

      expect(await store.readFence(CITY)).toBeNull();
      expect(await store.commit(decide(1, [['o-2', 'c-2']]))).toEqual({ ok: false, reason: 'fence_missing' });
      expect(await store.commit(decide(1_000, [['o-2', 'c-2']]))).toEqual({ ok: false, reason: 'fence_missing' });

      expect(await store.raiseFence(CITY, { token: 2, version: 1 })).toEqual({ token: 2, version: 1 });
      expect(await store.commit(decide(1, [['o-2', 'c-2']]))).toEqual({ ok: false, reason: 'stale_token', fence: 2 });
      const resumed = await store.commit(decide(2, [['o-2', 'c-2']]));
      expect(resumed.ok && resumed.decision.version).toBe(2);
    });

    it('never lowers the fence', async () => {
      expect(await store.raiseFence(CITY, { token: 7, version: 3 })).toEqual({ token: 7, version: 3 });
      expect(await store.raiseFence(CITY, { token: 5, version: 9 })).toEqual({ token: 7, version: 9 });
      expect(await store.raiseFence(CITY, { token: 8, version: 0 })).toEqual({ token: 8, version: 9 });
      expect(await store.readFence(CITY)).toEqual({ token: 8, version: 9 });
    });

    it('rejects malformed decisions before touching the store', async () => {
      await store.raiseFence(CITY, { token: 1, version: 0 });
      await expect(store.commit(decide(1, []))).rejects.toThrow(/non-empty/);
      await expect(
        store.commit(
          decide(1, [
            ['o-1', 'c-1'],
            ['o-1', 'c-2'],
          ]),
        ),
      ).rejects.toThrow(/order o-1 is assigned twice/);
      // Adjacent assignments to one courier are one pickup; apart, they are refused.
      await expect(
        store.commit(
          decide(1, [
            ['o-1', 'c-1'],
            ['o-2', 'c-2'],
            ['o-3', 'c-1'],
          ]),
        ),
      ).rejects.toThrow(/courier c-1 is assigned twice/);
      await expect(store.commit(decide(0, [['o-1', 'c-1']]))).rejects.toThrow(/token/);
      await expect(store.commit(decide(1.5, [['o-1', 'c-1']]))).rejects.toThrow(/token/);
      await expect(store.commit(decide(1, [['o-1', 'c-1']], { offerTtlMs: 0 }))).rejects.toThrow(/offerTtlMs/);
      await expect(store.commit(decide(1, [['o-1', 'c-1']], { holder: 'h'.repeat(201) }))).rejects.toThrow(/holder/);
      await expect(store.readOrder(CITY, '')).rejects.toThrow(/order id/);
      await expect(store.raiseFence(CITY, { token: -1, version: 0 })).rejects.toThrow(/token/);
      expect(await store.readFence(CITY)).toEqual({ token: 1, version: 0 });
    });

    it('handles decisions of thousands of assignments, naming a conflict deep inside', async () => {
      const n = 2_500;
      await store.putCouriers(
        CITY,
        Array.from({ length: n }, (_, i) => courier(`bulk-c${i}`, { status: i === 2_222 ? 'busy' : 'free' })),
      );
      await store.putOrders(
        CITY,
        Array.from({ length: n }, (_, i) => order(`bulk-o${i}`)),
      );
      await store.raiseFence(CITY, { token: 1, version: 0 });
      const pairs = Array.from({ length: n }, (_, i): [string, string] => [`bulk-o${i}`, `bulk-c${i}`]);
      expect(await store.commit(decide(1, pairs))).toEqual({
        ok: false,
        reason: 'conflict',
        item: { kind: 'courier', id: 'bulk-c2222', state: 'busy' },
      });
      await store.putCouriers(CITY, [courier('bulk-c2222')]);
      const result = await store.commit(decide(1, pairs));
      expect(result.ok && result.decision.assignments).toHaveLength(n);
      expect((await store.readSnapshot(CITY, DEFAULT_PARAMS)).orderIds.filter((id) => id.startsWith('bulk'))).toEqual([]);
      expect((await store.readOrder(CITY, 'bulk-o2499'))?.offer?.courier).toBe('bulk-c2499');
    });

    it('two holders committing concurrently never both succeed on overlapping items', async () => {
      const peer = fixture.peer();
      for (let round = 0; round < 25; round += 1) {
        const [a, b, shared] = [`c-a${round}`, `c-b${round}`, `o-s${round}`];
        await store.putCouriers(CITY, [courier(a), courier(b)]);
        await store.putOrders(CITY, [order(shared), order(`o-a${round}`), order(`o-b${round}`)]);
        await store.raiseFence(CITY, { token: round + 1, version: 0 });
        // The older holder (token round+1) and the newer one (round+2) want the same order.
        const results = await Promise.all([
          store.commit(
            decide(round + 1, [
              [`o-a${round}`, a],
              [shared, b],
            ]),
          ),
          peer.commit(
            decide(round + 2, [
              [shared, a],
              [`o-b${round}`, b],
            ]),
          ),
        ]);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        const sharedOffer = (await store.readOrder(CITY, shared))?.offer;
        const winner = results.find((r) => r.ok);
        expect(sharedOffer?.version).toBe(winner?.ok && winner.decision.version);
      }
    });
  });
});
