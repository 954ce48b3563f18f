/**
 * A city of `shards: 3` over the memory store, a single Redis and the run's Redis Cluster
 * (ShardedCityStateStore, docs/scaling.md "Area shards"): items in the shard of their area, found
 * by id; creation unique per id across the shards; a decision committed in parts under one
 * version with pickup numbers running on across the parts; the log's versions contiguous; and a
 * stale holder refused on every shard.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AREA_BAND_DEG, areaOf } from '../../src/domain/areas.js';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import { takeOverCity } from '../../src/coordination/city-takeover.js';
import { shardCity } from '../../src/state/city-id.js';
import { MemoryDecisionLog } from '../../src/state/memory-decision-log.js';
import type { Decision } from '../../src/state/decision.js';
import type { ShardableCityStateStore } from '../../src/state/shard-base.js';
import { ShardedCityStateStore } from '../../src/state/sharded-city-state-store.js';
import { courier, FEATURE_EVENTS, order, STATE_STORES, type StateFixture } from './support/state-stores.js';

const CITY = 'bcn';
const SHARDS = 3;
/** A city of one shard beside it. */
const SINGLE = 'ams';

/** A longitude in Barcelona in the area of `shard` (bands of AREA_BAND_DEG, numbered in turn). */
function lngOf(shard: number): number {
  const band = 3642 + shard; // 3642 = 0 mod 3: the band of longitude 2.1 to 2.15.
  return -180 + (band + 0.5) * AREA_BAND_DEG;
}

describe('areaOf', () => {
  it('numbers bands of longitude in turn, west to east', () => {
    expect([0, 1, 2, 3].map((s) => areaOf(lngOf(s), SHARDS))).toEqual([0, 1, 2, 0]);
    expect(areaOf(-180, 5)).toBe(0);
    expect(areaOf(179.999, 1)).toBe(0);
  });
});

