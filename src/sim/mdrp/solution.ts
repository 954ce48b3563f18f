/**
 * An MDRP solution and its three files, in the format of the README of the Grubhub MDRP instances
 * ("Solution files"): a header line, fields separated by exactly one space, no trailing spaces,
 * whole minutes, ids as in the instance, undelivered orders in none of the files.
 *
 * Headers. The README gives `solution_info_orders.txt`'s header verbatim; for the other two it
 * gives only the fields, and those field lists are used as the header lines:
 *   solution_info_assignments.txt  `assignment_time pickup_time courier order_1 ... order_k`
 *   solution_info_couriers.txt     `courier departure_time origin destination`
 * (the assignment header is literally that text, `...` included: a record's order list has any
 * length, so no fixed list of names could state it).
 *
 * The timing rules a solution must follow (the halves of the service times) live in rules.ts and
 * are re-exported here for the simulator that produces solutions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minuteField, readTable } from './table.js';

export { MdrpInputError } from './input-error.js';
export { dropoffMomentMin, leaveCustomerMin, leaveRestaurantMin, pickupMomentMin } from './rules.js';

export interface MdrpAssignment {
  assignmentMin: number;
  pickupMin: number;
  courier: string;
  /** Delivery sequence; all orders of one restaurant. */
  orders: string[];
}

export interface MdrpDeliveredOrder {
  order: string;
  placementMin: number;
  readyMin: number;
  pickupMin: number;
  dropoffMin: number;
  courier: string;
}

export interface MdrpMove {
  courier: string;
  departureMin: number;
  /** `0` = the courier's start location, else a restaurant or order id. */
  origin: string;
  /** A restaurant or order id. */
  destination: string;
}

export interface MdrpSolution {
  assignments: MdrpAssignment[];
  orders: MdrpDeliveredOrder[];
  /** Each courier's moves in execution order (readMdrpSolution keeps the file's order). */
  moves: MdrpMove[];
}

export const ASSIGNMENTS_FILE = 'solution_info_assignments.txt';
export const ORDERS_FILE = 'solution_info_orders.txt';
export const COURIERS_FILE = 'solution_info_couriers.txt';

const ASSIGNMENTS_HEADER = ['assignment_time', 'pickup_time', 'courier', 'order_1', '...', 'order_k'];
const ORDERS_HEADER = ['order', 'placement_time', 'ready_time', 'pickup_time', 'dropoff_time', 'courier'];
const COURIERS_HEADER = ['courier', 'departure_time', 'origin', 'destination'];

/**
 * Writes the three files into `dir` (created if missing). Moves are grouped per courier, in the
 * order each courier first appears, keeping each courier's moves in the order given — so a
 * simulator may hand them over interleaved in time order.
 */
export function writeMdrpSolution(dir: string, s: MdrpSolution): void {
  const movesByCourier = new Map<string, MdrpMove[]>();
  for (const move of s.moves) {
    const moves = movesByCourier.get(move.courier);
    if (moves) moves.push(move);
    else movesByCourier.set(move.courier, [move]);
  }
  for (const a of s.assignments) if (a.orders.length === 0) throw new RangeError(`assignment of ${a.courier} at ${a.assignmentMin} has no orders`);
  const assignments = s.assignments.map((a) => [minute(a.assignmentMin), minute(a.pickupMin), id(a.courier), ...a.orders.map(id)]);
  const orders = s.orders.map((o) => [id(o.order), minute(o.placementMin), minute(o.readyMin), minute(o.pickupMin), minute(o.dropoffMin), id(o.courier)]);
  const moves = [...movesByCourier.values()].flat().map((m) => [id(m.courier), minute(m.departureMin), id(m.origin), id(m.destination)]);

  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ASSIGNMENTS_FILE), lines(ASSIGNMENTS_HEADER, assignments));
  writeFileSync(join(dir, ORDERS_FILE), lines(ORDERS_HEADER, orders));
  writeFileSync(join(dir, COURIERS_FILE), lines(COURIERS_HEADER, moves));
}

export function readMdrpSolution(dir: string): MdrpSolution {
  const assignments = readTable(join(dir, ASSIGNMENTS_FILE), ' ', ASSIGNMENTS_HEADER, { atLeast: 4 }).map((row) => ({
    assignmentMin: minuteField(row, 0, 'assignment_time'),
    pickupMin: minuteField(row, 1, 'pickup_time'),
    courier: row.fields[2],
    orders: row.fields.slice(3),
  }));
  const orders = readTable(join(dir, ORDERS_FILE), ' ', ORDERS_HEADER, ORDERS_HEADER.length).map((row) => ({
    order: row.fields[0],
    placementMin: minuteField(row, 1, 'placement_time'),
    readyMin: minuteField(row, 2, 'ready_time'),
    pickupMin: minuteField(row, 3, 'pickup_time'),
    dropoffMin: minuteField(row, 4, 'dropoff_time'),
    courier: row.fields[5],
  }));
  const moves = readTable(join(dir, COURIERS_FILE), ' ', COURIERS_HEADER, COURIERS_HEADER.length).map((row) => ({
    courier: row.fields[0],
    departureMin: minuteField(row, 1, 'departure_time'),
    origin: row.fields[2],
    destination: row.fields[3],
  }));
  return { assignments, orders, moves };
}

function lines(header: readonly string[], records: string[][]): string {
  return [header, ...records].map((fields) => fields.join(' ') + '\n').join('');
}

function minute(value: number): string {
  if (!Number.isInteger(value)) throw new RangeError(`solution time ${value} is not a whole number of minutes`);
  return String(value);
}

function id(value: string): string {
  if (value === '' || /\s/.test(value)) throw new RangeError(`solution id ${JSON.stringify(value)} is empty or contains a blank`);
  return value;
}
