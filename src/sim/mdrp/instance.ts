/**
 * The Grubhub Meal Delivery Routing Problem (MDRP) instance: its model and the reader of an
 * instance folder (restaurants.txt, orders.txt, couriers.txt, instance_parameters.txt, each
 * tab-separated with a header line), as described in the README of the Grubhub MDRP instances.
 *
 * The reader rejects anything a simulator or evaluator would otherwise have to second-guess —
 * duplicate ids, an order of an unknown restaurant, ready before placement, off before on, an
 * id shared by an order and a restaurant (solution moves name places by id alone) — with an
 * MdrpInputError naming the file and line.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MdrpInputError } from './input-error.js';
import { minuteField, numberField, readTable, type TableRow } from './table.js';

export { MdrpInputError } from './input-error.js';
export { travelMin } from './rules.js';

export interface MdrpParameters {
  metersPerMinute: number;
  pickupServiceMin: number;
  dropoffServiceMin: number;
  targetClickToDoorMin: number;
  maxClickToDoorMin: number;
  payPerOrder: number;
  guaranteedPayPerHour: number;
}

export interface MdrpRestaurant {
  id: string;
  x: number;
  y: number;
}

/** x, y is the drop-off (the customer). */
export interface MdrpOrder {
  id: string;
  x: number;
  y: number;
  placementMin: number;
  restaurant: string;
  /** When the food is ready: what the fleet waits for and the evaluator checks. */
  readyMin: number;
  /** When the kitchen said it would be (the ready_at the engine is told); absent: readyMin, the MDRP's known ready times. */
  quotedReadyMin?: number;
}

/** x, y is where the courier starts its shift. */
export interface MdrpCourier {
  id: string;
  x: number;
  y: number;
  onMin: number;
  offMin: number;
}

export interface MdrpInstance {
  /** The folder's base name, e.g. `0r50t100s1p100`. */
  name: string;
  parameters: MdrpParameters;
  restaurants: Map<string, MdrpRestaurant>;
  /** In file order. */
  orders: MdrpOrder[];
  /** In file order. */
  couriers: MdrpCourier[];
}

const PARAMETERS_HEADER = [
  'meters_per_minute',
  'pickup service minutes',
  'dropoff service minutes',
  'target click-to-door',
  'maximum click-to-door',
  'pay per order',
  'guaranteed pay per hour',
];

/** Moves use `0` for the courier's start, so no place may be called that. */
const START_LOCATION = '0';

export function readMdrpInstance(dir: string): MdrpInstance {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MdrpInputError(dir, undefined, 'instance folder missing');
  const parameters = readParameters(join(dir, 'instance_parameters.txt'));

  const restaurants = new Map<string, MdrpRestaurant>();
  for (const row of readTable(join(dir, 'restaurants.txt'), '\t', ['restaurant', 'x', 'y'], 3)) {
    const id = idField(row, 'restaurant');
    if (restaurants.has(id)) throw new MdrpInputError(row.path, row.line, `duplicate restaurant ${JSON.stringify(id)}`);
    restaurants.set(id, { id, x: numberField(row, 1, 'x'), y: numberField(row, 2, 'y') });
  }

  const orders: MdrpOrder[] = [];
  const orderIds = new Set<string>();
  const orderHeader = ['order', 'x', 'y', 'placement_time', 'restaurant', 'ready_time'];
  for (const row of readTable(join(dir, 'orders.txt'), '\t', orderHeader, 6)) {
    const id = idField(row, 'order');
    if (orderIds.has(id)) throw new MdrpInputError(row.path, row.line, `duplicate order ${JSON.stringify(id)}`);
    if (restaurants.has(id))
      throw new MdrpInputError(row.path, row.line, `order ${JSON.stringify(id)} has a restaurant's id (moves could not tell them apart)`);
    const restaurant = row.fields[4];
    if (!restaurants.has(restaurant)) throw new MdrpInputError(row.path, row.line, `unknown restaurant ${JSON.stringify(restaurant)}`);
    const placementMin = minuteField(row, 3, 'placement_time');
    const readyMin = minuteField(row, 5, 'ready_time');
    if (readyMin < placementMin) throw new MdrpInputError(row.path, row.line, `ready_time ${readyMin} is before placement_time ${placementMin}`);
    orderIds.add(id);
    orders.push({ id, x: numberField(row, 1, 'x'), y: numberField(row, 2, 'y'), placementMin, restaurant, readyMin });
  }

  const couriers: MdrpCourier[] = [];
  const courierIds = new Set<string>();
  for (const row of readTable(join(dir, 'couriers.txt'), '\t', ['courier', 'x', 'y', 'on_time', 'off_time'], 5)) {
    const id = idField(row, 'courier');
    if (courierIds.has(id)) throw new MdrpInputError(row.path, row.line, `duplicate courier ${JSON.stringify(id)}`);
    const onMin = minuteField(row, 3, 'on_time');
    const offMin = minuteField(row, 4, 'off_time');
    if (offMin < onMin) throw new MdrpInputError(row.path, row.line, `off_time ${offMin} is before on_time ${onMin}`);
    courierIds.add(id);
    couriers.push({ id, x: numberField(row, 1, 'x'), y: numberField(row, 2, 'y'), onMin, offMin });
  }

  return { name: basename(resolve(dir)), parameters, restaurants, orders, couriers };
}

function readParameters(path: string): MdrpParameters {
  const rows = readTable(path, '\t', PARAMETERS_HEADER, PARAMETERS_HEADER.length);
  if (rows.length !== 1) throw new MdrpInputError(path, undefined, `${rows.length} parameter lines, expected exactly 1`);
  const [row] = rows;
  const nonNegative = (index: number, value: number): number => {
    if (value < 0) throw new MdrpInputError(path, row.line, `${PARAMETERS_HEADER[index]} ${value} is negative`);
    return value;
  };
  const metersPerMinute = numberField(row, 0, PARAMETERS_HEADER[0]);
  if (!(metersPerMinute > 0)) throw new MdrpInputError(path, row.line, `meters_per_minute ${metersPerMinute} is not positive`);
  return {
    metersPerMinute,
    // Service times are whole minutes so that every moment in a solution is one.
    pickupServiceMin: nonNegative(1, minuteField(row, 1, PARAMETERS_HEADER[1])),
    dropoffServiceMin: nonNegative(2, minuteField(row, 2, PARAMETERS_HEADER[2])),
    targetClickToDoorMin: nonNegative(3, numberField(row, 3, PARAMETERS_HEADER[3])),
    maxClickToDoorMin: nonNegative(4, numberField(row, 4, PARAMETERS_HEADER[4])),
    payPerOrder: nonNegative(5, numberField(row, 5, PARAMETERS_HEADER[5])),
    guaranteedPayPerHour: nonNegative(6, numberField(row, 6, PARAMETERS_HEADER[6])),
  };
}

/** An id that solution files can carry: no blanks (they are space-separated), and for places not `0`. */
function idField(row: TableRow, kind: 'restaurant' | 'order' | 'courier'): string {
  const id = row.fields[0];
  if (/\s/.test(id)) throw new MdrpInputError(row.path, row.line, `${kind} id ${JSON.stringify(id)} contains a blank (solution files are space-separated)`);
  if (kind !== 'courier' && id === START_LOCATION) throw new MdrpInputError(row.path, row.line, `${kind} id "0" is reserved for a courier's start location`);
  return id;
}
