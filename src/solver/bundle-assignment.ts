/**
 * The exact assignment of couriers to bundles: each bundle to at most one courier, each courier
 * to at most one bundle, leaving a bundle unassigned costs P_B = Σ_{o∈B} P_o (the penalty of each
 * of its orders: the spec's one penalty P for all, or one per order when the caller weighs how long
 * each has waited). It is solved by the wasm core as an EdgesProblem whose "orders" are the
 * bundles, after a transformation that gives every row the one penalty the core supports.
 *
 * The transformation. Let P_o ≥ 0 be order o's penalty in deciseconds, P_B = Σ_{o∈B} P_o,
 * P_max = max_B P_B the core's penalty, and
 *
 *     cost'(B, c) = cost(B, c) − P_B + P_max.
 *
 * For any feasible assignment x with assigned bundles A (and the set U₀ of orders in no bundle):
 *
 *     obj'(x) = Σ_{B∈A} cost'(B, c_B) + Σ_{B∉A} P_max = Σ_{B∈A} (cost − P_B) + |bundles| · P_max
 *     obj(x)  = Σ_{B∈A} cost(B, c_B)  + Σ_{B∉A} P_B + Σ_{o∈U₀} P_o = Σ_{B∈A} (cost − P_B) + Σ_o P_o
 *
 * (the bundles and U₀ partition the orders). So obj(x) = obj'(x) − |bundles| · P_max + Σ_o P_o
 * for every x: a constant shift, the same minimisers, and the optimum maps back exactly (all
 * integers). Since P_B ≤ P_max, cost' ≥ cost ≥ 0. An edge with cost > P_B has cost' > P_max:
 * dropping it from any assignment lowers the objective, so no optimum uses it and it is left out;
 * the kept ones have cost' ≤ P_max, which must be ≤ MAX_COST (checked). Ties carry over:
 * cost = P_B exactly when cost' = P_max, and the core then assigns, as the spec prefers.
 *
 * Duals. If (u', v) certifies the transformed problem (docs/problem.md, "The certificate"), then
 * u_B = u'_B + P_B − P_max with the same v certifies the original one: reduced costs are
 * unchanged (cost − u_B − v_c = cost' − u'_B − v_c), u_B ≤ P_B iff u'_B ≤ P_max with equality
 * for the same unassigned bundles, a dropped edge has cost − u_B − v_c > P_B − u_B ≥ 0, and
 * Σ u + Σ v + Σ_{o∈U₀} P_o = obj' − |bundles|·P_max + Σ_o P_o = obj.
 */
import { DEFAULT_PARAMS, MAX_COST, type EdgesProblem, type Problem, type Solution } from '../domain/problem.js';
import type { Bundle } from './bundle-sequence.js';
import type { BundleEdge } from './bundle-pricing.js';
import type { CertifiedSolveOptions } from './certified-solve.js';
import { toDeciseconds } from './wasm-solver.js';

/** What solveBundles needs of a solver: WasmSolver, InThreadSolver and the SolverPool all fit. */
export interface AssignmentSolver {
  solve(problem: Problem, options?: CertifiedSolveOptions): Solution | Promise<Solution>;
}

export interface BundleAssignmentInput {
  /** Disjoint, non-empty bundles of snapshot order indices below orderCount. */
  bundles: readonly Bundle[];
  courierCount: number;
  /** Orders of the snapshot; any in no bundle count as unassigned. */
  orderCount: number;
  /** Eligible (bundle, courier) options, non-negative integer deciseconds; a pair listed twice keeps its lower cost. */
  edges: readonly BundleEdge[];
  /** The penalty for leaving an order unassigned, integer deciseconds: one for every order, or one per order. */
  penaltyPerOrderDs: number | ArrayLike<number>;
  duals?: boolean;
  /** Check the core's certificate where it is solved (solution.certificate: it certifies the original problem too, see Duals). */
  certify?: boolean;
  /** K > 0: a bundle may only go to one of its K cheapest couriers (the spec's max_candidates, per bundle). */
  maxCandidates?: number;
}

export interface BundleAssignment {
  /** Per bundle: its courier, or -1. */
  bundleCourier: Int32Array;
  /** Per bundle: the cost of its assignment in deciseconds (0 when unassigned). */
  bundleCost: Int32Array;
  /** In the original terms: Σ assigned costs + the penalty of every order left unassigned. */
  objective: number;
  /** The core's answer to the transformed problem (its objective and duals are in transformed terms). */
  solution: Solution;
  /** The transformed problem the core solved: rows are bundles, costs cost'. */
  problem: EdgesProblem;
  /** With duals: the certificate in the original terms (u_B ≤ P_B, v_c ≤ 0). */
  bundleDual?: Float64Array;
  courierDual?: Float64Array;
}

