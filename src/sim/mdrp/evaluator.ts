/**
 * The independent MDRP evaluator: given an instance and a solution (as read from its three
 * files), it re-derives every courier's day from the instance alone — where it is, when it can
 * leave, when it arrives — and reports each rule the solution breaks, plus the README's metrics.
 * It shares nothing with the simulator except the timing rules of rules.ts, which define the
 * problem's whole-minute arithmetic.
 *
 * A courier's moves must visit, in order, for each of its assignments (taken by pickup time)
 * the bundle's restaurant and then its customers in the delivery sequence. A courier may arrive
 * later than travel allows (it may wait), never earlier. At a customer it counts as having
 * arrived half a drop-off service before the recorded drop-off, so it leaves half a service
 * after it.
 *
 * Metrics are over delivered orders (those in the orders file); a mean or percentile over no
 * orders is NaN. Percentiles are nearest-rank: the p-th percentile of n sorted values is the
 * ceil(p/100 · n)-th smallest.
 */
import type { MdrpInstance, MdrpOrder } from './instance.js';
import { dropoffHalfMin, dropoffMomentMin, leaveCustomerMin, leaveRestaurantMin, pickupHalfMin, travelMin } from './rules.js';
import type { MdrpAssignment, MdrpDeliveredOrder, MdrpMove, MdrpSolution } from './solution.js';

export type MdrpViolationCode =
  | 'order_twice'
  | 'unknown_order'
  | 'unknown_courier'
  | 'unknown_location'
  | 'empty_assignment'
  | 'before_placement'
  | 'pickup_before_ready'
  | 'mixed_restaurants'
  | 'pickup_after_off'
  | 'move_before_assignment'
  | 'teleport'
  | 'inconsistent_times'
  | 'courier_before_on'
  | 'not_contiguous';

export interface MdrpViolation {
  code: MdrpViolationCode;
  message: string;
}

export interface MdrpMetrics {
  orders: number;
  delivered: number;
  /** Orders ready after every courier's off_time: no solution can pick them up. */
  undeliverable: number;
  clickToDoorMean: number;
  clickToDoorP90: number;
  boundMean: number;
  boundP90: number;
  /** Mean of click-to-door − lowerBoundMin. */
  excessMean: number;
  /** Mean of max(0, click-to-door − target). */
  overageMean: number;
  readyToPickupMean: number;
  /** Minutes driving or in service ÷ minutes on duty, over all couriers. */
  utilisation: number;
  ordersPerCourierHour: number;
  compensation: number;
}

export interface MdrpEvaluation {
  feasible: boolean;
  violations: MdrpViolation[];
  metrics: MdrpMetrics;
  /** Click-to-door of each delivered order, in the instance's order. */
  clickToDoorMin: number[];
}

/**
 * No solution delivers `order` sooner after its placement than: preparation, half the pickup
 * service, the direct ride restaurant → customer, half the drop-off service.
 */
export function lowerBoundMin(instance: MdrpInstance, order: MdrpOrder): number {
  const p = instance.parameters;
  const r = instance.restaurants.get(order.restaurant);
  if (!r) throw new Error(`order ${order.id} names unknown restaurant ${order.restaurant}`);
  return order.readyMin - order.placementMin + pickupHalfMin(p) + travelMin(p, r.x, r.y, order.x, order.y) + dropoffHalfMin(p);
}

interface Point {
  x: number;
  y: number;
}

/** One place an assignment sends its courier to, in visiting order. */
interface Stop {
  place: string;
  assignment: MdrpAssignment;
  /** Absent for the restaurant. */
  order?: MdrpOrder;
}

