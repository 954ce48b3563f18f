/**
 * The typed client (src/http/client) against the real app: in-process through injectFetch,
 * and over a socket as the cluster feeder uses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Feeder } from '../../tools/cluster/feeder.js';
import type { Host } from '../../src/host/host.js';
import { dispatchClient, injectFetch, type DispatchClient } from '../../src/http/client/client.js';
import { couriers, orders, startTestHost, waitFor } from './support/host.js';

describe('the typed client', () => {
  let host: Host;
  let client: DispatchClient;
  beforeAll(async () => {
    host = await startTestHost({ token: 't0k' });
    client = dispatchClient({ baseUrl: 'http://dispatchd.test', token: 't0k', fetch: injectFetch(host.app) });
  });
  afterAll(() => host.close());

  it('creates, dispatches and answers with typed bodies and typed errors', async () => {
    const city = await client.PUT('/v1/cities/{city}', { params: { path: { city: 'cl' } }, body: { tick_ms: 60_000 } });
    expect(city.data?.params.max_pickup_s).toBeGreaterThan(0);
    expect((await client.PUT('/v1/cities/{city}/couriers', { params: { path: { city: 'cl' } }, body: { couriers: couriers(2) } })).data).toEqual({
      upserted: 2,
    });
    const created = await client.POST('/v1/cities/{city}/orders', { params: { path: { city: 'cl' } }, body: { orders: orders(1) } });
    expect([created.response.status, created.data]).toEqual([201, { created: 1 }]);
    const again = await client.POST('/v1/cities/{city}/orders', { params: { path: { city: 'cl' } }, body: { orders: orders(1) } });
    expect([again.response.status, again.error?.code]).toEqual([409, 'order_exists']);

    await waitFor(() => host.keeper.lease('cl'), 5_000, 'the lease of cl');
    const outcome = (await client.POST('/v1/cities/{city}/dispatch', { params: { path: { city: 'cl' } } })).data!;
    expect(outcome).toMatchObject({ committed: true, durable: true, version: 1 });
    const [pair] = outcome.assignments;
    const page = (await client.GET('/v1/cities/{city}/decisions', { params: { path: { city: 'cl' }, query: { after: 0 } } })).data!;
    expect(page.decisions.map((d) => d.version)).toEqual([1]);
    const accepted = await client.POST('/v1/cities/{city}/offers/{order}/accept', {
      params: { path: { city: 'cl', order: pair.order } },
      body: { courier: pair.courier },
    });
    expect(accepted.data).toEqual({ order: pair.order, status: 'assigned', courier: pair.courier });
    const removed = await client.DELETE('/v1/cities/{city}/couriers/{id}', { params: { path: { city: 'cl', id: 'c2' } } });
    expect(removed.response.status).toBe(204);
    const missing = await client.GET('/v1/cities/{city}', { params: { path: { city: 'nowhere' } } });
    expect([missing.response.status, missing.error]).toEqual([404, { error: 'unknown city nowhere', code: 'unknown_city' }]);
    expect(missing.response.headers.get('x-request-id')).toBeTruthy();
  });

  it('drives a city over a socket as the cluster feeder', async () => {
    const listening = await startTestHost({ token: 'f33d' }, { listen: true });
    const feeder = new Feeder([{ id: listening.holder.hostId, url: listening.url! }], {
      cities: ['fd'],
      couriersPerCity: 6,
      initialOrders: 4,
      tickMs: 100,
      stepMs: 50,
      dispatchEveryMs: 100,
      deliverAfterMs: 100,
      token: 'f33d',
    });
    try {
      await feeder.setUp();
      feeder.start();
      await waitFor(() => feeder.stats.delivered > 0 && feeder.stats.dispatchAcks > 0, 20_000, 'a delivery and an acknowledged dispatch');
      await feeder.stop();
      expect(feeder.stats.failures).toBe(0);
      expect(feeder.acknowledged[0]).toMatchObject({ city: 'fd', token: expect.any(Number), version: expect.any(Number) });
    } finally {
      await feeder.stop();
      await listening.close();
    }
  });
});
