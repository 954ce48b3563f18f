/**
 * Every 4xx and 5xx the host answers has one shape, `{ error, code, field? }`, with a code from
 * the catalogue (src/http/errors.ts) whose status is the answer's — unknown routes, bad JSON,
 * too large a body, schema violations and each 409 included — and docs/host.md lists the
 * catalogue.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host/host.js';
import { ERROR_CODES, ERROR_CODE_NAMES } from '../../src/http/errors.js';
import { couriers, orders, startTestHost, waitFor } from './support/host.js';

describe('error answers', () => {
  let host: Host;
  let app: FastifyInstance;
  beforeAll(async () => {
    host = await startTestHost({ token: 'tk' });
    app = host.app;
  });
  afterAll(() => host.close());
  const auth = { authorization: 'Bearer tk' };

  /** The answer, checked for the shape; returns its body. */
  const refused = async (request: InjectOptions, status: number, code: string) => {
    const reply = await app.inject({ ...request, headers: { ...auth, ...request.headers } });
    const body = reply.json();
    expect([reply.statusCode, body.code], `${request.method} ${request.url}`).toEqual([status, code]);
    expect(ERROR_CODES[body.code as keyof typeof ERROR_CODES].status).toBe(status);
    expect(body.error).toEqual(expect.any(String));
    expect(Object.keys(body).every((k) => ['error', 'code', 'field', 'holder'].includes(k))).toBe(true);
    expect(reply.headers['x-request-id']).toBeTruthy();
    return body;
  };
  const json = { 'content-type': 'application/json' };

  it('unknown routes and methods: 404 unknown_route', async () => {
    expect(await refused({ method: 'GET', url: '/v1/citys' }, 404, 'unknown_route')).toEqual({ error: 'no route GET /v1/citys', code: 'unknown_route' });
    await refused({ method: 'PATCH', url: '/v1/cities/x' }, 404, 'unknown_route');
    await refused({ method: 'GET', url: '/nothing/here?x=1' }, 404, 'unknown_route');
  });

  it('bad JSON, an empty JSON body, another media type, too large a body', async () => {
    await app.inject({ method: 'PUT', url: '/v1/cities/e1', payload: {}, headers: auth });
    await refused({ method: 'PUT', url: '/v1/cities/e1/couriers', headers: json, payload: '{"couriers": [' }, 400, 'invalid_json');
    await refused({ method: 'PUT', url: '/v1/cities/e1/couriers', headers: json, payload: '' }, 400, 'invalid_json');
    await refused(
      { method: 'PUT', url: '/v1/cities/e1/couriers', headers: { 'content-type': 'application/xml' }, payload: '<couriers/>' },
      415,
      'unsupported_media_type',
    );
    await refused(
      { method: 'PUT', url: '/v1/cities/e1/couriers', headers: json, payload: `{"couriers":[],"pad":"${'x'.repeat(17 * 1024 * 1024)}"}` },
      413,
      'body_too_large',
    );
    const many = await refused({ method: 'PUT', url: '/v1/cities/e1/couriers', payload: { couriers: couriers(50_001) } }, 413, 'too_many_items');
    expect(many.field).toBe('couriers');
  });

  it('schema violations name the field; bad paths name the url', async () => {
    const lat = await refused({ method: 'PUT', url: '/v1/cities/e1/couriers', payload: { couriers: [{ ...couriers(1)[0], lat: 91 }] } }, 400, 'invalid_field');
    expect(lat).toEqual({ error: 'couriers[0].lat: must be a number in [-90, 90]', code: 'invalid_field', field: 'couriers[0].lat' });
    expect((await refused({ method: 'PUT', url: '/v1/cities/e1', payload: { colour: 'red' } }, 400, 'unknown_field')).field).toBe('colour');
    for (const shards of [0, 17, 2.5])
      expect((await refused({ method: 'PUT', url: '/v1/cities/e1', payload: { shards } }, 400, 'invalid_field')).field).toBe('shards');
    expect((await refused({ method: 'GET', url: '/v1/cities/e1/decisions?limit=0' }, 400, 'invalid_field')).field).toBe('limit');
    expect((await refused({ method: 'GET', url: '/v1/cities/%ZZ' }, 400, 'invalid_field')).field).toBe('url');
    expect((await refused({ method: 'GET', url: `/v1/cities/${'x'.repeat(2_000)}` }, 414, 'uri_too_long')).field).toBe('url');
  });

  it('401 unauthorized without the token', async () => {
    await refused({ method: 'PUT', url: '/v1/cities/e1', payload: {}, headers: { authorization: '' } }, 401, 'unauthorized');
  });

  it('404s name what is unknown', async () => {
    await refused({ method: 'GET', url: '/v1/cities/nowhere' }, 404, 'unknown_city');
    await refused({ method: 'DELETE', url: '/v1/cities/e1/couriers/nobody' }, 404, 'unknown_courier');
    await refused({ method: 'POST', url: '/v1/cities/e1/orders/none/cancel' }, 404, 'unknown_order');
    await refused({ method: 'GET', url: '/v1/cities/e1/pickups/p9.1' }, 404, 'unknown_pickup');
  });

  it('each 409 has its own code', async () => {
    await app.inject({ method: 'PUT', url: '/v1/cities/c409', payload: { tick_ms: 60_000 }, headers: auth });
    await app.inject({ method: 'PUT', url: '/v1/cities/c409/couriers', payload: { couriers: couriers(2) }, headers: auth });
    await app.inject({ method: 'POST', url: '/v1/cities/c409/orders', payload: { orders: orders(2) }, headers: auth });
    await refused({ method: 'POST', url: '/v1/cities/c409/orders', payload: { orders: orders(1) } }, 409, 'order_exists');
    await refused({ method: 'POST', url: '/v1/cities/c409/orders/o1/delivered' }, 409, 'wrong_state');
    await refused({ method: 'POST', url: '/v1/cities/c409/offers/o1/accept' }, 409, 'no_offer');
    expect(await refused({ method: 'PUT', url: '/v1/cities/c409', payload: { shards: 2 } }, 409, 'shards_fixed')).toMatchObject({ field: 'shards' });
    await waitFor(() => host.keeper.lease('c409'), 5_000, 'the lease of c409');
    const decision = (await app.inject({ method: 'POST', url: '/v1/cities/c409/dispatch', headers: auth })).json();
    const { order, courier } = decision.assignments[0];
    const other = courier === 'c1' ? 'c2' : 'c1';
    await refused({ method: 'POST', url: `/v1/cities/c409/offers/${order}/accept`, payload: { courier: other } }, 409, 'no_offer');

    await app.inject({ method: 'PUT', url: '/v1/cities/off', payload: { enabled: false }, headers: auth });
    await refused({ method: 'POST', url: '/v1/cities/off/dispatch' }, 409, 'city_disabled');

    const other_host = { hostId: 'other-host', bootId: 'boot-1' };
    await host.stores.leases.putCity({ id: 'theirs', tickMs: 60_000 });
    expect(await host.stores.leases.acquire('theirs', other_host, 60_000)).toBe(1);
    expect(await refused({ method: 'POST', url: '/v1/cities/theirs/dispatch' }, 409, 'leased_elsewhere')).toMatchObject({ holder: 'other-host/boot-1' });
  });

  it('409 not_leased_yet while no host holds the city', async () => {
    // A keeper that takes cities only at start-up: a city created after stays unheld.
    const idle = await startTestHost({ acquireIntervalMs: 3_600_000 });
    try {
      await idle.app.inject({ method: 'PUT', url: '/v1/cities/fresh', payload: {} });
      const reply = await idle.app.inject({ method: 'POST', url: '/v1/cities/fresh/dispatch' });
      expect([reply.statusCode, reply.json()]).toEqual([409, { error: 'no host holds the lease of city fresh yet; retry shortly', code: 'not_leased_yet' }]);
    } finally {
      await idle.close();
    }
  });

  it('503 shutting_down for requests that arrive while the host closes; the probes still answer', async () => {
    const closing = await startTestHost();
    const shutdown = closing.close();
    const [api, probe] = await Promise.all([closing.app.inject('/v1/cities'), closing.app.inject('/healthz')]);
    await shutdown;
    expect([api.statusCode, api.json()]).toEqual([503, { error: 'the host is shutting down; send the request to another host', code: 'shutting_down' }]);
    expect(probe.statusCode).toBe(200);
  });

  it('docs/host.md lists every code with its status', async () => {
    const doc = await readFile(new URL('../../docs/host.md', import.meta.url), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(ERROR_CODE_NAMES.map((c) => [c, ERROR_CODES[c].status])));
  });
});
