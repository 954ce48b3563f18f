import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisCityStateStore } from '../../src/state/redis-city-state-store.js';
import { cityKeys } from '../../src/state/redis-keys.js';
import { createTestRedis, type TestRedis } from './support/redis.js';
import { courier, FEATURE_EVENTS, order, sleep } from './support/state-stores.js';

describe('RedisCityStateStore layout', () => {
  let redis: TestRedis;
  let store: RedisCityStateStore;
  beforeEach(async () => {
    redis = await createTestRedis();
    store = new RedisCityStateStore(redis.redis, { keyPrefix: redis.prefix });
  });
  afterEach(() => redis.cleanup());

  it('keeps every key of a city under its hash tag and the prefix', async () => {
    await store.putCouriers('bcn', [courier('c-1'), courier('c-2')]);
    await store.putOrders('bcn', [order('o-1'), order('o-2')]);
    await store.raiseFence('bcn', { token: 1, version: 0 });
    await store.commit({
      city: 'bcn',
      token: 1,
      holder: 'h/b',
      assignments: [
        { order: 'o-1', courier: 'c-1' },
        { order: 'o-2', courier: 'c-2' },
      ],
    });
    await store.applyOrderEvent('bcn', 'o-2', { kind: 'decline', cooldownMs: 60_000 });
    await store.putEstimates('bcn', { ready: [], pairs: [] }, 60_000);
    await store.ingestFeatureEvents('bcn', FEATURE_EVENTS);
    const keys = await redis.redis.keys(`${redis.prefix}*`);
    const { featurePanes, ...named } = cityKeys(redis.prefix, 'bcn');
    expect(keys.filter((k) => !k.startsWith(featurePanes)).sort()).toEqual(Object.values(named).sort());
    // One pane per signal the events fed, all under the city's pane prefix.
    expect(
      keys
        .filter((k) => k.startsWith(featurePanes))
        .map((k) => k.slice(featurePanes.length).split(':')[0])
        .sort(),
    ).toEqual(['created', 'done', 'prep_ratio', 'prep_s', 'zone_created']);
  });

  it('purges lapsed offers and their pickups when asked (the cycle does, beside its solve), so snapshots read only live ones', async () => {
    const keys = cityKeys(redis.prefix, 'bcn');
    await store.putCouriers('bcn', [courier('c-1'), courier('c-2')]);
    await store.putOrders('bcn', [order('o-1'), order('o-2')]);
    await store.raiseFence('bcn', { token: 1, version: 0 });
    await store.commit({ city: 'bcn', token: 1, holder: 'h/b', assignments: [{ order: 'o-1', courier: 'c-1' }], offerTtlMs: 100 });
    await sleep(200);
    await store.commit({ city: 'bcn', token: 1, holder: 'h/b', assignments: [{ order: 'o-2', courier: 'c-2' }] });
    expect((await redis.redis.hkeys(keys.pickups)).sort()).toEqual(['p1.1', 'p2.1']);
    await store.purgeLapsedOffers('bcn');

    expect(await redis.redis.zrange(keys.courierOfferExpiry, 0, '-1')).toEqual(['c-2']);
    expect(await redis.redis.zrange(keys.orderOfferExpiry, 0, '-1')).toEqual(['o-2']);
    expect(await redis.redis.hkeys(keys.courierOffers)).toEqual(['c-2']);
    expect(await redis.redis.hkeys(keys.orderOffers)).toEqual(['o-2']);
    expect(await redis.redis.hkeys(keys.pickups)).toEqual(['p2.1']);
  });

  it('commits many offers with exactly the offered fields in each hash (no placeholder left)', async () => {
    const keys = cityKeys(redis.prefix, 'bcn');
    const ids = Array.from({ length: 300 }, (_, i) => i + 1);
    await store.putCouriers(
      'bcn',
      ids.map((i) => courier(`c-${i}`)),
    );
    await store.putOrders(
      'bcn',
      ids.map((i) => order(`o-${i}`)),
    );
    await store.raiseFence('bcn', { token: 1, version: 0 });
    const committed = await store.commit({ city: 'bcn', token: 1, holder: 'h/b', assignments: ids.map((i) => ({ order: `o-${i}`, courier: `c-${i}` })) });
    expect(committed).toMatchObject({ ok: true, dropped: [] });
    for (const [key, fields] of [
      [keys.orderOffers, ids.map((i) => `o-${i}`)],
      [keys.courierOffers, ids.map((i) => `c-${i}`)],
      [keys.pickups, ids.map((i) => `p1.${i}`)],
    ] as const) {
      expect((await redis.redis.hkeys(key)).sort()).toEqual([...fields].sort());
    }
    expect(await redis.redis.hget(keys.pickups, 'p1.7')).toMatch(/^c-7\|1\|\d+\|o-7$/);
  });

  it('records the audit of a decision in its stream entry, and reads an entry from before audits as none', async () => {
    const keys = cityKeys(redis.prefix, 'bcn');
    await store.putCouriers('bcn', [courier('c-1')]);
    await store.putOrders('bcn', [order('o-1')]);
    await store.raiseFence('bcn', { token: 1, version: 0 });
    const audit = { objective: 1830, certificate: 'checked' as const };
    const committed = await store.commit({ city: 'bcn', token: 1, holder: 'h/b', assignments: [{ order: 'o-1', courier: 'c-1' }], audit });
    expect(committed).toMatchObject({ ok: true, decision: audit });
    // An entry as commit_decision.lua wrote them before decisions carried their audit.
    await redis.redis.xadd(keys.decisions, '*', 'version', '2', 'token', '1', 'holder', 'h/b', 'at', '1790000000000', 'assignments', '[]');
    expect((await store.readDecisionStream('bcn')).map(({ objective, certificate }) => ({ objective, certificate }))).toEqual([
      audit,
      { objective: null, certificate: 'none' },
    ]);
  });

  it('stores records readable with redis-cli', async () => {
    await store.putCouriers('bcn', [courier('c-1', { lat: 41.5, lng: 2.25, speedMps: 4, freeAt: 1_790_000_000_000 })]);
    expect(await redis.redis.hget(cityKeys(redis.prefix, 'bcn').couriers, 'c-1')).toBe('c-1|41.5|2.25|4|1790000000000|free');
  });
});
