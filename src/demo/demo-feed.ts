/**
 * The demo city feed (`dispatchd serve --demo`): a simulated city driven entirely through the
 * host's own HTTP handlers (fastify.inject), so a newcomer sees dispatch happen at once.
 *
 * Positions come from src/sim/city.ts's generator. Every step the feed reads the new decisions,
 * has each offered courier accept (most), decline (some) or ignore the offer (a few, which then
 * lapse at the offer TTL), moves couriers towards their pickups and dropoffs (time runs faster
 * than the wall clock), reports picked-up and delivered, uploads every courier's position, and
 * lets new orders arrive.
 */
import type { FastifyInstance } from 'fastify';
import { generateCity, type OrderJson } from '../sim/city.js';
import { Rng } from '../sim/rng.js';

export interface DemoOptions {
  city?: string;
  couriers?: number;
  /** Orders open (not delivered) at most at once; new ones stop arriving above it. */
  maxOpenOrders?: number;
  /** Mean new orders per step. */
  ordersPerStep?: number;
  stepMs?: number;
  /** Simulated seconds per wall-clock second for courier movement. */
  timeScale?: number;
  declineRate?: number;
  ignoreRate?: number;
  seed?: number;
  /** The host's bearer token, when it requires one. */
  token?: string;
  tickMs?: number;
  onError?: (error: unknown) => void;
}

interface SimCourier {
  id: string;
  lat: number;
  lng: number;
  speedMps: number;
  task: { order: string; phase: 'to_pickup' | 'to_dropoff'; lat: number; lng: number } | null;
}

interface SimOrder {
  pickup: { lat: number; lng: number };
  dropoff: { lat: number; lng: number };
}

export interface DemoStats {
  ordersCreated: number;
  offersSeen: number;
  accepted: number;
  declined: number;
  ignored: number;
  pickedUp: number;
  delivered: number;
  lastVersion: number;
}

const METRES_PER_DEGREE = (6371008.8 * Math.PI) / 180;

export class DemoFeed {
  readonly city: string;
  private readonly options: Required<Omit<DemoOptions, 'token' | 'onError'>> & Pick<DemoOptions, 'token' | 'onError'>;
  private readonly rng: Rng;
  private readonly couriers: SimCourier[] = [];
  private readonly orders = new Map<string, SimOrder>();
  private readonly orderPool: OrderJson[];
  private nextOrder = 0;
  private timer: NodeJS.Timeout | undefined;
  private stepping: Promise<void> | undefined;
  private lastStepAt = 0;
  readonly stats: DemoStats = { ordersCreated: 0, offersSeen: 0, accepted: 0, declined: 0, ignored: 0, pickedUp: 0, delivered: 0, lastVersion: 0 };

  constructor(
    private readonly app: FastifyInstance,
    options: DemoOptions = {},
  ) {
    this.options = {
      city: 'demo',
      couriers: 120,
      maxOpenOrders: 90,
      ordersPerStep: 1.5,
      stepMs: 500,
      timeScale: 15,
      declineRate: 0.08,
      ignoreRate: 0.04,
      seed: 7,
      tickMs: 1000,
      ...options,
    };
    this.city = this.options.city;
    this.rng = new Rng(this.options.seed);
    const generated = generateCity({
      preset: { couriers: this.options.couriers, orders: 2_000, radiusM: 4_000, hotspots: 12 },
      seed: this.options.seed,
      city: this.city,
    });
    for (const c of generated.json.couriers) {
      this.couriers.push({ id: c.id, lat: c.lat, lng: c.lng, speedMps: c.speed_mps, task: null });
    }
    this.orderPool = generated.json.orders;
  }

