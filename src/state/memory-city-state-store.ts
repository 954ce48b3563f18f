import type { DispatchParams } from '../domain/problem.js';
import { assertCityId } from './city-id.js';
import {
  assertFenceFloor,
  DEFAULT_STREAM_MAX_LEN,
  type CitySnapshot,
  type CityStateStore,
  type CommitResult,
  type ConflictingItem,
  type CourierState,
  type CourierUpdate,
  type CourierView,
  type CreateOrdersResult,
  type NewOrder,
  type Fence,
  type Offer,
  type OrderEvent,
  type OrderEventResult,
  type OrderState,
  type OrderView,
} from './city-state-store.js';
import {
  assertItemId,
  assertValidDecision,
  DEFAULT_OFFER_TTL_MS,
  type Assignment,
  type CommittedDecision,
  type Decision,
} from './decision.js';
import {
  assertCourierState,
  assertCourierUpdate,
  assertNewOrder,
  assertOrderState,
  courierRecord,
  FINISHED_ORDER_STATUSES,
  orderRecord,
} from './records.js';
import { SnapshotBuilder } from './snapshot.js';

interface CityData {
  couriers: Map<string, CourierState>;
  orders: Map<string, OrderState>;
  courierOffers: Map<string, Offer>;
  orderOffers: Map<string, Offer>;
  fence: Fence | null;
  stream: CommittedDecision[];
  /** "order|courier" -> end of the pair's decline cooldown, epoch ms. */
  cooldowns: Map<string, number>;
}

export interface MemoryCityStateStoreOptions {
  /** The store's clock (what Redis TIME is for the Redis store), epoch ms. */
  now?: () => number;
  /** Decisions kept in each city's stream. */
  streamMaxLen?: number;
}

/**
 * The embedded city state: the same semantics as the Redis store (fence, offers with a TTL,
 * all-or-nothing commits), for running the engine without servers. Every method runs to
 * completion without awaiting, so each is atomic as a Lua script is.
 */
export class MemoryCityStateStore implements CityStateStore {
  private readonly cities = new Map<string, CityData>();
  private readonly now: () => number;
  private readonly streamMaxLen: number;

  constructor(options: MemoryCityStateStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.streamMaxLen = options.streamMaxLen ?? DEFAULT_STREAM_MAX_LEN;
  }

  async putCouriers(city: string, couriers: readonly CourierState[]): Promise<void> {
    couriers.forEach(assertCourierState);
    const data = this.city(city);
    for (const c of couriers) data.couriers.set(c.id, courierRecord(c));
  }

  async putOrders(city: string, orders: readonly OrderState[]): Promise<void> {
    orders.forEach(assertOrderState);
    const data = this.city(city);
    for (const o of orders) {
      if (FINISHED_ORDER_STATUSES.has(o.status)) {
        data.orders.delete(o.id);
        data.orderOffers.delete(o.id);
      } else {
        data.orders.set(o.id, orderRecord(o));
      }
    }
  }

  async createOrders(city: string, orders: readonly NewOrder[]): Promise<CreateOrdersResult> {
    orders.forEach(assertNewOrder);
    const data = this.city(city);
    const existing = orders.find((o) => data.orders.has(o.id));
    if (existing) return { ok: false, reason: 'exists', id: existing.id };
    const now = this.now();
    for (const o of orders) data.orders.set(o.id, orderRecord({ ...o, readyAt: o.readyAt ?? now, status: 'pending' }));
    return { ok: true, created: orders.length };
  }

  async readCourier(city: string, id: string): Promise<CourierView | undefined> {
    assertItemId(id, 'courier');
    const data = this.city(city);
    const courier = data.couriers.get(id);
    return courier && { ...courier, offer: liveOffer(data.courierOffers, id, this.now()) };
  }

  async readOrder(city: string, id: string): Promise<OrderView | undefined> {
    assertItemId(id, 'order');
    const data = this.city(city);
    const order = data.orders.get(id);
    return order && { ...order, offer: liveOffer(data.orderOffers, id, this.now()) };
  }

