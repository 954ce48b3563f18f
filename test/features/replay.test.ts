import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import { ORDERS_WAITING } from '../../src/features/definitions.js';
import { formatLoggedEvent, parseEventLog } from '../../src/features/event-log.js';
import type { LoggedEvent } from '../../src/features/events.js';
import { replayEvents, trainingRows, type ReplayRow } from '../../src/features/replay.js';
import { Rng } from '../../src/sim/rng.js';

const T0 = Date.UTC(2026, 11, 3, 12);
const MIN = 60_000;

/** A generated day of one small city: orders of four restaurants through their lives, couriers moving. */
function generatedLog(seed: number): LoggedEvent[] {
  const rng = new Rng(seed);
  const events: LoggedEvent[] = [];
  let id = 0;
  const push = (at: number, e: Record<string, unknown>) => events.push({ id: `e${++id}`, at, ...e } as LoggedEvent);
  for (let i = 0; i < 60; i++) {
    const at = T0 + i * MIN;
    const restaurant = `r${rng.int(1, 4)}`;
    push(at, { type: 'order_created', order: `o${i}`, restaurant, zone: `z${rng.int(1, 2)}`, quotedPrepS: 600 });
    push(at, { type: 'courier_position', courier: `c${i % 5}`, lat: 41.39 + rng.uniform(0, 0.01), lng: 2.16 + rng.uniform(0, 0.01) });
  }
  // Steps later in the day, interleaved in time order.
  const steps: [number, Record<string, unknown>][] = [];
  for (let i = 0; i < 60; i++) {
    const ready = T0 + i * MIN + rng.int(5, 25) * MIN;
    steps.push([ready, { type: 'order_ready', order: `o${i}` }], [ready + 3 * MIN, { type: 'order_picked_up', order: `o${i}` }]);
  }
  const all = [...events.map((e) => [e.at, e] as const), ...steps.map(([at, e]) => [at, { at, ...e }] as const)].sort((a, b) => a[0] - b[0]);
  id = 0;
  return all.map(([, e]) => ({ ...e, id: `e${++id}` }) as LoggedEvent);
}

describe('the offline replay', () => {
  it('gives each event the features as they stood before it: never one computed with it or any later event', () => {
    const log = generatedLog(7);
    const rows: ReplayRow[] = [];
    replayEvents(log, (r) => rows.push(r));
    // Recomputed from the events strictly before each one (a fresh replay of the prefix, then the row of the event itself).
    for (const i of [5, 40, 61, 90, 130, 170, log.length - 1]) {
      let row: ReplayRow | undefined;
      replayEvents(log.slice(0, i + 1), (r) => (row = r));
      expect(rows[i].features).toEqual(row!.features);
    }
    // An order's own creation is not counted in its creation row, nor its own preparation in its ready row.
    const created = rows.find((r) => r.event.type === 'order_created' && r.event.restaurant === 'r1')!;
    expect(created.features.restaurant_orders_created_30m).toBe(0);
    expect(created.features[ORDERS_WAITING]).toBe(0);
    const firstReady = rows.find((r) => r.event.type === 'order_ready')!;
    expect(firstReady.features.restaurant_prep_mean_30m).toBeUndefined();
  });

  it('turns a log into ETA training rows: the features at creation, the quote, the preparation its ready event showed', () => {
    const log = generatedLog(3);
    const rows = trainingRows(log);
    expect(rows).toHaveLength(60);
    const created = log.find((e) => e.type === 'order_created')!;
    const ready = log.find((e) => e.type === 'order_ready' && e.order === (created as { order: string }).order)!;
    expect(rows.find((r) => r.prepS === (ready.at - created.at) / 1000)).toBeDefined();
    expect(rows.every((r) => r.quotedPrepS === 600)).toBe(true);
  });

  it('reads back the log it writes, and names the line and field of a bad one', () => {
    const log = generatedLog(1).slice(0, 20);
    const text = log.map(formatLoggedEvent).join('\n');
    expect(parseEventLog(text, 'day.ndjson')).toEqual(log);
    const bad = (lines: string[]) => () => parseEventLog(lines.join('\n'), 'day.ndjson');
    expect(bad([formatLoggedEvent(log[0]), '{"id":"x","type":"order_ready","at":1}'])).toThrow(/day\.ndjson:2: at: must not be before/);
    expect(bad(['{"id":"x","type":"order_created","order":"o1","at":1}'])).toThrow(/day\.ndjson:1: restaurant: must be/);
    expect(bad(['{"id":"x","type":"teleport","at":1}'])).toThrow(InputError);
    expect(bad(['not json'])).toThrow(/day\.ndjson:1: not a JSON object/);
    expect(bad(['{"id":"x","type":"courier_position","courier":"c","lat":95,"lng":0,"at":1}'])).toThrow(/lat: must be a number in \[-90, 90\]/);
  });
});
