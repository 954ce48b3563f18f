/**
 * The demo city (`dispatchd serve --demo`): a generated city (src/sim/city-scenario.ts, lat/lng
 * around Barcelona) as a looping simulated day, its fleet run by the simulator's fleet model
 * (src/sim/fleet.ts) and dispatched by the host's own loop — leases, fenced commits, the real
 * stores. The fleet speaks to the host only through its HTTP API (host-api.ts): orders placed,
 * positions and shifts reported, offers read from the durable decisions and answered (accepted,
 * declined or ignored until they lapse), pickups picked up and orders delivered.
 *
 * Time is the host's state-store clock (a SimClock, `scale` times faster than the wall clock,
 * with the embedded stores): the city's parameters, ready times, offer TTLs and the map's KPIs
 * are all simulated time; only the loop's tick and the demo's step are wall-clock intervals.
 * When a day is over (all couriers off duty, nothing scheduled) what is left undelivered is
 * cancelled and the next day starts, with a new seed and new order ids.
 */
import type { FastifyInstance } from 'fastify';
import { cityScenario, CITY_PLANE, type CitySize } from '../sim/city-scenario.js';
import { Fleet, type FleetBehaviour, type FleetEvent } from '../sim/fleet.js';
import type { MdrpInstance, MdrpOrder } from '../sim/mdrp/instance.js';
import type { SimClock } from '../sim/sim-clock.js';
import { HostApi, type CourierReport } from './host-api.js';

export interface DemoOptions {
  clock: SimClock;
  city?: string;
  size?: CitySize;
  seed?: number;
  /** Wall-clock milliseconds between the fleet's steps. */
  stepMs?: number;
  /** Most orders of one restaurant per pickup (the city's bundling knob). */
  maxBundleSize?: number;
  behaviour?: Partial<FleetBehaviour>;
  /** The host's bearer token, when it requires one. */
  token?: string;
  onError?: (error: unknown) => void;
}

export interface DemoStats {
  days: number;
  ordersPlaced: number;
  offersSeen: number;
  accepted: number;
  /** Accepted pickups of several orders. */
  multiOrderPickups: number;
  declined: number;
  /** Acceptances the host refused: the offer had lapsed (or was withdrawn) meanwhile. */
  refused: number;
  pickedUp: number;
  delivered: number;
  cancelled: number;
  /** An order the host let a courier accept while another courier held it (must stay 0). */
  givenTwice: number;
  lastVersion: number;
}

/** Simulated time the demo runs its city with; the wall clock's intervals follow from the scale. */
const DEMO_CITY = {
  tickS: 20,
  maxPickupS: 900,
  bundleWindowS: 600,
} as const;

/** The first day starts this far in, when orders come briskly (orders before it never happen): the map is busy at once. */
const FIRST_DAY_FROM_MIN = 60;

/** Couriers answer within seconds, most accept; a few ignore the offer and let it lapse. */
const DEMO_BEHAVIOUR: FleetBehaviour = { declineRate: 0.08, ignoreRate: 0.04, answerMin: [5 / 60, 25 / 60], seed: 7 };

const MS_PER_MIN = 60_000;

export class DemoCity {
  readonly city: string;
  readonly stats: DemoStats = {
    days: 0,
    ordersPlaced: 0,
    offersSeen: 0,
    accepted: 0,
    multiOrderPickups: 0,
    declined: 0,
    refused: 0,
    pickedUp: 0,
    delivered: 0,
    cancelled: 0,
    givenTwice: 0,
    lastVersion: 0,
  };
  private readonly api: HostApi;
  private readonly clock: SimClock;
  private fleet!: Fleet;
  private dayStartMs = 0;
  /** Placed and not delivered: cancelled when the day ends. */
  private readonly open = new Set<string>();
  /** Orders accepted by a courier and not yet delivered, with that courier. */
  private readonly heldBy = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private stepping: Promise<void> | undefined;

  constructor(
    app: FastifyInstance,
    private readonly options: DemoOptions,
  ) {
    this.city = options.city ?? 'demo';
    this.clock = options.clock;
    this.api = new HostApi(app, this.city, options.token);
  }

