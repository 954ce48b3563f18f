/**
 * The feature engine through the HTTP API, one suite for both stores (features.memory.test.ts,
 * features.servers.test.ts): bad events refused naming the field, duplicates ignored, the host's
 * own orders feeding it, an ETA model driving the dispatch, and the parity of the live host with
 * the offline replay of the same event log.
 */
import { expect, it } from 'vitest';
import type { FeatureTable } from '../../../src/features/aggregate.js';
import { fitEtaModel, etaModelToJson } from '../../../src/features/eta-model.js';
import { eventFromJson, type FeatureEventJson, type LoggedEvent } from '../../../src/features/events.js';
import { tablesAt } from '../../../src/features/replay.js';
import type { Host } from '../../../src/host/host.js';
import { Rng } from '../../../src/sim/rng.js';
import { waitFor } from './host.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies of many shapes, checked field by field
export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

const KITCHEN = { lat: 41.39, lng: 2.17 };
const DROPOFF = { lat: 41.4, lng: 2.16 };

export function featureApiSuite(context: () => { host: Host; call: Call }) {
  const call: Call = (...args) => context().call(...args);
  /** A city the loop leaves alone (one tick an hour): the test dispatches it itself. */
  const city = async (id: string, extra: object = {}) => {
    expect((await call('PUT', `/v1/cities/${id}`, { tick_ms: 3_600_000, ...extra })).status).toBe(200);
    await waitFor(() => context().host.keeper.lease(id), 10_000, `the lease of ${id}`);
  };
  const features = async (id: string) =>
    (await call('GET', `/v1/cities/${id}/features`)).body as { at: number; features: Record<string, Record<string, number>> };

  it('refuses a bad event with 400 naming it, ignores a repeated id, and knows only known cities', async () => {
    await city('fe1');
    const ok = { id: 'a1', type: 'order_created', order: 'o1', restaurant: 'r1', quoted_prep_s: 600 };
    for (const [event, field] of [
      [{ id: 'a2', type: 'courier_position', courier: 'c1', lat: 91, lng: 0 }, 'events[1].lat'],
      [{ id: 'a2', type: 'order_ready' }, 'events[1].order'],
      [{ id: 'a2', type: 'order_created', order: 'o2' }, 'events[1].restaurant'],
      [{ id: 'a2', type: 'teleport', order: 'o2' }, 'events[1].type'],
      [{ id: 'a2', type: 'order_ready', order: 'o2', colour: 'red' }, 'events[1].colour'],
    ] as const) {
      const reply = await call('POST', '/v1/cities/fe1/events', { events: [ok, event] });
      expect(reply.status, JSON.stringify(event)).toBe(400);
      expect(reply.body.field).toBe(field);
    }
    // Nothing of a refused batch was taken.
    expect((await features('fe1')).features.restaurant_orders_waiting).toEqual({});
    const first = await call('POST', '/v1/cities/fe1/events', { events: [ok] });
    expect(first.body).toMatchObject({ accepted: 1, ignored: [] });
    const again = await call('POST', '/v1/cities/fe1/events', { events: [ok, { id: 'a3', type: 'order_ready', order: 'nobody' }] });
    expect(again.body).toMatchObject({
      accepted: 0,
      ignored: [
        { id: 'a1', reason: 'duplicate' },
        { id: 'a3', reason: 'unknown_order' },
      ],
    });
    expect((await features('fe1')).features.restaurant_orders_waiting).toEqual({ r1: 1 });
    expect((await call('POST', '/v1/cities/nowhere/events', { events: [ok] })).status).toBe(404);
    expect((await call('GET', '/v1/cities/nowhere/features')).status).toBe(404);
  });

  it("is fed by the host's own orders, their steps and courier updates", async () => {
    await city('fe2');
    const readyAt = Date.now() + 600_000;
    const orders = [
      { id: 'o1', pickup: KITCHEN, dropoff: DROPOFF, ready_at: readyAt, restaurant: 'r9', zone: 'z1' },
      { id: 'o2', pickup: KITCHEN, dropoff: DROPOFF, ready_at: readyAt },
    ];
    expect((await call('POST', '/v1/cities/fe2/orders', { orders })).status).toBe(201);
    let table = (await features('fe2')).features;
    // Unnamed, a kitchen is its pickup point.
    expect(table.restaurant_orders_waiting).toEqual({ r9: 1, '41.39000,2.17000': 1 });
    expect(table.zone_orders_created_10m).toEqual({ z1: 1 });
    expect((await call('PUT', '/v1/cities/fe2/couriers', { couriers: [{ id: 'c1', ...KITCHEN, speed_mps: 5, status: 'on_shift' }] })).status).toBe(200);
    const decision = await call('POST', '/v1/cities/fe2/dispatch');
    const offered = decision.body.assignments[0].order as string;
    expect((await call('POST', `/v1/cities/fe2/offers/${offered}/accept`, {})).status).toBe(200);
    expect((await call('POST', `/v1/cities/fe2/orders/${offered}/picked-up`)).status).toBe(200);
    table = (await features('fe2')).features;
    expect(Object.values(table.restaurant_orders_waiting)).toEqual([1]);
  });

  it("dispatches on the city's ETA model: a kitchen running late moves its orders' ready times, a ready event settles them", async () => {
    // A model that has learnt "a kitchen with an overdue order takes twice its quote".
    const model = fitEtaModel(
      Array.from({ length: 40 }, (_, i) => ({ features: { restaurant_running_late: i % 2 }, quotedPrepS: 600, prepS: 600 * (1 + (i % 2)) })),
    );
    await city('fe3', { eta_model: etaModelToJson(model) });
    expect((await call('GET', '/v1/cities/fe3')).body.eta_model).toEqual(etaModelToJson(model));
    await call('PUT', '/v1/cities/fe3/couriers', { couriers: [{ id: 'c1', ...KITCHEN, speed_mps: 5, status: 'on_shift' }] });
    // o-late was quoted 1 s and is not ready: the kitchen is overdue.
    await call('POST', '/v1/cities/fe3/events', { events: [{ id: 'x1', type: 'order_created', order: 'o-late', restaurant: 'r1', quoted_prep_s: 0.001 }] });
    await call('POST', '/v1/cities/fe3/orders', {
      orders: [{ id: 'o1', pickup: KITCHEN, dropoff: DROPOFF, ready_at: Date.now() + 600_000, restaurant: 'r1' }],
    });
    const first = (await call('POST', '/v1/cities/fe3/dispatch')).body;
    expect(first.assignments).toEqual([expect.objectContaining({ order: 'o1', ready_source: 'model' })]);
    expect(first.estimated).toMatchObject({ model: 1, ready_events: 0 });
    expect((await call('POST', '/v1/cities/fe3/offers/o1/decline', {})).status).toBe(200);
    await call('POST', '/v1/cities/fe3/events', { events: [{ id: 'x2', type: 'order_ready', order: 'o1' }] });
    await call('PUT', '/v1/cities/fe3/couriers', { couriers: [{ id: 'c2', ...KITCHEN, speed_mps: 5, status: 'on_shift' }] });
    const second = (await call('POST', '/v1/cities/fe3/dispatch')).body;
    expect(second.assignments).toEqual([expect.objectContaining({ order: 'o1', courier: 'c2', ready_source: 'ready_event' })]);
    expect(second.estimated).toMatchObject({ model: 0, ready_events: 1 });
    const bad = await call('PUT', '/v1/cities/fe3', { eta_model: { ...etaModelToJson(model), inputs: ['the_weather'] } });
    expect(bad.status).toBe(400);
  });

  it('answers exactly what the offline replay of the same event log computes, at the same instants', async () => {
    await city('fe4');
    const rng = new Rng(11);
    const log: LoggedEvent[] = [];
    const reads: { at: number; table: FeatureTable }[] = [];
    let n = 0;
    for (let batch = 0; batch < 12; batch++) {
      const events: FeatureEventJson[] = [];
      for (let i = 0; i < 25; i++) {
        const order = `o${rng.int(1, 60)}`;
        const kind = rng.int(0, 5);
        if (kind <= 1)
          events.push({
            id: `p${++n}`,
            type: 'order_created',
            order,
            restaurant: `r${rng.int(1, 5)}`,
            zone: `z${rng.int(1, 3)}`,
            quoted_prep_s: rng.uniform(0.01, 0.3),
          });
        else if (kind === 2) events.push({ id: `p${++n}`, type: 'order_ready', order });
        else if (kind === 3) events.push({ id: `p${++n}`, type: rng.chance(0.5) ? 'order_picked_up' : 'order_cancelled', order });
        else
          events.push({
            id: `p${++n}`,
            type: 'courier_position',
            courier: `c${rng.int(1, 4)}`,
            lat: 41.38 + rng.uniform(0, 0.02),
            lng: 2.15 + rng.uniform(0, 0.02),
          });
      }
      // Retries are part of a real log: the engine ignores them, and so must the replay.
      if (batch % 3 === 2) events.push({ ...events[0] });
      const reply = await call('POST', '/v1/cities/fe4/events', { events });
      expect(reply.status).toBe(200);
      for (const e of events) log.push({ ...eventFromJson(e), at: reply.body.at });
      const read = await features('fe4');
      reads.push({ at: read.at, table: new Map(Object.entries(read.features).map(([name, values]) => [name, new Map(Object.entries(values))])) });
      await new Promise((r) => setTimeout(r, rng.int(5, 60)));
    }
    const replayed = tablesAt(
      log,
      reads.map((r) => r.at),
    );
    reads.forEach((read, i) => expect(read.table, `read ${i} at ${read.at}`).toEqual(replayed[i]));
    // The quotes are tens of milliseconds: some orders are overdue by the end, so that feature was compared too.
    expect(reads.at(-1)!.table.get('restaurant_orders_overdue')!.size).toBeGreaterThan(0);
  });
}
