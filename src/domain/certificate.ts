/**
 * The check of a solver's answer and its dual certificate (docs/problem.md, "The certificate"):
 * the assignment is valid on the candidate edges, its objective is what it costs, and — when it
 * carries duals — the duals prove no assignment over those edges is cheaper. It trusts nothing of
 * the solver but the candidate edges it is given: the tests give it the oracle's (test/support/
 * reference.ts), the host the graph the solver kept, whose pricing the tests compare with the
 * oracle's edge by edge (test/solver/candidates.test.ts).
 */
import type { Solution } from './problem.js';

/** Candidate edges as columns; a pair appears at most once. Edges costing more than the penalty may be left out. */
export interface CertifiedEdges {
  order: ArrayLike<number>;
  courier: ArrayLike<number>;
  cost: ArrayLike<number>;
}

export interface CertifiedProblem {
  orderCount: number;
  courierCount: number;
  /** The penalty of an unassigned order, integer deciseconds. */
  penalty: number;
}

export class CertificateError extends Error {
  override name = 'CertificateError';
}

/**
 * Throws a CertificateError on the first violation. An edge left out for costing more than the
 * penalty cannot break dual feasibility (u ≤ penalty and v ≤ 0 leave it a positive reduced cost)
 * and no optimum uses it, so checking against the kept edges proves the same optimum.
 */
export function checkCertificate(problem: CertifiedProblem, solution: Solution, edges: CertifiedEdges): void {
  const fail = (message: string): never => {
    throw new CertificateError(`invalid solution: ${message}`);
  };
  const { orderCount, courierCount, penalty } = problem;
  if (solution.orderCourier.length !== orderCount || solution.orderCost.length !== orderCount) {
    fail(`per-order arrays have length ${solution.orderCourier.length}/${solution.orderCost.length}, expected ${orderCount}`);
  }
  // Each assigned pair's candidate cost, found in one pass over the edges (no map of all of them).
  const assignedCost = new Float64Array(orderCount).fill(NaN);
  for (let e = 0; e < edges.order.length; e++) {
    const o = edges.order[e];
    if (solution.orderCourier[o] === edges.courier[e]) assignedCost[o] = edges.cost[e];
  }

  const courierOrder = new Int32Array(courierCount).fill(-1);
  let sum = 0;
  for (let o = 0; o < orderCount; o++) {
    const c = solution.orderCourier[o];
    const reported = solution.orderCost[o];
    if (c === -1) {
      if (reported !== 0) fail(`unassigned order ${o} reports cost ${reported}`);
      sum += penalty;
      continue;
    }
    if (!(Number.isInteger(c) && c >= 0 && c < courierCount)) fail(`order ${o} -> courier ${c} out of range`);
    if (courierOrder[c] !== -1) fail(`courier ${c} takes orders ${courierOrder[c]} and ${o}`);
    courierOrder[c] = o;
    const cost = assignedCost[o];
    if (Number.isNaN(cost)) fail(`order ${o} -> courier ${c} is not a candidate edge`);
    if (reported !== cost) fail(`order ${o} -> courier ${c} reports cost ${reported}, expected ${cost}`);
    sum += reported;
  }
  if (solution.objective !== sum) fail(`objective ${solution.objective}, assigned costs and penalties sum to ${sum}`);

  if (solution.orderDual === undefined && solution.courierDual === undefined) return;
  const u = solution.orderDual ?? fail('courierDual without orderDual');
  const v = solution.courierDual ?? fail('orderDual without courierDual');
  if (u.length !== orderCount || v.length !== courierCount) fail(`dual lengths ${u.length}/${v.length}`);
  // Tolerances small enough to still prove exact optimality: with every dual constraint met to
  // within eps, lowering all duals by eps gives a feasible dual worth ≥ sum − (n+m)·eps, so an
  // integer objective within 0.25 of sum is within 0.5 of the integer optimum, hence equal to it.
  const eps = 0.25 / (orderCount + courierCount + 1);
  let dualSum = 0;
  for (let o = 0; o < orderCount; o++) {
    if (!(u[o] <= penalty + eps)) fail(`orderDual[${o}] = ${u[o]} > penalty ${penalty}`);
    dualSum += u[o];
  }
  for (let c = 0; c < courierCount; c++) {
    if (!(v[c] <= eps)) fail(`courierDual[${c}] = ${v[c]} > 0`);
    dualSum += v[c];
  }
  for (let e = 0; e < edges.order.length; e++) {
    const reduced = edges.cost[e] - u[edges.order[e]] - v[edges.courier[e]];
    if (!(reduced >= -eps)) fail(`edge (${edges.order[e]}, ${edges.courier[e]}) cost ${edges.cost[e]} has negative reduced cost ${reduced}`);
  }
  if (!(Math.abs(dualSum - solution.objective) <= 0.25)) fail(`duals sum to ${dualSum}, objective is ${solution.objective}`);

  // Optimality is proven; the contract also pins the duals to complementary slackness.
  for (let o = 0; o < orderCount; o++) {
    const c = solution.orderCourier[o];
    const slack = c === -1 ? penalty - u[o] : assignedCost[o] - u[o] - v[c];
    if (!(Math.abs(slack) <= eps)) fail(`order ${o} (courier ${c}) is not tight: slack ${slack}`);
  }
  for (let c = 0; c < courierCount; c++) {
    if (courierOrder[c] === -1 && !(Math.abs(v[c]) <= eps)) fail(`idle courier ${c} has courierDual ${v[c]} ≠ 0`);
  }
}
