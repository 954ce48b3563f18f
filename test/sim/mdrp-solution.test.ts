/**
 * The MDRP solution files: the writer's exact text, write → read round trips, moves grouped per
 * courier, the reader's errors at file:line, and the half-service-time convention the simulator
 * must follow.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import type { MdrpParameters } from '../../src/sim/mdrp/instance.js';
import {
  COURIERS_FILE,
  MdrpInputError,
  ORDERS_FILE,
  ASSIGNMENTS_FILE,
  dropoffMomentMin,
  leaveCustomerMin,
  leaveRestaurantMin,
  pickupMomentMin,
  readMdrpSolution,
  writeMdrpSolution,
  type MdrpSolution,
} from '../../src/sim/mdrp/solution.js';

const tinySolutionDir = join(packageRoot(), 'test', 'fixtures', 'mdrp', 'tiny', 'solution');

/** The hand-checked solution of the tiny instance (see mdrp-evaluator.test.ts). */
const tinySolution: MdrpSolution = {
  assignments: [
    { assignmentMin: 6, pickupMin: 16, courier: 'c1', orders: ['o2', 'o1'] },
    { assignmentMin: 12, pickupMin: 20, courier: 'c2', orders: ['o3'] },
  ],
  orders: [
    { order: 'o2', placementMin: 6, readyMin: 16, pickupMin: 16, dropoffMin: 25, courier: 'c1' },
    { order: 'o1', placementMin: 5, readyMin: 15, pickupMin: 16, dropoffMin: 34, courier: 'c1' },
    { order: 'o3', placementMin: 12, readyMin: 20, pickupMin: 20, dropoffMin: 59, courier: 'c2' },
  ],
  moves: [
    { courier: 'c1', departureMin: 6, origin: '0', destination: 'r1' },
    { courier: 'c1', departureMin: 18, origin: 'r1', destination: 'o2' },
    { courier: 'c1', departureMin: 27, origin: 'o2', destination: 'o1' },
    { courier: 'c2', departureMin: 12, origin: '0', destination: 'r2' },
    { courier: 'c2', departureMin: 22, origin: 'r2', destination: 'o3' },
  ],
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const tempDir = (): string => (dir = mkdtempSync(join(tmpdir(), 'mdrp-solution-')));

describe('writeMdrpSolution', () => {
  it('writes the README format byte for byte (the fixture files)', () => {
    const out = tempDir();
    writeMdrpSolution(out, tinySolution);
    for (const file of [ASSIGNMENTS_FILE, ORDERS_FILE, COURIERS_FILE]) {
      expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(tinySolutionDir, file), 'utf8'));
    }
    expect(readFileSync(join(out, ASSIGNMENTS_FILE), 'utf8')).toBe('assignment_time pickup_time courier order_1 ... order_k\n6 16 c1 o2 o1\n12 20 c2 o3\n');
    expect(readFileSync(join(out, ORDERS_FILE), 'utf8').split('\n')[0]).toBe('order placement_time ready_time pickup_time dropoff_time courier');
    expect(readFileSync(join(out, COURIERS_FILE), 'utf8').split('\n')[0]).toBe('courier departure_time origin destination');
  });

  it('round-trips: write → read gives the same solution', () => {
    const out = tempDir();
    writeMdrpSolution(join(out, 'nested', 'folder'), tinySolution);
    expect(readMdrpSolution(join(out, 'nested', 'folder'))).toEqual(tinySolution);
  });

  it('round-trips an empty solution (headers only)', () => {
    const out = tempDir();
    writeMdrpSolution(out, { assignments: [], orders: [], moves: [] });
    expect(readFileSync(join(out, ORDERS_FILE), 'utf8')).toBe('order placement_time ready_time pickup_time dropoff_time courier\n');
    expect(readMdrpSolution(out)).toEqual({ assignments: [], orders: [], moves: [] });
  });

  it('groups interleaved moves per courier, each in the order given', () => {
    const out = tempDir();
    const [a1, a2, a3, b1, b2] = tinySolution.moves;
    writeMdrpSolution(out, { ...tinySolution, moves: [a1, b1, a2, b2, a3] });
    expect(readMdrpSolution(out).moves).toEqual([a1, a2, a3, b1, b2]);
  });

  it.each([
    ['a fractional minute', { ...tinySolution, orders: [{ ...tinySolution.orders[0], dropoffMin: 25.5 }] }, /25.5 is not a whole number/],
    ['an id with a space', { ...tinySolution, assignments: [{ ...tinySolution.assignments[0], courier: 'c 1' }] }, /"c 1" is empty or contains a blank/],
    ['an assignment without orders', { ...tinySolution, assignments: [{ ...tinySolution.assignments[0], orders: [] }] }, /has no orders/],
  ])('refuses %s', (_, solution, says) => {
    expect(() => writeMdrpSolution(tempDir(), solution)).toThrow(says);
  });
});

