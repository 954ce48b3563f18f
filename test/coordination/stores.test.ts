import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedStores, openServerStores, type CoordinationStores } from '../../src/coordination/stores.js';
import { WITH_SERVERS } from '../support/servers.js';
import { createTestDatabase, type TestDatabase } from './support/mysql.js';

describe('opening the stores', () => {
  let db: TestDatabase | undefined;
  let stores: CoordinationStores | undefined;
  afterEach(async () => {
    await stores?.close();
    await db?.drop();
  });

  const exercise = async (s: CoordinationStores) => {
    await s.leases.putCity({ id: 'bcn' });
    const token = (await s.leases.acquire('bcn', { hostId: 'h', bootId: 'b' }, 10_000))!;
    expect(await s.state.raiseFence('bcn', { token, version: await s.decisions.lastVersion('bcn') })).toEqual({ token: 1, version: 0 });
  };

  it('embedded: everything in memory', async () => {
    stores = openEmbeddedStores();
    await exercise(stores);
  });

  it.runIf(WITH_SERVERS)('servers: migrates MySQL at start-up and uses Redis under the key prefix', async () => {
    db = await createTestDatabase({ migrated: false });
    const keyPrefix = `dispatchd_test_${randomBytes(6).toString('hex')}:`;
    stores = await openServerStores({ mysqlUrl: db.url, redisUrl: 'redis://127.0.0.1:6379', keyPrefix });
    await exercise(stores);
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      expect(await redis.keys(`${keyPrefix}*`)).toEqual([`${keyPrefix}{bcn}:fence`]);
      await redis.del(`${keyPrefix}{bcn}:fence`);
    } finally {
      await redis.quit();
    }
  });
});