  /** Creates the city, starts the first day, then steps until stop(). */
  async start(): Promise<void> {
    const day = this.scenario(1);
    const p = day.parameters;
    await this.api.putCity({
      enabled: true,
      tick_ms: Math.max(50, Math.round(this.clock.wallMs(DEMO_CITY.tickS * 1000))),
      // The fleet moves in straight lines on the plane: no detour on top of its speed.
      params: { max_pickup_s: DEMO_CITY.maxPickupS, detour_factor: 1, handover_s: p.dropoffServiceMin * 60 },
      bundling: { max_bundle_size: this.options.maxBundleSize ?? 3, bundle_window_s: DEMO_CITY.bundleWindowS },
    });
    this.startDay(day, FIRST_DAY_FROM_MIN);
    await this.step();
    this.timer = setInterval(() => {
      if (this.stepping) return; // a slow step skips the next, like the dispatch loop
      this.stepping = this.step()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.stepping = undefined;
        });
    }, this.options.stepMs ?? 250);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.stepping;
  }

  /** Minutes of simulated time since the day started. */
  private nowMin(): number {
    return (this.clock.now() - this.dayStartMs) / MS_PER_MIN;
  }

  private scenario(day: number): MdrpInstance {
    const instance = cityScenario(this.options.size ?? 'S', (this.options.seed ?? 7) + day - 1);
    // Order ids are new every day; the couriers are the same people.
    return { ...instance, orders: instance.orders.map((o) => ({ ...o, id: `d${day}.${o.id}` })) };
  }

  /** A new day, `fromMin` minutes in: its couriers are on duty by then, and only orders from then on are placed. */
  private startDay(instance: MdrpInstance, fromMin = 0): void {
    this.stats.days++;
    const day = { ...instance, orders: instance.orders.filter((o) => o.placementMin >= fromMin) };
    this.fleet = new Fleet(day, { ...DEMO_BEHAVIOUR, ...this.options.behaviour, seed: (this.options.seed ?? 7) + this.stats.days });
    this.dayStartMs = this.clock.now() - fromMin * MS_PER_MIN;
  }

  private async step(): Promise<void> {
    const nowMin = this.nowMin();
    const placed: MdrpOrder[] = [];
    for (const event of this.fleet.due(nowMin)) {
      if (event.kind === 'place') placed.push(event.order);
      else await this.report(event, nowMin);
    }
    await this.api.placeOrders(placed.map((o) => this.placedOrder(o)));
    for (const o of placed) this.open.add(o.id);
    this.stats.ordersPlaced += placed.length;

    for (const decision of await this.api.decisionsAfter(this.stats.lastVersion)) {
      this.stats.lastVersion = decision.version;
      for (const p of decision.pickups) {
        this.stats.offersSeen++;
        this.fleet.offer({ pickup: p.pickupId, courier: p.courier, orders: p.orders }, nowMin);
      }
    }
    await this.api.reportCouriers(this.courierReports(nowMin));

    if (!this.fleet.busy && nowMin >= this.fleet.lastMin) {
      for (const id of this.open) if (await this.api.cancel(id)) this.stats.cancelled++;
      this.open.clear();
      this.heldBy.clear();
      this.startDay(this.scenario(this.stats.days + 1));
    }
  }

  /** One thing the fleet did, told to the host. */
  private async report(event: Exclude<FleetEvent, { kind: 'place' }>, nowMin: number): Promise<void> {
    switch (event.kind) {
      case 'on':
      case 'off':
        return; // shifts go with the positions at the end of the step
      case 'answer': {
        const { pickup, courier, orders } = event.offer;
        if (!event.accept) {
          if (await this.api.answer(pickup, courier, false)) this.stats.declined++;
          return;
        }
        if (!(await this.api.answer(pickup, courier, true))) {
          this.stats.refused++;
          return;
        }
        for (const id of orders) {
          if (this.heldBy.has(id)) this.stats.givenTwice++;
          this.heldBy.set(id, courier);
        }
        this.fleet.startTrip(courier, pickup, orders, nowMin);
        this.stats.accepted++;
        if (orders.length > 1) this.stats.multiOrderPickups++;
        return;
      }
      case 'picked_up':
        if (await this.api.pickedUp(event.trip.pickup)) this.stats.pickedUp++;
        return;
      case 'delivered':
        if (await this.api.delivered(event.order.id)) this.stats.delivered++;
        this.open.delete(event.order.id);
        this.heldBy.delete(event.order.id);
        return;
    }
  }

  private placedOrder(o: MdrpOrder) {
    const restaurant = this.fleet.instance.restaurants.get(o.restaurant)!;
    return { id: o.id, pickup: latLng(restaurant), dropoff: latLng(o), readyAt: Math.round(this.dayStartMs + o.readyMin * MS_PER_MIN) };
  }

  /** Every courier that has started a shift: where it is, and whether it is still working (on duty or finishing a trip). */
  private courierReports(nowMin: number): CourierReport[] {
    const speedMps = this.fleet.instance.parameters.metersPerMinute / 60;
    const reports: CourierReport[] = [];
    for (const c of this.fleet.couriers.values()) {
      if (nowMin < c.def.onMin && !c.onDuty) continue;
      reports.push({ id: c.def.id, ...latLng(this.fleet.positionAt(c, nowMin)), speedMps, onShift: c.onDuty || c.trip !== null });
    }
    return reports;
  }
}

function latLng(p: { x: number; y: number }): { lat: number; lng: number } {
  const { lat, lng } = CITY_PLANE.toLatLng(p.x, p.y);
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}
