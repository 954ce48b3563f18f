/**
 * A host's mirror of a city's records (src/state/redis-record-mirror.ts) reads what a whole read
 * reads: write after write of every kind, after the change log is trimmed past it, after the
 * city's keys are lost, and after the log went back (a failover to a replica that lagged); on a
 * single server and on the cluster. A record written behind the log's back (a raw HSET) shows
 * which reads were deltas: only a whole read sees it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cluster, Redis } from 'ioredis';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import type { CityStateStore } from '../../src/state/city-state-store.js';
import { RedisCityStateStore } from '../../src/state/redis-city-state-store.js';
import { cityKeys } from '../../src/state/redis-keys.js';
import { encodeCourier } from '../../src/state/redis-records.js';
import { createTestRedis, createTestRedisCluster } from './support/redis.js';
import { courier, order } from './support/state-stores.js';

const CITY = 'bcn';

describe.each([
  ['redis', createTestRedis],
  ['redis-cluster', createTestRedisCluster],
] as const)('the record mirror on %s', (_, connect) => {
  let redis: { redis: Redis | Cluster; prefix: string; cleanup(): Promise<void> };
  let store: RedisCityStateStore;
  const keys = () => cityKeys(redis.prefix, CITY);
  /** A host that has never read the city: its read is whole. */
  const fresh = () => new RedisCityStateStore(redis.redis, { keyPrefix: redis.prefix });
  const view = async (s: CityStateStore) => {
    const { couriers, orders } = await s.readCityView(CITY);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    return { couriers: couriers.sort(byId), orders: orders.sort(byId) };
  };
  const snapshotOf = async (s: CityStateStore) => {
    const { courierIds, orderIds, problem } = await s.readSnapshot(CITY, DEFAULT_PARAMS);
    const couriers = courierIds.map((id, i) => [id, problem.courierLat[i], problem.courierLng[i], problem.courierSpeedMps[i]]);
    const orders = orderIds.map((id, i) => [id, problem.orderPickupLat[i], problem.orderDropoffLng[i]]);
    return { couriers: couriers.sort(), orders: orders.sort() };
  };
  const expectAsWhole = async () => {
    expect(await view(store)).toEqual(await view(fresh()));
    expect(await snapshotOf(store)).toEqual(await snapshotOf(fresh()));
  };
  /** c-1 changed behind the log's back: seen by a whole read only. */
  const tamper = () => redis.redis.hset(keys().couriers, 'c-1', encodeCourier(courier('c-1', { lat: 10 })));
  const seesTamper = async (s: CityStateStore) => (await s.readCityView(CITY)).couriers.find((c) => c.id === 'c-1')?.lat === 10;

  beforeEach(async () => {
    redis = await connect();
    store = new RedisCityStateStore(redis.redis, { keyPrefix: redis.prefix });
    await store.putCouriers(
      CITY,
      Array.from({ length: 20 }, (_, i) => courier(`c-${i + 1}`, { lat: 41.38 + i / 1000 })),
    );
    await store.putOrders(
      CITY,
      Array.from({ length: 10 }, (_, i) => order(`o-${i + 1}`)),
    );
    await store.raiseFence(CITY, { token: 1, version: 0 });
    await store.readSnapshot(CITY, DEFAULT_PARAMS);
  });
  afterEach(() => redis.cleanup());

  it('follows every kind of write, reading only what changed', async () => {
    await tamper();
    const other = fresh(); // another host writes
    await other.updateCouriers(CITY, [{ ...courier('c-2'), lat: 41.5 }]);
    await other.createOrders(CITY, [{ ...order('o-new'), readyAt: undefined }]);
    await other.commit({
      city: CITY,
      token: 1,
      holder: 'h/b',
      assignments: [
        { order: 'o-1', courier: 'c-3' },
        { order: 'o-2', courier: 'c-4' },
      ],
    });
    await other.applyOrderEvent(CITY, 'o-1', { kind: 'accept' });
    await other.applyOrderEvent(CITY, 'o-2', { kind: 'decline', cooldownMs: 60_000 });
    await other.applyOrderEvent(CITY, 'o-1', { kind: 'delivered' });
    await other.putOrders(CITY, [order('o-3', { status: 'cancelled' }), order('o-4', { pickupLat: 41.2 })]);
    expect(await other.removeCourier(CITY, 'c-5')).toBe(true);

    const { couriers, orders } = await view(store);
    expect(couriers.find((c) => c.id === 'c-2')?.lat).toBe(41.5);
    expect(couriers.find((c) => c.id === 'c-3')?.status).toBe('free'); // busy, then freed at the delivery
    expect(couriers.map((c) => c.id)).not.toContain('c-5');
    expect(orders.map((o) => o.id)).toEqual(expect.arrayContaining(['o-new', 'o-4']));
    expect(orders.map((o) => o.id)).not.toContain('o-1');
    expect(orders.map((o) => o.id)).not.toContain('o-3');
    expect(orders.find((o) => o.id === 'o-4')?.pickupLat).toBe(41.2);
    // Every read since the first was a delta: the raw write is not seen, the rest is as a whole read has it.
    expect(await seesTamper(store)).toBe(false);
    await redis.redis.hset(keys().couriers, 'c-1', encodeCourier(courier('c-1', { lat: 41.38 })));
    await expectAsWhole();
  });

  it('sees a record changed between two reads, and a removed courier disappear', async () => {
    await store.updateCouriers(CITY, [{ ...courier('c-7'), lat: 41.42, status: 'offline' }]);
    expect((await snapshotOf(store)).couriers.map(([id]) => id)).not.toContain('c-7');
    await store.updateCouriers(CITY, [{ ...courier('c-7'), lat: 41.43 }]);
    expect((await snapshotOf(store)).couriers.find(([id]) => id === 'c-7')?.[1]).toBe(41.43);
    await store.removeCourier(CITY, 'c-7');
    expect((await snapshotOf(store)).couriers.map(([id]) => id)).not.toContain('c-7');
    await expectAsWhole();
  });

  it('reads whole once the log is trimmed past it, and the trim keeps the log bounded', async () => {
    await tamper();
    const other = fresh();
    // 1,100 orders come and go: their deletions outgrow what the log keeps for 8 orders.
    const passing = Array.from({ length: 1100 }, (_, i) => order(`p-${i}`));
    await other.putOrders(CITY, passing);
    await other.putOrders(
      CITY,
      passing.map((o) => ({ ...o, status: 'cancelled' as const })),
    );
    await other.commit({ city: CITY, token: 1, holder: 'h/b', assignments: [{ order: 'o-1', courier: 'c-3' }] });
    expect(await redis.redis.zcard(keys().orderChanges)).toBeLessThanOrEqual(2 * 10 + 1000);
    expect(Number(await redis.redis.hget(keys().revision, 'floor'))).toBeGreaterThan(0);
    expect(await seesTamper(store)).toBe(true);
    await expectAsWhole();
  });

  it('reads whole after the keys are lost, keeping nothing from before', async () => {
    await tamper();
    await Promise.all(Object.values(keys()).map((key) => redis.redis.del(key)));
    await store.putCouriers(CITY, [courier('c-1', { lat: 10 }), courier('c-99')]);
    await store.putOrders(CITY, [order('o-99')]);
    const { couriers, orders } = await view(store);
    expect([couriers.map((c) => c.id), orders.map((o) => o.id)]).toEqual([['c-1', 'c-99'], ['o-99']]);
    await expectAsWhole();
  });

  it('reads whole when the log is behind what it read (a replica that lagged)', async () => {
    await tamper();
    await store.updateCouriers(CITY, [courier('c-2')]);
    await store.readSnapshot(CITY, DEFAULT_PARAMS);
    await redis.redis.hincrby(keys().revision, 'rev', -1);
    expect(await seesTamper(store)).toBe(true);
    await expectAsWhole();
  });

  it('reads whole when more than half of the records changed', async () => {
    await tamper();
    await store.updateCouriers(
      CITY,
      Array.from({ length: 11 }, (_, i) => courier(`c-${i + 2}`, { lat: 41.3 })),
    );
    expect(await seesTamper(store)).toBe(true);
    await expectAsWhole();
  });
});
