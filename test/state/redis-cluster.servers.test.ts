/**
 * The Redis store on the run's local Redis Cluster (three masters, redis-cluster-setup.ts): each
 * city's keys on one slot, cities spread over the masters, and --redis taking the seed list. The
 * contract suites run on the cluster too (state-stores.ts, `redis-cluster`).
 */
import type { Cluster } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/coordination/store-unavailable.js';
import { openServerStores, type CoordinationStores } from '../../src/coordination/stores.js';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import { ConfigError, resolveHostConfig } from '../../src/host/config.js';
import { RedisCityStateStore } from '../../src/state/redis-city-state-store.js';
import { cityKeys } from '../../src/state/redis-keys.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { createTestRedisCluster, type TestRedisCluster } from './support/redis.js';
import { startRedisCluster } from './support/redis-cluster.js';
import { execFileSync } from 'node:child_process';
import { courier, FEATURE_EVENTS, order } from './support/state-stores.js';

const CITIES = Array.from({ length: 12 }, (_, i) => `city${i + 1}`);

/** The master (host:port) holding each key under `prefix`, from a SCAN of every master. */
async function keysByMaster(cluster: Cluster, prefix: string): Promise<Map<string, string>> {
  const where = new Map<string, string>();
  for (const node of cluster.nodes('master')) {
    for await (const keys of node.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      for (const key of keys) where.set(key, `${node.options.host}:${node.options.port}`);
    }
  }
  return where;
}

describe('RedisCityStateStore on a Redis Cluster', () => {
  let redis: TestRedisCluster;
  let store: RedisCityStateStore;
  beforeEach(async () => {
    redis = await createTestRedisCluster();
    store = new RedisCityStateStore(redis.redis, { keyPrefix: redis.prefix });
  });
  afterEach(() => redis.cleanup());

  it('runs on three masters', async () => {
    expect(redis.redis.nodes('master')).toHaveLength(3);
    expect(String(await redis.redis.cluster('INFO'))).toMatch(/cluster_state:ok/);
  });

  it('puts every key of a city in one slot, its hash tag', async () => {
    for (const city of ['bcn', 'city-7', 'a_b.c']) {
      const slots = await Promise.all(Object.values(cityKeys(redis.prefix, city)).map((key) => redis.redis.cluster('KEYSLOT', key)));
      expect(new Set(slots).size).toBe(1);
      expect(slots[0]).toBe(await redis.redis.cluster('KEYSLOT', city));
    }
  });

  it('spreads cities over the masters, each city whole on the master of its slot', async () => {
    // Every kind of key of every city: records, fence, offers, pickups, stream, cooldowns.
    await Promise.all(
      CITIES.map(async (city) => {
        await store.putCouriers(city, [courier('c1'), courier('c2')]);
        await store.putOrders(city, [order('o1'), order('o2')]);
        await store.raiseFence(city, { token: 1, version: 0 });
        const committed = await store.commit({
          city,
          token: 1,
          holder: 'h/b',
          assignments: [
            { order: 'o1', courier: 'c1' },
            { order: 'o2', courier: 'c2' },
          ],
        });
        expect(committed.ok).toBe(true);
        await store.applyOrderEvent(city, 'o2', { kind: 'decline', cooldownMs: 60_000 });
        await store.putEstimates(city, { ready: [], pairs: [] }, 60_000);
        await store.ingestFeatureEvents(city, FEATURE_EVENTS);
      }),
    );
    const where = await keysByMaster(redis.redis, redis.prefix);
    const mastersOf = new Map<string, Set<string>>();
    for (const [key, master] of where) {
      const city = /\{([^}]*)\}/.exec(key)![1];
      mastersOf.set(city, (mastersOf.get(city) ?? new Set()).add(master));
    }
    expect([...mastersOf.keys()].sort()).toEqual([...CITIES].sort());
    for (const city of CITIES) {
      expect(mastersOf.get(city)!.size).toBe(1);
      const { featurePanes, ...named } = cityKeys(redis.prefix, city);
      expect(Object.values(named).every((key) => where.has(key))).toBe(true);
      expect([...where.keys()].some((key) => key.startsWith(featurePanes))).toBe(true);
    }
    const used = new Set([...mastersOf.values()].map((masters) => [...masters][0]));
    expect(used.size).toBe(3);
    // Each city reads back from its own master, snapshot MULTI included.
    for (const city of CITIES) {
      const snapshot = await store.readSnapshot(city, DEFAULT_PARAMS);
      expect(snapshot.version).toBe(1);
      expect(snapshot.courierIds).toEqual(['c2']);
    }
  });
});