  async readSnapshot(city: string, params: DispatchParams): Promise<CitySnapshot> {
    const data = this.city(city);
    const now = this.now();
    const snapshot = new SnapshotBuilder({
      city,
      params,
      now,
      version: data.fence?.version ?? 0,
      offeredCouriers: liveOfferIds(data.courierOffers, now),
      offeredOrders: liveOfferIds(data.orderOffers, now),
      maxCouriers: data.couriers.size,
      maxOrders: data.orders.size,
    });
    for (const c of data.couriers.values()) {
      if (snapshot.wantsCourier(c.id, c.status)) snapshot.addCourier(c.id, c.lat, c.lng, c.speedMps, c.freeAt);
    }
    for (const o of data.orders.values()) {
      if (snapshot.wantsOrder(o.id, o.status)) snapshot.addOrder(o.id, o.pickupLat, o.pickupLng, o.dropoffLat, o.dropoffLng, o.readyAt);
    }
    return snapshot.build();
  }

  async commit(decision: Decision): Promise<CommitResult> {
    assertValidDecision(decision);
    const data = this.city(decision.city);
    if (!data.fence) return { ok: false, reason: 'fence_missing' };
    if (decision.token < data.fence.token) return { ok: false, reason: 'stale_token', fence: data.fence.token };

    const now = this.now();
    for (const { order, courier } of decision.assignments) {
      const conflict = orderConflict(data, order, now) ?? courierConflict(data, courier, now);
      if (conflict) return { ok: false, reason: 'conflict', item: conflict };
    }

    const version = data.fence.version + 1;
    data.fence = { token: decision.token, version };
    const expiresAt = now + (decision.offerTtlMs ?? DEFAULT_OFFER_TTL_MS);
    for (const { order, courier } of decision.assignments) {
      const offer = { order, courier, version, expiresAt };
      data.orderOffers.set(order, offer);
      data.courierOffers.set(courier, offer);
    }
    const committed: CommittedDecision = {
      city: decision.city,
      version,
      token: decision.token,
      holder: decision.holder,
      committedAt: now,
      assignments: decision.assignments.map(({ order, courier }) => ({ order, courier })),
    };
    data.stream.push(committed);
    if (data.stream.length > this.streamMaxLen) data.stream.splice(0, data.stream.length - this.streamMaxLen);
    return { ok: true, decision: structuredClone(committed) };
  }

  async raiseFence(city: string, floor: Fence): Promise<Fence> {
    assertFenceFloor(floor);
    const data = this.city(city);
    data.fence = {
      token: Math.max(data.fence?.token ?? 0, floor.token),
      version: Math.max(data.fence?.version ?? 0, floor.version),
    };
    return { ...data.fence };
  }

  async readFence(city: string): Promise<Fence | null> {
    const fence = this.city(city).fence;
    return fence && { ...fence };
  }

  async readDecisionStream(city: string): Promise<CommittedDecision[]> {
    return structuredClone(this.city(city).stream);
  }

  async updateCouriers(city: string, couriers: readonly CourierUpdate[]): Promise<void> {
    couriers.forEach(assertCourierUpdate);
    const data = this.city(city);
    const now = this.now();
    for (const c of couriers) {
      const busy = data.couriers.get(c.id)?.status === 'busy';
      data.couriers.set(c.id, courierRecord({ ...c, freeAt: now, status: busy ? 'busy' : c.status }));
    }
  }

  async removeCourier(city: string, id: string): Promise<boolean> {
    assertItemId(id, 'courier');
    const data = this.city(city);
    const existed = data.couriers.delete(id);
    const offer = data.courierOffers.get(id);
    if (offer) {
      if (sameOffer(data.orderOffers.get(offer.order), offer)) {
        data.orderOffers.delete(offer.order);
        const order = data.orders.get(offer.order);
        if (order?.status === 'assigned') data.orders.set(order.id, { ...order, status: 'pending' });
      }
      data.courierOffers.delete(id);
    }
    return existed;
  }

