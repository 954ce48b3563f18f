/** Hand-written problems for tests, from short literal descriptions. */
import { DEFAULT_PARAMS, MAX_COST, type DispatchParams, type EdgesProblem, type PositionsProblem } from '../../src/domain/problem.js';

/** The largest unassigned_penalty_s whose deciseconds stay within MAX_COST. */
export const MAX_PENALTY_S = Math.floor(MAX_COST / 10);

export interface CourierSpec {
  at: [lat: number, lng: number];
  speed?: number;
  free?: number;
}

export interface OrderSpec {
  pickup: [lat: number, lng: number];
  /** Defaults to the pickup. */
  dropoff?: [lat: number, lng: number];
  ready?: number;
}

export function positionsProblem(couriers: CourierSpec[], orders: OrderSpec[], params: Partial<DispatchParams> = {}): PositionsProblem {
  return {
    kind: 'positions',
    params: { ...DEFAULT_PARAMS, ...params },
    courierCount: couriers.length,
    orderCount: orders.length,
    courierLat: Float64Array.from(couriers, (c) => c.at[0]),
    courierLng: Float64Array.from(couriers, (c) => c.at[1]),
    courierSpeedMps: Float64Array.from(couriers, (c) => c.speed ?? 5),
    courierFreeInS: Float64Array.from(couriers, (c) => c.free ?? 0),
    orderPickupLat: Float64Array.from(orders, (o) => o.pickup[0]),
    orderPickupLng: Float64Array.from(orders, (o) => o.pickup[1]),
    orderDropoffLat: Float64Array.from(orders, (o) => (o.dropoff ?? o.pickup)[0]),
    orderDropoffLng: Float64Array.from(orders, (o) => (o.dropoff ?? o.pickup)[1]),
    orderReadyInS: Float64Array.from(orders, (o) => o.ready ?? 0),
  };
}

/** Edges as the spec lists them: [order, courier, cost]. */
export function edgesProblem(
  orderCount: number,
  courierCount: number,
  edges: Array<[order: number, courier: number, cost: number]>,
  params: Partial<DispatchParams> = {},
): EdgesProblem {
  return {
    kind: 'edges',
    params: { ...DEFAULT_PARAMS, ...params },
    orderCount,
    courierCount,
    edgeOrder: Int32Array.from(edges, (e) => e[0]),
    edgeCourier: Int32Array.from(edges, (e) => e[1]),
    edgeCost: Int32Array.from(edges, (e) => e[2]),
  };
}
