/**
 * A host on MariaDB and a Redis of the test's own that goes away: requests that need the state
 * store answer 503 store_unavailable instead of waiting, /readyz names the state store, and a
 * SIGTERM to `dispatchd serve` while a request waits on a partitioned Redis exits 0.
 * A hang is detected with generous bounds (10x the command timeout), never a tight timing.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostProcess } from '../../tools/cluster/host-process.js';
import { STORE_TIMEOUTS } from '../../src/coordination/store-timeouts.js';
import type { Host } from '../../src/host/host.js';
import { PrivateRedis } from '../cluster/support/redis-server.js';
import { TcpProxy } from '../cluster/support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { orders, startTestHost } from './support/host.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
/** Far beyond any store bound: reaching it means a request or a shutdown hung. */
const HANG_MS = 10 * STORE_TIMEOUTS.callMs;

describe('a host whose Redis is down', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), PrivateRedis.start()]);
  });
  afterAll(async () => {
    await redis?.kill();
    await db?.drop();
  });

  it('answers 503 store_unavailable on map and orders, and /readyz names the state store', { timeout: 6 * HANG_MS }, async () => {
    let host: Host | undefined;
    try {
      host = await startTestHost({ mysqlUrl: db.url, redisUrl: redis.url, keyPrefix: `dispatchd_test_outage_${Date.now()}:` });
      expect((await host.app.inject({ method: 'PUT', url: '/v1/cities/x', payload: {} })).statusCode).toBe(200);
      expect((await host.app.inject('/v1/cities/x/map')).statusCode).toBe(200);
      await redis.kill();

      const map = await host.app.inject('/v1/cities/x/map');
      expect(map.statusCode).toBe(503);
      expect(map.json()).toMatchObject({ code: 'store_unavailable', error: expect.stringMatching(/^state store \(Redis\) unavailable: /) });
      const created = await host.app.inject({ method: 'POST', url: '/v1/cities/x/orders', payload: { orders: orders(1) } });
      expect(created.statusCode).toBe(503);
      expect(created.json().code).toBe('store_unavailable');
      const ready = await host.app.inject('/readyz');
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks).toMatchObject({ leases: 'ok', decisions: 'ok', state: expect.stringMatching(/^state store \(Redis\) unavailable/) });
    } finally {
      await host?.close();
      await redis.launch();
    }
  });

  it('dispatchd serve exits 0 on SIGTERM while a request waits on a partitioned Redis', { timeout: 6 * HANG_MS }, async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
    let host: HostProcess | undefined;
    try {
      host = await HostProcess.start({
        hostId: 'outage',
        port: 0,
        mysqlUrl: db.url,
        redisUrl: `redis://127.0.0.1:${proxy.port}`,
        keyPrefix: `dispatchd_test_outage_serve_${Date.now()}:`,
        cliPath: CLI,
      });
      expect((await fetch(`${host.url}/v1/cities/y`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(200);
      proxy.blackhole();
      let answered = false;
      const request = fetch(`${host.url}/v1/cities/y/map`, { signal: AbortSignal.timeout(HANG_MS) }).then(
        (r) => ((answered = true), r.status),
        () => 'no answer',
      );
      await new Promise((r) => setTimeout(r, 100)); // the request is now waiting on Redis
      expect(answered).toBe(false);
      const code = await host.terminate(HANG_MS);
      expect(code).toBe(0);
      expect([503, 'no answer']).toContain(await request);
    } finally {
      await host?.kill();
      await proxy.close();
    }
  });
});