describe('readMdrpSolution rejects malformed files', () => {
  /** A copy of the tiny solution with `file` rewritten by `edit`. */
  function tinyWith(file: string, edit: (text: string) => string): string {
    const out = tempDir();
    cpSync(tinySolutionDir, out, { recursive: true });
    writeFileSync(join(out, file), edit(readFileSync(join(out, file), 'utf8')));
    return out;
  }
  const replaceLine = (line: number, value: string) => (text: string) =>
    text
      .split('\n')
      .map((l, i) => (i + 1 === line ? value : l))
      .join('\n');

  it.each([
    [
      'a header naming one order field',
      ASSIGNMENTS_FILE,
      replaceLine(1, 'assignment_time pickup_time courier orders'),
      1,
      /header "assignment_time pickup_time courier orders", expected/,
    ],
    ['a fractional pickup time', ASSIGNMENTS_FILE, replaceLine(2, '6 16.5 c1 o2 o1'), 2, /pickup_time "16.5" is not a whole number of minutes/],
    ['an assignment without orders', ASSIGNMENTS_FILE, replaceLine(3, '12 20 c2'), 3, /3 space-separated fields, expected at least 4/],
    ['a doubled space', ORDERS_FILE, replaceLine(3, 'o1 5 15  16 34 c1'), 3, /field 4 is empty \(fields are separated by exactly one space\)/],
    ['a trailing space', COURIERS_FILE, replaceLine(2, 'c1 6 0 r1 '), 2, /field 5 is empty/],
    ['tabs', ORDERS_FILE, replaceLine(2, 'o2\t6\t16\t16\t25\tc1'), 2, /1 space-separated fields, expected 6/],
    ['a non-numeric departure', COURIERS_FILE, replaceLine(4, 'c1 soon o2 o1'), 4, /departure_time "soon" is not a number/],
    ['a blank line', COURIERS_FILE, replaceLine(3, ''), 3, /empty line/],
  ])('%s', (_, file, edit, line, says) => {
    const out = tinyWith(file, edit);
    let error: unknown;
    try {
      readMdrpSolution(out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MdrpInputError);
    const message = (error as MdrpInputError).message;
    expect(message.startsWith(`${join(out, file)}:${line}: `)).toBe(true);
    expect(message).toMatch(says);
    expect(message).not.toContain('\n');
  });

  it('a missing file', () => {
    const out = tinyWith(ORDERS_FILE, (text) => text);
    unlinkSync(join(out, ORDERS_FILE));
    expect(() => readMdrpSolution(out)).toThrow(new MdrpInputError(join(out, ORDERS_FILE), undefined, 'file missing'));
  });
});

describe('the half-service-time convention (halves rounded up)', () => {
  const params = (pickupServiceMin: number, dropoffServiceMin: number): MdrpParameters => ({
    metersPerMinute: 100,
    pickupServiceMin,
    dropoffServiceMin,
    targetClickToDoorMin: 40,
    maxClickToDoorMin: 90,
    payPerOrder: 10,
    guaranteedPayPerHour: 15,
  });

  it('even service times split exactly', () => {
    const p = params(4, 4);
    expect(pickupMomentMin(10, 0, p)).toBe(12);
    expect(pickupMomentMin(10, 12, p)).toBe(12);
    expect(pickupMomentMin(10, 13, p)).toBe(13); // the food is late: pickup when it is ready
    expect(leaveRestaurantMin(13, p)).toBe(15);
    expect(dropoffMomentMin(10, p)).toBe(12);
    expect(leaveCustomerMin(10, p)).toBe(14);
  });

  it('odd service times round each half up; a drop-off still leaves one whole service after arrival', () => {
    const p = params(5, 3);
    expect(pickupMomentMin(10, 0, p)).toBe(13);
    expect(leaveRestaurantMin(13, p)).toBe(16);
    expect(dropoffMomentMin(10, p)).toBe(12);
    expect(leaveCustomerMin(10, p)).toBe(13);
  });

  it('zero service times', () => {
    const p = params(0, 0);
    expect(pickupMomentMin(10, 0, p)).toBe(10);
    expect(leaveRestaurantMin(10, p)).toBe(10);
    expect(dropoffMomentMin(10, p)).toBe(10);
    expect(leaveCustomerMin(10, p)).toBe(10);
  });
});
