/**
 * What passes between the SolverPool and its workers: a packed problem in, a packed
 * solution out. Both carry their columns in one ArrayBuffer that is transferred (a solution's
 * candidate graph, when asked for, in a second); only the small headers (params, stats) are cloned.
 */
import { packColumns, viewColumns } from '../domain/columns.js';
import type { PackedProblem } from '../domain/packed-problem.js';
import { candidateGraphOf, graphBlock, type Solution, type SolveStats } from '../domain/problem.js';
import type { WarmStart } from './warm-start.js';

export interface SolveTask {
  problem: PackedProblem;
  duals: boolean;
  candidates: boolean;
  certify: boolean;
  /** Return Solution.warmGraph. */
  warmGraph: boolean;
  /** The warm start (packWarmStart), its buffers transferred with the problem's. */
  warm?: PackedWarmStart;
}

export interface PackedWarmStart {
  columns: ArrayBuffer;
  /** WarmStart.graph's block, with its maps among the columns; previousCouriers sizes courierNow. */
  graph?: ArrayBuffer;
  previousCouriers: number;
}

export interface PackedSolution {
  objective: number;
  stats: SolveStats;
  /** Whether `buffer` holds the dual certificate after the assignment columns. */
  duals: boolean;
  buffer: ArrayBuffer;
  /** Solution.candidates as its one block (graphBlock), transferred on its own: it is the big one. */
  candidates?: ArrayBuffer;
  /** Solution.warmGraph, transferred on its own. */
  warmGraph?: ArrayBuffer;
  certificate?: Solution['certificate'];
  /** How long the worker was busy with the task (unpacking, solving, checking, packing), ms. */
  busyMs: number;
}

const warmColumns = (orders: number, couriers: number) => ({ orderCourier: ['i32', orders], courierDual: ['i32', couriers] }) as const;
const warmGraphColumns = (orders: number, couriers: number, previousCouriers: number) =>
  ({ ...warmColumns(orders, couriers), orderBefore: ['i32', orders], courierNow: ['i32', previousCouriers] }) as const;

export function packWarmStart(warm: WarmStart): PackedWarmStart {
  const orders = warm.orderCourier.length;
  const couriers = warm.courierDual.length;
  if (warm.graph === undefined) return { columns: packColumns(warmColumns(orders, couriers), warm), previousCouriers: 0 };
  const previousCouriers = warm.graph.courierNow.length;
  const columns = packColumns(warmGraphColumns(orders, couriers, previousCouriers), { ...warm, ...warm.graph });
  return { columns, graph: warm.graph.block, previousCouriers };
}

/** The warm start whose columns are views on the packed buffers, for the problem it was packed for. */
export function unpackWarmStart(packed: PackedWarmStart, orders: number, couriers: number): WarmStart {
  if (packed.graph === undefined) return viewColumns(packed.columns, warmColumns(orders, couriers));
  const { orderCourier, courierDual, orderBefore, courierNow } = viewColumns(packed.columns, warmGraphColumns(orders, couriers, packed.previousCouriers));
  // The block was transferred to this worker: nobody else holds it.
  return { orderCourier, courierDual, graph: { block: packed.graph, orderBefore, courierNow, handedOver: true } };
}

const assignmentColumns = (orders: number) => ({ orderCourier: ['i32', orders], orderCost: ['i32', orders] }) as const;

const certificateColumns = (orders: number, couriers: number) =>
  ({ ...assignmentColumns(orders), orderDual: ['f64', orders], courierDual: ['f64', couriers] }) as const;

/**
 * The solution's columns copied into one fresh buffer, the candidate graph in a second one. Fresh
 * matters: the solver's own arrays may be views on wasm memory, whose buffer Node 20 copies
 * rather than transfers.
 */
export function packSolution(solution: Solution, busyMs: number): PackedSolution {
  const { objective, stats, orderCourier, orderCost, orderDual, courierDual, candidates, warmGraph, certificate } = solution;
  const duals = orderDual !== undefined && courierDual !== undefined;
  const buffer = duals
    ? packColumns(certificateColumns(stats.orders, stats.couriers), { orderCourier, orderCost, orderDual, courierDual })
    : packColumns(assignmentColumns(stats.orders), { orderCourier, orderCost });
  return {
    objective,
    stats,
    duals,
    buffer,
    busyMs,
    ...(candidates ? { candidates: graphBlock(candidates) } : {}),
    ...(warmGraph ? { warmGraph } : {}),
    ...(certificate ? { certificate } : {}),
  };
}

/** The solution whose columns are views on `packed.buffer` (and `packed.candidates`). */
export function unpackSolution({ objective, stats, duals, buffer, candidates, warmGraph, certificate }: PackedSolution): Solution {
  const columns = duals ? viewColumns(buffer, certificateColumns(stats.orders, stats.couriers)) : viewColumns(buffer, assignmentColumns(stats.orders));
  return {
    objective,
    stats,
    ...columns,
    ...(candidates ? { candidates: candidateGraphOf(new Int32Array(candidates)) } : {}),
    ...(warmGraph ? { warmGraph } : {}),
    ...(certificate ? { certificate } : {}),
  };
}
