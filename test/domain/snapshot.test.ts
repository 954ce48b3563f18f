/**
 * Snapshot JSON → Snapshot: every kind of bad input names its exact field; valid
 * snapshots of both kinds encode to the right columns.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/domain/errors.js';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import { SnapshotSchema } from '../../src/domain/snapshot-schema.js';
import { parseSnapshot, snapshotFromObject } from '../../src/domain/snapshot.js';
import { inputErrorOf } from '../support/input-error.js';

// Loose on purpose: the cases below break it in every way.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- malformed on purpose: no type fits
type Json = any;

function positionsSnapshot(): Json {
  return {
    city: 'bcn',
    params: { max_pickup_s: 900, wait_weight: 0.25 },
    couriers: [
      { id: 'c-1', lat: 41.39, lng: 2.154, speed_mps: 4.2, free_in_s: 0 },
      { id: 'c-2', lat: 41.4, lng: 2.16, speed_mps: 5, free_in_s: 30 },
      { id: 'c-3', lat: -33.9, lng: -70.6, speed_mps: 3.5, free_in_s: 12.5 },
    ],
    orders: [
      { id: 'o-1', pickup_lat: 41.387, pickup_lng: 2.17, dropoff_lat: 41.4012, dropoff_lng: 2.1605, ready_in_s: 300 },
      { id: 'o-2', pickup_lat: 41.38, pickup_lng: 2.18, dropoff_lat: 41.39, dropoff_lng: 2.19, ready_in_s: -45 },
    ],
  };
}

function edgesSnapshot(): Json {
  return {
    city: 'custom',
    params: { unassigned_penalty_s: 1800, max_candidates: 2 },
    couriers: [{ id: 'c-1' }, { id: 'c-2' }, { id: 'c-3' }],
    orders: [{ id: 'o-1' }, { id: 'o-2' }],
    edges: [
      [0, 0, 8123],
      [0, 1, 9000],
      [1, 2, 0],
    ],
  };
}

type BadCase = [name: string, base: () => Json, breakIt: (snapshot: Json) => void, message: string];

const badObjects: BadCase[] = [
  ['city missing', positionsSnapshot, (s) => delete s.city, 'city: is required'],
  ['city empty', positionsSnapshot, (s) => (s.city = ''), 'city: must be a non-empty string'],
  ['city not a string', positionsSnapshot, (s) => (s.city = 7), 'city: must be a non-empty string'],
  ['couriers missing', positionsSnapshot, (s) => delete s.couriers, 'couriers: is required'],
  ['couriers not a list', positionsSnapshot, (s) => (s.couriers = {}), 'couriers: must be an array'],
  ['orders missing', positionsSnapshot, (s) => delete s.orders, 'orders: is required'],
  ['courier not an object', positionsSnapshot, (s) => (s.couriers[1] = 5), 'couriers[1]: must be an object'],
  ['courier id missing', positionsSnapshot, (s) => delete s.couriers[1].id, 'couriers[1].id: is required'],
  ['courier id empty', positionsSnapshot, (s) => (s.couriers[1].id = ''), 'couriers[1].id: must be a non-empty string'],
  ['courier id a number', positionsSnapshot, (s) => (s.couriers[2].id = 3), 'couriers[2].id: must be a non-empty string'],
  ['lat above 90', positionsSnapshot, (s) => (s.couriers[1].lat = 90.5), 'couriers[1].lat: must be a number in [-90, 90]'],
  ['lat a string', positionsSnapshot, (s) => (s.couriers[0].lat = '41.3'), 'couriers[0].lat: must be a number in [-90, 90]'],
  ['lng below -180', positionsSnapshot, (s) => (s.couriers[2].lng = -180.1), 'couriers[2].lng: must be a number in [-180, 180]'],
  ['lat missing', positionsSnapshot, (s) => delete s.couriers[0].lat, 'couriers[0].lat: is required'],
  ['speed zero', positionsSnapshot, (s) => (s.couriers[1].speed_mps = 0), 'couriers[1].speed_mps: must be a number in (0, 100]'],
  ['speed negative', positionsSnapshot, (s) => (s.couriers[1].speed_mps = -3), 'couriers[1].speed_mps: must be a number in (0, 100]'],
  ['speed NaN', positionsSnapshot, (s) => (s.couriers[1].speed_mps = NaN), 'couriers[1].speed_mps: must be a number in (0, 100]'],
  ['free_in_s negative', positionsSnapshot, (s) => (s.couriers[2].free_in_s = -1), 'couriers[2].free_in_s: must be a number >= 0'],
  ['free_in_s infinite', positionsSnapshot, (s) => (s.couriers[2].free_in_s = Infinity), 'couriers[2].free_in_s: must be a number >= 0'],
  ['free_in_s missing', positionsSnapshot, (s) => delete s.couriers[2].free_in_s, 'couriers[2].free_in_s: is required'],
  ['pickup_lat out of range', positionsSnapshot, (s) => (s.orders[1].pickup_lat = -91), 'orders[1].pickup_lat: must be a number in [-90, 90]'],
  ['pickup_lng out of range', positionsSnapshot, (s) => (s.orders[0].pickup_lng = 181), 'orders[0].pickup_lng: must be a number in [-180, 180]'],
  ['dropoff_lat null', positionsSnapshot, (s) => (s.orders[1].dropoff_lat = null), 'orders[1].dropoff_lat: must be a number in [-90, 90]'],
  ['dropoff_lng missing', positionsSnapshot, (s) => delete s.orders[1].dropoff_lng, 'orders[1].dropoff_lng: is required'],
  ['ready_in_s a string', positionsSnapshot, (s) => (s.orders[0].ready_in_s = 'soon'), 'orders[0].ready_in_s: must be a number'],
  ['ready_in_s infinite', positionsSnapshot, (s) => (s.orders[0].ready_in_s = -Infinity), 'orders[0].ready_in_s: must be a number'],
  ['order id missing', positionsSnapshot, (s) => delete s.orders[1].id, 'orders[1].id: is required'],
  ['params not an object', positionsSnapshot, (s) => (s.params = 3), 'params: must be an object'],
  ['params null', positionsSnapshot, (s) => (s.params = null), 'params: must be an object'],
  ['max_pickup_s negative', positionsSnapshot, (s) => (s.params.max_pickup_s = -1), 'params.max_pickup_s: must be a number in [0, 10000000]'],
  ['max_candidates fractional', positionsSnapshot, (s) => (s.params.max_candidates = 2.5), 'params.max_candidates: must be an integer in [0, 10000]'],
  ['max_candidates negative', positionsSnapshot, (s) => (s.params.max_candidates = -1), 'params.max_candidates: must be an integer in [0, 10000]'],
  ['penalty negative', positionsSnapshot, (s) => (s.params.unassigned_penalty_s = -0.1), 'params.unassigned_penalty_s: must be a number in [0, 214748364.7]'],
  [
    'penalty rounding above MAX_COST',
    positionsSnapshot,
    (s) => (s.params.unassigned_penalty_s = 214748364.75),
    'params.unassigned_penalty_s: must be a number in [0, 214748364.7]',
  ],
  ['detour_factor zero', positionsSnapshot, (s) => (s.params.detour_factor = 0), 'params.detour_factor: must be a number in (0, 10]'],
  ['wait_weight negative', positionsSnapshot, (s) => (s.params.wait_weight = -0.5), 'params.wait_weight: must be a number in [0, 100]'],
  ['handover_s a string', positionsSnapshot, (s) => (s.params.handover_s = '120'), 'params.handover_s: must be a number in [0, 86400]'],
  ['duplicate courier id', positionsSnapshot, (s) => (s.couriers[2].id = 'c-1'), 'couriers[2].id: duplicate id "c-1" (first at couriers[0])'],
  ['duplicate order id', positionsSnapshot, (s) => (s.orders[1].id = 'o-1'), 'orders[1].id: duplicate id "o-1" (first at orders[0])'],
  ['edges not a list', edgesSnapshot, (s) => (s.edges = 'all'), 'edges: must be an array'],
  ['edge too short', edgesSnapshot, (s) => (s.edges[1] = [0, 1]), 'edges[1]: must be an array of 3 items'],
  ['edge too long', edgesSnapshot, (s) => (s.edges[1] = [0, 1, 5, 6]), 'edges[1]: must be an array of 3 items'],
  ['edge an object', edgesSnapshot, (s) => (s.edges[0] = { order: 0 }), 'edges[0]: must be an array of 3 items'],
  ['order index fractional', edgesSnapshot, (s) => (s.edges[2][0] = 0.5), 'edges[2][0]: must be an integer'],
  ['order index too large', edgesSnapshot, (s) => (s.edges[2][0] = 2), 'edges[2][0]: order index 2 out of range [0, 2)'],
  ['order index negative', edgesSnapshot, (s) => (s.edges[0][0] = -1), 'edges[0][0]: order index -1 out of range [0, 2)'],
  ['courier index too large', edgesSnapshot, (s) => (s.edges[1][1] = 9), 'edges[1][1]: courier index 9 out of range [0, 3)'],
  ['cost negative', edgesSnapshot, (s) => (s.edges[1][2] = -1), 'edges[1][2]: must be an integer in [0, 2147483647]'],
  ['cost fractional', edgesSnapshot, (s) => (s.edges[1][2] = 10.5), 'edges[1][2]: must be an integer in [0, 2147483647]'],
  ['cost above MAX_COST', edgesSnapshot, (s) => (s.edges[1][2] = 2147483648), 'edges[1][2]: must be an integer in [0, 2147483647]'],
  ['edges kind: id missing', edgesSnapshot, (s) => delete s.orders[1].id, 'orders[1].id: is required'],
  ['edges kind: duplicate courier id', edgesSnapshot, (s) => (s.couriers[1].id = 'c-1'), 'couriers[1].id: duplicate id "c-1" (first at couriers[0])'],
];

describe('snapshot validation', () => {
  it.each(badObjects)('%s', (_name, base, breakIt, message) => {
    const snapshot = base();
    breakIt(snapshot);
    const fromObject = inputErrorOf(() => snapshotFromObject(snapshot));
    expect(fromObject.message).toBe(message);
    expect(fromObject.field).toBe(message.slice(0, message.indexOf(': ')));
    // The same through JSON text (where NaN and Infinity become null: still not numbers).
    expect(inputErrorOf(() => parseSnapshot(JSON.stringify(snapshot))).message).toBe(message);
  });

  it.each([
    ['[]', 'snapshot: must be an object'],
    ['"bcn"', 'snapshot: must be an object'],
    ['null', 'snapshot: must be an object'],
    // JSON has no Infinity, but 1e999 parses to it.
    ['{"city":"x","couriers":[{"id":"c","lat":1e999,"lng":0,"speed_mps":1,"free_in_s":0}],"orders":[]}', 'couriers[0].lat: must be a number in [-90, 90]'],
  ])('text %s', (text, message) => {
    expect(inputErrorOf(() => parseSnapshot(text)).message).toBe(message);
  });

  it('reports invalid JSON on the field `snapshot` with the parser message', () => {
    const error = inputErrorOf(() => parseSnapshot('{"city": "bcn",'));
    expect(error.field).toBe('snapshot');
    expect(error.message).toMatch(/^snapshot: \S/);
    expect(error.message).not.toContain('\n');
  });

  it('formats InputError as `field: reason`', () => {
    const error = new InputError('orders[17].pickup_lat', 'must be a number in [-90, 90]');
    expect(error.message).toBe('orders[17].pickup_lat: must be a number in [-90, 90]');
    expect(String(error)).toBe('orders[17].pickup_lat: must be a number in [-90, 90]');
    expect(error.reason).toBe('must be a number in [-90, 90]');
  });

  it('checks a schema that is itself valid JSON Schema (skipped at run time for speed)', () => {
    const ajv = new Ajv();
    expect(ajv.validateSchema(SnapshotSchema), ajv.errorsText()).toBe(true);
  });
});

describe('snapshot encoding', () => {
  it('encodes a positions snapshot into columns, params filled from the defaults', () => {
    const snapshot = parseSnapshot(JSON.stringify(positionsSnapshot()));
    expect(snapshot.city).toBe('bcn');
    expect(snapshot.courierIds).toEqual(['c-1', 'c-2', 'c-3']);
    expect(snapshot.orderIds).toEqual(['o-1', 'o-2']);
    const { problem } = snapshot;
    if (problem.kind !== 'positions') throw new Error(`kind ${problem.kind}`);
    expect(problem.params).toEqual({ ...DEFAULT_PARAMS, maxPickupS: 900, waitWeight: 0.25 });
    expect(problem.courierCount).toBe(3);
    expect(problem.orderCount).toBe(2);
    expect(Array.from(problem.courierLat)).toEqual([41.39, 41.4, -33.9]);
    expect(Array.from(problem.courierLng)).toEqual([2.154, 2.16, -70.6]);
    expect(Array.from(problem.courierSpeedMps)).toEqual([4.2, 5, 3.5]);
    expect(Array.from(problem.courierFreeInS)).toEqual([0, 30, 12.5]);
    expect(Array.from(problem.orderPickupLat)).toEqual([41.387, 41.38]);
    expect(Array.from(problem.orderPickupLng)).toEqual([2.17, 2.18]);
    expect(Array.from(problem.orderDropoffLat)).toEqual([41.4012, 41.39]);
    expect(Array.from(problem.orderDropoffLng)).toEqual([2.1605, 2.19]);
    expect(Array.from(problem.orderReadyInS)).toEqual([300, -45]);
  });

  it('uses every default when params is absent', () => {
    const json = positionsSnapshot();
    delete json.params;
    expect(snapshotFromObject(json).problem.params).toEqual(DEFAULT_PARAMS);
  });

  it('encodes an edges snapshot, keeping duplicate pairs as given', () => {
    const json = edgesSnapshot();
    json.edges.push([0, 0, 7000]);
    const snapshot = snapshotFromObject(json);
    expect(snapshot.courierIds).toEqual(['c-1', 'c-2', 'c-3']);
    expect(snapshot.orderIds).toEqual(['o-1', 'o-2']);
    const { problem } = snapshot;
    if (problem.kind !== 'edges') throw new Error(`kind ${problem.kind}`);
    expect(problem.params).toEqual({ ...DEFAULT_PARAMS, unassignedPenaltyS: 1800, maxCandidates: 2 });
    expect(problem.courierCount).toBe(3);
    expect(problem.orderCount).toBe(2);
    expect(Array.from(problem.edgeOrder)).toEqual([0, 0, 1, 0]);
    expect(Array.from(problem.edgeCourier)).toEqual([0, 1, 2, 0]);
    expect(Array.from(problem.edgeCost)).toEqual([8123, 9000, 0, 7000]);
  });

  it('ignores positions in an edges snapshot, even invalid ones', () => {
    const json = edgesSnapshot();
    json.couriers[0] = { id: 'c-1', lat: 500, speed_mps: 'fast' };
    json.orders[1] = { id: 'o-2', pickup_lat: 'here' };
    expect(snapshotFromObject(json).problem.kind).toBe('edges');
  });

  it('accepts empty lists and an empty edge list', () => {
    const json = edgesSnapshot();
    json.edges = [];
    expect(snapshotFromObject(json).problem).toMatchObject({ kind: 'edges', orderCount: 2, courierCount: 3 });
    expect(snapshotFromObject({ city: 'x', couriers: [], orders: [] }).problem).toMatchObject({
      kind: 'positions',
      orderCount: 0,
      courierCount: 0,
    });
  });

  it('accepts the largest penalty whose deciseconds round to MAX_COST', () => {
    const json = edgesSnapshot();
    json.params.unassigned_penalty_s = 214748364.7;
    expect(snapshotFromObject(json).problem.params.unassignedPenaltyS).toBe(214748364.7);
  });

  it('ignores unknown fields everywhere', () => {
    const json = positionsSnapshot();
    json.version = 3;
    json.params.future_knob = true;
    json.couriers[0].vehicle = 'bike';
    json.orders[1].notes = { door: 'blue' };
    const plain = snapshotFromObject(positionsSnapshot());
    expect(snapshotFromObject(json)).toEqual(plain);
  });
});
