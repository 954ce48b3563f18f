/**
 * The simulated fleet, one model for every simulation: `dispatchd simulate` (MDRP instances and
 * generated cities) and `dispatchd serve --demo`. Couriers of an MDRP-style instance (a plane in
 * metres, times in minutes from the start of the day) come on and off duty, answer offers —
 * accept, decline, or ignore them (the offer then lapses at its TTL) — and carry out an accepted
 * pickup by the MDRP rules (planPickup): travel along the plane at the instance's speed, service
 * times at the restaurant and the customers, no pickup before the food is ready, and no diversion
 * once the pickup is accepted (an offer to a courier on a trip is declined).
 *
 * The fleet never talks to the engine. Its driver advances the clock, takes the events that are
 * due and reports them — the simulator to the embedded stores, the demo through the HTTP API —
 * and tells the fleet which offers the engine made and which acceptances it took.
 */
import { MinHeap } from '../solver/min-heap.js';
import { planPickup, type CourierPosition, type PickupPlan } from './mdrp-costs.js';
import type { MdrpCourier, MdrpInstance, MdrpOrder } from './mdrp/instance.js';
import { Rng } from './rng.js';

export interface FleetCourier extends CourierPosition {
  def: MdrpCourier;
  /** Where it becomes free: '0' (its start) or the last order it delivered. */
  at: string;
  onDuty: boolean;
  /** The accepted pickup it is carrying out, until it leaves the last customer. */
  trip: Trip | null;
}

export interface Trip {
  /** The engine's pickup id ('' when the caller has none). */
  pickup: string;
  orders: MdrpOrder[];
  startMin: number;
  /** Where the courier was when it accepted: a place id ('0' or an order) and its position. */
  origin: string;
  from: { x: number; y: number };
  plan: PickupPlan;
}

/** An offer of the engine as the fleet sees it: one pickup of one or more orders, in delivery sequence. */
export interface FleetOffer {
  pickup: string;
  courier: string;
  orders: string[];
}

export type FleetEvent =
  | { kind: 'place'; order: MdrpOrder }
  | { kind: 'on' | 'off'; courier: FleetCourier }
  /** The courier's answer to an offer; an accept still needs the engine's confirmation (startTrip). */
  | { kind: 'answer'; courier: FleetCourier; offer: FleetOffer; accept: boolean }
  | { kind: 'picked_up'; courier: FleetCourier; trip: Trip }
  /** `last`: the courier leaves this customer free again (its trip is over). */
  | { kind: 'delivered'; courier: FleetCourier; trip: Trip; order: MdrpOrder; last: boolean };

export interface FleetBehaviour {
  /** Shares of offers declined and ignored; the rest are accepted. */
  declineRate: number;
  ignoreRate: number;
  /** Minutes a courier takes to answer, drawn uniformly from [min, max]. */
  answerMin: readonly [number, number];
  seed: number;
}

/** The MDRP fleet: every offer accepted at once. */
export const ALWAYS_ACCEPT: Readonly<FleetBehaviour> = Object.freeze({ declineRate: 0, ignoreRate: 0, answerMin: [0, 0] as const, seed: 1 });

interface Scheduled {
  atMin: number;
  seq: number;
  event: FleetEvent;
}

export class Fleet {
  readonly couriers = new Map<string, FleetCourier>();
  readonly orders: Map<string, MdrpOrder>;
  private readonly agenda = new MinHeap<Scheduled>((a, b) => a.atMin < b.atMin || (a.atMin === b.atMin && a.seq < b.seq));
  private seq = 0;
  private readonly rng: Rng;
  /** The latest moment anything is scheduled for. */
  lastMin = 0;

  constructor(
    readonly instance: MdrpInstance,
    private readonly behaviour: FleetBehaviour = ALWAYS_ACCEPT,
  ) {
    this.rng = new Rng(behaviour.seed);
    this.orders = new Map(instance.orders.map((o) => [o.id, o]));
    for (const o of instance.orders) this.schedule(o.placementMin, { kind: 'place', order: o });
    for (const def of instance.couriers) {
      const courier: FleetCourier = { def, x: def.x, y: def.y, freeMin: def.onMin, offMin: def.offMin, at: '0', onDuty: false, trip: null };
      this.couriers.set(def.id, courier);
      this.schedule(def.onMin, { kind: 'on', courier });
      this.schedule(def.offMin, { kind: 'off', courier });
    }
  }

  /** Whether anything is still scheduled. */
  get busy(): boolean {
    return this.agenda.size > 0;
  }

