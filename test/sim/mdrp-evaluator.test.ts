/**
 * The independent MDRP evaluator on the hand-made tiny instance: a hand-checked feasible
 * solution with exact metrics, and corrupted copies of it, each rejected with the violation
 * codes it deserves (exactly those, so a cascade of spurious codes fails the test too).
 *
 * The tiny instance (100 m/min, 4-minute services so halves of 2, target 40, 10 per order,
 * 15 per hour): restaurants r1 (0,0), r2 (1000,0); couriers c1 at (0,300) on 0–60 and
 * c2 at (1000,500) on 10–40; orders
 *   o1 (0,800)     placed 5  at r1, ready 15
 *   o2 (300,400)   placed 6  at r1, ready 16
 *   o3 (1000,3500) placed 12 at r2, ready 20
 *   o4 (2000,0)    placed 50 at r2, ready 80 — after both off_times: undeliverable.
 * The solution, by hand:
 *   c1, assigned o2 then o1 at 6: 0→r1 300 m = 3 min, arrives 9, pickup max(16, 9+2) = 16,
 *     leaves 18; r1→o2 500 m = 5, arrives 23, drops 25, leaves 27; o2→o1 500 m = 5, arrives 32,
 *     drops 34, leaves 36.
 *   c2, assigned o3 at 12: 0→r2 500 m = 5, arrives 17, pickup max(20, 19) = 20, leaves 22;
 *     r2→o3 3500 m = 35, arrives 57, drops 59 (after its off_time 40: allowed).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { evaluateMdrp, lowerBoundMin } from '../../src/sim/mdrp/evaluator.js';
import { readMdrpInstance } from '../../src/sim/mdrp/instance.js';
import { readMdrpSolution, type MdrpSolution } from '../../src/sim/mdrp/solution.js';

const fixtures = join(packageRoot(), 'test', 'fixtures', 'mdrp');
const tiny = readMdrpInstance(join(fixtures, 'tiny'));
const solution = readMdrpSolution(join(fixtures, 'tiny', 'solution'));

/** The tiny solution with `edit` applied to a deep copy. */
function corrupted(edit: (s: MdrpSolution) => void): MdrpSolution {
  const s = structuredClone(solution);
  edit(s);
  return s;
}
const codesOf = (s: MdrpSolution): string[] => [...new Set(evaluateMdrp(tiny, s).violations.map((v) => v.code))].sort();

describe('lowerBoundMin', () => {
  it('is preparation + half pickup + direct ride + half drop-off', () => {
    const [o1, o2, o3] = tiny.orders;
    expect(lowerBoundMin(tiny, o1)).toBe(10 + 2 + 8 + 2);
    expect(lowerBoundMin(tiny, o2)).toBe(10 + 2 + 5 + 2);
    expect(lowerBoundMin(tiny, o3)).toBe(8 + 2 + 35 + 2);
  });

  it('rounds odd service halves up, as the timing rules do', () => {
    const odd = { ...tiny, parameters: { ...tiny.parameters, pickupServiceMin: 5, dropoffServiceMin: 3 } };
    expect(lowerBoundMin(odd, tiny.orders[0])).toBe(10 + 3 + 8 + 2);
  });
});

describe('evaluateMdrp on the hand-checked tiny solution', () => {
  const evaluation = evaluateMdrp(tiny, solution);

  it('is feasible', () => {
    expect(evaluation.violations).toEqual([]);
    expect(evaluation.feasible).toBe(true);
  });

  it('has the hand-computed metrics', () => {
    expect(evaluation.clickToDoorMin).toEqual([29, 19, 47]); // o1 34−5, o2 25−6, o3 59−12
    const m = evaluation.metrics;
    expect(m.orders).toBe(4);
    expect(m.delivered).toBe(3);
    expect(m.undeliverable).toBe(1);
    expect(m.clickToDoorMean).toBeCloseTo(95 / 3, 12);
    expect(m.clickToDoorP90).toBe(47); // nearest rank: ceil(0.9·3) = 3rd of 19, 29, 47
    expect(m.boundMean).toBeCloseTo((22 + 19 + 47) / 3, 12);
    expect(m.boundP90).toBe(47);
    expect(m.excessMean).toBeCloseTo(7 / 3, 12); // o1 waited: 29 − 22
    expect(m.overageMean).toBeCloseTo(7 / 3, 12); // o3: 47 − 40
    expect(m.readyToPickupMean).toBeCloseTo(1 / 3, 12); // o1 ready 15, picked up 16
    // Driving c1 3+5+5, c2 5+35; service 4 per pickup and per drop-off: 13+12 + 40+8 = 73 of 60+30 duty minutes.
    expect(m.utilisation).toBeCloseTo(73 / 90, 12);
    expect(m.ordersPerCourierHour).toBeCloseTo(3 / 1.5, 12);
    // c1 max(10·2, 15·1) = 20; c2 max(10·1, 15·0.5) = 10.
    expect(m.compensation).toBeCloseTo(30, 12);
  });

  it('an empty solution is feasible, delivers nothing and pays the guarantee', () => {
    const empty = evaluateMdrp(tiny, { assignments: [], orders: [], moves: [] });
    expect(empty.feasible).toBe(true);
    expect(empty.clickToDoorMin).toEqual([]);
    expect(empty.metrics).toMatchObject({ delivered: 0, undeliverable: 1, utilisation: 0, ordersPerCourierHour: 0, compensation: 22.5 });
    expect(empty.metrics.clickToDoorMean).toBeNaN();
  });

  it('a courier may wait: a later departure and a later drop-off stay feasible', () => {
    const late = corrupted((s) => {
      s.moves[2].departureMin = 40; // c1 leaves o2 at 40 instead of 27: arrives at o1 at 45
      s.orders[1].dropoffMin = 50;
    });
    const evaluation = evaluateMdrp(tiny, late);
    expect(evaluation.violations).toEqual([]);
    expect(evaluation.clickToDoorMin).toEqual([45, 19, 47]);
  });
});

