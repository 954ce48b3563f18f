/**
 * A day of an MDRP instance on a simulated clock, dispatched by the engine itself: every epoch
 * the city's real dispatch cycle runs (dispatchCity: snapshot → pickups → solve → fenced commit)
 * on the embedded stores, whose clock is the simulated one; the simulated fleet (fleet.ts, the
 * same model `serve --demo` runs) then keeps the MDRP rules — couriers on and off duty, travel
 * ceil(euclidean / metres per minute), service times, no diversion once a pickup is accepted, no
 * pickup before the food is ready or after the courier's off time — and this driver reports what
 * it does through the same store events a real fleet sends (accept, picked up, delivered). Here
 * every offer is accepted at once. Time jumps from one minute to the next: nothing sleeps.
 *
 * The `greedy` policy is the baseline: first come first served, each order to the idle courier
 * that reaches its restaurant soonest, one order per trip, committed through the same fence.
 */
import { performance } from 'node:perf_hooks';
import { cityConfig, cityOverrides, type CityConfig } from '../coordination/city-config.js';
import { takeOverCity } from '../coordination/city-takeover.js';
import { DecisionOutbox } from '../coordination/decision-outbox.js';
import { commitFenced } from '../coordination/fenced-commit.js';
import { newHolder } from '../coordination/holder.js';
import { Lease } from '../coordination/lease.js';
import { MemoryLeaseStore } from '../coordination/memory-lease-store.js';
import { dispatchCity, type DispatchContext } from '../dispatch/dispatch-city.js';
import { InThreadSolver, type DispatchSolver } from '../dispatch/solver.js';
import { DEFAULT_PARAMS } from '../domain/problem.js';
import type { EtaModel } from '../features/eta-model.js';
import type { FeatureEvent, LoggedEvent } from '../features/events.js';
import { MemoryCityStateStore } from '../state/memory-city-state-store.js';
import { MemoryDecisionLog } from '../state/memory-decision-log.js';
import { pickupsOf, type Assignment, type Pickup } from '../state/decision.js';
import { Fleet, type FleetCourier, type FleetEvent, type Trip } from './fleet.js';
import { mdrpPickupCosts, planPickup } from './mdrp-costs.js';
import { travelMin, type MdrpInstance } from './mdrp/instance.js';
import type { MdrpAssignment, MdrpDeliveredOrder, MdrpMove, MdrpSolution } from './mdrp/solution.js';
import { MDRP_PLANE } from './planar.js';

export type SimPolicy = 'dispatchd' | 'greedy';
export const SIM_POLICIES: readonly SimPolicy[] = ['dispatchd', 'greedy'];

export interface SimulationOptions {
  policy: SimPolicy;
  /** Minutes between dispatch decisions. */
  epochMin: number;
  /** Most orders per pickup under the dispatchd policy; 1 = no bundling. */
  maxBundleSize: number;
  /** The ready times of one pickup lie within this many minutes. */
  bundleWindowMin: number;
  /** Weight of a courier's wait at the restaurant in the dispatchd policy's costs. */
  waitWeight: number;
  /** The dispatchd policy's penalty for leaving an order to a later decision (mdrp-costs.ts). */
  penaltyMin: number;
  ageWeight: number;
  ageCapMin: number;
  /**
   * Report the day to the feature engine as a fleet's systems would (order created with its
   * quote, ready, picked up, delivered; couriers' positions and status), and keep the event log.
   */
  feedFeatures: boolean;
  /** The city's ETA model: the engine turns the features into ready estimates at every tick. */
  etaModel: EtaModel | null;
  solver?: DispatchSolver;
}

export const DEFAULT_SIMULATION: Readonly<Omit<SimulationOptions, 'solver'>> = Object.freeze({
  policy: 'dispatchd',
  epochMin: 1,
  maxBundleSize: 3,
  bundleWindowMin: 10,
  waitWeight: 0.5,
  penaltyMin: 40,
  ageWeight: 0.5,
  ageCapMin: 60,
  feedFeatures: false,
  etaModel: null,
});

/** Sampled at every decision: what waits for the dispatcher, and who is available. */
export interface Timeline {
  minute: number[];
  /** Placed orders not yet offered to a courier. */
  ordersWaiting: number[];
  /** On-duty couriers with nothing to do. */
  couriersIdle: number[];
}

