/**
 * The simulator on real MDRP instances (small ones, vendored): the engine's cycle drives a fleet
 * that keeps the MDRP rules, which the evaluator checks from the written files, and which these
 * tests also check directly on what the simulator did.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { evaluateMdrp } from '../../src/sim/mdrp/evaluator.js';
import { readMdrpInstance, type MdrpInstance } from '../../src/sim/mdrp/instance.js';
import type { MdrpSolution } from '../../src/sim/mdrp/solution.js';
import { mdrpPickupCosts, planPickup } from '../../src/sim/mdrp-costs.js';
import type { CitySnapshot } from '../../src/state/city-state-store.js';
import { DEFAULT_SIMULATION, simulateMdrp, type SimulationOptions } from '../../src/sim/simulator.js';

const fixture = (name: string) => readMdrpInstance(fileURLToPath(new URL(`../fixtures/mdrp/${name}`, import.meta.url)));

async function simulate(instance: MdrpInstance, options: Partial<SimulationOptions> = {}) {
  return simulateMdrp(instance, { ...DEFAULT_SIMULATION, ...options });
}

/** Every rule of the simulated fleet, checked on what it did rather than on the evaluator's verdict. */
function checkFleetRules(instance: MdrpInstance, solution: MdrpSolution): void {
  const orders = new Map(instance.orders.map((o) => [o.id, o]));
  const couriers = new Map(instance.couriers.map((c) => [c.id, c]));
  const byCourier = new Map<string, MdrpSolution['assignments']>();
  for (const a of solution.assignments) byCourier.set(a.courier, [...(byCourier.get(a.courier) ?? []), a]);
  for (const [courierId, assignments] of byCourier) {
    const courier = couriers.get(courierId)!;
    let freeAt = courier.onMin;
    for (const a of assignments) {
      // Never diverted: a new pickup only once the previous one is delivered.
      expect(a.assignmentMin).toBeGreaterThanOrEqual(freeAt);
      const bundle = a.orders.map((id) => orders.get(id)!);
      // Never before placement or readiness, never after the courier's off time.
      for (const o of bundle) {
        expect(a.assignmentMin).toBeGreaterThanOrEqual(o.placementMin);
        expect(a.pickupMin).toBeGreaterThanOrEqual(o.readyMin);
      }
      expect(a.pickupMin).toBeLessThanOrEqual(courier.offMin);
      expect(new Set(bundle.map((o) => o.restaurant)).size).toBe(1);
      const delivered = solution.orders.filter((o) => a.orders.includes(o.order));
      expect(delivered.map((o) => o.order).sort()).toEqual([...a.orders].sort());
      freeAt = Math.max(...delivered.map((o) => o.dropoffMin));
    }
  }
}

describe('the simulator', () => {
  it.each(['0r50t100s1p100', '2r50t75s1p125'])('runs %s under both policies: feasible, every deliverable order delivered, the rules kept', async (name) => {
    const instance = fixture(name);
    for (const policy of ['dispatchd', 'greedy'] as const) {
      const { solution, decisions, timeline } = await simulate(instance, { policy });
      const evaluation = evaluateMdrp(instance, solution);
      expect(evaluation.violations).toEqual([]);
      checkFleetRules(instance, solution);
      expect(decisions).toBeGreaterThan(0);
      expect(timeline.minute.length).toBe(timeline.ordersWaiting.length);
      if (policy === 'dispatchd') expect(evaluation.metrics.delivered).toBe(evaluation.metrics.orders - evaluation.metrics.undeliverable);
    }
  });

  it('beats greedy on excess click-to-door, and bundles when couriers are short', async () => {
    const instance = fixture('2r50t75s2p125');
    const [engine, greedy] = await Promise.all([simulate(instance), simulate(instance, { policy: 'greedy' })]);
    const e = evaluateMdrp(instance, engine.solution).metrics;
    const g = evaluateMdrp(instance, greedy.solution).metrics;
    expect(e.excessMean).toBeLessThan(g.excessMean);
    expect(greedy.solution.assignments.every((a) => a.orders.length === 1)).toBe(true);
    // Half the couriers: some pickups must hold several orders.
    const scarce = { ...instance, couriers: instance.couriers.filter((_, i) => i % 2 === 0) };
    const bundled = await simulate(scarce);
    expect(evaluateMdrp(scarce, bundled.solution).violations).toEqual([]);
    expect(bundled.solution.assignments.some((a) => a.orders.length > 1)).toBe(true);
    expect(Math.max(...bundled.solution.assignments.map((a) => a.orders.length))).toBeLessThanOrEqual(DEFAULT_SIMULATION.maxBundleSize);
    const unbundled = await simulate(scarce, { maxBundleSize: 1 });
    expect(unbundled.solution.assignments.every((a) => a.orders.length === 1)).toBe(true);
  });

  it('decides only every epoch: with --epoch-min 3 every assignment is made at a multiple of 3', async () => {
    const instance = fixture('0r50t100s1p100');
    const { solution } = await simulate(instance, { epochMin: 3 });
    expect(evaluateMdrp(instance, solution).violations).toEqual([]);
    expect(solution.assignments.every((a) => a.assignmentMin % 3 === 0)).toBe(true);
  });

  it('plans a pickup by the MDRP rules: wait for the latest ready time, then the dropoffs in sequence', () => {
    const instance = fixture('tiny');
    const [a, b] = instance.orders.filter((o, _, all) => all.filter((x) => x.restaurant === o.restaurant).length > 1);
    if (!a || !b) throw new Error('the tiny fixture needs two orders of one restaurant');
    const courier = instance.couriers[0];
    const plan = planPickup(instance, courier, 0, [a, b]);
    expect(plan.pickupMin).toBeGreaterThanOrEqual(Math.max(a.readyMin, b.readyMin));
    expect(plan.dropoffMin[1]).toBeGreaterThan(plan.dropoffMin[0]);
    expect(plan.freeMin).toBe(plan.leaveMin[1]);
  });

  it('prices leaving an order for later by how long it has waited: the base penalty, growing to a cap', () => {
    const instance = fixture('tiny');
    const order = instance.orders[0];
    const options = { ...DEFAULT_SIMULATION, penaltyMin: 40, ageWeight: 0.5, ageCapMin: 60 };
    const snapshot = { orderIds: [order.id] } as unknown as CitySnapshot;
    const penaltyAt = (minute: number) =>
      mdrpPickupCosts(instance, minute, () => ({ ...instance.couriers[0], freeMin: instance.couriers[0].onMin }), options).penaltiesDs!(snapshot)[0];
    expect(penaltyAt(order.placementMin)).toBe(40 * 600);
    expect(penaltyAt(order.placementMin + 10)).toBe(45 * 600);
    expect(penaltyAt(order.placementMin + 60)).toBe(70 * 600);
    expect(penaltyAt(order.placementMin + 300)).toBe(70 * 600);
  });
});
