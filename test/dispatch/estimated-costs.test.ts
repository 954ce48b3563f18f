import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type PositionsProblem } from '../../src/domain/problem.js';
import { estimatedEdges, type PairEstimates } from '../../src/dispatch/estimated-costs.js';
import { bundleEdgesFromPositions, priceBundle } from '../../src/solver/bundles.js';

/** Two couriers, two orders of one restaurant (one pickup of both), one order elsewhere. */
const problem: PositionsProblem = {
  kind: 'positions',
  params: DEFAULT_PARAMS,
  courierCount: 2,
  orderCount: 3,
  courierLat: Float64Array.of(41.39, 41.395),
  courierLng: Float64Array.of(2.17, 2.175),
  courierSpeedMps: Float64Array.of(4, 6),
  courierFreeInS: Float64Array.of(0, 30),
  orderPickupLat: Float64Array.of(41.391, 41.391, 41.385),
  orderPickupLng: Float64Array.of(2.171, 2.171, 2.165),
  orderDropoffLat: Float64Array.of(41.4, 41.402, 41.38),
  orderDropoffLng: Float64Array.of(2.16, 2.18, 2.16),
  orderReadyInS: Float64Array.of(60, 120, -30),
};
const pickups = [{ orders: [0, 1] }, { orders: [2] }];
const estimates = (entries: [number, number, { travelS?: number; costS?: number }][]): PairEstimates => {
  const pairs: PairEstimates = new Map();
  for (const [o, c, e] of entries) (pairs.get(o) ?? pairs.set(o, new Map()).get(o)!).set(c, e);
  return pairs;
};
const costOf = (edges: { bundle: number; courier: number; cost: number }[], b: number, c: number) => edges.find((e) => e.bundle === b && e.courier === c)?.cost;

describe('pricing with estimates', () => {
  it('without estimates is the geographic pricing', () => {
    expect(estimatedEdges(problem, pickups, new Map())).toEqual({ edges: bundleEdgesFromPositions(problem, pickups), estimated: new Set() });
  });

  it("a pickup's cost estimates add up when every order has one; otherwise a travel estimate replaces the approach", () => {
    const summed = estimatedEdges(
      problem,
      pickups,
      estimates([
        [0, 1, { costS: 100.04 }],
        [1, 1, { costS: 200.05 }],
      ]),
    );
    expect(costOf(summed.edges, 0, 1)).toBe(1000 + 2001);
    expect(summed.estimated).toEqual(new Set([0 * 2 + 1]));
    // Pairs without an estimate keep their geographic price.
    expect(costOf(summed.edges, 0, 0)).toBe(priceBundle(problem, 0, pickups[0]));
    expect(costOf(summed.edges, 1, 1)).toBe(priceBundle(problem, 1, pickups[1]));

    // One order's cost estimate alone does not price a pickup of two: the geographic price stays.
    const partial = estimatedEdges(problem, pickups, estimates([[0, 1, { costS: 100 }]]));
    expect(partial.estimated.size).toBe(0);
    expect(costOf(partial.edges, 0, 1)).toBe(priceBundle(problem, 1, pickups[0]));

    // A travel estimate: courier 0 priced as if its approach took 300 s, for the whole pickup.
    const travel = estimatedEdges(problem, pickups, estimates([[1, 0, { travelS: 300 }]]));
    const slower = {
      ...problem,
      courierFreeInS: Float64Array.of(300, 30),
      courierLat: Float64Array.of(41.391, 41.395),
      courierLng: Float64Array.of(2.171, 2.175),
    };
    expect(costOf(travel.edges, 0, 0)).toBe(priceBundle(slower, 0, pickups[0]));
    expect(costOf(travel.edges, 0, 0)).toBeGreaterThan(priceBundle(problem, 0, pickups[0])!);
  });

  it('a travel estimate beyond max_pickup_s makes the pair ineligible; a cost estimate makes any pair eligible', () => {
    const far = estimatedEdges(
      problem,
      pickups,
      estimates([
        [2, 0, { travelS: DEFAULT_PARAMS.maxPickupS + 1 }],
        [2, 1, { costS: 50 }],
      ]),
    );
    expect(costOf(far.edges, 1, 0)).toBeUndefined();
    expect(costOf(far.edges, 1, 1)).toBe(500);
    expect(far.estimated).toEqual(new Set([1 * 2 + 0, 1 * 2 + 1]));
  });
});
