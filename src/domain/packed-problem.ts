/**
 * A Problem as it crosses a thread boundary: all its columns in one ArrayBuffer (to be
 * transferred) and a small header (cloned). One encoding for every producer (the JSON
 * reader's problems, later the HTTP ingest's) and the one consumer, the solver worker.
 */
import { packColumns, viewColumns } from './columns.js';
import { checkProblem } from './problem-checks.js';
import type { DispatchParams, Problem } from './problem.js';

export interface PackedProblemHeader {
  kind: Problem['kind'];
  params: DispatchParams;
  courierCount: number;
  orderCount: number;
  /** Caller-given edges (kind 'edges'); 0 for 'positions'. */
  edgeCount: number;
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

const edgesColumns = ({ edgeCount: e }: PackedProblemHeader) =>
  ({ edgeOrder: ['i32', e], edgeCourier: ['i32', e], edgeCost: ['i32', e] }) as const;

/**
 * Checks `problem` as the JSON reader checks a snapshot (InputError naming the field) and
 * copies its columns into one fresh buffer; `problem` itself is left as it was, so it can
 * be solved again (say after a timeout) once the buffer has been transferred away.
 */
export function packProblem(problem: Problem): PackedProblem {
  checkProblem(problem);
  const { kind, params, courierCount, orderCount } = problem;
  const edgeCount = problem.kind === 'edges' ? problem.edgeOrder.length : 0;
  const header: PackedProblemHeader = { kind, params, courierCount, orderCount, edgeCount };
  const buffer =
    problem.kind === 'positions'
      ? packColumns(positionsColumns(header), problem)
      : packColumns(edgesColumns(header), problem);
  return { header, buffer };
}

/** The problem whose columns are views on `packed.buffer`: nothing is copied or checked again. */
export function unpackProblem({ header, buffer }: PackedProblem): Problem {
  const { params, courierCount, orderCount } = header;
  return header.kind === 'positions'
    ? { kind: 'positions', params, courierCount, orderCount, ...viewColumns(buffer, positionsColumns(header)) }
    : { kind: 'edges', params, courierCount, orderCount, ...viewColumns(buffer, edgesColumns(header)) };
}