describe('evaluateMdrp rejects corrupted solutions', () => {
  it.each<[string, (s: MdrpSolution) => void, string[]]>([
    ['an order assigned twice', (s) => s.assignments.push({ assignmentMin: 40, pickupMin: 40, courier: 'c2', orders: ['o1'] }), ['order_twice']],
    ['an order twice in one bundle', (s) => (s.assignments[0].orders = ['o2', 'o1', 'o2']), ['order_twice']],
    ['an order delivered twice', (s) => s.orders.push({ ...s.orders[0] }), ['order_twice']],
    ['an assignment before placement', (s) => (s.assignments[0].assignmentMin = 5), ['before_placement']],
    [
      'a pickup before ready',
      (s) => {
        s.assignments[0].pickupMin = 15; // o2 is ready only at 16
        s.orders[0].pickupMin = 15;
        s.orders[1].pickupMin = 15;
      },
      ['pickup_before_ready'],
    ],
    [
      'two restaurants in one bundle',
      (s) => {
        s.assignments[0].orders = ['o2'];
        s.assignments[1].orders = ['o3', 'o1']; // o1 is r1's, o3 r2's; c2's moves and the orders file no longer fit either
      },
      ['inconsistent_times', 'mixed_restaurants'],
    ],
    [
      "a pickup after the courier's off_time",
      (s) => {
        s.assignments[1].pickupMin = 41; // c2 goes off at 40
        s.orders[2].pickupMin = 41;
        s.moves[4].departureMin = 43;
        s.orders[2].dropoffMin = 80;
      },
      ['pickup_after_off'],
    ],
    ['a teleporting move', (s) => (s.moves[1].origin = 'o1'), ['teleport']],
    ['a first move not from the start', (s) => (s.moves[3].origin = 'r1'), ['teleport']],
    ['a drop-off too early', (s) => (s.orders[1].dropoffMin = 33), ['inconsistent_times']],
    ['moves not contiguous', (s) => (s.moves = [s.moves[0], s.moves[3], s.moves[1], s.moves[2], s.moves[4]]), ['not_contiguous']],
    ['a departure before leaving the restaurant', (s) => (s.moves[1].departureMin = 17), ['inconsistent_times']],
    ['a pickup before the courier can be there', (s) => (s.moves[3].departureMin = 16), ['inconsistent_times']],
    ['a move before on_time', (s) => (s.moves[3].departureMin = 9), ['courier_before_on', 'move_before_assignment']],
    ['heading to the restaurant before the assignment', (s) => (s.assignments[0].assignmentMin = 7), ['move_before_assignment']],
    ['the orders file naming another courier', (s) => (s.orders[0].courier = 'c2'), ['inconsistent_times']],
    ['the orders file with a wrong ready time', (s) => (s.orders[0].readyMin = 17), ['inconsistent_times']],
    ['an assigned order missing from the orders file', (s) => s.orders.splice(1, 1), ['inconsistent_times']],
    ['a delivered order in no assignment', (s) => (s.assignments[0].orders = ['o2']), ['inconsistent_times']],
    ['moves visiting customers out of sequence', (s) => (s.assignments[0].orders = ['o1', 'o2']), ['inconsistent_times']],
    ['a courier that never moves', (s) => (s.moves = s.moves.slice(0, 3)), ['inconsistent_times']],
    ['an unknown order', (s) => s.orders.push({ order: 'o9', placementMin: 0, readyMin: 0, pickupMin: 0, dropoffMin: 1, courier: 'c1' }), ['unknown_order']],
    [
      'an unknown courier',
      (s) => {
        s.assignments[1].courier = 'c9';
        s.orders[2].courier = 'c9';
        for (const m of s.moves) if (m.courier === 'c2') m.courier = 'c9';
      },
      ['unknown_courier'],
    ],
    ['a move to an unknown place', (s) => (s.moves[2].destination = 'x1'), ['unknown_location']],
  ])('%s', (_, edit, codes) => {
    const s = corrupted(edit);
    const evaluation = evaluateMdrp(tiny, s);
    expect(evaluation.feasible).toBe(false);
    expect(codesOf(s)).toEqual([...codes].sort());
    for (const v of evaluation.violations) expect(v.message).not.toContain('\n');
  });
});
