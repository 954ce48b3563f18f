/**
 * A city of three area shards through a host on MariaDB + the run's local Redis Cluster
 * (support/shards-suite.ts), and where its shards' keys land: three slots, on three masters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/host/host.js';
import { shardCity } from '../../src/state/city-id.js';
import { cityKeys } from '../../src/state/redis-keys.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { createTestRedisCluster, type TestRedisCluster } from '../state/support/redis.js';
import { testConfig } from './support/host.js';
import { shardedCitySuite } from './support/shards-suite.js';

describe('a city of area shards on MariaDB + a Redis Cluster', () => {
  let db: TestDatabase;
  let redis: TestRedisCluster;
  let host: Host;
  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase({ migrated: false }), createTestRedisCluster()]);
    host = await startHost(testConfig({ port: 0, listen: '127.0.0.1', mysqlUrl: db.url, redisUrl: redis.url, keyPrefix: redis.prefix }));
  });
  afterAll(async () => {
    await host?.close();
    await Promise.all([db?.drop(), redis?.cleanup()]);
  });

  /** The master (host:port) holding a key's slot. */
  const masterOf = async (key: string) => {
    const [host, port] = redis.redis.slots[Number(await redis.redis.cluster('KEYSLOT', key))][0].split(':');
    return `${host}:${port}`;
  };

  shardedCitySuite(() => host);

  it("puts the city's shards on slots of their own, the base on another, and the shards' records on their masters", async () => {
    const keys = [cityKeys(redis.prefix, 'sh3').fence, ...[0, 1, 2].map((s) => cityKeys(redis.prefix, shardCity('sh3', s)).couriers)];
    const slots = await Promise.all(keys.map((key) => redis.redis.cluster('KEYSLOT', key)));
    expect(new Set(slots).size).toBe(4);
    // sh3's three shards hash to three different masters of the test cluster (its slot ranges are fixed).
    const masters = await Promise.all(keys.slice(1).map(masterOf));
    expect(new Set(masters).size).toBe(3);
    for (const [s, key] of keys.slice(1).entries()) {
      const node = redis.redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === masters[s])!;
      expect(await node.hlen(key), `shard ${s} on ${masters[s]}`).toBe(3);
    }
  });
});
