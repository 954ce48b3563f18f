import type { DispatchParams } from '../domain/problem.js';
import type { CitySnapshot, CourierState, CourierStatus, OrderState, OrderStatus } from './city-state-store.js';

export interface SnapshotContext {
  city: string;
  params: DispatchParams;
  /** Read time on the store's clock, epoch ms: free-in and ready-in are relative to it. */
  now: number;
  version: number;
  /** Couriers and orders with an outstanding offer at `now`. */
  offeredCouriers: ReadonlySet<string>;
  offeredOrders: ReadonlySet<string>;
  /** Upper bounds on the counts, to size the columns. */
  maxCouriers: number;
  maxOrders: number;
}

/**
 * Collects a city's dispatchable couriers (free, no outstanding offer) and orders (pending, no
 * outstanding offer) straight into the solver's columns. Stores ask `wants…` with the id and
 * status first, so they decode the numbers of only the records that are kept.
 */
export class SnapshotBuilder {
  // Sized up front and cut to length in build: no regrowth on a city's thousands of ids.
  private readonly courierIds: string[];
  private readonly orderIds: string[];
  private couriers = 0;
  private orders = 0;
  private readonly courierLat: Float64Array;
  private readonly courierLng: Float64Array;
  private readonly courierSpeedMps: Float64Array;
  private readonly courierFreeInS: Float64Array;
  private readonly orderPickupLat: Float64Array;
  private readonly orderPickupLng: Float64Array;
  private readonly orderDropoffLat: Float64Array;
  private readonly orderDropoffLng: Float64Array;
  private readonly orderReadyInS: Float64Array;

  constructor(private readonly context: SnapshotContext) {
    this.courierIds = new Array<string>(context.maxCouriers);
    this.orderIds = new Array<string>(context.maxOrders);
    this.courierLat = new Float64Array(context.maxCouriers);
    this.courierLng = new Float64Array(context.maxCouriers);
    this.courierSpeedMps = new Float64Array(context.maxCouriers);
    this.courierFreeInS = new Float64Array(context.maxCouriers);
    this.orderPickupLat = new Float64Array(context.maxOrders);
    this.orderPickupLng = new Float64Array(context.maxOrders);
    this.orderDropoffLat = new Float64Array(context.maxOrders);
    this.orderDropoffLng = new Float64Array(context.maxOrders);
    this.orderReadyInS = new Float64Array(context.maxOrders);
  }

  wantsCourier(id: string, status: CourierStatus): boolean {
    return status === 'free' && !this.context.offeredCouriers.has(id);
  }

  wantsOrder(id: string, status: OrderStatus): boolean {
    return status === 'pending' && !this.context.offeredOrders.has(id);
  }

  /** Adds a courier that `wantsCourier` accepted. */
  addCourier(id: string, lat: number, lng: number, speedMps: number, freeAt: number): void {
    const i = this.couriers++;
    this.courierIds[i] = id;
    this.courierLat[i] = lat;
    this.courierLng[i] = lng;
    this.courierSpeedMps[i] = speedMps;
    this.courierFreeInS[i] = Math.max(0, (freeAt - this.context.now) / 1000);
  }

  /** Adds the couriers `wantsCourier` accepts. */
  addCouriers(couriers: Iterable<CourierState>): void {
    for (const c of couriers) if (this.wantsCourier(c.id, c.status)) this.addCourier(c.id, c.lat, c.lng, c.speedMps, c.freeAt);
  }

  /** Adds the orders `wantsOrder` accepts. */
  addOrders(orders: Iterable<OrderState>): void {
    for (const o of orders) if (this.wantsOrder(o.id, o.status)) this.addOrder(o.id, o.pickupLat, o.pickupLng, o.dropoffLat, o.dropoffLng, o.readyAt);
  }

  /** Adds an order that `wantsOrder` accepted. */
  addOrder(id: string, pickupLat: number, pickupLng: number, dropoffLat: number, dropoffLng: number, readyAt: number): void {
    const i = this.orders++;
    this.orderIds[i] = id;
    this.orderPickupLat[i] = pickupLat;
    this.orderPickupLng[i] = pickupLng;
    this.orderDropoffLat[i] = dropoffLat;
    this.orderDropoffLng[i] = dropoffLng;
    this.orderReadyInS[i] = (readyAt - this.context.now) / 1000;
  }

  build(): CitySnapshot {
    const { couriers, orders } = this;
    this.courierIds.length = couriers;
    this.orderIds.length = orders;
    return {
      city: this.context.city,
      courierIds: this.courierIds,
      orderIds: this.orderIds,
      version: this.context.version,
      takenAt: this.context.now,
      problem: {
        kind: 'positions',
        params: { ...this.context.params },
        courierCount: couriers,
        orderCount: orders,
        courierLat: this.courierLat.slice(0, couriers),
        courierLng: this.courierLng.slice(0, couriers),
        courierSpeedMps: this.courierSpeedMps.slice(0, couriers),
        courierFreeInS: this.courierFreeInS.slice(0, couriers),
        orderPickupLat: this.orderPickupLat.slice(0, orders),
        orderPickupLng: this.orderPickupLng.slice(0, orders),
        orderDropoffLat: this.orderDropoffLat.slice(0, orders),
        orderDropoffLng: this.orderDropoffLng.slice(0, orders),
        orderReadyInS: this.orderReadyInS.slice(0, orders),
      },
    };
  }
}
