/**
 * What passes between the SolverPool and its workers: a packed problem in, a packed
 * solution out. Both carry their columns in one ArrayBuffer that is transferred; only
 * the small headers (params, stats) are cloned.
 */
import { packColumns, viewColumns } from '../domain/columns.js';
import type { PackedProblem } from '../domain/packed-problem.js';
import type { Solution, SolveStats } from '../domain/problem.js';

export interface SolveTask {
  problem: PackedProblem;
  duals: boolean;
  candidates: boolean;
}

export interface PackedSolution {
  objective: number;
  stats: SolveStats;
  /** Whether `buffer` holds the dual certificate after the assignment columns. */
  duals: boolean;
  /** Kept candidate edges in `buffer` after the other columns (Solution.candidates), or -1 without them. */
  candidateEdges: number;
  buffer: ArrayBuffer;
}

const assignmentColumns = (orders: number) => ({ orderCourier: ['i32', orders], orderCost: ['i32', orders] }) as const;

const dualColumns = (orders: number, couriers: number) => ({ orderDual: ['f64', orders], courierDual: ['f64', couriers] }) as const;

const candidateColumns = (edges: number) => ({ candidateOrder: ['i32', edges], candidateCourier: ['i32', edges], candidateCost: ['i32', edges] }) as const;

function solutionColumns(orders: number, couriers: number, duals: boolean, candidateEdges: number) {
  return { ...assignmentColumns(orders), ...(duals ? dualColumns(orders, couriers) : {}), ...(candidateEdges >= 0 ? candidateColumns(candidateEdges) : {}) };
}

/**
 * The solution's columns copied into one fresh buffer. Fresh matters: the solver's own
 * arrays may be views on wasm memory, whose buffer Node 20 copies rather than transfers.
 */
export function packSolution(solution: Solution): PackedSolution {
  const { objective, stats, orderCourier, orderCost, orderDual, courierDual, candidates } = solution;
  const duals = orderDual !== undefined && courierDual !== undefined;
  const candidateEdges = candidates === undefined ? -1 : candidates.order.length;
  const columns = {
    orderCourier,
    orderCost,
    ...(duals ? { orderDual, courierDual } : {}),
    ...(candidates ? { candidateOrder: candidates.order, candidateCourier: candidates.courier, candidateCost: candidates.cost } : {}),
  };
  const buffer = packColumns(solutionColumns(stats.orders, stats.couriers, duals, candidateEdges), columns as never);
  return { objective, stats, duals, candidateEdges, buffer };
}

/** The solution whose columns are views on `packed.buffer`. */
export function unpackSolution({ objective, stats, duals, candidateEdges, buffer }: PackedSolution): Solution {
  const columns = viewColumns(buffer, solutionColumns(stats.orders, stats.couriers, duals, candidateEdges)) as Record<string, Float64Array | Int32Array>;
  const solution: Solution = { objective, stats, orderCourier: columns.orderCourier as Int32Array, orderCost: columns.orderCost as Int32Array };
  if (duals) {
    solution.orderDual = columns.orderDual as Float64Array;
    solution.courierDual = columns.courierDual as Float64Array;
  }
  if (candidateEdges >= 0) {
    solution.candidates = {
      order: columns.candidateOrder as Int32Array,
      courier: columns.candidateCourier as Int32Array,
      cost: columns.candidateCost as Int32Array,
    };
  }
  return solution;
}