export async function solveBundles(solver: AssignmentSolver, input: BundleAssignmentInput): Promise<BundleAssignment> {
  const { bundles, courierCount, orderCount } = input;
  checkInput(input);
  const orderPenalty = penaltyOfOrder(input.penaltyPerOrderDs);
  const bundlePenalty = bundles.map((b) => b.orders.reduce((sum, o) => sum + orderPenalty(o), 0)); // P_B
  const penalty = bundlePenalty.reduce((m, p) => Math.max(m, p), 0); // P_max
  if (penalty > MAX_COST) throw new RangeError(`a bundle's penalty of ${penalty} ds exceeds the core's largest cost ${MAX_COST}`);
  // The core reads its penalty in seconds and rounds to deciseconds; P_max / 10 must round back to P_max.
  const penaltyS = penalty / 10;
  if (toDeciseconds(penaltyS) !== penalty) throw new Error(`penalty ${penalty} ds does not survive the conversion to seconds`);

  const kept = input.edges.filter((e) => e.cost <= bundlePenalty[e.bundle]);
  const shift = (b: number) => penalty - bundlePenalty[b]; // cost' − cost, ≥ 0
  const problem: EdgesProblem = {
    kind: 'edges',
    params: { ...DEFAULT_PARAMS, maxCandidates: input.maxCandidates ?? 0, unassignedPenaltyS: penaltyS },
    courierCount,
    orderCount: bundles.length,
    edgeOrder: Int32Array.from(kept, (e) => e.bundle),
    edgeCourier: Int32Array.from(kept, (e) => e.courier),
    edgeCost: Int32Array.from(kept, (e) => e.cost + shift(e.bundle)),
  };
  const solution = await solver.solve(problem, { duals: input.duals === true, certify: input.certify === true });

  const bundleCourier = solution.orderCourier.slice();
  const bundleCost = new Int32Array(bundles.length);
  let objective = 0;
  for (let o = 0; o < orderCount; o++) objective += orderPenalty(o);
  for (let b = 0; b < bundles.length; b++) {
    if (bundleCourier[b] < 0) continue;
    bundleCost[b] = solution.orderCost[b] - shift(b);
    objective += bundleCost[b] - bundlePenalty[b];
  }
  const result: BundleAssignment = { bundleCourier, bundleCost, objective, solution, problem };
  if (solution.orderDual !== undefined && solution.courierDual !== undefined) {
    result.bundleDual = solution.orderDual.map((u, b) => u - shift(b));
    result.courierDual = solution.courierDual.slice();
  }
  return result;
}

function checkInput(input: BundleAssignmentInput): void {
  const { bundles, courierCount, orderCount, penaltyPerOrderDs } = input;
  const count = (name: string, n: number) => {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${name} must be an integer ≥ 0, not ${n}`);
  };
  count('courierCount', courierCount);
  count('orderCount', orderCount);
  if (typeof penaltyPerOrderDs === 'number') count('penaltyPerOrderDs', penaltyPerOrderDs);
  else {
    if (penaltyPerOrderDs.length !== orderCount) throw new RangeError(`penaltyPerOrderDs has ${penaltyPerOrderDs.length} entries for ${orderCount} orders`);
    for (let o = 0; o < orderCount; o++) count(`penaltyPerOrderDs[${o}]`, penaltyPerOrderDs[o]);
  }
  count('maxCandidates', input.maxCandidates ?? 0);
  const seen = new Uint8Array(orderCount);
  bundles.forEach((bundle, b) => {
    if (bundle.orders.length === 0) throw new RangeError(`bundle ${b} is empty`);
    for (const o of bundle.orders) {
      if (!(Number.isInteger(o) && o >= 0 && o < orderCount)) throw new RangeError(`bundle ${b}: order ${o} out of range`);
      if (seen[o]) throw new RangeError(`order ${o} is in more than one bundle (or twice in one)`);
      seen[o] = 1;
    }
  });
  input.edges.forEach(({ bundle, courier, cost }, i) => {
    if (!(Number.isInteger(bundle) && bundle >= 0 && bundle < bundles.length)) throw new RangeError(`edge ${i}: bundle ${bundle} out of range`);
    if (!(Number.isInteger(courier) && courier >= 0 && courier < courierCount)) throw new RangeError(`edge ${i}: courier ${courier} out of range`);
    if (!(Number.isInteger(cost) && cost >= 0)) throw new RangeError(`edge ${i}: cost ${cost} is not an integer ≥ 0`);
  });
}

function penaltyOfOrder(penalty: number | ArrayLike<number>): (order: number) => number {
  return typeof penalty === 'number' ? () => penalty : (order) => penalty[order];
}