export interface SimulationResult {
  solution: MdrpSolution;
  /** The events fed to the feature engine, each with its store time (feedFeatures). */
  events: LoggedEvent[];
  /**
   * Per order the dispatchd policy committed, how far the ready time the engine priced it on was
   * from when it was really ready, seconds (greedy does not use ready times: empty).
   */
  readyErrorsS: number[];
  timeline: Timeline;
  /** Committed decisions. */
  decisions: number;
  wallMs: number;
}

/** The day starts at this epoch on the stores' clock (any fixed instant works). */
const DAY_START_MS = Date.UTC(2026, 0, 1);
const MS_PER_MIN = 60_000;
const DAY_MS = 24 * 60 * MS_PER_MIN;
const CITY = 'mdrp';
/** Real time: a simulated day takes seconds, the lease only has to outlast it. */
const LEASE_TTL_MS = 3_600_000;
/** The simulated fleet answers at once; an offer never needs to wait this long. */
const OFFER_TTL_MS = 60_000;

export async function simulateMdrp(instance: MdrpInstance, options: SimulationOptions): Promise<SimulationResult> {
  const started = performance.now();
  const p = instance.parameters;
  let nowMin = 0;
  const stores = {
    leases: new MemoryLeaseStore(),
    state: new MemoryCityStateStore({ now: () => DAY_START_MS + nowMin * MS_PER_MIN }),
    decisions: new MemoryDecisionLog(),
  };
  const config: CityConfig = cityConfig(
    cityOverrides({
      id: CITY,
      // Every courier of the instance is reachable; the off time is what limits a pair.
      params: { ...DEFAULT_PARAMS, maxPickupS: 24 * 3600, waitWeight: options.waitWeight },
      bundling: { maxBundleSize: options.policy === 'greedy' ? 1 : options.maxBundleSize, bundleWindowS: options.bundleWindowMin * 60 },
      etaModel: options.etaModel,
    }),
  );
  await stores.leases.putCity(config);
  const holder = newHolder('simulator');
  const token = await stores.leases.acquire(CITY, holder, LEASE_TTL_MS);
  if (token === null) throw new Error('simulator: could not lease its own city');
  const lease = new Lease(CITY, token, LEASE_TTL_MS, performance.now());
  await takeOverCity(stores, CITY, token);
  const solver = options.solver ?? new InThreadSolver();
  const context: DispatchContext = {
    stores,
    solver,
    holder,
    offerTtlMs: OFFER_TTL_MS,
    outbox: new DecisionOutbox({ log: stores.decisions, intervalMs: 1_000 }),
  };

  const fleet = new Fleet(instance);
  const lastOffMin = Math.max(0, ...instance.couriers.map((c) => c.offMin));

  const solution: MdrpSolution = { assignments: [], orders: [], moves: [] };
  const timeline: Timeline = { minute: [], ordersWaiting: [], couriersIdle: [] };
  let pending = 0;
  let decisions = 0;
  const speedMps = p.metersPerMinute / 60;
  const events: LoggedEvent[] = [];
  let eventSeq = 0;
  const feed = async (batch: FeatureEvent[]) => {
    if (!options.feedFeatures || batch.length === 0) return;
    const { at } = await stores.state.ingestFeatureEvents(CITY, batch);
    for (const e of batch) events.push({ ...e, at });
  };
  const nextId = () => `e${++eventSeq}`;
  /** Orders by the minute their food is really ready: the kitchen's ready events. */
  const readyAtMin = new Map<number, string[]>();
  for (const o of instance.orders) readyAtMin.set(o.readyMin, [...(readyAtMin.get(o.readyMin) ?? []), o.id]);
  /** The ready minute the engine held for each order at the last decision that saw it. */
  const heldReadyMin = new Map<string, number>();
  const readyErrorsS: number[] = [];
  const courierUpdate = async (c: FleetCourier, status: 'free' | 'offline') => {
    const { lat, lng } = MDRP_PLANE.toLatLng(c.x, c.y);
    await stores.state.updateCouriers(CITY, [{ id: c.def.id, lat, lng, speedMps, status }]);
    await feed([
      { id: nextId(), type: 'courier_status', courier: c.def.id, status },
      ...(status === 'free' ? [{ id: nextId(), type: 'courier_position' as const, courier: c.def.id, lat, lng }] : []),
    ]);
  };

  /** What the fleet did, reported to the stores as a fleet's app would; accepted pickups recorded in the solution. */
  const report = async (event: FleetEvent) => {
    switch (event.kind) {
      case 'place': {
        const o = event.order;
        const restaurant = instance.restaurants.get(o.restaurant)!;
        const pickup = MDRP_PLANE.toLatLng(restaurant.x, restaurant.y);
        const dropoff = MDRP_PLANE.toLatLng(o.x, o.y);
        const created = await stores.state.createOrders(CITY, [
          {
            id: o.id,
            pickupLat: pickup.lat,
            pickupLng: pickup.lng,
            dropoffLat: dropoff.lat,
            dropoffLng: dropoff.lng,
            readyAt: DAY_START_MS + (o.quotedReadyMin ?? o.readyMin) * MS_PER_MIN,
          },
        ]);
        if (!created.ok) throw new Error(`simulator: order ${o.id} placed twice`);
        pending++;
        const quotedPrepS = ((o.quotedReadyMin ?? o.readyMin) - o.placementMin) * 60;
        await feed([{ id: nextId(), type: 'order_created', order: o.id, restaurant: o.restaurant, zone: zoneOf(restaurant), quotedPrepS }]);
        return;
      }
      case 'on':
        return courierUpdate(event.courier, 'free');
      case 'off':
        // One carrying a pickup finishes it first (MDRP lets it deliver after its off time).
        if (!event.courier.trip) await courierUpdate(event.courier, 'offline');
        return;
      case 'answer': {
        const { courier, pickup, orders: ids } = event.offer;
        if (!event.accept) {
          // Only when the food is later than the engine was told: the pair stays out for the day.
          await expectOk(stores.state.applyOrderEvent(CITY, ids[0], { kind: 'decline', courier, cooldownMs: DAY_MS }), ids[0]);
          return;
        }
        await expectOk(stores.state.applyOrderEvent(CITY, ids[0], { kind: 'accept', courier }), ids[0]);
        record(fleet.startTrip(courier, pickup, ids, nowMin), courier);
        pending -= ids.length;
        if (options.policy === 'dispatchd') {
          for (const id of ids) readyErrorsS.push(Math.abs(heldReadyMin.get(id)! - fleet.orders.get(id)!.readyMin) * 60);
        }
        return;
      }
      case 'picked_up':
        await expectOk(stores.state.applyOrderEvent(CITY, event.trip.orders[0].id, { kind: 'picked_up' }), event.trip.orders[0].id);
        await feed(event.trip.orders.map((o) => ({ id: nextId(), type: 'order_picked_up', order: o.id })));
        return;
      case 'delivered': {
        await expectOk(stores.state.applyOrderEvent(CITY, event.order.id, { kind: 'delivered' }), event.order.id);
        const { lat, lng } = MDRP_PLANE.toLatLng(event.order.x, event.order.y);
        await feed([
          { id: nextId(), type: 'order_delivered', order: event.order.id },
          { id: nextId(), type: 'courier_position', courier: event.courier.def.id, lat, lng },
        ]);
        if (event.last && !event.courier.onDuty) await courierUpdate(event.courier, 'offline');
        return;
      }
    }
  };

  /** An accepted pickup in the MDRP solution format: the assignment, the moves, each order's times. */
  const record = (trip: Trip, courierId: string) => {
    const { plan, orders: bundle } = trip;
    const restaurant = bundle[0].restaurant;
    solution.assignments.push({
      assignmentMin: nowMin,
      pickupMin: plan.pickupMin,
      courier: courierId,
      orders: bundle.map((o) => o.id),
    } satisfies MdrpAssignment);
    solution.moves.push({ courier: courierId, departureMin: nowMin, origin: trip.origin, destination: restaurant } satisfies MdrpMove);
    let origin = restaurant;
    let departure = plan.departureMin;
    bundle.forEach((o, i) => {
      solution.moves.push({ courier: courierId, departureMin: departure, origin, destination: o.id });
      solution.orders.push({
        order: o.id,
        placementMin: o.placementMin,
        readyMin: o.readyMin,
        pickupMin: plan.pickupMin,
        dropoffMin: plan.dropoffMin[i],
        courier: courierId,
      } satisfies MdrpDeliveredOrder);
      origin = o.id;
      departure = plan.leaveMin[i];
    });
  };

  for (nowMin = 0; nowMin <= fleet.lastMin; nowMin++) {
    for (const event of fleet.due(nowMin)) await report(event);
    // Kitchens report their orders ready (an order placed this minute is created first, above).
    await feed((readyAtMin.get(nowMin) ?? []).map((order) => ({ id: nextId(), type: 'order_ready', order })));
    if (nowMin % options.epochMin !== 0 || nowMin > lastOffMin) continue;
    if (pending === 0) continue;
    const pickups = options.policy === 'greedy' ? await greedyDecision() : await dispatchdDecision();
    if (pickups.length > 0) {
      decisions++;
      // The fleet answers at once (ALWAYS_ACCEPT): the answers are due now.
      for (const { courier, orders: ids } of pickups) fleet.offer({ pickup: '', courier, orders: ids }, nowMin);
      for (const event of fleet.due(nowMin)) await report(event);
    }
  }

  async function dispatchdDecision(): Promise<Pickup[]> {
    const costs = mdrpPickupCosts(instance, nowMin, (id) => fleet.couriers.get(id)!, options);
    const outcome = await dispatchCity(
      {
        ...context,
        costs: {
          ...costs,
          edges(snapshot, pickups) {
            snapshot.orderIds.forEach((id, i) => heldReadyMin.set(id, nowMin + snapshot.problem.orderReadyInS[i] / 60));
            return costs.edges(snapshot, pickups);
          },
        },
      },
      lease,
      config,
    );
    sample(outcome.orders, outcome.couriers);
    if (!outcome.committed) {
      if (outcome.reason !== 'nothing_to_assign') throw new Error(`simulator: the engine did not commit (${outcome.reason})`);
      return [];
    }
    return pickupsOf(outcome.assignments.map(({ order, courier }) => ({ order, courier })));
  }

  async function greedyDecision(): Promise<Pickup[]> {
    const snapshot = await stores.state.readSnapshot(CITY, config.params);
    sample(snapshot.orderIds.length, snapshot.courierIds.length);
    const idle = snapshot.courierIds.map((id) => fleet.couriers.get(id)!);
    const waiting = snapshot.orderIds.map((id) => fleet.orders.get(id)!).sort((a, b) => a.placementMin - b.placementMin || a.id.localeCompare(b.id));
    const assignments: Assignment[] = [];
    for (const o of waiting) {
      const r = instance.restaurants.get(o.restaurant)!;
      let best: FleetCourier | undefined;
      let bestArrival = Number.POSITIVE_INFINITY;
      for (const c of idle) {
        const arrival = Math.max(nowMin, c.freeMin) + travelMin(p, c.x, c.y, r.x, r.y);
        if (arrival < bestArrival && planPickup(instance, c, Math.max(nowMin, c.freeMin), [o]).pickupMin <= c.offMin) {
          best = c;
          bestArrival = arrival;
        }
      }
      if (!best) continue;
      assignments.push({ order: o.id, courier: best.def.id });
      idle.splice(idle.indexOf(best), 1);
    }
    if (assignments.length === 0) return [];
    await stores.state.purgeLapsedOffers(CITY); // as the engine's cycle does beside its solve
    const result = await commitFenced(stores, lease, holder, assignments, { offerTtlMs: OFFER_TTL_MS });
    if (!result.ok) throw new Error(`simulator: the greedy commit was refused (${result.reason})`);
    return pickupsOf(assignments);
  }

  function sample(ordersWaiting: number, couriersIdle: number) {
    timeline.minute.push(nowMin);
    timeline.ordersWaiting.push(ordersWaiting);
    timeline.couriersIdle.push(couriersIdle);
  }

  await solver.close();
  // The solution format keeps each courier's moves in one block, in execution order.
  const firstMove = new Map<string, number>();
  solution.moves.forEach((m, i) => firstMove.has(m.courier) || firstMove.set(m.courier, i));
  solution.moves = solution.moves
    .map((m, i) => ({ m, i }))
    .sort((a, b) => firstMove.get(a.m.courier)! - firstMove.get(b.m.courier)! || a.i - b.i)
    .map(({ m }) => m);
  return { solution, events, readyErrorsS, timeline, decisions, wallMs: performance.now() - started };
}

/** MDRP instances have no zones: a restaurant's zone is its cell of a ZONE_M grid. */
const ZONE_M = 2000;
function zoneOf(restaurant: { x: number; y: number }): string {
  return `${Math.floor(restaurant.x / ZONE_M)}_${Math.floor(restaurant.y / ZONE_M)}`;
}

async function expectOk(result: Promise<{ ok: boolean; reason?: string }>, order: string): Promise<void> {
  const r = await result;
  if (!r.ok) throw new Error(`simulator: event on order ${order} refused (${r.reason})`);
}
