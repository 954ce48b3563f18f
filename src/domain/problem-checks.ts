/**
 * The snapshot's content rules, checked on a columnar Problem: what packProblem runs
 * before a problem may reach a solver thread, whoever built the problem.
 *
 * A fault is reported as the JSON reader reports the same fault in a snapshot file (same
 * field path, same reason): the numeric rules are read from the schemas the reader
 * validates with, and the hand-written rules are shared with it.
 */
import { InputError } from './errors.js';
import { type DispatchParams, type EdgesProblem, type ExcludedPairs, type PositionsProblem, type Problem } from './problem.js';
import { numberRule, type NumberRule } from './schema-rules.js';
import { checkIndex, checkPenaltyRounding } from './shared-checks.js';
import { EdgeSchema, ParamsSchema, PositionedCourierSchema, PositionedOrderSchema } from './snapshot-schema.js';

/** A rule per column or param, from the schema the JSON reader checks the same field with. */
type FieldRule<Key> = readonly [key: Key, field: string, rule: NumberRule];

const PARAM_RULES: FieldRule<keyof DispatchParams>[] = (
  [
    ['maxPickupS', 'max_pickup_s'],
    ['maxCandidates', 'max_candidates'],
    ['unassignedPenaltyS', 'unassigned_penalty_s'],
    ['detourFactor', 'detour_factor'],
    ['waitWeight', 'wait_weight'],
    ['handoverS', 'handover_s'],
  ] as const
).map(([key, field]) => [key, field, numberRule(ParamsSchema.properties[field])]);

type PositionsColumn = Exclude<keyof PositionsProblem, 'kind' | 'params' | 'courierCount' | 'orderCount' | 'excluded'>;

const COURIER_RULES: FieldRule<PositionsColumn>[] = (
  [
    ['courierLat', 'lat'],
    ['courierLng', 'lng'],
    ['courierSpeedMps', 'speed_mps'],
    ['courierFreeInS', 'free_in_s'],
  ] as const
).map(([column, field]) => [column, field, numberRule(PositionedCourierSchema.properties[field])]);

const ORDER_RULES: FieldRule<PositionsColumn>[] = (
  [
    ['orderPickupLat', 'pickup_lat'],
    ['orderPickupLng', 'pickup_lng'],
    ['orderDropoffLat', 'dropoff_lat'],
    ['orderDropoffLng', 'dropoff_lng'],
    ['orderReadyInS', 'ready_in_s'],
  ] as const
).map(([column, field]) => [column, field, numberRule(PositionedOrderSchema.properties[field])]);

// Counts cross into the solver as i32.
const COUNT_RULE = numberRule({ type: 'integer', minimum: 0, maximum: 0x7fffffff });
const COST_RULE = numberRule(EdgeSchema.items![2]);

/** Throws the InputError of the first fault found; returns when `problem` may be solved. */
export function checkProblem(problem: Problem): void {
  checkCount(problem.courierCount, 'couriers');
  checkCount(problem.orderCount, 'orders');
  checkParams(problem.params);
  if (problem.kind === 'positions') checkPositions(problem);
  else checkEdges(problem);
  if (problem.excluded) checkExcluded(problem.excluded, problem.orderCount, problem.courierCount);
}

function checkExcluded({ order, courier }: ExcludedPairs, orderCount: number, courierCount: number): void {
  if (order.length !== courier.length) {
    throw new InputError('excluded', `columns differ in length (order ${order.length}, courier ${courier.length})`);
  }
  for (let i = 0; i < order.length; i++) {
    checkIndex(order[i], orderCount, `excluded[${i}][0]`, 'order');
    checkIndex(courier[i], courierCount, `excluded[${i}][1]`, 'courier');
  }
}

function checkCount(count: number, list: string): void {
  if (!COUNT_RULE.accepts(count)) throw new InputError(list, `count ${count}: ${COUNT_RULE.reason}`);
}

function checkParams(params: DispatchParams): void {
  for (const [key, field, rule] of PARAM_RULES) {
    if (!rule.accepts(params[key])) throw new InputError(`params.${field}`, rule.reason);
  }
  checkPenaltyRounding(params.unassignedPenaltyS);
}

function checkPositions(problem: PositionsProblem): void {
  for (const [column, field, rule] of COURIER_RULES) checkColumn(problem[column], problem.courierCount, 'couriers', field, rule);
  for (const [column, field, rule] of ORDER_RULES) checkColumn(problem[column], problem.orderCount, 'orders', field, rule);
}

function checkEdges(problem: EdgesProblem): void {
  const { edgeOrder, edgeCourier, edgeCost, orderCount, courierCount } = problem;
  const edgeCount = edgeOrder.length;
  if (edgeCourier.length !== edgeCount || edgeCost.length !== edgeCount) {
    throw new InputError('edges', `columns differ in length (order ${edgeCount}, courier ${edgeCourier.length}, cost ${edgeCost.length})`);
  }
  // Int32Array values are integers: what is left to check are the ranges.
  const badOrder = firstFailing(edgeOrder, (o) => o >= 0 && o < orderCount);
  if (badOrder >= 0) checkIndex(edgeOrder[badOrder], orderCount, `edges[${badOrder}][0]`, 'order');
  const badCourier = firstFailing(edgeCourier, (c) => c >= 0 && c < courierCount);
  if (badCourier >= 0) checkIndex(edgeCourier[badCourier], courierCount, `edges[${badCourier}][1]`, 'courier');
  const badCost = firstFailing(edgeCost, COST_RULE.accepts);
  if (badCost >= 0) throw new InputError(`edges[${badCost}][2]`, COST_RULE.reason);
}

function checkColumn(values: Float64Array, count: number, list: string, field: string, rule: NumberRule): void {
  if (values.length !== count) {
    throw new InputError(list, `${field} has ${values.length} values for ${count} ${list}`);
  }
  const bad = firstFailing(values, rule.accepts);
  if (bad >= 0) throw new InputError(`${list}[${bad}].${field}`, rule.reason);
}

function firstFailing(values: Float64Array | Int32Array, accepts: (value: number) => boolean): number {
  for (let i = 0; i < values.length; i++) if (!accepts(values[i])) return i;
  return -1;
}
