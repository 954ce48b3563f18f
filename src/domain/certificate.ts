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

  const u = solution.orderDual;
  const v = solution.courierDual;
  if ((u === undefined) !== (v === undefined)) fail(u === undefined ? 'courierDual without orderDual' : 'orderDual without courierDual');
  if (u !== undefined && v !== undefined && (u.length !== orderCount || v.length !== courierCount)) fail(`dual lengths ${u.length}/${v.length}`);
  // Tolerances small enough to still prove exact optimality: with every dual constraint met to
  // within eps, lowering all duals by eps gives a feasible dual worth ≥ sum − (n+m)·eps, so an
  // integer objective within 0.25 of sum is within 0.5 of the integer optimum, hence equal to it.
  const eps = 0.25 / (orderCount + courierCount + 1);
  const { assignedCost, negative } = edgePass(solution.orderCourier, edges, u, v, eps);

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

  if (u === undefined || v === undefined) return;
  let dualSum = 0;
  for (let o = 0; o < orderCount; o++) {
    if (!(u[o] <= penalty + eps)) fail(`orderDual[${o}] = ${u[o]} > penalty ${penalty}`);
    dualSum += u[o];
  }
  for (let c = 0; c < courierCount; c++) {
    if (!(v[c] <= eps)) fail(`courierDual[${c}] = ${v[c]} > 0`);
    dualSum += v[c];
  }
  if (negative >= 0) {
    const [o, c, cost] = [edges.order[negative], edges.courier[negative], edges.cost[negative]];
    fail(`edge (${o}, ${c}) cost ${cost} has negative reduced cost ${cost - u[o] - v[c]}`);
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

/**
 * One pass over the edges (they are the bulk: millions on a large city): each assigned pair's
 * candidate cost (NaN where the pair is no candidate) and, with duals, the first edge whose
 * reduced cost is below −eps (−1 if none), reported after the checks that come before it.
 */
function edgePass(
  orderCourier: Int32Array,
  edges: CertifiedEdges,
  u: Float64Array | undefined,
  v: Float64Array | undefined,
  eps: number,
): { assignedCost: Float64Array; negative: number } {
  const assignedCost = new Float64Array(orderCourier.length).fill(NaN);
  let negative = -1;
  const { order, courier, cost } = edges;
  for (let e = 0; e < order.length; e++) {
    const o = order[e];
    const c = courier[e];
    if (orderCourier[o] === c) assignedCost[o] = cost[e];
    if (negative < 0 && u !== undefined && v !== undefined && !(cost[e] - u[o] - v[c] >= -eps)) negative = e;
  }
  return { assignedCost, negative };
}