describe('--redis with a cluster seed list', () => {
  let db: TestDatabase | undefined;
  let stores: CoordinationStores | undefined;
  let redis: TestRedisCluster | undefined;
  afterEach(async () => {
    await stores?.close();
    await Promise.all([db?.drop(), redis?.cleanup()]);
  });

  it('is accepted as a comma-separated list of redis:// URLs, each checked', () => {
    const base = { DISPATCHD_LOG: '0', DISPATCHD_MYSQL_URL: 'mysql://root@127.0.0.1:3306/db' };
    const list = 'redis://10.0.0.1:7000,redis://10.0.0.2:7000';
    expect(resolveHostConfig({ redis: list }, base).redisUrl).toBe(list);
    expect(() => resolveHostConfig({ redis: 'redis://10.0.0.1:7000,http://10.0.0.2:7000' }, base)).toThrow(ConfigError);
    expect(() => resolveHostConfig({ redis: 'redis://10.0.0.1:7000,' }, base)).toThrow(/--redis is not a URL/);
  });

  it('opens the state store on the cluster (openServerStores, as a host does)', async () => {
    db = await createTestDatabase({ migrated: false });
    redis = await createTestRedisCluster();
    stores = await openServerStores({ mysqlUrl: db.url, redisUrl: redis.url, keyPrefix: redis.prefix });
    for (const city of CITIES) {
      await stores.leases.putCity({ id: city });
      const token = (await stores.leases.acquire(city, { hostId: 'h', bootId: 'b' }, 10_000))!;
      expect(await stores.state.raiseFence(city, { token, version: 0 })).toEqual({ token, version: 0 });
    }
    const where = await keysByMaster(redis.redis, redis.prefix);
    expect([...where.keys()].sort()).toEqual(CITIES.map((city) => cityKeys(redis!.prefix, city).fence).sort());
    expect(new Set(where.values()).size).toBe(3);
  });

  it('a cluster with no reachable node is a store that is unavailable (503), not a hang or a 500', async () => {
    db = await createTestDatabase({ migrated: false });
    // Ports nothing listens on: the client keeps trying to reach the cluster in the background.
    stores = await openServerStores({ mysqlUrl: db.url, redisUrl: 'redis://127.0.0.1:1,redis://127.0.0.1:2', keyPrefix: 'dispatchd_test_down:' });
    await expect(stores.state.readFence('bcn')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('a health check that reaches every master: one master down fails it, while the cities on the others still answer', async () => {
    // A cluster of its own: the run's shared one must stay whole.
    const own = await startRedisCluster(3);
    db = await createTestDatabase({ migrated: false });
    try {
      stores = await openServerStores({ mysqlUrl: db.url, redisUrl: own.urls.join(','), keyPrefix: 'dispatchd_test_health:' });
      await expect(stores.state.checkHealth()).resolves.toBeUndefined();
      const port = new URL(own.urls[2]).port;
      execFileSync('redis-cli', ['-p', port, 'shutdown', 'nosave']);
      await expect(stores.state.checkHealth()).rejects.toThrow();
      const reads = await Promise.allSettled(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((city) => stores!.state.readFence(city)));
      expect(reads.some((r) => r.status === 'fulfilled')).toBe(true);
    } finally {
      await stores?.close();
      stores = undefined;
      await own.stop();
    }
  });
});
