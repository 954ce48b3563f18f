/**
 * Every HTTP call the demo makes, in one place: the simulated fleet speaks to the host only
 * through its public API, as a courier app and an ordering front end would, with the typed
 * client (src/http/client) served in process through fastify.inject (no socket), and the
 * host's bearer token when it requires one.
 */
import type { FastifyInstance } from 'fastify';
import { DEMO_REQUEST_HEADER } from '../http/app.js';
import { dispatchClient, injectFetch, type DispatchClient } from '../http/client/client.js';

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
  private readonly client: DispatchClient;

  constructor(
    app: FastifyInstance,
    private readonly city: string,
    token?: string,
  ) {
    // Marked as the demo's: the host logs the simulated fleet's requests at debug, not info.
    this.client = dispatchClient({ baseUrl: 'http://demo', token, headers: { [DEMO_REQUEST_HEADER]: '1' }, fetch: injectFetch(app) });
  }

  private get cityPath() {
    return { params: { path: { city: this.city } } };
  }

  async putCity(body: CityBody): Promise<void> {
    must('PUT city', await this.client.PUT('/v1/cities/{city}', { ...this.cityPath, body }));
  }

  async reportCouriers(couriers: readonly CourierReport[]): Promise<void> {
    if (couriers.length === 0) return;
    const body = {
      couriers: couriers.map((c) => ({
        id: c.id,
        lat: c.lat,
        lng: c.lng,
        speed_mps: c.speedMps,
        status: c.onShift ? ('on_shift' as const) : ('off_shift' as const),
      })),
    };
    must('PUT couriers', await this.client.PUT('/v1/cities/{city}/couriers', { ...this.cityPath, body }));
  }

  async placeOrders(orders: readonly PlacedOrder[]): Promise<void> {
    if (orders.length === 0) return;
    const body = { orders: orders.map((o) => ({ id: o.id, pickup: o.pickup, dropoff: o.dropoff, ready_at: o.readyAt })) };
    must('POST orders', await this.client.POST('/v1/cities/{city}/orders', { ...this.cityPath, body }));
  }

  /** Durable decisions after `version`, oldest first. */
  async decisionsAfter(version: number): Promise<DurableDecision[]> {
    const reply = must(
      'GET decisions',
      await this.client.GET('/v1/cities/{city}/decisions', { params: { path: { city: this.city }, query: { after: version, limit: 1000 } } }),
    );
    return reply.decisions.map((d) => ({
      version: d.version,
      pickups: d.pickups.map((p) => ({ pickupId: p.pickup_id!, courier: p.courier, orders: p.orders })),
    }));
  }

  /** The courier's answer; false when the host refused it (the offer had lapsed). */
  async answer(pickupId: string, courier: string, accept: boolean): Promise<boolean> {
    const options = { params: { path: { city: this.city, pickup: pickupId } }, body: { courier } };
    return refusable(
      accept
        ? await this.client.POST('/v1/cities/{city}/pickups/{pickup}/accept', options)
        : await this.client.POST('/v1/cities/{city}/pickups/{pickup}/decline', options),
    );
  }

  async pickedUp(pickupId: string): Promise<boolean> {
    return refusable(await this.client.POST('/v1/cities/{city}/pickups/{pickup}/picked-up', { params: { path: { city: this.city, pickup: pickupId } } }));
  }

  async delivered(order: string): Promise<boolean> {
    return refusable(await this.client.POST('/v1/cities/{city}/orders/{order}/delivered', { params: { path: { city: this.city, order } } }));
  }

  async cancel(order: string): Promise<boolean> {
    return refusable(await this.client.POST('/v1/cities/{city}/orders/{order}/cancel', { params: { path: { city: this.city, order } } }));
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body; anything but success is an error. */
function must<T>(what: string, answer: Answer<T>): T {
  if (answer.error !== undefined || answer.data === undefined) {
    throw new Error(`demo: ${what} answered ${answer.response.status}: ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
}

/** An event the host may refuse with 404 or 409 (false); anything else is an error. */
function refusable(answer: Answer<unknown>): boolean {
  const { status } = answer.response;
  if (status === 404 || status === 409) return false;
  if (status !== 200) throw new Error(`demo: an event answered ${status}: ${JSON.stringify(answer.error)}`);
  return true;
}
