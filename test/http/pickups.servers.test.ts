import { describe, expect, it } from 'vitest';
import { couriers } from './support/host.js';
import { useServersHost } from './support/servers-host.js';

describe('pickups over sockets on MariaDB + Redis', () => {
  const { call, host } = useServersHost();

  it('a two-order pickup committed in Redis: accept, picked up, delivered twice through HTTP', async () => {
    expect((await call('PUT', '/v1/cities/two', { enabled: false })).status).toBe(200);
    await call('PUT', '/v1/cities/two/couriers', { couriers: couriers(2) });
    const restaurant = { lat: 41.39, lng: 2.17 };
    const orders = [
      { id: 'o1', pickup: restaurant, dropoff: { lat: 41.4, lng: 2.16 } },
      { id: 'o2', pickup: restaurant, dropoff: { lat: 41.41, lng: 2.15 } },
    ];
    expect((await call('POST', '/v1/cities/two/orders', { orders })).status).toBe(201);
    await host().stores.state.raiseFence('two', { token: 1, version: 0 });
    const committed = await host().stores.state.commit({
      city: 'two',
      token: 1,
      holder: 'test/1',
      assignments: [
        { order: 'o1', courier: 'c2' },
        { order: 'o2', courier: 'c2' },
      ],
    });
    expect(committed.ok).toBe(true);

    expect((await call('GET', '/v1/cities/two/pickups/p1.1')).body).toMatchObject({
      pickup_id: 'p1.1',
      courier: 'c2',
      orders: ['o1', 'o2'],
      status: 'offered',
    });
    expect((await call('POST', '/v1/cities/two/pickups/p1.1/accept', { courier: 'c2' })).body).toEqual({
      pickup_id: 'p1.1',
      status: 'assigned',
      courier: 'c2',
      orders: ['o1', 'o2'],
    });
    expect((await call('POST', '/v1/cities/two/pickups/p1.1/picked-up')).body.status).toBe('picked_up');
    expect((await call('POST', '/v1/cities/two/orders/o1/delivered')).body).toEqual({
      order: 'o1',
      status: 'delivered',
      courier: 'c2',
      pickup_id: 'p1.1',
      pickup_orders: ['o1', 'o2'],
    });
    expect((await host().stores.state.readCourier('two', 'c2'))?.status).toBe('busy');
    expect((await call('POST', '/v1/cities/two/orders/o2/delivered')).body).toEqual({ order: 'o2', status: 'delivered', courier: 'c2' });
    expect(await host().stores.state.readCourier('two', 'c2')).toMatchObject({ status: 'free', lat: 41.41, lng: 2.15, offer: null });
    expect(await call('GET', '/v1/cities/two/pickups/p1.1')).toMatchObject({ status: 404, body: { code: 'unknown_pickup' } });
  });

  it('a malformed pickup id is a 400 naming the field', async () => {
    expect(await call('POST', '/v1/cities/two/pickups/p1.x/accept', {})).toEqual({
      status: 400,
      body: { error: expect.any(String), field: 'pickup', code: 'invalid_field' },
    });
  });
});
