import { afterEach, describe, expect, it } from 'vitest';
import { evaluateFeatures, featuresOfKey } from '../../src/features/aggregate.js';
import { DEFAULT_FEATURE_RULES, ORDERS_OVERDUE, ORDERS_WAITING, OVERDUE_MAX, RUNNING_LATE, type FeatureRules } from '../../src/features/definitions.js';
import type { FeatureEvent } from '../../src/features/events.js';
import { speedMmPerS } from '../../src/features/feature-state.js';
import type { CityStateStore } from '../../src/state/city-state-store.js';
import { sleep, STATE_STORES, type StateFixture } from './support/state-stores.js';

const CITY = 'bcn';

/** Windows short enough to watch expire: 600 ms windows in 100 ms panes. */
const SHORT: FeatureRules = {
  features: [
    { name: 'prep_mean', signal: 'prep_s', windowMs: 600, aggregate: { kind: 'mean' } },
    { name: 'prep_p90', signal: 'prep_s', windowMs: 600, aggregate: { kind: 'quantile', q: 0.9 } },
    { name: 'ratio_mean', signal: 'prep_ratio', windowMs: 600, aggregate: { kind: 'mean' } },
    { name: 'zone_created', signal: 'zone_created', windowMs: 600, aggregate: { kind: 'count' } },
    { name: 'zone_rate', signal: 'zone_created', windowMs: 600, aggregate: { kind: 'rate' } },
    { name: 'speed', signal: 'speed_mps', windowMs: 600, aggregate: { kind: 'mean' } },
  ],
  paneMs: 100,
  speedSampleMs: 150,
  dedupeHorizonMs: 400,
  recordTtlMs: 60_000,
  openOrderHorizonMs: 600,
};

let n = 0;
const id = () => `e${++n}`;
const created = (order: string, restaurant = 'r1', extra: Partial<Extract<FeatureEvent, { type: 'order_created' }>> = {}): FeatureEvent => ({
  id: id(),
  type: 'order_created',
  order,
  restaurant,
  zone: 'z1',
  quotedPrepS: 0.1,
  ...extra,
});
const step = (type: 'order_ready' | 'order_picked_up' | 'order_delivered' | 'order_cancelled', order: string): FeatureEvent => ({ id: id(), type, order });
const position = (courier: string, lat: number, lng: number): FeatureEvent => ({ id: id(), type: 'courier_position', courier, lat, lng });