export function evaluateMdrp(instance: MdrpInstance, solution: MdrpSolution): MdrpEvaluation {
  const p = instance.parameters;
  const violations: MdrpViolation[] = [];
  const flag = (code: MdrpViolationCode, message: string): void => {
    violations.push({ code, message });
  };
  const orders = new Map(instance.orders.map((o) => [o.id, o]));
  const couriers = new Map(instance.couriers.map((c) => [c.id, c]));
  const place = (id: string): Point | undefined => instance.restaurants.get(id) ?? orders.get(id);

  // Assignments, each on its own.
  const assignmentOf = new Map<string, MdrpAssignment>();
  const assignmentsOf = new Map<string, MdrpAssignment[]>();
  for (const a of solution.assignments) {
    const what = `assignment of ${a.courier} at ${a.assignmentMin}`;
    const courier = couriers.get(a.courier);
    if (!courier) flag('unknown_courier', `${what}: unknown courier`);
    else {
      pushTo(assignmentsOf, a.courier, a);
      if (a.pickupMin > courier.offMin) flag('pickup_after_off', `${what}: pickup ${a.pickupMin} after off_time ${courier.offMin}`);
    }
    if (a.orders.length === 0) flag('empty_assignment', `${what}: no orders`);
    if (a.pickupMin < a.assignmentMin) flag('inconsistent_times', `${what}: pickup ${a.pickupMin} before the assignment`);
    const restaurants = new Set<string>();
    for (const id of a.orders) {
      const order = orders.get(id);
      if (!order) {
        flag('unknown_order', `${what}: unknown order ${id}`);
        continue;
      }
      if (assignmentOf.has(id)) flag('order_twice', `${what}: order ${id} is already in another assignment`);
      else assignmentOf.set(id, a);
      restaurants.add(order.restaurant);
      if (a.assignmentMin < order.placementMin) flag('before_placement', `${what}: order ${id} is placed only at ${order.placementMin}`);
      if (a.pickupMin < order.readyMin) flag('pickup_before_ready', `${what}: pickup ${a.pickupMin} before order ${id} is ready at ${order.readyMin}`);
    }
    if (restaurants.size > 1) flag('mixed_restaurants', `${what}: orders of restaurants ${[...restaurants].join(', ')}`);
  }

  // The orders file against the instance and the assignments.
  const delivered = new Map<string, MdrpDeliveredOrder>();
  for (const d of solution.orders) {
    const order = orders.get(d.order);
    if (!order) {
      flag('unknown_order', `orders file: unknown order ${d.order}`);
      continue;
    }
    if (delivered.has(d.order)) {
      flag('order_twice', `orders file: order ${d.order} delivered twice`);
      continue;
    }
    delivered.set(d.order, d);
    if (d.placementMin !== order.placementMin || d.readyMin !== order.readyMin) {
      flag(
        'inconsistent_times',
        `orders file: order ${d.order} placed ${d.placementMin} ready ${d.readyMin}, the instance says ${order.placementMin} and ${order.readyMin}`,
      );
    }
    const a = assignmentOf.get(d.order);
    if (!a) flag('inconsistent_times', `orders file: order ${d.order} is in no assignment`);
    else if (d.courier !== a.courier || d.pickupMin !== a.pickupMin) {
      flag(
        'inconsistent_times',
        `orders file: order ${d.order} picked up by ${d.courier} at ${d.pickupMin}, its assignment says ${a.courier} at ${a.pickupMin}`,
      );
    }
  }
  for (const id of assignmentOf.keys()) {
    if (!delivered.has(id)) flag('inconsistent_times', `order ${id} is assigned but not in the orders file`);
  }

  // The moves file: one contiguous block per courier, at known places.
  const movesOf = new Map<string, MdrpMove[]>();
  let previous: string | undefined;
  for (const m of solution.moves) {
    if (m.courier !== previous && movesOf.has(m.courier)) flag('not_contiguous', `moves of ${m.courier} resume at ${m.departureMin} after another courier's`);
    previous = m.courier;
    if (!couriers.has(m.courier)) {
      flag('unknown_courier', `move of unknown courier ${m.courier} at ${m.departureMin}`);
      continue;
    }
    pushTo(movesOf, m.courier, m);
  }

  // Each courier's day, re-derived from its assignments and moves.
  let busyMin = 0;
  for (const courier of instance.couriers) {
    const stops: Stop[] = [];
    const plan = [...(assignmentsOf.get(courier.id) ?? [])].sort((a, b) => a.pickupMin - b.pickupMin);
    for (const a of plan) {
      // An order already in an earlier assignment was reported as order_twice; it is no stop of this one.
      const bundle = [...new Set(a.orders)].flatMap((id) => (assignmentOf.get(id) === a ? (orders.get(id) ?? []) : []));
      if (bundle.length === 0) continue;
      stops.push({ place: bundle[0].restaurant, assignment: a });
      for (const order of bundle) stops.push({ place: order.id, assignment: a, order });
    }
    const moves = movesOf.get(courier.id) ?? [];
    let at = '0';
    let position: Point = courier;
    let freeMin = courier.onMin;
    for (let k = 0; k < Math.max(stops.length, moves.length); k++) {
      const stop = stops[k];
      const move = moves[k];
      if (!move) {
        flag('inconsistent_times', `${courier.id} never moves to ${stop.place} for its assignment at ${stop.assignment.assignmentMin}`);
        break;
      }
      const destination = place(move.destination);
      if (!destination) {
        flag('unknown_location', `move of ${courier.id} at ${move.departureMin}: unknown destination ${move.destination}`);
        break;
      }
      if (move.origin !== '0' && !place(move.origin)) flag('unknown_location', `move of ${courier.id} at ${move.departureMin}: unknown origin ${move.origin}`);
      if (!stop) {
        flag('inconsistent_times', `${courier.id} moves to ${move.destination} at ${move.departureMin} for no assignment`);
        break;
      }
      if (move.destination !== stop.place) {
        flag('inconsistent_times', `${courier.id} moves to ${move.destination} at ${move.departureMin} where its assignments next need ${stop.place}`);
        break;
      }
      if (move.origin !== at) flag('teleport', `${courier.id} departs from ${move.origin} at ${move.departureMin} but is at ${at}`);
      if (move.departureMin < courier.onMin) flag('courier_before_on', `${courier.id} moves at ${move.departureMin} before on_time ${courier.onMin}`);
      else if (move.departureMin < freeMin)
        flag('inconsistent_times', `${courier.id} departs from ${at} at ${move.departureMin}, before it can leave at ${freeMin}`);
      const a = stop.assignment;
      if (!stop.order && move.departureMin < a.assignmentMin) {
        flag('move_before_assignment', `${courier.id} heads to ${stop.place} at ${move.departureMin}, before its assignment at ${a.assignmentMin}`);
      }

      // Travel from where the courier really is, even when the move claims otherwise.
      const ride = travelMin(p, position.x, position.y, destination.x, destination.y);
      const arrivalMin = move.departureMin + ride;
      busyMin += ride;
      if (!stop.order) {
        if (a.pickupMin < arrivalMin + pickupHalfMin(p)) {
          flag(
            'inconsistent_times',
            `${courier.id} picks up at ${stop.place} at ${a.pickupMin}, but arrives only at ${arrivalMin} (+${pickupHalfMin(p)} service)`,
          );
        }
        freeMin = leaveRestaurantMin(Math.max(a.pickupMin, arrivalMin + pickupHalfMin(p)), p);
        busyMin += p.pickupServiceMin;
      } else {
        const dropoffMin = delivered.get(stop.place)?.dropoffMin ?? dropoffMomentMin(arrivalMin, p);
        if (dropoffMin < dropoffMomentMin(arrivalMin, p)) {
          flag(
            'inconsistent_times',
            `${courier.id} drops off ${stop.place} at ${dropoffMin}, but arrives only at ${arrivalMin} (+${dropoffHalfMin(p)} service)`,
          );
        }
        freeMin = leaveCustomerMin(Math.max(arrivalMin, dropoffMin - dropoffHalfMin(p)), p);
        busyMin += p.dropoffServiceMin;
      }
      at = stop.place;
      position = destination;
    }
  }

  return { feasible: violations.length === 0, violations, ...metricsOf(instance, delivered, busyMin) };
}

