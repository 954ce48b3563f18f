/**
 * Every HTTP call the demo makes, in one place: the simulated fleet speaks to the host only
 * through its public API, as a courier app and an ordering front end would. Requests go through
 * fastify.inject (in process, no socket), with the host's bearer token when it requires one.
 */
import type { FastifyInstance } from 'fastify';

export interface CityBody {
  enabled: boolean;
  tick_ms: number;
  params: Record<string, number>;
  bundling: { max_bundle_size: number; bundle_window_s: number };
}

export interface CourierReport {
  id: string;
  lat: number;
  lng: number;
  speedMps: number;
  onShift: boolean;
}

export interface PlacedOrder {
  id: string;
  pickup: { lat: number; lng: number };
  dropoff: { lat: number; lng: number };
  readyAt: number;
}

export interface OfferedPickup {
  pickupId: string;
  courier: string;
  orders: string[];
}

export interface DurableDecision {
  version: number;
  pickups: OfferedPickup[];
}

export class HostApi {
  constructor(
    private readonly app: FastifyInstance,
    private readonly city: string,
    private readonly token?: string,
  ) {}

  async putCity(body: CityBody): Promise<void> {
    await this.call('PUT', `/v1/cities/${this.city}`, body);
  }

  async reportCouriers(couriers: readonly CourierReport[]): Promise<void> {
    if (couriers.length === 0) return;
    await this.call('PUT', `/v1/cities/${this.city}/couriers`, {
      couriers: couriers.map((c) => ({ id: c.id, lat: c.lat, lng: c.lng, speed_mps: c.speedMps, status: c.onShift ? 'on_shift' : 'off_shift' })),
    });
  }

  async placeOrders(orders: readonly PlacedOrder[]): Promise<void> {
    if (orders.length === 0) return;
    await this.call('POST', `/v1/cities/${this.city}/orders`, {
      orders: orders.map((o) => ({ id: o.id, pickup: o.pickup, dropoff: o.dropoff, ready_at: o.readyAt })),
    });
  }

  /** Durable decisions after `version`, oldest first. */
  async decisionsAfter(version: number): Promise<DurableDecision[]> {
    const reply = (await this.call('GET', `/v1/cities/${this.city}/decisions?after=${version}&limit=1000`)) as {
      decisions: { version: number; pickups: { pickup_id: string | null; courier: string; orders: string[] }[] }[];
    };
    return reply.decisions.map((d) => ({
      version: d.version,
      pickups: d.pickups.map((p) => ({ pickupId: p.pickup_id!, courier: p.courier, orders: p.orders })),
    }));
  }

  /** The courier's answer; false when the host refused it (the offer had lapsed). */
  answer(pickupId: string, courier: string, accept: boolean): Promise<boolean> {
    return this.event(`/v1/cities/${this.city}/pickups/${pickupId}/${accept ? 'accept' : 'decline'}`, { courier });
  }

  pickedUp(pickupId: string): Promise<boolean> {
    return this.event(`/v1/cities/${this.city}/pickups/${pickupId}/picked-up`);
  }

  delivered(order: string): Promise<boolean> {
    return this.event(`/v1/cities/${this.city}/orders/${order}/delivered`);
  }

  cancel(order: string): Promise<boolean> {
    return this.event(`/v1/cities/${this.city}/orders/${order}/cancel`);
  }

  /** An event the host may refuse with 404 or 409 (false); anything else is an error. */
  private async event(url: string, body?: object): Promise<boolean> {
    const response = await this.app.inject({ method: 'POST', url, headers: this.headers(), ...(body ? { payload: body } : {}) });
    if (response.statusCode === 404 || response.statusCode === 409) return false;
    if (response.statusCode !== 200) throw new Error(`demo: POST ${url} answered ${response.statusCode}: ${response.body}`);
    return true;
  }

  private async call(method: 'GET' | 'PUT' | 'POST', url: string, body?: object): Promise<unknown> {
    const response = await this.app.inject({ method, url, headers: this.headers(), ...(body ? { payload: body } : {}) });
    if (response.statusCode >= 300) throw new Error(`demo: ${method} ${url} answered ${response.statusCode}: ${response.body}`);
    return response.json();
  }

  private headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }
}