  /** Creates the city, uploads the fleet and a first batch of orders, then steps until stop(). */
  async start(): Promise<void> {
    await this.call('PUT', `/v1/cities/${this.city}`, { enabled: true, tick_ms: this.options.tickMs, params: { max_pickup_s: 900 } });
    await this.uploadCouriers();
    await this.createOrders(Math.round(this.options.maxOpenOrders / 3));
    this.lastStepAt = Date.now();
    this.timer = setInterval(() => {
      if (this.stepping) return; // a slow step skips the next, like the dispatch loop
      this.stepping = this.step()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          this.stepping = undefined;
        });
    }, this.options.stepMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.stepping;
  }

  private async step(): Promise<void> {
    const now = Date.now();
    const dt = ((now - this.lastStepAt) / 1000) * this.options.timeScale;
    this.lastStepAt = now;
    await this.answerOffers();
    await this.move(dt);
    await this.uploadCouriers();
    const open = this.orders.size;
    const arriving = this.poisson(this.options.ordersPerStep);
    await this.createOrders(Math.min(arriving, Math.max(0, this.options.maxOpenOrders - open)));
  }

  private async answerOffers(): Promise<void> {
    const reply = await this.call('GET', `/v1/cities/${this.city}/decisions?after=${this.stats.lastVersion}&limit=1000`);
    const decisions = (reply as { decisions: { version: number; assignments: { order: string; courier: string }[] }[] }).decisions;
    const byId = new Map(this.couriers.map((c) => [c.id, c]));
    for (const decision of decisions) {
      this.stats.lastVersion = Math.max(this.stats.lastVersion, decision.version);
      for (const { order, courier } of decision.assignments) {
        this.stats.offersSeen++;
        const sim = byId.get(courier);
        const simOrder = this.orders.get(order);
        if (!sim || !simOrder || sim.task) continue;
        const r = this.rng.next();
        if (r < this.options.ignoreRate) {
          this.stats.ignored++;
        } else if (r < this.options.ignoreRate + this.options.declineRate) {
          if (await this.event(`/v1/cities/${this.city}/offers/${order}/decline`, { courier })) this.stats.declined++;
        } else if (await this.event(`/v1/cities/${this.city}/offers/${order}/accept`, { courier })) {
          this.stats.accepted++;
          sim.task = { order, phase: 'to_pickup', ...simOrder.pickup };
        }
      }
    }
  }

  private async move(dt: number): Promise<void> {
    for (const c of this.couriers) {
      if (!c.task) {
        // Idle couriers drift a little, as couriers waiting for work do.
        c.lat = clamp(c.lat + this.rng.normal() * 0.00005, -90, 90);
        c.lng = clamp(c.lng + this.rng.normal() * 0.00005, -180, 180);
        continue;
      }
      if (!this.advance(c, c.speedMps * dt)) continue;
      const task = c.task;
      if (task.phase === 'to_pickup') {
        await this.event(`/v1/cities/${this.city}/orders/${task.order}/picked-up`);
        this.stats.pickedUp++;
        const order = this.orders.get(task.order)!;
        c.task = { order: task.order, phase: 'to_dropoff', ...order.dropoff };
      } else {
        await this.event(`/v1/cities/${this.city}/orders/${task.order}/delivered`);
        this.stats.delivered++;
        this.orders.delete(task.order);
        c.task = null;
      }
    }
  }

  /** Moves the courier up to `metres` towards its target; true when it got there. */
  private advance(c: SimCourier, metres: number): boolean {
    const target = c.task!;
    const dy = (target.lat - c.lat) * METRES_PER_DEGREE;
    const dx = (target.lng - c.lng) * METRES_PER_DEGREE * Math.cos((c.lat * Math.PI) / 180);
    const distance = Math.hypot(dx, dy);
    if (distance <= metres) {
      c.lat = target.lat;
      c.lng = target.lng;
      return true;
    }
    const f = metres / distance;
    c.lat += (target.lat - c.lat) * f;
    c.lng += (target.lng - c.lng) * f;
    return false;
  }

  private async uploadCouriers(): Promise<void> {
    await this.call('PUT', `/v1/cities/${this.city}/couriers`, {
      couriers: this.couriers.map((c) => ({ id: c.id, lat: round6(c.lat), lng: round6(c.lng), speed_mps: c.speedMps, status: 'on_shift' })),
    });
  }

  private async createOrders(count: number): Promise<void> {
    if (count <= 0) return;
    const now = Date.now();
    const orders = [];
    for (let i = 0; i < count; i++) {
      const template = this.orderPool[this.nextOrder++ % this.orderPool.length];
      const id = `d-${this.nextOrder}`;
      const order = {
        pickup: { lat: template.pickup_lat, lng: template.pickup_lng },
        dropoff: { lat: template.dropoff_lat, lng: template.dropoff_lng },
      };
      this.orders.set(id, order);
      orders.push({ id, ...order, ready_at: now + this.rng.int(0, 120) * 1000 });
    }
    await this.call('POST', `/v1/cities/${this.city}/orders`, { orders });
    this.stats.ordersCreated += count;
  }

  /** An order event; false when the host refused it (e.g. the offer had lapsed). */
  private async event(url: string, body?: object): Promise<boolean> {
    const response = await this.app.inject({ method: 'POST', url, headers: this.headers(), ...(body ? { payload: body } : {}) });
    return response.statusCode === 200;
  }

  private async call(method: 'GET' | 'PUT' | 'POST', url: string, body?: object): Promise<unknown> {
    const response = await this.app.inject({ method, url, headers: this.headers(), ...(body ? { payload: body } : {}) });
    if (response.statusCode >= 300) throw new Error(`demo: ${method} ${url} answered ${response.statusCode}: ${response.body}`);
    return response.json();
  }

  private headers(): Record<string, string> {
    return this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
  }

  private poisson(mean: number): number {
    let k = 0;
    let p = Math.exp(-mean);
    let s = p;
    const u = this.rng.next();
    while (u > s && k < 100) {
      k++;
      p *= mean / k;
      s += p;
    }
    return k;
  }
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
