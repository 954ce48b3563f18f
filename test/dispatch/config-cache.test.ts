/**
 * A city's configuration is read with its lease and once per renewal interval, not at every
 * tick; a change made through this host applies at the next cycle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedStores } from '../../src/coordination/stores.js';
import type { Host } from '../../src/host/host.js';
import { couriers, orders, startTestHost, waitFor } from '../http/support/host.js';

describe('city configuration in the dispatch loop', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('is read once per renewal interval, and a change through this host applies at once', async () => {
    const stores = openEmbeddedStores();
    let reads = 0;
    const getCity = stores.leases.getCity.bind(stores.leases);
    stores.leases.getCity = (id) => {
      reads++;
      return getCity(id);
    };
    const renewIntervalMs = 1_000;
    host = await startTestHost({ renewIntervalMs }, { stores });
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/cached', payload: { tick_ms: 50 } });
    await waitFor(async () => (await app.inject('/v1/leases')).json().leases.some((l: { holder: unknown }) => l.holder), 5_000, 'the lease');
    reads = 0;
    const started = Date.now();
    await waitFor(() => host!.loop.latest('cached'), 5_000, 'a first tick');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const elapsedMs = Date.now() - started;
    // ~30 ticks ran; the configuration was read at most once per renewal interval (+ the first).
    expect(reads).toBeLessThanOrEqual(Math.ceil(elapsedMs / renewIntervalMs) + 1);

    // A change through this host is the next cycle's: with no reach at all nothing is assigned.
    await app.inject({ method: 'PUT', url: '/v1/cities/cached/couriers', payload: { couriers: couriers(2) } });
    expect((await app.inject({ method: 'PUT', url: '/v1/cities/cached', payload: { params: { max_pickup_s: 0 } } })).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/v1/cities/cached/orders', payload: { orders: orders(2) } });
    const reply = (await app.inject({ method: 'POST', url: '/v1/cities/cached/dispatch' })).json();
    expect(reply.assignments).toEqual([]);
    expect(reply.unassigned.sort()).toEqual(['o1', 'o2']);
  });
});