function metricsOf(instance: MdrpInstance, delivered: Map<string, MdrpDeliveredOrder>, busyMin: number): Pick<MdrpEvaluation, 'metrics' | 'clickToDoorMin'> {
  const p = instance.parameters;
  const done = instance.orders.flatMap((order) => {
    const d = delivered.get(order.id);
    return d ? [{ order, d }] : [];
  });
  const clickToDoorMin = done.map(({ order, d }) => d.dropoffMin - order.placementMin);
  const boundMin = done.map(({ order }) => lowerBoundMin(instance, order));
  const lastOffMin = Math.max(...instance.couriers.map((c) => c.offMin));

  const deliveredBy = new Map<string, number>();
  for (const { d } of done) deliveredBy.set(d.courier, (deliveredBy.get(d.courier) ?? 0) + 1);
  let dutyMin = 0;
  let compensation = 0;
  for (const c of instance.couriers) {
    const shiftMin = c.offMin - c.onMin;
    dutyMin += shiftMin;
    compensation += Math.max(p.payPerOrder * (deliveredBy.get(c.id) ?? 0), (p.guaranteedPayPerHour * shiftMin) / 60);
  }

  return {
    clickToDoorMin,
    metrics: {
      orders: instance.orders.length,
      delivered: done.length,
      undeliverable: instance.orders.filter((o) => !(o.readyMin <= lastOffMin)).length,
      clickToDoorMean: mean(clickToDoorMin),
      clickToDoorP90: percentile(clickToDoorMin, 90),
      boundMean: mean(boundMin),
      boundP90: percentile(boundMin, 90),
      excessMean: mean(clickToDoorMin.map((ctd, i) => ctd - boundMin[i])),
      overageMean: mean(clickToDoorMin.map((ctd) => Math.max(0, ctd - p.targetClickToDoorMin))),
      readyToPickupMean: mean(done.map(({ order, d }) => d.pickupMin - order.readyMin)),
      utilisation: dutyMin === 0 ? NaN : busyMin / dutyMin,
      ordersPerCourierHour: dutyMin === 0 ? NaN : done.length / (dutyMin / 60),
      compensation,
    },
  };
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
