/**
 * The cluster's load feeder: many small cities driven over HTTP through whichever hosts are up —
 * couriers moving, orders arriving, offers read from the decision log and accepted (most),
 * declined (some) or ignored (a few, which lapse), accepted orders picked up and delivered — plus
 * an occasional POST /dispatch on the city's holder. It keeps what the API acknowledged
 * (successful order events with their send times, committed dispatches) for the log checker.
 *
 * Every request goes through the API's typed client (src/http/client), one per host.
 *
 * One step runs at a time; `idle()` waits for the current one, so a caller can take a host out
 * of rotation (`setHosts`) and be sure no request is still on its way to it before killing it.
 */
import { dispatchClient, type DispatchClient } from '../../src/http/client/client.js';
import type { AcknowledgedDecision, AcknowledgedEvent } from './log-checker.js';

export interface FeederHost {
  id: string;
  url: string;
}

export interface FeederOptions {
  cities: readonly string[];
  couriersPerCity?: number;
  /** Orders created per city at set-up. */
  initialOrders?: number;
  /** New orders per city per step. */
  ordersPerStep?: number;
  /** Open orders per city above which no new ones arrive. */
  maxOpenOrders?: number;
  stepMs?: number;
  tickMs?: number;
  acceptRate?: number;
  declineRate?: number;
  /** How long an accepted order takes from accept to delivered. */
  deliverAfterMs?: number;
  /** Courier positions are uploaded every this many ms. */
  moveEveryMs?: number;
  /** A POST /dispatch to the holder of one city every this many ms (0: never). */
  dispatchEveryMs?: number;
  requestTimeoutMs?: number;
  seed?: number;
  token?: string;
}

export interface FeederStats {
  requests: number;
  failures: number;
  ordersCreated: number;
  offersSeen: number;
  accepted: number;
  declined: number;
  ignored: number;
  delivered: number;
  dispatchAcks: number;
  dispatchRefused: number;
}

interface Carry {
  order: string;
  courier: string;
  deliverAt: number;
  pickedUp: boolean;
  /** The send time of an earlier delivered request whose outcome is unknown. */
  uncertainSince?: number;
}

interface CitySim {
  city: string;
  lastVersion: number;
  nextOrder: number;
  openOrders: Set<string>;
  carrying: Map<string, Carry>;
  lastMoveAt: number;
}

const BCN = { lat: 41.39, lng: 2.17 };

class RequestFailed extends Error {}