  async applyOrderEvent(city: string, orderId: string, event: OrderEvent): Promise<OrderEventResult> {
    assertItemId(orderId, 'order');
    const data = this.city(city);
    const now = this.now();
    const order = data.orders.get(orderId);
    if (!order) return { ok: false, reason: 'unknown_order' };
    const offer = data.orderOffers.get(orderId);
    const courierId = offer?.courier ?? null;
    const dropOffer = () => {
      data.orderOffers.delete(orderId);
      if (offer && sameOffer(data.courierOffers.get(offer.courier), offer)) data.courierOffers.delete(offer.courier);
    };
    const freeCourier = (lat?: number, lng?: number) => {
      const courier = courierId === null ? undefined : data.couriers.get(courierId);
      if (courier?.status !== 'busy') return;
      data.couriers.set(courier.id, { ...courier, lat: lat ?? courier.lat, lng: lng ?? courier.lng, freeAt: now, status: 'free' });
    };
    switch (event.kind) {
      case 'accept':
      case 'decline': {
        if (order.status !== 'pending') return { ok: false, reason: 'wrong_state', state: order.status };
        if (!offer || offer.expiresAt <= now || (event.courier !== undefined && event.courier !== offer.courier)) {
          return { ok: false, reason: 'no_offer' };
        }
        if (event.kind === 'accept') {
          data.orders.set(orderId, { ...order, status: 'assigned' });
          const courier = data.couriers.get(offer.courier);
          if (courier) data.couriers.set(courier.id, { ...courier, status: 'busy' });
        } else {
          dropOffer();
          for (const [pair, until] of data.cooldowns) if (until <= now) data.cooldowns.delete(pair);
          data.cooldowns.set(`${orderId}|${offer.courier}`, now + event.cooldownMs);
        }
        return { ok: true, courier: courierId };
      }
      case 'picked_up':
        if (order.status !== 'assigned') return { ok: false, reason: 'wrong_state', state: order.status };
        data.orders.set(orderId, { ...order, status: 'picked_up' });
        return { ok: true, courier: courierId };
      case 'delivered':
        if (order.status !== 'assigned' && order.status !== 'picked_up') {
          return { ok: false, reason: 'wrong_state', state: order.status };
        }
        freeCourier(order.dropoffLat, order.dropoffLng);
        dropOffer();
        data.orders.delete(orderId);
        return { ok: true, courier: courierId };
      case 'cancel':
        if (order.status === 'assigned' || order.status === 'picked_up') freeCourier();
        dropOffer();
        data.orders.delete(orderId);
        return { ok: true, courier: courierId };
    }
  }

  async readCooldowns(city: string): Promise<Assignment[]> {
    const data = this.city(city);
    const now = this.now();
    const pairs: Assignment[] = [];
    for (const [pair, until] of data.cooldowns) {
      if (until <= now) continue;
      const [order, courier] = pair.split('|');
      pairs.push({ order, courier });
    }
    return pairs;
  }

  /** Failure injection: what a Redis restart without persistence does to the fence. */
  loseFence(city: string): void {
    this.city(city).fence = null;
  }

  private city(city: string): CityData {
    assertCityId(city);
    let data = this.cities.get(city);
    if (!data) {
      data = {
        couriers: new Map(),
        orders: new Map(),
        courierOffers: new Map(),
        orderOffers: new Map(),
        fence: null,
        stream: [],
        cooldowns: new Map(),
      };
      this.cities.set(city, data);
    }
    return data;
  }
}

function liveOffer(offers: Map<string, Offer>, id: string, now: number): Offer | null {
  const offer = offers.get(id);
  return offer && offer.expiresAt > now ? { ...offer } : null;
}

function sameOffer(a: Offer | undefined, b: Offer): boolean {
  return a !== undefined && a.order === b.order && a.courier === b.courier && a.version === b.version;
}

function liveOfferIds(offers: Map<string, Offer>, now: number): Set<string> {
  const ids = new Set<string>();
  for (const [id, offer] of offers) if (offer.expiresAt > now) ids.add(id);
  return ids;
}

function orderConflict(data: CityData, id: string, now: number): ConflictingItem | undefined {
  const order = data.orders.get(id);
  if (!order) return { kind: 'order', id, state: 'missing' };
  if (order.status !== 'pending') return { kind: 'order', id, state: order.status };
  if (liveOffer(data.orderOffers, id, now)) return { kind: 'order', id, state: 'offered' };
  return undefined;
}

function courierConflict(data: CityData, id: string, now: number): ConflictingItem | undefined {
  const courier = data.couriers.get(id);
  if (!courier) return { kind: 'courier', id, state: 'missing' };
  if (courier.status !== 'free') return { kind: 'courier', id, state: courier.status };
  if (liveOffer(data.courierOffers, id, now)) return { kind: 'courier', id, state: 'offered' };
  return undefined;
}
