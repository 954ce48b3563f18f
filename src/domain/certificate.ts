/**
 * The check of a solver's answer and its dual certificate (docs/problem.md, "The certificate"):
 * the assignment is valid on the candidate edges, its objective is what it costs, and — when it
 * carries duals — the duals prove no assignment over those edges is cheaper. It trusts nothing of
 * the solver but the candidate edges it is given: the tests give it the oracle's (test/support/
 * reference.ts), the host the graph the solver kept, whose pricing the tests compare with the
 * oracle's edge by edge (test/solver/candidates.test.ts).
 */
import type { Solution } from './problem.js';

/**
 * Candidate edges by order, in the wasm core's own layout so that the host reads its graph in
 * place: order o's edges are e in [rowStart[o], rowEnd[o]), edge e's courier is courierCost[2e]
 * and its cost courierCost[2e + 1]. A pair appears at most once. Edges costing more than the
 * penalty may be left out.
 */
export interface CertifiedEdges {
  rowStart: Int32Array;
  rowEnd: Int32Array;
  courierCost: Int32Array;
}

/** Edges given as columns (an oracle's, or a copied CandidateGraph) in the by-order layout. */
export function edgesByOrder(orderCount: number, edges: { order: ArrayLike<number>; courier: ArrayLike<number>; cost: ArrayLike<number> }): CertifiedEdges {
  const rowStart = new Int32Array(orderCount);
  const rowEnd = new Int32Array(orderCount);
  for (let e = 0; e < edges.order.length; e++) rowEnd[edges.order[e]]++;
  for (let o = 0, at = 0; o < orderCount; o++) {
    rowStart[o] = at;
    at += rowEnd[o];
    rowEnd[o] = rowStart[o];
  }
  const courierCost = new Int32Array(2 * edges.order.length);
  for (let e = 0; e < edges.order.length; e++) {
    const at = rowEnd[edges.order[e]]++;
    courierCost[2 * at] = edges.courier[e];
    courierCost[2 * at + 1] = edges.cost[e];
  }
  return { rowStart, rowEnd, courierCost };
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
  if (edges.rowStart.length !== orderCount || edges.rowEnd.length !== orderCount) {
    fail(`edge rows ${edges.rowStart.length}/${edges.rowEnd.length}, expected ${orderCount}`);
  }
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
  if (negative !== undefined) {
    const { order: o, edge } = negative;
    const [c, cost] = [edges.courierCost[2 * edge], edges.courierCost[2 * edge + 1]];
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
 * One pass over the edges (they are the bulk: tens of millions on a large city), row by row:
 * each assigned pair's candidate cost (NaN where the pair is no candidate) and, with duals, the
 * first edge whose reduced cost is below −eps, reported after the checks that come before it.
 * Only an edge costing less than its order's dual can be that edge once every courier's dual is
 * at most eps (checked, and reported, before it): cost ≥ u[o] gives cost − u[o] − v[c] ≥ −v[c]
 * ≥ −eps, exactly in floating point too (rounding is monotone). So the cheap edges alone read
 * v[c], a random access: about a tenth of the edges of an XL city.
 */
function edgePass(
  orderCourier: Int32Array,
  edges: CertifiedEdges,
  u: Float64Array | undefined,
  v: Float64Array | undefined,
  eps: number,
): { assignedCost: Float64Array; negative?: { order: number; edge: number } } {
  const assignedCost = new Float64Array(orderCourier.length).fill(NaN);
  let negative: { order: number; edge: number } | undefined;
  const { rowStart, rowEnd, courierCost } = edges;
  for (let o = 0; o < orderCourier.length; o++) {
    const assigned = orderCourier[o];
    const uo = u === undefined ? 0 : u[o];
    const end = rowEnd[o];
    for (let e = rowStart[o]; e < end; e++) {
      const c = courierCost[2 * e];
      const cost = courierCost[2 * e + 1];
      if (c === assigned) assignedCost[o] = cost;
      if (cost < uo && negative === undefined && v !== undefined && !(cost - uo - v[c] >= -eps)) negative = { order: o, edge: e };
    }
  }
  return { assignedCost, ...(negative === undefined ? {} : { negative }) };
}