describe.each(STATE_STORES)('a city of several shards: $name', ({ create }) => {
  let fixture: StateFixture;
  let inner: ShardableCityStateStore;
  let store: ShardedCityStateStore;
  beforeEach(async () => {
    fixture = await create();
    inner = fixture.store;
    store = new ShardedCityStateStore(inner, async (city) => (city === CITY ? SHARDS : 1));
  });
  afterEach(() => fixture.close());

  const decide = (token: number, pairs: [string, string][], fields: Partial<Decision> = {}): Decision => ({
    city: CITY,
    token,
    holder: 'host-a/boot-1',
    assignments: pairs.map(([o, c]) => ({ order: o, courier: c })),
    partial: true,
    ...fields,
  });

  /** Courier c<s> and order o<s> in each shard s. */
  const fleet = async () => {
    await store.putCouriers(
      CITY,
      [0, 1, 2].map((s) => courier(`c${s}`, { lng: lngOf(s) })),
    );
    await store.putOrders(
      CITY,
      [0, 1, 2].map((s) => order(`o${s}`, { pickupLng: lngOf(s) })),
    );
  };

  it('keeps each item in the shard of its area when first written, found by id; a courier who moves stays in its shard', async () => {
    await fleet();
    for (const s of [0, 1, 2]) {
      expect((await inner.readCourier(shardCity(CITY, s), `c${s}`))?.lng).toBe(lngOf(s));
      expect((await inner.readOrder(shardCity(CITY, s), `o${s}`))?.pickupLng).toBe(lngOf(s));
      expect((await store.readCourier(CITY, `c${s}`))?.id).toBe(`c${s}`);
      expect((await store.readOrder(CITY, `o${s}`))?.id).toBe(`o${s}`);
    }
    expect(await inner.readCourier(CITY, 'c0')).toBeUndefined();
    await store.updateCouriers(CITY, [{ ...courier('c0'), lng: lngOf(1) }]);
    await store.putCouriers(CITY, [courier('c0', { lng: lngOf(2) })]);
    expect((await inner.readCourier(shardCity(CITY, 0), 'c0'))?.lng).toBe(lngOf(2));
    expect(await inner.readCourier(shardCity(CITY, 1), 'c0')).toBeUndefined();
    expect(await inner.readCourier(shardCity(CITY, 2), 'c0')).toBeUndefined();
    expect((await store.readCityView(CITY)).couriers.map((c) => c.id).sort()).toEqual(['c0', 'c1', 'c2']);
    expect(await store.readCourier(CITY, 'nobody')).toBeUndefined();
    expect(await store.removeCourier(CITY, 'c1')).toBe(true);
    expect(await store.readCourier(CITY, 'c1')).toBeUndefined();
    expect(await store.removeCourier(CITY, 'c1')).toBe(false);
  });

  it('creates orders all or nothing and uniquely per id across the shards; a finished order can be created again', async () => {
    const created = await store.createOrders(CITY, [{ ...order('o1', { pickupLng: lngOf(0) }), readyAt: undefined }]);
    expect(created).toEqual({ ok: true, created: 1 });
    // The same id picked up in another area: still the one order.
    const again = await store.createOrders(CITY, [{ ...order('o2', { pickupLng: lngOf(1) }) }, { ...order('o1', { pickupLng: lngOf(2) }) }]);
    expect(again).toEqual({ ok: false, reason: 'exists', id: 'o1' });
    expect(await store.readOrder(CITY, 'o2')).toBeUndefined();
    const racing = await Promise.all([0, 1, 2].map((s) => store.createOrders(CITY, [order('o3', { pickupLng: lngOf(s) })])));
    expect(racing.filter((r) => r.ok)).toHaveLength(1);
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'cancel' })).toEqual({ ok: true, courier: null });
    expect(await store.readOrder(CITY, 'o1')).toBeUndefined();
    expect(await store.createOrders(CITY, [order('o1', { pickupLng: lngOf(2) })])).toEqual({ ok: true, created: 1 });
    expect((await inner.readOrder(shardCity(CITY, 2), 'o1'))?.status).toBe('pending');
    expect(await store.applyOrderEvent(CITY, 'nothing', { kind: 'cancel' })).toEqual({ ok: false, reason: 'unknown_order' });
  });

  it('drops a finished order from its shard and the index; estimates reach every shard, features stay in the base', async () => {
    await fleet();
    await store.putOrders(CITY, [order('o1', { pickupLng: lngOf(1), status: 'delivered' })]);
    expect(await store.readOrder(CITY, 'o1')).toBeUndefined();
    expect(await inner.readShards(CITY, 'order', ['o0', 'o1'])).toEqual([{ shard: 0, claim: 1 }, undefined]);
    expect((await store.readCityView(CITY)).orders.map((o) => o.id).sort()).toEqual(['o0', 'o2']);

    await store.putEstimates(CITY, { ready: [{ order: 'o2', readyAt: Date.now() + 60_000 }], pairs: [] }, 60_000);
    const snapshots = await store.readShardSnapshots(CITY, DEFAULT_PARAMS);
    expect(snapshots.map((s) => s.estimates?.ready.length ?? 0)).toEqual([1, 1, 1]);
    await store.ingestFeatureEvents(CITY, FEATURE_EVENTS);
    expect((await store.readFeatureState(CITY)).waiting).toEqual((await inner.readFeatureState(CITY)).waiting);
  });

  it('keeps the index entry of an order put again while its removal was under way (the release drops only the entry it read)', async () => {
    await fleet();
    const [read] = await inner.readShards(CITY, 'order', ['o1']);
    expect(read).toEqual({ shard: 1, claim: 1 });
    // A cancellation's two writes, with a put of the same order between them.
    await inner.applyOrderEvent(shardCity(CITY, 1), 'o1', { kind: 'cancel' });
    await store.putOrders(CITY, [order('o1', { pickupLng: lngOf(1) })]);
    await inner.releaseShards(CITY, 'order', [['o1', read!]]);
    expect((await store.readOrder(CITY, 'o1'))?.status).toBe('pending');
    expect(await inner.readShards(CITY, 'order', ['o1'])).toEqual([{ shard: 1, claim: 2 }]);
    // With nothing between them, the release drops it.
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'cancel' })).toEqual({ ok: true, courier: null });
    expect(await inner.readShards(CITY, 'order', ['o1'])).toEqual([undefined]);
    // An id given twice in one call gets one entry.
    await store.putCouriers(CITY, [courier('c9', { lng: lngOf(2) }), courier('c9', { lng: lngOf(0) })]);
    expect(await inner.readShards(CITY, 'courier', ['c9'])).toEqual([{ shard: 2, claim: 1 }]);
  });

  it('reads one snapshot per shard and commits a decision in parts under one version, pickups numbered across the parts', async () => {
    await fleet();
    await store.raiseFence(CITY, { token: 1, version: 0 });
    const snapshots = await store.readShardSnapshots(CITY, DEFAULT_PARAMS);
    expect(snapshots.map((s) => [s.courierIds, s.orderIds, s.version])).toEqual([0, 1, 2].map((s) => [[`c${s}`], [`o${s}`], 0]));
    await expect(store.readSnapshot(CITY, DEFAULT_PARAMS)).rejects.toThrow(/per shard/);

    const result = await store.commit(
      decide(1, [
        ['o2', 'c2'],
        ['o0', 'c0'],
        ['o1', 'c1'],
      ]),
    );
    expect(result).toMatchObject({ ok: true, dropped: [], decision: { city: CITY, version: 1, token: 1 } });
    if (!result.ok) return;
    // In shard order: the merged decision is what the pickup ids count.
    expect(result.decision.assignments).toEqual([
      { order: 'o0', courier: 'c0' },
      { order: 'o1', courier: 'c1' },
      { order: 'o2', courier: 'c2' },
    ]);
    for (const s of [0, 1, 2]) {
      expect(await store.readPickup(CITY, `p1.${s + 1}`)).toMatchObject({ courier: `c${s}`, orders: [`o${s}`], version: 1, status: 'offered' });
      expect((await store.readOrder(CITY, `o${s}`))?.offer?.pickup).toBe(`p1.${s + 1}`);
    }
    expect(await store.readDecisionStream(CITY)).toEqual([result.decision]);
    expect(await store.readFence(CITY)).toEqual({ token: 1, version: 1 });
    expect((await store.readShardSnapshots(CITY, DEFAULT_PARAMS)).map((s) => [s.courierIds.length, s.version])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);

    expect(await store.applyPickupEvent(CITY, 'p1.2', { kind: 'accept', courier: 'c1' })).toEqual({ ok: true, courier: 'c1', orders: ['o1'] });
    expect((await store.readCourier(CITY, 'c1'))?.status).toBe('busy');
    expect(await store.applyPickupEvent(CITY, 'p9.1', { kind: 'accept' })).toEqual({ ok: false, reason: 'unknown_pickup' });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'picked_up' })).toMatchObject({ ok: true, courier: 'c1' });
    expect(await store.applyOrderEvent(CITY, 'o1', { kind: 'delivered' })).toMatchObject({ ok: true, courier: 'c1' });
    expect((await store.readCourier(CITY, 'c1'))?.status).toBe('free');
    expect(await store.applyOrderEvent(CITY, 'o0', { kind: 'decline', cooldownMs: 60_000 })).toMatchObject({ ok: true });
    expect(await store.readCooldowns(CITY)).toEqual([{ order: 'o0', courier: 'c0' }]);
  });

  it('drops a pickup across shards, and records a decision whose every part is dropped: versions stay contiguous', async () => {
    await fleet();
    await store.raiseFence(CITY, { token: 1, version: 0 });
    const first = await store.commit(
      decide(1, [
        ['o0', 'c1'],
        ['o2', 'c2'],
      ]),
    );
    expect(first).toMatchObject({ ok: true, decision: { version: 1, assignments: [{ order: 'o2', courier: 'c2' }] } });
    expect(first.ok && first.dropped).toEqual([{ courier: 'c1', orders: ['o0'], item: { kind: 'order', id: 'o0', state: 'other_shard' } }]);
    // All or nothing across shards is not on offer: a pickup across them is refused before anything is written.
    expect(await store.commit(decide(1, [['o0', 'c1']], { partial: false }))).toEqual({
      ok: false,
      reason: 'conflict',
      item: { kind: 'order', id: 'o0', state: 'other_shard' },
    });
    expect(await store.commit(decide(1, [['o9', 'c9']]))).toEqual({ ok: false, reason: 'conflict', item: { kind: 'order', id: 'o9', state: 'missing' } });

    // o2 is offered: its shard drops the part, the version it opened stays, empty.
    const second = await store.commit(decide(1, [['o2', 'c2']]));
    expect(second).toMatchObject({ ok: true, decision: { version: 2, assignments: [] }, dropped: [{ item: { kind: 'order', id: 'o2', state: 'offered' } }] });
    const third = await store.commit(decide(1, [['o0', 'c0']]));
    expect(third).toMatchObject({ ok: true, decision: { version: 3, assignments: [{ order: 'o0', courier: 'c0' }] } });
    expect(await store.readPickup(CITY, 'p3.1')).toMatchObject({ courier: 'c0' });
    expect((await store.readDecisionStream(CITY)).map((d) => [d.version, d.assignments.length])).toEqual([
      [1, 1],
      [2, 0],
      [3, 1],
    ]);
  });

  it('refuses a stale holder on every shard once a takeover has raised the fence', async () => {
    await fleet();
    await store.raiseFence(CITY, { token: 1, version: 0 });
    expect(await store.raiseFence(CITY, { token: 2, version: 0 })).toEqual({ token: 2, version: 0 });
    for (const s of [0, 1, 2]) {
      expect(await inner.readFence(shardCity(CITY, s))).toMatchObject({ token: 2 });
      // Even a part sent to the shard directly, past the base slot's check.
      expect(await inner.commit({ ...decide(1, [[`o${s}`, `c${s}`]]), city: shardCity(CITY, s), part: { version: 1, pickupOffset: 0 } })).toEqual({
        ok: false,
        reason: 'stale_token',
        fence: 2,
      });
    }
    expect(await store.commit(decide(1, [['o0', 'c0']]))).toEqual({ ok: false, reason: 'stale_token', fence: 2 });
    expect(await store.readDecisionStream(CITY)).toEqual([]);
    expect(await store.commit(decide(2, [['o0', 'c0']]))).toMatchObject({ ok: true, decision: { version: 1, token: 2 } });
  });

  it('keeps the parts committed before a shard that a takeover fenced first: they are in the version opened', async () => {
    await fleet();
    await store.raiseFence(CITY, { token: 1, version: 0 });
    // A takeover in progress: shard 1's copy raised, the base and the others not yet.
    await inner.raiseFence(shardCity(CITY, 1), { token: 2, version: 0 });
    const result = await store.commit(
      decide(1, [
        ['o0', 'c0'],
        ['o1', 'c1'],
        ['o2', 'c2'],
      ]),
    );
    expect(result).toEqual({ ok: false, reason: 'stale_token', fence: 2 });
    expect((await store.readDecisionStream(CITY)).map((d) => [d.version, d.assignments])).toEqual([[1, [{ order: 'o0', courier: 'c0' }]]]);
    expect(await store.readPickup(CITY, 'p1.1')).toMatchObject({ courier: 'c0' });
    expect((await store.readOrder(CITY, 'o2'))?.offer).toBeNull();
  });

  it('takes over: every shard fenced before the stream is copied, so the old holder is refused everywhere and its parts are in the log', async () => {
    await fleet();
    const decisions = new MemoryDecisionLog();
    await takeOverCity({ state: store, decisions }, CITY, 1);
    await inner.raiseFence(shardCity(CITY, 2), { token: 2, version: 0 });
    expect(
      await store.commit(
        decide(1, [
          ['o0', 'c0'],
          ['o2', 'c2'],
        ]),
      ),
    ).toEqual({ ok: false, reason: 'stale_token', fence: 2 });
    expect(await takeOverCity({ state: store, decisions }, CITY, 2)).toBe(1);
    for (const c of [CITY, ...[0, 1, 2].map((s) => shardCity(CITY, s))]) expect((await inner.readFence(c))?.token).toBe(2);
    expect((await decisions.read(CITY, 0, 10)).map((d) => [d.version, d.token, d.assignments])).toEqual([[1, 1, [{ order: 'o0', courier: 'c0' }]]]);
    expect(await store.commit(decide(1, [['o1', 'c1']]))).toEqual({ ok: false, reason: 'stale_token', fence: 2 });
    expect(await store.commit(decide(2, [['o1', 'c1']]))).toMatchObject({ ok: true, decision: { version: 2 } });
  });

  it('answers fence_missing when one shard lost its fence, until it is raised again on every shard', async () => {
    await fleet();
    await store.raiseFence(CITY, { token: 1, version: 0 });
    await fixture.loseFence(shardCity(CITY, 2));
    expect(await store.readFence(CITY)).toBeNull();
    expect(await store.commit(decide(1, [['o2', 'c2']]))).toEqual({ ok: false, reason: 'fence_missing' });
    await store.raiseFence(CITY, { token: 1, version: 0 });
    expect(await store.readFence(CITY)).toEqual({ token: 1, version: 1 });
    // The version the refused commit opened is recorded (empty), so the next is 2.
    expect(await store.commit(decide(1, [['o2', 'c2']]))).toMatchObject({ ok: true, decision: { version: 2 } });
  });

  it('passes a city of one shard to the store as it is', async () => {
    await store.putCouriers(SINGLE, [courier('c1')]);
    await store.putOrders(SINGLE, [order('o1')]);
    await store.raiseFence(SINGLE, { token: 1, version: 0 });
    expect((await store.readShardSnapshots(SINGLE, DEFAULT_PARAMS)).map((s) => s.city)).toEqual([SINGLE]);
    expect(await store.commit({ ...decide(1, [['o1', 'c1']]), city: SINGLE })).toMatchObject({ ok: true, decision: { version: 1 } });
    expect((await inner.readCourier(SINGLE, 'c1'))?.id).toBe('c1');
    expect(await inner.readShards(SINGLE, 'courier', ['c1'])).toEqual([undefined]);
    expect(await inner.readCourier(shardCity(SINGLE, 0), 'c1')).toBeUndefined();
  });
});