/** What every call of the typed client resolves to. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export class Feeder {
  readonly events: AcknowledgedEvent[] = [];
  readonly acknowledged: AcknowledgedDecision[] = [];
  readonly stats: FeederStats = {
    requests: 0,
    failures: 0,
    ordersCreated: 0,
    offersSeen: 0,
    accepted: 0,
    declined: 0,
    ignored: 0,
    delivered: 0,
    dispatchAcks: 0,
    dispatchRefused: 0,
  };
  private readonly options: Required<Omit<FeederOptions, 'token'>> & Pick<FeederOptions, 'token'>;
  private hosts: FeederHost[];
  private readonly clients = new Map<string, DispatchClient>();
  private next = 0;
  private generation = 0;
  private sims = new Map<string, CitySim>();
  private timer: NodeJS.Timeout | undefined;
  private stepping: Promise<void> | undefined;
  private lastDispatchAt = 0;
  private seed: number;

  constructor(hosts: readonly FeederHost[], options: FeederOptions) {
    this.hosts = [...hosts];
    this.options = {
      couriersPerCity: 40,
      initialOrders: 20,
      ordersPerStep: 1,
      maxOpenOrders: 30,
      stepMs: 300,
      tickMs: 500,
      acceptRate: 0.8,
      declineRate: 0.1,
      deliverAfterMs: 1_500,
      moveEveryMs: 1_000,
      dispatchEveryMs: 500,
      requestTimeoutMs: 3_000,
      seed: 1,
      ...options,
    };
    this.seed = this.options.seed;
  }

  /** The hosts requests go to from the next step on. */
  setHosts(hosts: readonly FeederHost[]): void {
    this.hosts = [...hosts];
  }

  /** Creates (or re-enables) the cities and uploads their couriers and first orders. */
  async setUp(): Promise<void> {
    for (const city of this.options.cities) {
      await this.must((c) =>
        c.PUT('/v1/cities/{city}', { params: { path: { city } }, body: { enabled: true, tick_ms: this.options.tickMs, params: { max_pickup_s: 1_800 } } }),
      );
    }
    await this.seedState();
  }

  /**
   * After the state store lost its data: forget every courier and order and start over with new
   * ids, so nothing from before can be confused with what comes after.
   */
  async reseed(): Promise<void> {
    await this.idle();
    this.generation++;
    await this.seedState();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.stepping) return;
      this.stepping = this.step()
        .catch(() => undefined)
        .finally(() => (this.stepping = undefined));
    }, this.options.stepMs);
    this.timer.unref?.();
  }

  /** Waits for the step in flight, if any. */
  async idle(): Promise<void> {
    while (this.stepping) await this.stepping;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  private async seedState(): Promise<void> {
    const g = this.generation;
    this.sims = new Map();
    await Promise.all(
      this.options.cities.map(async (city) => {
        const sim: CitySim = { city, lastVersion: await this.lastVersion(city), nextOrder: 0, openOrders: new Set(), carrying: new Map(), lastMoveAt: 0 };
        this.sims.set(city, sim);
        await this.putCouriers(city, g);
        await this.createOrders(sim, this.options.initialOrders);
      }),
    );
  }

  private async lastVersion(city: string): Promise<number> {
    let after = 0;
    for (;;) {
      const reply = await this.decisions(city, after);
      if (reply.decisions.length === 0) return after;
      after = reply.decisions[reply.decisions.length - 1].version;
    }
  }

  private async step(): Promise<void> {
    await Promise.all([...this.sims.values()].map((sim) => this.stepCity(sim).catch(() => undefined)));
    const now = Date.now();
    if (this.options.dispatchEveryMs > 0 && now - this.lastDispatchAt >= this.options.dispatchEveryMs) {
      this.lastDispatchAt = now;
      await this.dispatchOnHolder().catch(() => undefined);
    }
  }

  private async stepCity(sim: CitySim): Promise<void> {
    const g = this.generation;
    await this.answerOffers(sim);
    await this.deliver(sim);
    const now = Date.now();
    if (now - sim.lastMoveAt >= this.options.moveEveryMs && this.generation === g) {
      sim.lastMoveAt = now;
      await this.putCouriers(sim.city, g);
    }
    const room = this.options.maxOpenOrders - sim.openOrders.size;
    if (room > 0 && this.generation === g) await this.createOrders(sim, Math.min(room, this.options.ordersPerStep));
  }

  private async answerOffers(sim: CitySim): Promise<void> {
    const reply = await this.decisions(sim.city, sim.lastVersion);
    for (const decision of reply.decisions) {
      sim.lastVersion = Math.max(sim.lastVersion, decision.version);
      for (const { order, courier } of decision.assignments) {
        if (!sim.openOrders.has(order)) continue; // another generation's, or already answered
        this.stats.offersSeen++;
        const roll = this.random();
        if (roll < this.options.acceptRate) await this.answer(sim, order, courier, 'accept');
        else if (roll < this.options.acceptRate + this.options.declineRate) await this.answer(sim, order, courier, 'decline');
        else this.stats.ignored++;
      }
    }
  }

  private async answer(sim: CitySim, order: string, courier: string, kind: 'accept' | 'decline'): Promise<void> {
    const sentAt = Date.now();
    const options = { params: { path: { city: sim.city, order } }, body: { courier } };
    let status: number;
    try {
      const answer = await this.send((c) =>
        kind === 'accept' ? c.POST('/v1/cities/{city}/offers/{order}/accept', options) : c.POST('/v1/cities/{city}/offers/{order}/decline', options),
      );
      status = answer.response.status;
    } catch {
      // Unknown outcome: an accept may have landed, so try delivering it later (unrecorded).
      if (kind === 'accept') sim.carrying.set(order, { order, courier, deliverAt: Date.now() + this.options.deliverAfterMs, pickedUp: false });
      return;
    }
    if (status !== 200) return; // lapsed, or answered already
    this.events.push({ city: sim.city, order, courier, kind, sentAt, ackAt: Date.now() });
    if (kind === 'accept') {
      this.stats.accepted++;
      sim.carrying.set(order, { order, courier, deliverAt: Date.now() + this.options.deliverAfterMs, pickedUp: false });
    } else {
      this.stats.declined++;
    }
  }

  private async deliver(sim: CitySim): Promise<void> {
    const now = Date.now();
    const order = (carry: Carry) => ({ params: { path: { city: sim.city, order: carry.order } } });
    for (const carry of [...sim.carrying.values()]) {
      if (!carry.pickedUp && now >= carry.deliverAt - this.options.deliverAfterMs / 2) {
        const sentAt = Date.now();
        try {
          const { status } = (await this.send((c) => c.POST('/v1/cities/{city}/orders/{order}/picked-up', order(carry)))).response;
          if (status === 200) this.events.push({ city: sim.city, order: carry.order, kind: 'picked_up', sentAt, ackAt: Date.now() });
          if (status === 200 || status === 409) carry.pickedUp = true;
          if (status === 404) this.forget(sim, carry.order);
        } catch {
          // retried next step
        }
      }
      if (carry.pickedUp && now >= carry.deliverAt) {
        const sentAt = Date.now();
        try {
          const { status } = (await this.send((c) => c.POST('/v1/cities/{city}/orders/{order}/delivered', order(carry)))).response;
          if (status === 200) {
            this.events.push({ city: sim.city, order: carry.order, kind: 'delivered', sentAt: carry.uncertainSince ?? sentAt, ackAt: Date.now() });
            this.stats.delivered++;
            this.forget(sim, carry.order);
          } else if (status === 404 && carry.uncertainSince !== undefined) {
            // The earlier request delivered it: it counts from when that one was sent.
            this.events.push({ city: sim.city, order: carry.order, kind: 'delivered', sentAt: carry.uncertainSince, ackAt: Date.now() });
            this.forget(sim, carry.order);
          } else if (status === 404 || status === 409) {
            this.forget(sim, carry.order);
          }
        } catch {
          carry.uncertainSince ??= sentAt;
        }
      }
    }
  }

  private forget(sim: CitySim, order: string): void {
    sim.carrying.delete(order);
    sim.openOrders.delete(order);
  }

  private async createOrders(sim: CitySim, n: number): Promise<void> {
    if (n <= 0) return;
    const orders = Array.from({ length: n }, () => {
      const i = sim.nextOrder++;
      const id = `g${this.generation}-o${i}`;
      return {
        id,
        pickup: { lat: BCN.lat + (this.random() - 0.5) * 0.03, lng: BCN.lng + (this.random() - 0.5) * 0.03 },
        dropoff: { lat: BCN.lat + (this.random() - 0.5) * 0.04, lng: BCN.lng + (this.random() - 0.5) * 0.04 },
      };
    });
    const { response } = await this.send((c) => c.POST('/v1/cities/{city}/orders', { params: { path: { city: sim.city } }, body: { orders } }));
    if (response.status === 201) {
      for (const o of orders) sim.openOrders.add(o.id);
      this.stats.ordersCreated += orders.length;
    }
  }

  private async putCouriers(city: string, generation: number): Promise<void> {
    await this.must((c) => c.PUT('/v1/cities/{city}/couriers', { params: { path: { city } }, body: { couriers: this.couriers(generation) } }));
  }

  private decisions(city: string, after: number) {
    return this.must((c) => c.GET('/v1/cities/{city}/decisions', { params: { path: { city }, query: { after, limit: 1000 } } }));
  }

  private couriers(generation: number) {
    return Array.from({ length: this.options.couriersPerCity }, (_, i) => ({
      id: `g${generation}-c${i}`,
      lat: BCN.lat + (this.random() - 0.5) * 0.03,
      lng: BCN.lng + (this.random() - 0.5) * 0.03,
      speed_mps: 4 + (i % 4),
      status: 'on_shift' as const,
    }));
  }

  /** POST /dispatch on the host holding a random city, as an operator would. */
  private async dispatchOnHolder(): Promise<void> {
    const cities = this.options.cities;
    const city = cities[Math.floor(this.random() * cities.length)];
    const leases = await this.must((c) => c.GET('/v1/leases'));
    const holder = leases.leases.find((l) => l.city === city)?.holder;
    const host = holder ? this.hosts.find((h) => holder.startsWith(`${h.id}/`)) : undefined;
    if (!host) return;
    const { data: outcome, response } = await this.send((c) => c.POST('/v1/cities/{city}/dispatch', { params: { path: { city } } }), host);
    // Acknowledged means durable: a decision committed only in the state store may still be lost with it.
    if (outcome?.committed && outcome.durable) {
      this.acknowledged.push({ city, version: outcome.version, token: outcome.token, ackAt: Date.now() });
      this.stats.dispatchAcks++;
    } else if (response.status === 409) {
      this.stats.dispatchRefused++;
    }
  }

  /** A request that must succeed (2xx): its answer's body. */
  private async must<T>(call: (client: DispatchClient) => Promise<Answer<T>>): Promise<T> {
    const { data, error, response } = await this.send(call);
    if (!response.ok || data === undefined) throw new RequestFailed(`${response.url}: ${response.status} ${JSON.stringify(error)}`);
    return data;
  }

  /** One request to `host` (default: the next in rotation); a 5xx or no answer is a failure, thrown. */
  private async send<T>(call: (client: DispatchClient) => Promise<Answer<T>>, host?: FeederHost): Promise<Answer<T>> {
    const target = host ?? this.pickHost();
    this.stats.requests++;
    try {
      const answer = await call(this.client(target));
      if (answer.response.status >= 500) throw new RequestFailed(`${answer.response.url}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
      return answer;
    } catch (error) {
      this.stats.failures++;
      throw error;
    }
  }

  private client(host: FeederHost): DispatchClient {
    let client = this.clients.get(host.url);
    if (!client) {
      client = dispatchClient({ baseUrl: host.url, token: this.options.token, timeoutMs: this.options.requestTimeoutMs });
      this.clients.set(host.url, client);
    }
    return client;
  }

  private pickHost(): FeederHost {
    if (this.hosts.length === 0) throw new RequestFailed('no host to talk to');
    return this.hosts[this.next++ % this.hosts.length];
  }

  /** mulberry32: reproducible runs. */
  private random(): number {
    let t = (this.seed = (this.seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
}
