/**
 * The dispatch problem in columnar form: what the solver consumes.
 *
 * Only numbers cross into the solver (and, later, into worker threads): ids stay
 * with the caller, which maps indices back to ids when it formats a result.
 * The semantics are those of docs/problem.md (the repo's copy of the shared spec).
 */

export interface DispatchParams {
  /** Latest acceptable arrival at the pickup, seconds from now. */
  maxPickupS: number;
  /** K > 0: an order may only go to one of its K cheapest eligible couriers; 0 = no limit. */
  maxCandidates: number;
  /** Cost of leaving one order unassigned, seconds. */
  unassignedPenaltyS: number;
  /** Multiplier from great-circle distance to travelled distance. */
  detourFactor: number;
  /** Weight of courier idle time at the pickup. */
  waitWeight: number;
  /** Fixed handover time at the dropoff, seconds. */
  handoverS: number;
}

/**
 * How a city's dispatch cycle groups orders of one restaurant into pickups (src/solver/bundles.ts).
 * A dispatch-cycle policy, not part of the snapshot problem: the solver sees the pickups it forms.
 */
export interface BundlingParams {
  /** Most orders one pickup may hold; 1 = every order is its own pickup (no bundling). */
  maxBundleSize: number;
  /** The ready times of one pickup's orders lie within this many seconds of each other. */
  bundleWindowS: number;
}

/** Off by default: a city bundles only when asked, so a one-order pickup stays the default behaviour. */
export const DEFAULT_BUNDLING: Readonly<BundlingParams> = Object.freeze({ maxBundleSize: 1, bundleWindowS: 600 });

/** The most orders of one pickup: its delivery sequence is chosen by enumerating every permutation. */
export const MAX_BUNDLE_SIZE = 4;

export const DEFAULT_PARAMS: Readonly<DispatchParams> = Object.freeze({
  maxPickupS: 600,
  maxCandidates: 0,
  unassignedPenaltyS: 3600,
  detourFactor: 1.3,
  waitWeight: 0.5,
  handoverS: 120,
});

/**
 * Pairs that are not eligible whatever they would cost, e.g. a declined offer in its
 * cooldown (the host's, not part of the snapshot file format).
 */
export interface ExcludedPairs {
  order: Int32Array;
  courier: Int32Array;
}

/** Couriers and orders with positions; the solver prices every pair itself. */
export interface PositionsProblem {
  kind: 'positions';
  excluded?: ExcludedPairs;
  params: DispatchParams;
  courierCount: number;
  orderCount: number;
  courierLat: Float64Array;
  courierLng: Float64Array;
  courierSpeedMps: Float64Array;
  courierFreeInS: Float64Array;
  orderPickupLat: Float64Array;
  orderPickupLng: Float64Array;
  orderDropoffLat: Float64Array;
  orderDropoffLng: Float64Array;
  orderReadyInS: Float64Array;
}

/** Costs given by the caller: only the listed (order, courier) pairs are eligible. */
export interface EdgesProblem {
  kind: 'edges';
  excluded?: ExcludedPairs;
  params: DispatchParams;
  courierCount: number;
  orderCount: number;
  edgeOrder: Int32Array;
  edgeCourier: Int32Array;
  /** Non-negative integer deciseconds, at most MAX_COST. */
  edgeCost: Int32Array;
}

export type Problem = PositionsProblem | EdgesProblem;

/** Largest cost (and penalty) in deciseconds: objectives then stay exact in a double. */
export const MAX_COST = 0x7fffffff;

/** A problem with the ids it came with, as read from a snapshot. */
export interface Snapshot {
  city: string;
  courierIds: string[];
  orderIds: string[];
  problem: Problem;
}

/** What the solver returns, index-based. */
export interface Solution {
  /** Exact objective in deciseconds: assigned costs plus the penalty for each unassigned order. */
  objective: number;
  /** Per order: the courier index it goes to, or -1. */
  orderCourier: Int32Array;
  /** Per order: the cost of its assignment in deciseconds (0 when unassigned). */
  orderCost: Int32Array;
  /**
   * Dual certificate (present when requested): orderDual[o] ≤ penalty, courierDual[c] ≤ 0,
   * cost(o,c) − orderDual[o] − courierDual[c] ≥ 0 on every candidate edge, = 0 on assigned pairs,
   * orderDual = penalty for unassigned orders, courierDual = 0 for idle couriers.
   */
  orderDual?: Float64Array;
  courierDual?: Float64Array;
  /** The kept candidate graph the duals certify (present when requested). */
  candidates?: CandidateGraph;
  /**
   * This solve's problem and candidate graph packed for the next tick's solve to reuse
   * (assembly/warm-graph.ts; present when requested, for a positions problem with K = 0).
   */
  warmGraph?: ArrayBuffer;
  /** The verdict on the dual certificate, checked where it was solved (present when requested: src/solver/certified-solve.ts). */
  certificate?: { certificate: 'checked' | 'failed'; certificateError?: string };
  stats: SolveStats;
}

/** Candidate edges costing at most the penalty, one row per edge (cost in deciseconds); an order's rows are unique by courier. */
export interface CandidateGraph {
  order: Int32Array;
  courier: Int32Array;
  cost: Int32Array;
}

/** The graph as views on one block [order… | courier… | cost…], as the wasm core writes it. */
export function candidateGraphOf(block: Int32Array): CandidateGraph {
  const edges = block.length / 3;
  return { order: block.subarray(0, edges), courier: block.subarray(edges, 2 * edges), cost: block.subarray(2 * edges) };
}

/** The graph's one block: the buffer itself when it is laid out as candidateGraphOf makes it (no copy), else a fresh one. */
export function graphBlock({ order, courier, cost }: CandidateGraph): ArrayBuffer {
  const edges = order.length;
  const buffer = order.buffer;
  const viewsOfOneBlock =
    buffer instanceof ArrayBuffer &&
    courier.buffer === buffer &&
    cost.buffer === buffer &&
    buffer.byteLength === 12 * edges &&
    order.byteOffset === 0 &&
    courier.byteOffset === 4 * edges &&
    cost.byteOffset === 8 * edges;
  if (viewsOfOneBlock) return buffer;
  const block = new Int32Array(3 * edges);
  block.set(order);
  block.set(courier, edges);
  block.set(cost, 2 * edges);
  return block.buffer;
}

export interface SolveStats {
  couriers: number;
  orders: number;
  /** Candidate edges: eligible pairs, limited to K per order when max_candidates > 0. */
  edges: number;
  /** Candidate edges that could be in an optimum (cost ≤ penalty); the rest are dropped exactly. */
  edgesKept: number;
  /** Edges the assignment actually had to look at (the working set after pricing rounds). */
  edgesPriced: number;
  /** Pairs the edge build priced: (order, courier) pairs within reach (positions; one courier per class of identical ones with K = 0) or the listed edges. */
  pairsPriced: number;
  /** Pricing rounds of the assignment (1 = the first working set was already optimal). */
  rounds: number;
  /** Bids the auction made, forward and reverse, over all rounds: where its time went. */
  bids: number;
  assigned: number;
  unassigned: number;
  /** The solve started from the previous one's matching and duals (src/solver/warm-start.ts). */
  warmStart: boolean;
  /** Orders the auction had to place, without a column at its start: every order cold; warm, the new ones and those the changes moved. */
  rowsToPlace: number;
  /** Candidate edges taken from the previous tick's graph (SolveOptions.warm with a graph); 0 when built cold. */
  edgesReused: number;
  edgeBuildMs: number;
  matchingMs: number;
  solveMs: number;
}
