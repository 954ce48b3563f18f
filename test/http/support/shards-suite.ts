/**
 * A city of `shards: 3` end to end through a host's HTTP API (docs/scaling.md, "Area shards"):
 * created with its shard count, fleet and orders uploaded over three areas, dispatched; every
 * decision's pickups pair a courier with orders of its own area, no order or courier is given
 * twice, the pickup ids answer, and the durable log's versions are contiguous.
 */
import { expect, it } from 'vitest';
import { AREA_BAND_DEG, areaOf } from '../../../src/domain/areas.js';
import type { Host } from '../../../src/host/host.js';
import { waitFor } from './host.js';

const SHARDS = 3;
/** Longitude of area `shard` in Barcelona (band 3642 = 0 mod 3 is 2.1 to 2.15). */
const lngOf = (shard: number, k = 0) => -180 + (3642 + shard + 0.4 + 0.2 * k) * AREA_BAND_DEG;

export function shardedCitySuite(host: () => Host, city = 'sh3'): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies of many shapes, checked field by field
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${host().url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  it('dispatches a city of three area shards: each pickup within one area, nothing given twice, versions contiguous', async () => {
    const created = await call('PUT', `/v1/cities/${city}`, { shards: SHARDS, tick_ms: 60_000 });
    expect([created.status, created.body.shards]).toEqual([200, SHARDS]);
    expect(await call('PUT', `/v1/cities/${city}`, { shards: 2 })).toMatchObject({ status: 409, body: { code: 'shards_fixed', field: 'shards' } });
    expect(await call('PUT', `/v1/cities/${city}`, { shards: 0 })).toMatchObject({ status: 400, body: { code: 'invalid_field', field: 'shards' } });
    expect((await call('PUT', `/v1/cities/${city}`, { tick_ms: 60_000 })).body).toMatchObject({ shards: SHARDS });

    const couriers = Array.from({ length: 9 }, (_, i) => ({
      id: `c${i}`,
      lat: 41.39 + (i % 2) * 0.002,
      lng: lngOf(i % SHARDS, i % 2),
      speed_mps: 5,
      status: 'on_shift',
    }));
    expect((await call('PUT', `/v1/cities/${city}/couriers`, { couriers })).status).toBeLessThan(300);
    const area = new Map(couriers.map((c) => [c.id, areaOf(c.lng, SHARDS)]));
    await waitFor(() => host().keeper.lease(city), 15_000, `the lease of ${city}`);

    const given = new Set<string>();
    const busy = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const orders = Array.from({ length: 4 }, (_, i) => ({
        id: `o${round}-${i}`,
        pickup: { lat: 41.391, lng: lngOf((round + i) % SHARDS, 1) },
        dropoff: { lat: 41.4, lng: lngOf((round + i) % SHARDS) },
      }));
      for (const o of orders) area.set(o.id, areaOf(o.pickup.lng, SHARDS));
      expect((await call('POST', `/v1/cities/${city}/orders`, { orders })).status).toBe(201);
      const dispatched = await call('POST', `/v1/cities/${city}/dispatch`);
      expect(dispatched.body).toMatchObject({ committed: true, durable: true, version: round + 1 });
      for (const { order, courier, pickup_id: pickup } of dispatched.body.assignments as { order: string; courier: string; pickup_id: string }[]) {
        expect(area.get(order), `${order} and ${courier} in one area`).toBe(area.get(courier));
        expect(given.has(order), `${order} given once`).toBe(false);
        expect(busy.has(courier), `${courier} given once`).toBe(false);
        given.add(order);
        busy.add(courier);
        expect((await call('GET', `/v1/cities/${city}/pickups/${pickup}`)).body).toMatchObject({ courier });
        // The courier takes it: busy until delivery, so not offered again.
        expect((await call('POST', `/v1/cities/${city}/offers/${order}/accept`, { courier })).status).toBe(200);
      }
    }
    expect(given.size).toBeGreaterThan(6);
    const log = await call('GET', `/v1/cities/${city}/decisions`);
    const versions = log.body.decisions.map((d: { version: number }) => d.version);
    expect(versions).toEqual([1, 2, 3]);
    const logged = log.body.decisions.flatMap((d: { assignments: { order: string }[] }) => d.assignments.map((a) => a.order));
    expect(new Set(logged)).toEqual(given);
    const map = await call('GET', `/v1/cities/${city}/map`);
    expect(map.status).toBe(200);
  });
}