  /**
   * The events due by `nowMin`, in time order, each applied to the fleet as it is taken: the
   * driver reports one before the next takes effect, as the events happened.
   */
  *due(nowMin: number): Generator<FleetEvent> {
    for (let next = this.agenda.peek(); next && next.atMin <= nowMin; next = this.agenda.peek()) {
      this.agenda.pop();
      const event = next.event;
      if (event.kind === 'on') event.courier.onDuty = true;
      else if (event.kind === 'off') event.courier.onDuty = false;
      else if (event.kind === 'delivered' && event.last) event.courier.trip = null;
      // One that went off duty (or took other work) while deciding declines after all.
      if (event.kind === 'answer' && event.accept && !this.canTake(event.courier)) yield { ...event, accept: false };
      else yield event;
    }
  }

  /**
   * The engine offered a pickup: the courier will answer it (an 'answer' event, at once or after
   * its answer time) or ignore it. A courier that cannot take it declines at once, and so does one
   * that could not pick it up before its off time: the restaurant tells it when the food will
   * really be ready, which may be later than the engine was told.
   */
  offer(offer: FleetOffer, nowMin: number): void {
    const courier = this.couriers.get(offer.courier);
    if (!courier) throw new Error(`fleet: offer to unknown courier ${offer.courier}`);
    const orders = offer.orders.map((id) => this.orders.get(id)!);
    if (!this.canTake(courier) || planPickup(this.instance, courier, Math.max(nowMin, courier.freeMin), orders).pickupMin > courier.offMin) {
      this.schedule(nowMin, { kind: 'answer', courier, offer, accept: false });
      return;
    }
    const { declineRate, ignoreRate, answerMin } = this.behaviour;
    const r = declineRate + ignoreRate > 0 ? this.rng.next() : 1;
    if (r < ignoreRate) return;
    const delay = answerMin[1] > answerMin[0] ? this.rng.uniform(answerMin[0], answerMin[1]) : answerMin[0];
    this.schedule(nowMin + delay, { kind: 'answer', courier, offer, accept: r >= ignoreRate + declineRate });
  }

  /** The engine took the courier's acceptance: it sets off now, and its pickup and dropoffs are scheduled. */
  startTrip(courierId: string, pickup: string, orderIds: readonly string[], nowMin: number): Trip {
    const courier = this.couriers.get(courierId)!;
    if (courier.trip) throw new Error(`fleet: courier ${courierId} diverted from pickup ${courier.trip.pickup}`);
    const orders = orderIds.map((id) => this.orders.get(id)!);
    const startMin = Math.max(nowMin, courier.freeMin);
    const plan = planPickup(this.instance, courier, startMin, orders);
    const trip: Trip = { pickup, orders, startMin, origin: courier.at, from: { x: courier.x, y: courier.y }, plan };
    orders.forEach((order, i) => {
      const last = i === orders.length - 1;
      // Earlier orders are done at their dropoff; the courier is free when it leaves the last customer.
      this.schedule(last ? plan.freeMin : plan.dropoffMin[i], { kind: 'delivered', courier, trip, order, last });
    });
    this.schedule(plan.pickupMin, { kind: 'picked_up', courier, trip });
    const lastOrder = orders[orders.length - 1];
    Object.assign(courier, { x: lastOrder.x, y: lastOrder.y, at: lastOrder.id, freeMin: plan.freeMin, trip });
    return trip;
  }

  /** Where the courier is at `nowMin`: on its way along its trip, or where it became free. */
  positionAt(courier: FleetCourier, nowMin: number): { x: number; y: number } {
    const trip = courier.trip;
    if (!trip || nowMin >= trip.plan.freeMin) return { x: courier.x, y: courier.y };
    const p = this.instance.parameters;
    const restaurant = this.instance.restaurants.get(trip.orders[0].restaurant)!;
    // Waypoints (minute, place): travel between them is a straight line at constant speed.
    const waypoints: [number, { x: number; y: number }][] = [
      [trip.startMin, trip.from],
      [trip.plan.arrivalMin, restaurant],
      [trip.plan.departureMin, restaurant],
    ];
    trip.orders.forEach((o, i) => waypoints.push([trip.plan.leaveMin[i] - p.dropoffServiceMin, o], [trip.plan.leaveMin[i], o]));
    for (let i = 1; i < waypoints.length; i++) {
      const [t1, b] = waypoints[i];
      if (nowMin >= t1) continue;
      const [t0, a] = waypoints[i - 1];
      const f = t1 > t0 ? Math.max(0, (nowMin - t0) / (t1 - t0)) : 1;
      return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
    }
    return { x: courier.x, y: courier.y };
  }

  private canTake(courier: FleetCourier): boolean {
    return courier.onDuty && courier.trip === null;
  }

  private schedule(atMin: number, event: FleetEvent): void {
    this.agenda.push({ atMin, seq: this.seq++, event });
    this.lastMin = Math.max(this.lastMin, atMin);
  }
}
