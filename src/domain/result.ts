/**
 * Solution (index-based) → the result JSON of docs/problem.md, with ids mapped back.
 */
import type { Snapshot, Solution } from './problem.js';

export interface AssignedPair {
  order: string;
  courier: string;
  /** Deciseconds. */
  cost: number;
}

export interface ResultStats {
  couriers: number;
  orders: number;
  edges: number;
  edges_kept: number;
  edges_priced: number;
  rounds: number;
  bids: number;
  assigned: number;
  unassigned: number;
  /** The solve started from the previous one's matching and duals (the host's tick-to-tick solves). */
  warm_start: boolean;
  /** Orders the auction had to place: every order cold; warm, the new ones and those the changes moved. */
  rows_to_place: number;
  /** Present when the caller timed the parse and passed it in. */
  parse_ms?: number;
  edge_build_ms: number;
  matching_ms: number;
  solve_ms: number;
}

export interface DispatchResult {
  city: string;
  /** Exact, in deciseconds. */
  objective: number;
  /** In order index order. */
  assigned: AssignedPair[];
  /** Order ids, in index order. */
  unassigned: string[];
  stats: ResultStats;
  /** In index order; present when asked for. */
  duals?: { orders: number[]; couriers: number[] };
}

export interface FormatOptions {
  /** Include the dual certificate (the solution must carry it). */
  duals?: boolean;
  /** Time the caller spent reading the snapshot into a Problem. */
  parseMs?: number;
}

export function formatResult(snapshot: Snapshot, solution: Solution, options: FormatOptions = {}): DispatchResult {
  const { orderIds, courierIds } = snapshot;
  const assigned: AssignedPair[] = [];
  const unassigned: string[] = [];
  for (let o = 0; o < orderIds.length; o++) {
    const courier = solution.orderCourier[o];
    if (courier < 0) unassigned.push(orderIds[o]);
    else assigned.push({ order: orderIds[o], courier: courierIds[courier], cost: solution.orderCost[o] });
  }

  const { stats } = solution;
  const result: DispatchResult = {
    city: snapshot.city,
    objective: solution.objective,
    assigned,
    unassigned,
    stats: {
      couriers: stats.couriers,
      orders: stats.orders,
      edges: stats.edges,
      edges_kept: stats.edgesKept,
      edges_priced: stats.edgesPriced,
      rounds: stats.rounds,
      bids: stats.bids,
      assigned: stats.assigned,
      unassigned: stats.unassigned,
      warm_start: stats.warmStart,
      rows_to_place: stats.rowsToPlace,
      ...(options.parseMs === undefined ? {} : { parse_ms: roundMs(options.parseMs) }),
      edge_build_ms: roundMs(stats.edgeBuildMs),
      matching_ms: roundMs(stats.matchingMs),
      solve_ms: roundMs(stats.solveMs),
    },
  };
  if (options.duals) {
    if (!solution.orderDual || !solution.courierDual) {
      throw new Error('the solver returned no duals although they were asked for');
    }
    result.duals = { orders: Array.from(solution.orderDual), couriers: Array.from(solution.courierDual) };
  }
  return result;
}

/** Timings to the microsecond: finer digits are noise. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
