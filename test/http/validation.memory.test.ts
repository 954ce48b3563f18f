import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src/host/host.js';
import { couriers, orders, startTestHost } from './support/host.js';

/**
 * Inputs the schemas used to accept and the stores then refused (a 500), ids that could be
 * created but never named in a path (414), lone surrogates that aliased in Redis, and unknown
 * fields that were silently dropped: each is a 400 naming the field now, and nothing changes.
 */
describe('HTTP input limits on the embedded stores (inject)', () => {
  let host: Host;
  let app: FastifyInstance;
  beforeAll(async () => {
    host = await startTestHost();
    app = host.app;
    // Disabled: no lease, no tick, so nothing but the requests below changes the city.
    await app.inject({ method: 'PUT', url: '/v1/cities/lim', payload: { enabled: false, params: { max_pickup_s: 900 } } });
    await app.inject({ method: 'PUT', url: '/v1/cities/lim/couriers', payload: { couriers: couriers(3) } });
    await app.inject({ method: 'POST', url: '/v1/cities/lim/orders', payload: { orders: orders(2) } });
  });
  afterAll(() => host.close());

  const raw = (method: InjectOptions['method'], url: string, body: string) =>
    app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: body });
  const refusal = (field: string, code = 'invalid_field') => ({ error: expect.stringMatching(/: /), field, code });
  const emoji = (n: number) => '😀'.repeat(n);

  it('1e309 (Infinity) in speed_mps or in any city param is a 400, not a 500', async () => {
    const courier = '{"couriers":[{"id":"c9","lat":41.4,"lng":2.17,"speed_mps":1e309,"status":"on_shift"}]}';
    const reply = await raw('PUT', '/v1/cities/lim/couriers', courier);
    expect([reply.statusCode, reply.json()]).toEqual([400, refusal('couriers[0].speed_mps')]);
    for (const name of ['max_pickup_s', 'max_candidates', 'unassigned_penalty_s', 'detour_factor', 'wait_weight', 'handover_s']) {
      const city = await raw('PUT', '/v1/cities/lim', `{"params":{"${name}":1e309}}`);
      expect([city.statusCode, city.json()]).toEqual([400, refusal(`params.${name}`)]);
    }
  });

  it('ready_at of 1e20 or 2^53 is a 400', async () => {
    for (const readyAt of ['1e20', String(2 ** 53)]) {
      const reply = await raw(
        'POST',
        '/v1/cities/lim/orders',
        `{"orders":[{"id":"r1","pickup":{"lat":1,"lng":1},"dropoff":{"lat":1,"lng":1},"ready_at":${readyAt}}]}`,
      );
      expect([reply.statusCode, reply.json()]).toEqual([400, refusal('orders[0].ready_at')]);
    }
  });

  it('decisions?after=1e20 and after=1e309 are 400s', async () => {
    for (const after of ['1e20', '1e309']) {
      const reply = await app.inject(`/v1/cities/lim/decisions?after=${after}`);
      expect([reply.statusCode, reply.json()]).toEqual([400, refusal('after')]);
    }
  });

  it('ids count code points: 65-128 emoji are created and usable, 129 are a 400', async () => {
    for (const n of [65, 100, 128]) {
      const id = emoji(n);
      const created = await app.inject({ method: 'POST', url: '/v1/cities/lim/orders', payload: { orders: [{ ...orders(1)[0], id }] } });
      expect(created.statusCode).toBe(201);
      const cancelled = await app.inject({ method: 'POST', url: `/v1/cities/lim/orders/${encodeURIComponent(id)}/cancel` });
      expect(cancelled.json()).toEqual({ order: id, status: 'cancelled', courier: null });
    }
    const tooLong = await app.inject({ method: 'POST', url: '/v1/cities/lim/orders', payload: { orders: [{ ...orders(1)[0], id: emoji(129) }] } });
    expect([tooLong.statusCode, tooLong.json()]).toEqual([400, refusal('orders[0].id')]);
  });

  it('every id the schema accepts works in every path route, however it is percent-encoded', async () => {
    const everyByte = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const cases = [
      { id: 'a'.repeat(128), encode: everyByte }, // 384 characters in the path
      { id: 'é'.repeat(128), encode: encodeURIComponent }, // 768
      { id: '\u4e00'.repeat(128), encode: encodeURIComponent }, // 1,152
      { id: emoji(128), encode: encodeURIComponent }, // 1,536
    ];
    for (const [i, { id, encode }] of cases.entries()) {
      const path = encode(id);
      expect((await app.inject({ method: 'PUT', url: '/v1/cities/lim/couriers', payload: { couriers: [{ ...couriers(1)[0], id }] } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'DELETE', url: `/v1/cities/lim/couriers/${path}` })).statusCode).toBe(204);
      const order = `${id.slice(0, -2)}${i}`; // still 127 or 128 code points
      expect((await app.inject({ method: 'POST', url: '/v1/cities/lim/orders', payload: { orders: [{ ...orders(1)[0], id: order }] } })).statusCode).toBe(201);
      for (const answer of ['accept', 'decline']) {
        // Never offered: 409, so the route took the id.
        expect((await app.inject({ method: 'POST', url: `/v1/cities/lim/offers/${encode(order)}/${answer}` })).statusCode).toBe(409);
      }
      for (const event of ['picked-up', 'delivered']) {
        expect((await app.inject({ method: 'POST', url: `/v1/cities/lim/orders/${encode(order)}/${event}` })).statusCode).toBe(409);
      }
      expect((await app.inject({ method: 'POST', url: `/v1/cities/lim/orders/${encode(order)}/cancel` })).json().status).toBe('cancelled');
    }
  });

  it('lone surrogates are refused, so s\\ud800, s\\udbff and s\\ufffd cannot alias', async () => {
    for (const id of ['s\\ud800', 's\\udbff', '\\udc00s']) {
      const reply = await raw('POST', '/v1/cities/lim/orders', `{"orders":[{"id":"${id}","pickup":{"lat":1,"lng":1},"dropoff":{"lat":1,"lng":1}}]}`);
      expect([reply.statusCode, reply.json()]).toEqual([400, refusal('orders[0].id')]);
    }
    const inPath = await app.inject({ method: 'POST', url: '/v1/cities/lim/orders/s%ED%A0%80/cancel' });
    expect([inPath.statusCode, inPath.json()]).toEqual([400, refusal('url')]);
    const replacement = await app.inject({ method: 'POST', url: '/v1/cities/lim/orders', payload: { orders: [{ ...orders(1)[0], id: 's\ufffd' }] } });
    expect(replacement.statusCode).toBe(201);
  });

  it('an unknown key in params is a 400 naming it, and the city keeps its params', async () => {
    const before = (await app.inject('/v1/cities/lim')).json();
    const reply = await app.inject({ method: 'PUT', url: '/v1/cities/lim', payload: { params: { heuristic: 'greedy' } } });
    expect([reply.statusCode, reply.json()]).toEqual([400, refusal('params.heuristic', 'unknown_field')]);
    expect((await app.inject('/v1/cities/lim')).json()).toEqual(before);
    expect(before.params.max_pickup_s).toBe(900);
  });

  it('unknown fields are refused in every body object and in query strings', async () => {
    const cases: [InjectOptions, string][] = [
      [{ method: 'PUT', url: '/v1/cities/lim', payload: { tick_ms: 1000, color: 'red' } }, 'color'],
      [{ method: 'PUT', url: '/v1/cities/lim/couriers', payload: { couriers: [{ ...couriers(1)[0], vehicle: 'bike' }] } }, 'couriers[0].vehicle'],
      [
        { method: 'POST', url: '/v1/cities/lim/orders', payload: { orders: [{ ...orders(1)[0], pickup: { lat: 1, lng: 1, alt: 3 } }] } },
        'orders[0].pickup.alt',
      ],
      [{ method: 'POST', url: '/v1/cities/lim/orders', payload: { orders: [], priority: 1 } }, 'priority'],
      [{ method: 'POST', url: '/v1/cities/lim/offers/o1/accept', payload: { courier: 'c1', note: 'x' } }, 'note'],
      [{ method: 'POST', url: '/v1/cities/lim/dispatch', payload: { force: true } }, 'force'],
      [{ method: 'POST', url: '/v1/cities/lim/orders/o1/cancel', payload: { reason: 'x' } }, 'reason'],
      [{ method: 'GET', url: '/v1/cities/lim/decisions?after=0&since=3' }, 'since'],
      [{ method: 'GET', url: '/v1/cities/lim/map?zoom=3' }, 'zoom'],
    ];
    for (const [request, field] of cases) {
      const reply = await app.inject(request);
      expect([reply.statusCode, reply.json()]).toEqual([400, refusal(field, 'unknown_field')]);
    }
  });

  it('PUT replaces the whole params object: a param left out takes its default', async () => {
    await app.inject({ method: 'PUT', url: '/v1/cities/rep', payload: { enabled: false, params: { max_pickup_s: 900, handover_s: 30 } } });
    const replaced = await app.inject({ method: 'PUT', url: '/v1/cities/rep', payload: { params: { handover_s: 60 } } });
    expect(replaced.json().params).toMatchObject({ max_pickup_s: 600, handover_s: 60 });
    const kept = await app.inject({ method: 'PUT', url: '/v1/cities/rep', payload: { tick_ms: 5000 } });
    expect(kept.json()).toMatchObject({ enabled: false, tick_ms: 5000, params: { max_pickup_s: 600, handover_s: 60 } });
  });

  describe('property: bad bodies, paths and query strings at every route', () => {
    /** The map without mean_wait_s, which grows with the clock. */
    const cityMap = async () => {
      const map = (await app.inject('/v1/cities/prop/map')).json();
      return { ...map, kpis: { ...map.kpis, mean_wait_s: 0 } };
    };
    const state = async () => ({
      cities: (await app.inject('/v1/cities')).json(),
      city: (await app.inject('/v1/cities/prop')).json(),
      map: await cityMap(),
      decisions: (await app.inject('/v1/cities/prop/decisions')).json(),
      orders: await Promise.all(['p1', 'p2'].map((id) => host.stores.state.readOrder('prop', id))),
    });
    beforeAll(async () => {
      await app.inject({ method: 'PUT', url: '/v1/cities/prop', payload: { enabled: false, tick_ms: 60_000 } });
      await app.inject({ method: 'PUT', url: '/v1/cities/prop/couriers', payload: { couriers: couriers(2, 'q') } });
      await app.inject({ method: 'POST', url: '/v1/cities/prop/orders', payload: { orders: orders(2, 'p') } });
    });

    // As JSON text: 1e309 is Infinity once parsed, "\ud800" a lone surrogate.
    const badValue = fc.constantFrom('1e309', '-1e309', '1e20', '-1e20', '"\\ud800"', '"x|y"', '""', `"${'x'.repeat(129)}"`, 'null', '[1]', 'true', '{}');
    const goodBodies: { method: InjectOptions['method']; url: string; body: unknown }[] = [
      {
        method: 'PUT',
        url: '/v1/cities/prop',
        body: {
          enabled: true,
          tick_ms: 1000,
          params: { max_pickup_s: 900, max_candidates: 4, unassigned_penalty_s: 100, detour_factor: 1.2, wait_weight: 0.5, handover_s: 60 },
        },
      },
      { method: 'PUT', url: '/v1/cities/prop/couriers', body: { couriers: [{ id: 'q9', lat: 41.4, lng: 2.17, speed_mps: 4, status: 'on_shift' }] } },
      {
        method: 'POST',
        url: '/v1/cities/prop/orders',
        body: { orders: [{ id: 'p9', pickup: { lat: 41.4, lng: 2.17 }, dropoff: { lat: 41.41, lng: 2.16 }, ready_at: 1_800_000_000_000 }] },
      },
      { method: 'POST', url: '/v1/cities/prop/offers/p1/accept', body: { courier: 'q1' } },
      { method: 'POST', url: '/v1/cities/prop/offers/p1/decline', body: { courier: 'q1' } },
      { method: 'POST', url: '/v1/cities/prop/orders/p1/cancel', body: {} },
      { method: 'POST', url: '/v1/cities/prop/orders/p1/picked-up', body: {} },
      { method: 'POST', url: '/v1/cities/prop/orders/p1/delivered', body: {} },
      { method: 'POST', url: '/v1/cities/prop/dispatch', body: {} },
      { method: 'DELETE', url: '/v1/cities/prop/couriers/q1', body: {} },
    ];

    /** Every object in `value` with the path to it. */
    const objects = (value: unknown, path: (string | number)[] = []): (string | number)[][] =>
      value !== null && typeof value === 'object'
        ? [...(Array.isArray(value) ? [] : [path]), ...Object.entries(value).flatMap(([k, v]) => objects(v, [...path, Array.isArray(value) ? Number(k) : k]))]
        : [];
    /** Every leaf (non-object value) in `value` with the path to it. */
    const leaves = (value: unknown, path: (string | number)[] = []): (string | number)[][] =>
      value !== null && typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]))
        : [path];

    /** Raw JSON text for a value JSON.stringify cannot write (1e309, a lone surrogate): a marker, swapped in after. */
    const MARKS: string[] = [];
    const mark = (json: string) => `@@${MARKS.push(json) - 1}@@`;

    /** The body as JSON text after `change` ran on the object holding `path`'s last step. */
    const mutate = (body: unknown, path: (string | number)[], change: (at: Record<string | number, unknown>, key: string | number) => void): string => {
      const holder: Record<string | number, unknown> = { root: structuredClone(body) };
      let at = holder;
      let key: string | number = 'root';
      for (const step of path) {
        at = at[key] as Record<string | number, unknown>;
        key = step;
      }
      change(at, key);
      return JSON.stringify(holder.root).replace(/"@@(\d+)@@"/g, (_, i) => MARKS[Number(i)]);
    };

    const badBody = fc.integer({ min: 0, max: goodBodies.length - 1 }).chain((r) => {
      const { method, url, body } = goodBodies[r];
      // Booleans and enums take some strings and booleans; ids every plain string: only values
      // that break every field's rule replace a leaf, so each request must be refused.
      const leafPaths = leaves(body).filter((p) => p.length > 0 && !['enabled', 'status'].includes(String(p.at(-1))));
      const replaced = leafPaths.length === 0 ? fc.constant(null) : fc.tuple(fc.constantFrom(...leafPaths), badValue).map(([path, value]) => ({ path, value }));
      const extra = fc.tuple(
        fc.constantFrom(...objects(body)),
        fc
          .string({ minLength: 1, maxLength: 8 })
          .filter(
            (k) =>
              !/^(id|lat|lng|courier|couriers|orders|params|enabled|tick_ms|pickup|dropoff|ready_at|speed_mps|status|max_\w+|unassigned_penalty_s|detour_factor|wait_weight|handover_s)$/.test(
                k,
              ) && k !== '__proto__',
          ),
      );
      return fc.oneof(
        replaced.map((r) => (r === null ? null : { method, url, payload: mutate(body, r.path, (at, key) => (at[key] = mark(r.value))) })),
        extra.map(([path, k]) => ({ method, url, payload: mutate(body, path, (at, key) => ((at[key] as Record<string, unknown>)[k] = 1)) })),
      );
    });

    const badSegment = fc.constantFrom('%ZZ', '%E0', 's%ED%A0%80', 'a%7Cb', 'b%7Ba%7Dd', encodeURIComponent('😀'.repeat(129)), 'x'.repeat(2000), '%00', '..');
    const badPath = fc
      .tuple(
        fc.constantFrom(
          ['PUT', '/v1/cities/:s'],
          ['GET', '/v1/cities/:s'],
          ['PUT', '/v1/cities/:s/couriers'],
          ['DELETE', '/v1/cities/prop/couriers/:s'],
          ['POST', '/v1/cities/:s/orders'],
          ['POST', '/v1/cities/prop/orders/:s/cancel'],
          ['POST', '/v1/cities/prop/orders/:s/picked-up'],
          ['POST', '/v1/cities/prop/orders/:s/delivered'],
          ['POST', '/v1/cities/prop/offers/:s/accept'],
          ['POST', '/v1/cities/prop/offers/:s/decline'],
          ['POST', '/v1/cities/:s/dispatch'],
          ['GET', '/v1/cities/:s/decisions'],
          ['GET', '/v1/cities/:s/map'],
        ),
        badSegment,
      )
      .map(([[method, route], segment]) => ({ method, url: route.replace(':s', segment) }));

    const badQuery = fc
      .tuple(
        fc.constantFrom('/v1/cities', '/v1/cities/prop', '/v1/cities/prop/decisions', '/v1/cities/prop/map', '/v1/leases'),
        fc.constantFrom(
          'after=1e20',
          'after=1e309',
          'after=-1',
          'after=abc',
          'after=1.5',
          'limit=0',
          'limit=1001',
          'limit=1e309',
          'after=1&after=2',
          'x=1',
          'after=%ZZ',
        ),
      )
      .map(([path, query]) => ({ method: 'GET', url: `${path}?${query}` }));

    it('never a 5xx, every 400 names the field with a code, the state is unchanged', async () => {
      const before = await state();
      await fc.assert(
        fc.asyncProperty(fc.oneof(badBody, badPath, badQuery), async (request) => {
          if (request === null) return;
          const reply = await app.inject({
            method: request.method as InjectOptions['method'],
            url: request.url,
            ...('payload' in request ? { payload: request.payload, headers: { 'content-type': 'application/json' } } : {}),
          });
          expect(reply.statusCode, `${request.method} ${request.url.slice(0, 80)} ${'payload' in request ? request.payload : ''}`).toBeLessThan(500);
          if (reply.statusCode === 400) expect(reply.json()).toEqual(refusal(expect.any(String), expect.stringMatching(/^(invalid|unknown)_field$/)));
          else expect([404, 409, 414]).toContain(reply.statusCode);
        }),
        { numRuns: 400 },
      );
      expect(await state()).toEqual(before);
    });
  });
});