describe.each(STATE_STORES)('feature engine ($name)', ({ create }) => {
  let fixture: StateFixture;
  let store: CityStateStore;
  const open = async (featureRules: FeatureRules = SHORT) => {
    fixture = await create({ featureRules });
    store = fixture.store;
  };
  afterEach(() => fixture?.close());

  const features = async () => evaluateFeatures(await store.readFeatureState(CITY), SHORT.features);

  it("takes each batch at one time on the store's clock and counts orders waiting until they are picked up", async () => {
    await open();
    const before = Date.now();
    const batch = await store.ingestFeatureEvents(CITY, [created('o1'), created('o2'), created('o3', 'r2')]);
    expect(batch.accepted).toBe(3);
    expect(batch.ignored).toEqual([]);
    expect(batch.at).toBeGreaterThanOrEqual(before - 1000);
    expect(batch.at).toBeLessThanOrEqual(Date.now() + 1000);
    expect((await features()).get(ORDERS_WAITING)).toEqual(
      new Map([
        ['r1', 2],
        ['r2', 1],
      ]),
    );
    await store.ingestFeatureEvents(CITY, [step('order_picked_up', 'o1'), step('order_cancelled', 'o3'), step('order_delivered', 'o1')]);
    expect((await features()).get(ORDERS_WAITING)).toEqual(new Map([['r1', 1]]));
  });

  it('records each ready order’s preparation time and its ratio to the quote, exactly', async () => {
    await open();
    const made = await store.ingestFeatureEvents(CITY, [created('o1'), created('o2'), created('o3', 'r1', { quotedPrepS: undefined })]);
    await sleep(30);
    const ready1 = await store.ingestFeatureEvents(CITY, [step('order_ready', 'o1')]);
    await sleep(30);
    const ready2 = await store.ingestFeatureEvents(CITY, [step('order_ready', 'o2'), step('order_ready', 'o3')]);
    const prep1 = ready1.at - made.at;
    const prep2 = ready2.at - made.at;
    const state = await store.readFeatureState(CITY);
    expect(state.signals.prep_s.get('r1')!.map((s) => [s.value, s.ref])).toEqual([
      [prep1, 'o1'],
      [prep2, 'o2'],
      [prep2, 'o3'],
    ]);
    // The ratio only for quoted orders, in thousandths of the 100 ms quote.
    expect(state.signals.prep_ratio.get('r1')!.map((s) => s.value)).toEqual([prep1 * 10, prep2 * 10]);
    const values = featuresOfKey(state, 'restaurant', 'r1', SHORT.features);
    expect(values.prep_mean).toBe((prep1 + 2 * prep2) / 3 / 1000);
    expect(values.prep_p90).toBe(prep2 / 1000);
    expect(values.ratio_mean).toBe((prep1 * 10 + prep2 * 10) / 2 / 1000);
    expect(values[ORDERS_WAITING]).toBe(3);
  });

  it('counts open orders past their quote as overdue until they are ready (or picked up, delivered, cancelled)', async () => {
    await open();
    const made = await store.ingestFeatureEvents(CITY, [created('o1'), created('o2'), created('o3'), created('o4', 'r1', { quotedPrepS: undefined })]);
    await sleep(150);
    await store.ingestFeatureEvents(CITY, [step('order_ready', 'o1'), step('order_picked_up', 'o2')]);
    const state = await store.readFeatureState(CITY);
    const values = featuresOfKey(state, 'restaurant', 'r1', SHORT.features);
    // o3 alone: quoted, open and past its 100 ms quote (o4 has no quote to be late against).
    expect(values[ORDERS_OVERDUE]).toBe(1);
    expect(values[RUNNING_LATE]).toBe(1);
    expect(values[OVERDUE_MAX]).toBe((state.at - made.at) / 100);
    await store.ingestFeatureEvents(CITY, [step('order_cancelled', 'o3')]);
    expect(featuresOfKey(await store.readFeatureState(CITY), 'restaurant', 'r1', SHORT.features)).toMatchObject({ [ORDERS_OVERDUE]: 0, [RUNNING_LATE]: 0 });
  });

  it('ignores a repeated id within the dedupe horizon, repeated steps, and steps of unknown orders', async () => {
    await open();
    const first = created('o1');
    const result = await store.ingestFeatureEvents(CITY, [first, { ...first }, created('o1'), step('order_ready', 'nope')]);
    expect(result.accepted).toBe(1);
    expect(result.ignored).toEqual([
      { id: first.id, reason: 'duplicate' },
      { id: `e${n - 1}`, reason: 'repeated_step' },
      { id: `e${n}`, reason: 'unknown_order' },
    ]);
    const ready = step('order_ready', 'o1');
    await store.ingestFeatureEvents(CITY, [ready]);
    expect((await store.ingestFeatureEvents(CITY, [ready])).ignored).toEqual([{ id: ready.id, reason: 'duplicate' }]);
    expect((await store.ingestFeatureEvents(CITY, [step('order_ready', 'o1')])).ignored[0].reason).toBe('repeated_step');
    expect((await store.readFeatureState(CITY)).signals.prep_s.get('r1')).toHaveLength(1);
    // Past the horizon the id is forgotten: the retry is taken as new (and, here, a repeated step).
    await sleep(SHORT.dedupeHorizonMs + 100);
    expect((await store.ingestFeatureEvents(CITY, [ready])).ignored).toEqual([{ id: ready.id, reason: 'repeated_step' }]);
  });

  it('counts orders per zone in a window that expires', async () => {
    await open();
    await store.ingestFeatureEvents(CITY, [created('o1'), created('o2'), created('o3', 'r2', { zone: 'z2' }), created('o4', 'r2', { zone: undefined })]);
    const table = await features();
    expect(table.get('zone_created')).toEqual(
      new Map([
        ['z1', 2],
        ['z2', 1],
      ]),
    );
    expect(table.get('zone_rate')).toEqual(
      new Map([
        ['z1', 2 / 0.01],
        ['z2', 1 / 0.01],
      ]),
    );
    await sleep(SHORT.features[3].windowMs + 50);
    await store.ingestFeatureEvents(CITY, [created('o5', 'r1', { zone: 'z2' })]);
    expect((await features()).get('zone_created')).toEqual(new Map([['z2', 1]]));
    // Every signal's samples leave with their window: nothing of the first batch is read back.
    const state = await store.readFeatureState(CITY);
    expect([...state.signals.created.values()].flat().map((s) => s.ref)).toEqual(['o5']);
  });

  it("samples a courier's speed between positions at least speedSampleMs apart", async () => {
    await open();
    const a = await store.ingestFeatureEvents(CITY, [position('c1', 41.39, 2.154)]);
    // Too soon after the anchor: no sample, the anchor stays.
    await store.ingestFeatureEvents(CITY, [position('c1', 41.3905, 2.154)]);
    await sleep(SHORT.speedSampleMs + 20);
    const b = await store.ingestFeatureEvents(CITY, [position('c1', 41.391, 2.155)]);
    const state = await store.readFeatureState(CITY);
    const expected = speedMmPerS(41.39, 2.154, 41.391, 2.155, b.at - a.at);
    expect(state.signals.speed_mps.get('c1')!.map((s) => s.value)).toEqual([expected]);
    expect(featuresOfKey(state, 'courier', 'c1', SHORT.features).speed).toBe(expected / 1000);
    // Offline: the next position starts afresh instead of counting the time off as travel.
    await store.ingestFeatureEvents(CITY, [{ id: id(), type: 'courier_status', courier: 'c1', status: 'offline' }]);
    await sleep(SHORT.speedSampleMs + 20);
    await store.ingestFeatureEvents(CITY, [position('c1', 41.4, 2.16)]);
    expect((await store.readFeatureState(CITY)).signals.speed_mps.get('c1')).toHaveLength(1);
  });

  it('refuses a bad batch whole, naming the event and field, and changes nothing', async () => {
    await open();
    const bad = [created('o1'), { id: id(), type: 'courier_position', courier: 'c1', lat: 91, lng: 0 } as FeatureEvent];
    await expect(store.ingestFeatureEvents(CITY, bad)).rejects.toThrow(/events\[1\]\.lat/);
    await expect(store.ingestFeatureEvents(CITY, [{ id: 'a|b', type: 'order_ready', order: 'o1' }])).rejects.toThrow(/events\[0\]\.id/);
    expect((await features()).get(ORDERS_WAITING)!.size).toBe(0);
  });

  it('keeps cities apart, and reads an unknown city as empty', async () => {
    await open(DEFAULT_FEATURE_RULES);
    await store.ingestFeatureEvents(CITY, [created('o1')]);
    const other = await store.readFeatureState('mad');
    expect(other.waiting.size).toBe(0);
    expect(Object.values(other.signals).every((s) => s.size === 0)).toBe(true);
  });
});
