/**
 * An independent oracle for the dispatch problem, written straight from the spec
 * (docs/problem.md) in plain TypeScript: pricing,
 * candidate edges, two exact optima (exhaustive search and javascript-lp-solver's MIP)
 * and a checker for a solver's answer, including its dual certificate (the check itself is
 * src/domain/certificate.ts, which the host also runs; it is given the oracle's edges here).
 * Nothing here shares code with the engine: agreement between the two means something.
 */
import lpSolverImport, { type SolverAPI } from 'javascript-lp-solver';
import { checkCertificate, edgesByOrder } from '../../src/domain/certificate.js';
import { MAX_COST, type DispatchParams, type PositionsProblem, type Problem, type Solution } from '../../src/domain/problem.js';

export const EARTH_RADIUS_M = 6371008.8;
const RADIANS_PER_DEGREE = Math.PI / 180;

// The package's types describe its CommonJS build; Node's ESM import loads index.mjs, whose
// default export is the solver itself.
const lpSolver = lpSolverImport as unknown as SolverAPI;

export interface CandidateEdge {
  order: number;
  courier: number;
  /** Integer deciseconds. */
  cost: number;
}

export interface Assignment {
  objective: number;
  /** Per order: courier index or -1. */
  orderCourier: Int32Array;
}

/** Great-circle distance in metres, exactly the spec's haversine. */
export function distanceM(latA: number, lngA: number, latB: number, lngB: number): number {
  const phiA = latA * RADIANS_PER_DEGREE;
  const phiB = latB * RADIANS_PER_DEGREE;
  const sinHalfDPhi = Math.sin((phiB - phiA) / 2);
  const sinHalfDLambda = Math.sin((lngB * RADIANS_PER_DEGREE - lngA * RADIANS_PER_DEGREE) / 2);
  // Grouped as the spec writes it: cos φa · cos φb · sin²(Δλ/2), the square taken first.
  const h = sinHalfDPhi * sinHalfDPhi + Math.cos(phiA) * Math.cos(phiB) * (sinHalfDLambda * sinHalfDLambda);
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

/** When courier c would be at order o's pickup, seconds from now. */
export function pairArrivalS(problem: PositionsProblem, o: number, c: number): number {
  const distance = distanceM(problem.courierLat[c], problem.courierLng[c], problem.orderPickupLat[o], problem.orderPickupLng[o]);
  return problem.courierFreeInS[c] + (distance * problem.params.detourFactor) / problem.courierSpeedMps[c];
}

/** The pair's cost in seconds before rounding, or undefined if c is not eligible for o. */
export function pairCostSeconds(problem: PositionsProblem, o: number, c: number): number | undefined {
  const p = problem.params;
  const arrive = pairArrivalS(problem, o, c);
  if (!(arrive <= p.maxPickupS)) return undefined;
  const ready = problem.orderReadyInS[o];
  const pickupAt = Math.max(arrive, ready);
  const delivery = distanceM(problem.orderPickupLat[o], problem.orderPickupLng[o], problem.orderDropoffLat[o], problem.orderDropoffLng[o]);
  const deliver = pickupAt + (delivery * p.detourFactor) / problem.courierSpeedMps[c] + p.handoverS;
  const idle = Math.max(0, ready - arrive);
  return deliver + p.waitWeight * idle;
}

/** Cost of giving order o to courier c in integer deciseconds, or undefined if c is not eligible. */
export function pairCost(problem: PositionsProblem, o: number, c: number): number | undefined {
  const seconds = pairCostSeconds(problem, o, c);
  return seconds === undefined ? undefined : Math.floor(seconds * 10 + 0.5);
}

export function penaltyOf(params: DispatchParams): number {
  return Math.floor(params.unassignedPenaltyS * 10 + 0.5);
}

/**
 * The pairs an optimum may use, sorted by order then courier: eligible pairs (positions) or
 * listed pairs with duplicates reduced to their lowest cost (edges), then, when K > 0, each
 * order's K cheapest (ties: lower courier index first).
 */
export function candidateEdges(problem: Problem): CandidateEdge[] {
  const byOrder = eligiblePairs(problem);
  const k = problem.params.maxCandidates;
  const result: CandidateEdge[] = [];
  byOrder.forEach((pairs, order) => {
    let kept = pairs;
    if (k > 0) kept = [...pairs].sort((a, b) => a.cost - b.cost || a.courier - b.courier).slice(0, k);
    kept.sort((a, b) => a.courier - b.courier);
    for (const { courier, cost } of kept) result.push({ order, courier, cost });
  });
  return result;
}

function eligiblePairs(problem: Problem): Array<Array<{ courier: number; cost: number }>> {
  const excluded = new Set<string>();
  for (let i = 0; i < (problem.excluded?.order.length ?? 0); i++) excluded.add(`${problem.excluded!.order[i]},${problem.excluded!.courier[i]}`);
  return listedOrPricedPairs(problem).map((pairs, o) => pairs.filter(({ courier }) => !excluded.has(`${o},${courier}`)));
}

/** Every eligible pair (positions) or listed pair at its lowest cost (edges), by order. */
function listedOrPricedPairs(problem: Problem): Array<Array<{ courier: number; cost: number }>> {
  const byOrder = Array.from({ length: problem.orderCount }, () => [] as Array<{ courier: number; cost: number }>);
  if (problem.kind === 'positions') {
    for (let o = 0; o < problem.orderCount; o++) {
      for (let c = 0; c < problem.courierCount; c++) {
        const cost = pairCost(problem, o, c);
        if (cost !== undefined) byOrder[o].push({ courier: c, cost });
      }
    }
    return byOrder;
  }
  const lowest = new Map<number, number>();
  for (let i = 0; i < problem.edgeOrder.length; i++) {
    const o = problem.edgeOrder[i];
    const c = problem.edgeCourier[i];
    const cost = problem.edgeCost[i];
    if (!(o >= 0 && o < problem.orderCount && c >= 0 && c < problem.courierCount)) {
      throw new Error(`edge ${i}: (${o}, ${c}) out of range`);
    }
    if (!(Number.isInteger(cost) && cost >= 0 && cost <= MAX_COST)) throw new Error(`edge ${i}: bad cost ${cost}`);
    const key = o * problem.courierCount + c;
    const seen = lowest.get(key);
    if (seen === undefined || cost < seen) lowest.set(key, cost);
  }
  for (const [key, cost] of lowest) {
    byOrder[Math.floor(key / problem.courierCount)].push({ courier: key % problem.courierCount, cost });
  }
  return byOrder;
}

/** Exact optimum by trying every assignment; only for tiny instances. */
export function bruteForceOptimum(problem: Problem, edges = candidateEdges(problem)): Assignment {
  if (problem.orderCount > 8) throw new Error(`brute force on ${problem.orderCount} orders would not finish`);
  const penalty = penaltyOf(problem.params);
  const options = groupByOrder(problem.orderCount, edges);
  const used = new Uint8Array(problem.courierCount);
  const current = new Int32Array(problem.orderCount).fill(-1);
  const best: Assignment = { objective: Infinity, orderCourier: new Int32Array(current) };

  const search = (o: number, sum: number): void => {
    if (o === problem.orderCount) {
      if (sum < best.objective) {
        best.objective = sum;
        best.orderCourier.set(current);
      }
      return;
    }
    current[o] = -1;
    search(o + 1, sum + penalty);
    for (const { courier, cost } of options[o]) {
      if (used[courier]) continue;
      used[courier] = 1;
      current[o] = courier;
      search(o + 1, sum + cost);
      used[courier] = 0;
    }
    current[o] = -1;
  };
  search(0, 0);
  return best;
}

/** Exact optimum from javascript-lp-solver's MIP: binary x per candidate edge, one unassigned variable per order. */
export function lpOptimum(problem: Problem, edges = candidateEdges(problem)): Assignment {
  const penalty = penaltyOf(problem.params);
  const constraints: Record<string, { equal?: number; max?: number }> = {};
  const variables: Record<string, Record<string, number>> = {};
  const binaries: Record<string, 1> = {};
  for (let o = 0; o < problem.orderCount; o++) {
    constraints[`o${o}`] = { equal: 1 };
    variables[`u${o}`] = { cost: penalty, [`o${o}`]: 1 };
  }
  edges.forEach((e, i) => {
    constraints[`c${e.courier}`] = { max: 1 };
    variables[`x${i}`] = { cost: e.cost, [`o${e.order}`]: 1, [`c${e.courier}`]: 1 };
    binaries[`x${i}`] = 1;
  });
  const result = lpSolver.Solve({ optimize: 'cost', opType: 'min', constraints, variables, binaries }) as Record<string, unknown>;
  if (result.feasible !== true) throw new Error('javascript-lp-solver found no feasible assignment');

  const orderCourier = new Int32Array(problem.orderCount).fill(-1);
  edges.forEach((e, i) => {
    if (Number(result[`x${i}`] ?? 0) > 0.5) orderCourier[e.order] = e.courier;
  });
  // The objective is recomputed exactly from the decoded assignment, which must itself be valid.
  return { objective: objectiveOf(problem, orderCourier, edges), orderCourier };
}

/** Objective of an assignment, after checking it only uses candidate edges and each courier once. */
export function objectiveOf(problem: Problem, orderCourier: Int32Array, edges = candidateEdges(problem)): number {
  const costs = costLookup(problem, edges);
  const used = new Set<number>();
  let objective = 0;
  orderCourier.forEach((c, o) => {
    if (c === -1) {
      objective += penaltyOf(problem.params);
      return;
    }
    const cost = costs.get(o * problem.courierCount + c);
    if (cost === undefined) throw new Error(`order ${o} -> courier ${c} is not a candidate edge`);
    if (used.has(c)) throw new Error(`courier ${c} used twice`);
    used.add(c);
    objective += cost;
  });
  return objective;
}

/**
 * Asserts that `solution` is a valid answer to `problem`, and — when it carries duals —
 * that the duals certify its optimality, over the oracle's own candidate edges: the host runs
 * the same check (src/domain/certificate.ts) on every dispatch. Throws on the first violation.
 */
export function checkSolution(problem: Problem, solution: Solution, edges = candidateEdges(problem)): void {
  const { orderCount, courierCount } = problem;
  checkCertificate(
    { orderCount, courierCount, penalty: penaltyOf(problem.params) },
    solution,
    edgesByOrder(orderCount, { order: edges.map((e) => e.order), courier: edges.map((e) => e.courier), cost: edges.map((e) => e.cost) }),
  );
  const assigned = solution.orderCourier.reduce((n, c) => (c >= 0 ? n + 1 : n), 0);
  const expectedStats = { couriers: courierCount, orders: orderCount, edges: edges.length, assigned, unassigned: orderCount - assigned };
  for (const [key, value] of Object.entries(expectedStats)) {
    const actual = solution.stats[key as keyof typeof expectedStats];
    if (actual !== value) throw new Error(`invalid solution: stats.${key} = ${actual}, expected ${value}`);
  }
}

function costLookup(problem: Problem, edges: CandidateEdge[]): Map<number, number> {
  return new Map(edges.map((e) => [e.order * problem.courierCount + e.courier, e.cost]));
}

function groupByOrder(orderCount: number, edges: CandidateEdge[]): CandidateEdge[][] {
  const groups = Array.from({ length: orderCount }, () => [] as CandidateEdge[]);
  for (const e of edges) groups[e.order].push(e);
  return groups;
}
