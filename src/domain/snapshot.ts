/**
 * Snapshot JSON → validated Snapshot with a columnar Problem.
 *
 * The schema check (stopping at the first error: one error is all a caller is told) is
 * Ajv's standalone code, generated from SnapshotSchema at build time
 * (scripts/snapshot-validator.mjs), so no process compiles it, nor loads Ajv or TypeBox;
 * then one hand-written pass checks what JSON Schema cannot say and fills the columns.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { packageRoot } from '../package-root.js';
import { InputError } from './errors.js';
import { DEFAULT_PARAMS, type DispatchParams, type EdgesProblem, type PositionsProblem, type Snapshot } from './problem.js';
import { inputErrorFromSchemaError } from './schema-rules.js';
import { checkIndex, checkPenaltyRounding } from './shared-checks.js';
import type { EdgesSnapshotJson, ParamsJson, PositionsSnapshotJson, SnapshotJson } from './snapshot-schema.js';

/** The generated validator (CommonJS, so it loads synchronously on first use); built JavaScript, also under vitest. */
export const SNAPSHOT_VALIDATOR_PATH = join(packageRoot(), 'dist', 'src', 'domain', 'snapshot-validator.cjs');

/** Parses snapshot JSON text; invalid JSON is reported on the field `snapshot`. */
export function parseSnapshot(text: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError('snapshot', (error as Error).message);
  }
  return snapshotFromObject(value);
}

/** Validates an already-parsed snapshot (e.g. a request body) and encodes it. */
export function snapshotFromObject(value: unknown): Snapshot {
  const validate = snapshotValidator();
  if (!validate(value)) throw inputErrorFromSchemaError(validate.errors![0]);

  const courierIds = uniqueIds(value.couriers, 'couriers');
  const orderIds = uniqueIds(value.orders, 'orders');
  const params = dispatchParams(value.params);
  const problem = hasEdges(value) ? edgesProblem(value, params) : positionsProblem(value, params);
  return { city: value.city, courierIds, orderIds, problem };
}

let validator: ValidateFunction<SnapshotJson> | undefined;

function snapshotValidator(): ValidateFunction<SnapshotJson> {
  if (validator === undefined) {
    if (!existsSync(SNAPSHOT_VALIDATOR_PATH)) throw new Error(`snapshot validator not built: ${SNAPSHOT_VALIDATOR_PATH} is missing (run npm run build)`);
    validator = createRequire(import.meta.url)(SNAPSHOT_VALIDATOR_PATH) as ValidateFunction<SnapshotJson>;
  }
  return validator;
}

/** The same test as the schema's `if` (snapshot-schema.ts), for code holding a validated snapshot. */
function hasEdges(snapshot: SnapshotJson): snapshot is EdgesSnapshotJson {
  return (snapshot as Partial<EdgesSnapshotJson>).edges !== undefined;
}

/** The ids in list order; a repeated id is reported at its second occurrence. */
function uniqueIds(items: readonly { id: string }[], list: string): string[] {
  const firstIndex = new Map<string, number>();
  const ids = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) {
    const id = items[i].id;
    const first = firstIndex.get(id);
    if (first !== undefined) {
      throw new InputError(`${list}[${i}].id`, `duplicate id ${JSON.stringify(id)} (first at ${list}[${first}])`);
    }
    firstIndex.set(id, i);
    ids[i] = id;
  }
  return ids;
}

/** Dispatch parameters in the snapshot's JSON form (every field present). */
export function paramsToJson(p: DispatchParams): Required<ParamsJson> {
  return {
    max_pickup_s: p.maxPickupS,
    max_candidates: p.maxCandidates,
    unassigned_penalty_s: p.unassignedPenaltyS,
    detour_factor: p.detourFactor,
    wait_weight: p.waitWeight,
    handover_s: p.handoverS,
  };
}

function dispatchParams(json: ParamsJson | undefined): DispatchParams {
  const params: DispatchParams = {
    maxPickupS: json?.max_pickup_s ?? DEFAULT_PARAMS.maxPickupS,
    maxCandidates: json?.max_candidates ?? DEFAULT_PARAMS.maxCandidates,
    unassignedPenaltyS: json?.unassigned_penalty_s ?? DEFAULT_PARAMS.unassignedPenaltyS,
    detourFactor: json?.detour_factor ?? DEFAULT_PARAMS.detourFactor,
    waitWeight: json?.wait_weight ?? DEFAULT_PARAMS.waitWeight,
    handoverS: json?.handover_s ?? DEFAULT_PARAMS.handoverS,
  };
  checkPenaltyRounding(params.unassignedPenaltyS);
  return params;
}

function positionsProblem(json: PositionsSnapshotJson, params: DispatchParams): PositionsProblem {
  const { couriers, orders } = json;
  const problem: PositionsProblem = {
    kind: 'positions',
    params,
    courierCount: couriers.length,
    orderCount: orders.length,
    courierLat: new Float64Array(couriers.length),
    courierLng: new Float64Array(couriers.length),
    courierSpeedMps: new Float64Array(couriers.length),
    courierFreeInS: new Float64Array(couriers.length),
    orderPickupLat: new Float64Array(orders.length),
    orderPickupLng: new Float64Array(orders.length),
    orderDropoffLat: new Float64Array(orders.length),
    orderDropoffLng: new Float64Array(orders.length),
    orderReadyInS: new Float64Array(orders.length),
  };
  for (let c = 0; c < couriers.length; c++) {
    const courier = couriers[c];
    problem.courierLat[c] = courier.lat;
    problem.courierLng[c] = courier.lng;
    problem.courierSpeedMps[c] = courier.speed_mps;
    problem.courierFreeInS[c] = courier.free_in_s;
  }
  for (let o = 0; o < orders.length; o++) {
    const order = orders[o];
    problem.orderPickupLat[o] = order.pickup_lat;
    problem.orderPickupLng[o] = order.pickup_lng;
    problem.orderDropoffLat[o] = order.dropoff_lat;
    problem.orderDropoffLng[o] = order.dropoff_lng;
    problem.orderReadyInS[o] = order.ready_in_s;
  }
  return problem;
}

/** Edges are kept as given, duplicates included: the solver keeps a pair's lower cost. */
function edgesProblem(json: EdgesSnapshotJson, params: DispatchParams): EdgesProblem {
  const { couriers, orders, edges } = json;
  const problem: EdgesProblem = {
    kind: 'edges',
    params,
    courierCount: couriers.length,
    orderCount: orders.length,
    edgeOrder: new Int32Array(edges.length),
    edgeCourier: new Int32Array(edges.length),
    edgeCost: new Int32Array(edges.length),
  };
  for (let e = 0; e < edges.length; e++) {
    const [order, courier, cost] = edges[e];
    checkIndex(order, orders.length, `edges[${e}][0]`, 'order');
    checkIndex(courier, couriers.length, `edges[${e}][1]`, 'courier');
    problem.edgeOrder[e] = order;
    problem.edgeCourier[e] = courier;
    problem.edgeCost[e] = cost;
  }
  return problem;
}
