/**
 * A warm start: the previous solve of a city (its matching and courier duals) expressed against
 * the next snapshot's indices, couriers and orders matched by id. New ones start cold, vanished
 * ones are dropped. The core (assembly/assignment.ts) repairs it into exact duals and places only
 * the rows the changes freed; any warm start, however stale, ends in the same certified optimum.
 * With the previous solve's graph (Solution.warmGraph) the next one reuses its edges where neither
 * the order nor the courier changed (assembly/warm-graph.ts).
 */
import type { Solution } from '../domain/problem.js';

/** orderCourier: the order had no warm state (new, or its courier vanished). */
export const NO_WARM_STATE = -1;
/** orderCourier: the order was left unassigned by the previous solve. */
export const WAS_UNASSIGNED = -2;

export interface WarmStart {
  /** Per order: its courier's index in this problem, WAS_UNASSIGNED or NO_WARM_STATE. */
  orderCourier: Int32Array;
  /** Per courier: its dual in the previous solve (integer deciseconds, ≤ 0), 0 for a new one. */
  courierDual: Int32Array;
  /** The previous solve's candidate graph and how its orders and couriers map to this problem's. */
  graph?: WarmGraph;
}

export interface WarmGraph {
  /** Solution.warmGraph of the previous solve. */
  block: ArrayBuffer;
  /** Per order: its index in the previous solve, or -1. */
  orderBefore: Int32Array;
  /** Per courier of the previous solve: its index in this problem, or -1. */
  courierNow: Int32Array;
  /**
   * The caller hands `block` over (the pool's worker owns the copy transferred to it): the solve
   * may write its own graph into it instead of a fresh buffer, which costs page faults each tick.
   */
  handedOver?: boolean;
}

/** A solve to warm-start the next one from: its ids and, from the solution, the matching and courier duals. */
export interface PreviousSolve {
  orderIds: readonly string[];
  courierIds: readonly string[];
  orderCourier: ArrayLike<number>;
  courierDual: ArrayLike<number>;
  /** Its Solution.warmGraph; a buffer transferred away meanwhile (byteLength 0) is not used. */
  graph?: ArrayBuffer;
}

/** The previous solve of a snapshot, or undefined when the solution carries no duals. */
export function previousSolveOf(ids: { orderIds: readonly string[]; courierIds: readonly string[] }, solution: Solution): PreviousSolve | undefined {
  if (solution.courierDual === undefined) return undefined;
  const previous = { orderIds: ids.orderIds, courierIds: ids.courierIds, orderCourier: solution.orderCourier, courierDual: solution.courierDual };
  return solution.warmGraph ? { ...previous, graph: solution.warmGraph } : previous;
}

/** `previous` against the snapshot whose orders and couriers are `orderIds` and `courierIds`. */
export function warmStartFor(previous: PreviousSolve, orderIds: readonly string[], courierIds: readonly string[]): WarmStart {
  const courierIndex = indexOf(courierIds);
  // Per courier of the previous solve: its index now, or -1 (gone).
  const courierNow = new Int32Array(previous.courierIds.length);
  for (let c = 0; c < courierNow.length; c++) courierNow[c] = courierIndex.get(previous.courierIds[c]) ?? -1;
  const courierDual = new Int32Array(courierIds.length);
  courierNow.forEach((now, c) => {
    if (now >= 0) courierDual[now] = previous.courierDual[c];
  });
  const previousOrder = indexOf(previous.orderIds);
  const orderCourier = new Int32Array(orderIds.length).fill(NO_WARM_STATE);
  const orderBefore = new Int32Array(orderIds.length).fill(-1);
  orderIds.forEach((id, o) => {
    const before = previousOrder.get(id);
    if (before === undefined) return;
    orderBefore[o] = before;
    const c = previous.orderCourier[before];
    if (c < 0) orderCourier[o] = WAS_UNASSIGNED;
    else orderCourier[o] = courierNow[c] >= 0 ? courierNow[c] : NO_WARM_STATE;
  });
  if (previous.graph === undefined || previous.graph.byteLength === 0) return { orderCourier, courierDual };
  return { orderCourier, courierDual, graph: { block: previous.graph, orderBefore, courierNow } };
}

/** Id -> its index, built without an [id, index] pair per id (a tick's thousands). */
function indexOf(ids: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(ids[i], i);
  return index;
}
