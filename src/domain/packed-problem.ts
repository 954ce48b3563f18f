/**
 * A Problem as it crosses a thread boundary: all its columns in one ArrayBuffer (to be
 * transferred) and a small header (cloned). One encoding for every producer (the JSON
 * reader's problems, later the HTTP ingest's) and the one consumer, the solver worker.
 */
import { packColumns, viewColumns } from './columns.js';
import { checkProblem } from './problem-checks.js';
import type { DispatchParams, ExcludedPairs, Problem } from './problem.js';

export interface PackedProblemHeader {
  kind: Problem['kind'];
  params: DispatchParams;
  courierCount: number;
  orderCount: number;
  /** Caller-given edges (kind 'edges'); 0 for 'positions'. */
  edgeCount: number;
  /** Excluded pairs (ExcludedPairs), in either kind. */
  excludedCount: number;
}

export interface PackedProblem {
  header: PackedProblemHeader;
  buffer: ArrayBuffer;
}

const positionsColumns = ({ courierCount: c, orderCount: o }: PackedProblemHeader) =>
  ({
    courierLat: ['f64', c],
    courierLng: ['f64', c],
    courierSpeedMps: ['f64', c],
    courierFreeInS: ['f64', c],
    orderPickupLat: ['f64', o],
    orderPickupLng: ['f64', o],
    orderDropoffLat: ['f64', o],
    orderDropoffLng: ['f64', o],
    orderReadyInS: ['f64', o],
  }) as const;

const edgesColumns = ({ edgeCount: e }: PackedProblemHeader) => ({ edgeOrder: ['i32', e], edgeCourier: ['i32', e], edgeCost: ['i32', e] }) as const;

const excludedColumns = ({ excludedCount: x }: PackedProblemHeader) => ({ excludedOrder: ['i32', x], excludedCourier: ['i32', x] }) as const;

const NO_PAIRS = new Int32Array(0);

/**
 * Checks `problem` as the JSON reader checks a snapshot (InputError naming the field) and
 * copies its columns into one fresh buffer; `problem` itself is left as it was, so it can
 * be solved again (say after a timeout) once the buffer has been transferred away.
 */
export function packProblem(problem: Problem): PackedProblem {
  checkProblem(problem);
  const { kind, params, courierCount, orderCount } = problem;
  const edgeCount = problem.kind === 'edges' ? problem.edgeOrder.length : 0;
  const excludedOrder = problem.excluded?.order ?? NO_PAIRS;
  const excludedCourier = problem.excluded?.courier ?? NO_PAIRS;
  const header: PackedProblemHeader = { kind, params, courierCount, orderCount, edgeCount, excludedCount: excludedOrder.length };
  const excluded = { excludedOrder, excludedCourier };
  const buffer =
    problem.kind === 'positions'
      ? packColumns({ ...positionsColumns(header), ...excludedColumns(header) }, { ...problem, ...excluded })
      : packColumns({ ...edgesColumns(header), ...excludedColumns(header) }, { ...problem, ...excluded });
  return { header, buffer };
}

/** The problem whose columns are views on `packed.buffer`: nothing is copied or checked again. */
export function unpackProblem({ header, buffer }: PackedProblem): Problem {
  const { params, courierCount, orderCount } = header;
  const common = { params, courierCount, orderCount };
  if (header.kind === 'positions') {
    const { excludedOrder, excludedCourier, ...columns } = viewColumns(buffer, { ...positionsColumns(header), ...excludedColumns(header) });
    return { kind: 'positions', ...common, ...columns, ...excludedOf(excludedOrder, excludedCourier) };
  }
  const { excludedOrder, excludedCourier, ...columns } = viewColumns(buffer, { ...edgesColumns(header), ...excludedColumns(header) });
  return { kind: 'edges', ...common, ...columns, ...excludedOf(excludedOrder, excludedCourier) };
}

function excludedOf(order: Int32Array, courier: Int32Array): { excluded?: ExcludedPairs } {
  return order.length > 0 ? { excluded: { order, courier } } : {};
}
