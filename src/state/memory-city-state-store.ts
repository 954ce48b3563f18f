import type { DispatchParams } from '../domain/problem.js';
import { DEFAULT_FEATURE_RULES, SIGNAL_NAMES, type FeatureRules, type SignalName } from '../features/definitions.js';
import { assertFeatureEvents, type FeatureEvent, type IngestResult } from '../features/events.js';
import type { FeatureState } from '../features/feature-state.js';
import { MemoryFeatureSignals } from '../features/memory-signals.js';
import { assertStateCity } from './city-id.js';
import {
  assertFenceFloor,
  DEFAULT_STREAM_MAX_LEN,
  type CitySnapshot,
  type CityView,
  type CommitResult,
  type ConflictingItem,
  type CourierState,
  type CourierUpdate,
  type CourierView,
  type CreateOrdersResult,
  type DroppedPickup,
  type NewOrder,
  type Fence,
  orderEventDone,
  type OrderEvent,
  type OrderEventResult,
  type OrderState,
  type OrderView,
  type PickupEvent,
  type PickupEventResult,
  type PickupView,
} from './city-state-store.js';
import {
  assertDecisionAudit,
  assertHolderName,
  assertItemId,
  assertPickupId,
  assertToken,
  assertValidDecision,
  DEFAULT_OFFER_TTL_MS,
  NO_AUDIT,
  pickupId,
  pickupsOf,
  type Assignment,
  type CommittedDecision,
  type Decision,
  type DecisionAudit,
  type Pickup,
} from './decision.js';
import type { ClaimMode, ClaimResult, ItemKind, OpenDecisionResult, ShardableCityStateStore, ShardClaim, ShardEntry, ShardHeld } from './shard-base.js';
import { assertEstimates, estimatesRecord, type CityEstimates, type Estimates } from './estimates.js';
import { offerView, pickupStateOf, pickupView, type PickupRecord } from './pickups.js';
import {
  assertCourierState,
  assertCourierUpdate,
  assertEventAnswer,
  assertNewOrder,
  assertOrderState,
  courierRecord,
  FINISHED_ORDER_STATUSES,
  orderRecord,
} from './records.js';
import { decisionOf, type RecordedDecision } from './recorded-decision.js';
import { SnapshotBuilder } from './snapshot.js';

interface CityData {
  couriers: Map<string, CourierState>;
  orders: Map<string, OrderState>;
  /** Pickups from their commit until they end (lapsed ones until purgeLapsedOffers). */
  pickups: Map<string, PickupRecord>;
  /**
   * Order id / courier id -> the pickup that offered it, is carrying it or lapsed, while that pickup
   * is held. An entry outlives its pickup (pickupOf then finds none) until the item's next pickup
   * overwrites it or the item goes: deleting a tick's ~1,000 entries only to add them again the next
   * tick would shrink and regrow the maps each time.
   */
  orderPickups: Map<string, string>;
  courierPickups: Map<string, string>;
  fence: Fence | null;
  stream: RecordedDecision[];
  /** "order|courier" -> end of the pair's decline cooldown, epoch ms. */
  cooldowns: Map<string, number>;
  estimates: CityEstimates | null;
  features: MemoryFeatureSignals;
  /** A city of several area shards: item id -> its shard (ShardBase). */
  shards: Record<ItemKind, Map<string, ShardEntry>>;
}

export interface MemoryCityStateStoreOptions {
  /** The store's clock (what Redis TIME is for the Redis store), epoch ms. */
  now?: () => number;
  /** Decisions kept in each city's stream. */
  streamMaxLen?: number;
  /** The feature engine's rules (definitions.ts); default DEFAULT_FEATURE_RULES. */
  featureRules?: FeatureRules;
}

/**
 * The embedded city state: the same semantics as the Redis store (fence, offers with a TTL,
 * all-or-nothing commits), for running the engine without servers. Every method runs to
 * completion without awaiting, so each is atomic as a Lua script is.
 */
export class MemoryCityStateStore implements ShardableCityStateStore {
  private readonly cities = new Map<string, CityData>();
  private readonly now: () => number;
  private readonly streamMaxLen: number;
  private readonly featureRules: FeatureRules;

  constructor(options: MemoryCityStateStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.streamMaxLen = options.streamMaxLen ?? DEFAULT_STREAM_MAX_LEN;
    this.featureRules = options.featureRules ?? DEFAULT_FEATURE_RULES;
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
        // As the Redis store: the order and its offer go; its pickup is left as it is.
        data.orders.delete(o.id);
        data.orderPickups.delete(o.id);
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
    const p = pickupOf(data, 'courier', id);
    return courier && { ...courier, offer: p ? offerView(p, p.orders[0], this.now()) : null };
  }

  async readOrder(city: string, id: string): Promise<OrderView | undefined> {
    assertItemId(id, 'order');
    const data = this.city(city);
    const order = data.orders.get(id);
    const p = pickupOf(data, 'order', id);
    return order && { ...order, offer: p ? offerView(p, id, this.now()) : null };
  }

  async readPickup(city: string, id: string): Promise<PickupView | undefined> {
    assertPickupId(id);
    const data = this.city(city);
    const p = data.pickups.get(id);
    return p && pickupView(p, statuses(data, p), this.now());
  }

  async readSnapshot(city: string, params: DispatchParams): Promise<CitySnapshot> {
    const data = this.city(city);
    const now = this.now();
    const snapshot = new SnapshotBuilder({
      city,
      params,
      now,
      version: data.fence?.version ?? 0,
      offeredCouriers: offeredIds(data, 'courier', now),
      offeredOrders: offeredIds(data, 'order', now),
      maxCouriers: data.couriers.size,
      maxOrders: data.orders.size,
    });
    for (const c of data.couriers.values()) {
      if (snapshot.wantsCourier(c.id, c.status)) snapshot.addCourier(c.id, c.lat, c.lng, c.speedMps, c.freeAt);
    }
    for (const o of data.orders.values()) {
      if (snapshot.wantsOrder(o.id, o.status)) snapshot.addOrder(o.id, o.pickupLat, o.pickupLng, o.dropoffLat, o.dropoffLng, o.readyAt);
    }
    const built = snapshot.build();
    // Shared, not copied: the record is frozen and a put replaces it whole.
    if (data.estimates && data.estimates.expiresAt > now) built.estimates = data.estimates;
    return built;
  }

  async readShardSnapshots(city: string, params: DispatchParams): Promise<CitySnapshot[]> {
    return [await this.readSnapshot(city, params)];
  }

  async readCityView(city: string): Promise<CityView> {
    const data = this.city(city);
    const now = this.now();
    const offeredCouriers = offeredIds(data, 'courier', now);
    const offeredOrders = offeredIds(data, 'order', now);
    return {
      takenAt: now,
      couriers: [...data.couriers.values()].map((c) => ({ ...c, offered: offeredCouriers.has(c.id) })),
      orders: [...data.orders.values()].map((o) => ({ ...o, offered: offeredOrders.has(o.id) })),
    };
  }

  async purgeLapsedOffers(city: string): Promise<void> {
    const data = this.city(city);
    const now = this.now();
    for (const p of data.pickups.values()) {
      if (p.expiresAt <= now && pickupStateOf(p, firstStatus(data, p), now) === undefined) endPickup(data, p);
    }
  }

  async commit(decision: Decision): Promise<CommitResult> {
    assertValidDecision(decision);
    const data = this.city(decision.city);
    if (!data.fence) return { ok: false, reason: 'fence_missing' };
    if (decision.token < data.fence.token) return { ok: false, reason: 'stale_token', fence: data.fence.token };

    const now = this.now();
    const pickups: Pickup[] = [];
    const dropped: DroppedPickup[] = [];
    for (const pickup of pickupsOf(decision.assignments)) {
      const conflict = pickupConflict(data, pickup, now);
      if (!conflict) pickups.push(pickup);
      else if (!decision.partial) return { ok: false, reason: 'conflict', item: conflict };
      else dropped.push({ courier: pickup.courier, orders: [...pickup.orders], item: conflict });
    }
    if (pickups.length === 0) return { ok: false, reason: 'conflict', item: dropped[0].item };

    const version = decision.part?.version ?? data.fence.version + 1;
    const offset = decision.part?.pickupOffset ?? 0;
    data.fence = { token: decision.token, version };
    const expiresAt = now + (decision.offerTtlMs ?? DEFAULT_OFFER_TTL_MS);
    const committed: RecordedDecision = {
      city: decision.city,
      version,
      token: decision.token,
      holder: decision.holder,
      committedAt: now,
      orders: [],
      couriers: [],
      ...(decision.audit ?? NO_AUDIT),
    };
    pickups.forEach(({ courier, orders }, i) => {
      // The pickup's orders array is pickupsOf's fresh one: the record takes it.
      const p: PickupRecord = { id: pickupId(version, offset + i + 1), courier, version, expiresAt, orders };
      data.pickups.set(p.id, p);
      data.courierPickups.set(courier, p.id);
      for (const order of orders) {
        data.orderPickups.set(order, p.id);
        committed.orders.push(order);
        committed.couriers.push(courier);
      }
    });
    this.record(data, committed);
    return { ok: true, decision: decisionOf(committed), dropped };
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

  async checkHealth(): Promise<void> {}

  async readFence(city: string): Promise<Fence | null> {
    const fence = this.city(city).fence;
    return fence && { ...fence };
  }

  async readDecisionStream(city: string): Promise<CommittedDecision[]> {
    return this.city(city).stream.map(decisionOf);
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
    const p = pickupOf(data, 'courier', id);
    data.courierPickups.delete(id);
    if (p) {
      for (const orderId of p.orders) {
        const order = data.orders.get(orderId);
        if (order?.status === 'assigned') data.orders.set(order.id, { ...order, status: 'pending' });
      }
      endPickup(data, p);
    }
    return existed;
  }

  async applyOrderEvent(city: string, orderId: string, event: OrderEvent): Promise<OrderEventResult> {
    assertItemId(orderId, 'order');
    assertEventAnswer(event);
    const data = this.city(city);
    const now = this.now();
    const order = data.orders.get(orderId);
    if (!order) return { ok: false, reason: 'unknown_order' };
    const p = pickupOf(data, 'order', orderId);
    const courierId = p?.courier ?? null;
    const done = () => orderEventDone(courierId, p && { id: p.id, orders: p.orders });
    switch (event.kind) {
      case 'accept':
      case 'decline':
        if (order.status !== 'pending') return { ok: false, reason: 'wrong_state', state: order.status };
        if (!p || p.expiresAt <= now || (event.courier !== undefined && event.courier !== p.courier)) {
          return { ok: false, reason: 'no_offer' };
        }
        break;
      case 'picked_up':
        if (order.status !== 'assigned') return { ok: false, reason: 'wrong_state', state: order.status };
        if (!p) {
          data.orders.set(orderId, { ...order, status: 'picked_up' });
          return done();
        }
        break;
      case 'delivered':
      case 'cancel': {
        if (event.kind === 'delivered' && order.status !== 'assigned' && order.status !== 'picked_up') {
          return { ok: false, reason: 'wrong_state', state: order.status };
        }
        const result = done();
        const carrying = order.status === 'assigned' || order.status === 'picked_up';
        data.orders.delete(orderId);
        data.orderPickups.delete(orderId);
        if (p && leavePickup(data, p, orderId) && carrying) {
          const at = event.kind === 'delivered' ? { lat: order.dropoffLat, lng: order.dropoffLng } : undefined;
          freeCourier(data, p.courier, now, at);
        }
        return result;
      }
    }
    const result = done();
    pickupStep(data, p, event, now);
    return result;
  }

  async applyPickupEvent(city: string, id: string, event: PickupEvent): Promise<PickupEventResult> {
    assertPickupId(id);
    assertEventAnswer(event);
    const data = this.city(city);
    const now = this.now();
    const p = data.pickups.get(id);
    const state = p && pickupStateOf(p, firstStatus(data, p), now);
    if (!p || state === undefined) return { ok: false, reason: 'unknown_pickup' };
    const wanted = event.kind === 'picked_up' ? 'assigned' : 'pending';
    if (state !== wanted) return { ok: false, reason: 'wrong_state', state };
    if (event.kind !== 'picked_up' && event.courier !== undefined && event.courier !== p.courier) return { ok: false, reason: 'no_offer' };
    const result: PickupEventResult = { ok: true, courier: p.courier, orders: [...p.orders] };
    pickupStep(data, p, event, now);
    return result;
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

  async putEstimates(city: string, estimates: Estimates, ttlMs: number): Promise<{ expiresAt: number }> {
    assertEstimates(estimates, ttlMs);
    const data = this.city(city);
    data.estimates = estimatesRecord(estimates, this.now() + ttlMs);
    return { expiresAt: data.estimates.expiresAt };
  }

  async ingestFeatureEvents(city: string, events: readonly FeatureEvent[]): Promise<IngestResult> {
    assertFeatureEvents(events);
    return this.city(city).features.ingest(events, this.now());
  }

  async readFeatureState(city: string, signals: readonly SignalName[] = SIGNAL_NAMES): Promise<FeatureState> {
    return this.city(city).features.read(this.now(), signals);
  }

  async openDecision(city: string, token: number, holder: string, audit: DecisionAudit): Promise<OpenDecisionResult> {
    assertToken(token);
    assertHolderName(holder);
    assertDecisionAudit(audit);
    const data = this.city(city);
    if (!data.fence) return { ok: false, reason: 'fence_missing' };
    if (token < data.fence.token) return { ok: false, reason: 'stale_token', fence: data.fence.token };
    const version = data.fence.version + 1;
    const now = this.now();
    data.fence = { token, version };
    this.record(data, { city, version, token, holder, committedAt: now, orders: [], couriers: [], ...audit });
    return { ok: true, version, openedAt: now };
  }

  async claimShards(city: string, kind: ItemKind, mode: ClaimMode, items: readonly ShardClaim[]): Promise<ClaimResult> {
    items.forEach(([id]) => assertItemId(id, kind));
    const index = this.city(city).shards[kind];
    const taken = mode === 'create' ? items.find(([id]) => index.has(id)) : undefined;
    if (taken) return { ok: false, reason: 'exists', id: taken[0] };
    // As claim_shards.lua: each id written once per call, its claim counted on.
    const written = new Set<string>();
    for (const [id, shard] of items) {
      if (written.has(id)) continue;
      written.add(id);
      const held = index.get(id);
      index.set(id, held ? { shard: held.shard, claim: held.claim + 1 } : { shard, claim: 1 });
    }
    return { ok: true, entries: items.map(([id]) => ({ ...index.get(id)! })) };
  }

  async readShards(city: string, kind: ItemKind, ids: readonly string[]): Promise<(ShardEntry | undefined)[]> {
    ids.forEach((id) => assertItemId(id, kind));
    const index = this.city(city).shards[kind];
    return ids.map((id) => {
      const entry = index.get(id);
      return entry && { ...entry };
    });
  }

  async releaseShards(city: string, kind: ItemKind, held: readonly ShardHeld[]): Promise<void> {
    const index = this.city(city).shards[kind];
    for (const [id, { shard, claim }] of held) {
      const entry = index.get(id);
      if (entry?.shard === shard && entry.claim === claim) index.delete(id);
    }
  }

  /** Appends to the city's stream, which keeps the last streamMaxLen. */
  private record(data: CityData, decision: RecordedDecision): void {
    data.stream.push(decision);
    if (data.stream.length > this.streamMaxLen) data.stream.splice(0, data.stream.length - this.streamMaxLen);
  }

  /** Failure injection: what a Redis restart without persistence does to the fence. */
  loseFence(city: string): void {
    this.city(city).fence = null;
  }

  private city(city: string): CityData {
    assertStateCity(city);
    let data = this.cities.get(city);
    if (!data) {
      data = {
        couriers: new Map(),
        orders: new Map(),
        pickups: new Map(),
        orderPickups: new Map(),
        courierPickups: new Map(),
        fence: null,
        stream: [],
        cooldowns: new Map(),
        estimates: null,
        features: new MemoryFeatureSignals(this.featureRules),
        shards: { courier: new Map(), order: new Map() },
      };
      this.cities.set(city, data);
    }
    return data;
  }
}

/** The held pickup of the order or courier: one its index entry names and that still holds it (the entry may be stale, CityData). */
function pickupOf(data: CityData, kind: ItemKind, id: string): PickupRecord | undefined {
  return heldBy(data, kind, id, (kind === 'order' ? data.orderPickups : data.courierPickups).get(id));
}

/** The pickup `pickup` names, if it is held and holds the item. */
function heldBy(data: CityData, kind: ItemKind, id: string, pickup: string | undefined): PickupRecord | undefined {
  const p = pickup === undefined ? undefined : data.pickups.get(pickup);
  return p !== undefined && (kind === 'order' ? p.orders.includes(id) : p.courier === id) ? p : undefined;
}

function statuses(data: CityData, p: PickupRecord): (OrderState['status'] | undefined)[] {
  return p.orders.map((id) => data.orders.get(id)?.status);
}

/** The status of the pickup's first order still in the hot set (pickups.ts pickupState), without the array. */
function firstStatus(data: CityData, p: PickupRecord): OrderState['status'] | undefined {
  for (const id of p.orders) {
    const status = data.orders.get(id)?.status;
    if (status !== undefined) return status;
  }
  return undefined;
}

function offeredIds(data: CityData, kind: ItemKind, now: number): Set<string> {
  const ids = new Set<string>();
  // forEach, not for-of: no [id, pickup] entry per item.
  (kind === 'order' ? data.orderPickups : data.courierPickups).forEach((pickup, id) => {
    if ((heldBy(data, kind, id, pickup)?.expiresAt ?? 0) > now) ids.add(id);
  });
  return ids;
}

/** The pickup ends: neither its orders nor its courier are held by it any more (their index entries go stale). */
function endPickup(data: CityData, p: PickupRecord): void {
  data.pickups.delete(p.id);
}

/** Takes a delivered or cancelled order out of its pickup; true when that was the pickup's last order (it has ended). */
function leavePickup(data: CityData, p: PickupRecord, order: string): boolean {
  p.orders = p.orders.filter((o) => o !== order);
  if (p.orders.length > 0) return false;
  endPickup(data, p);
  return true;
}

/** A carrying (busy) courier is free from now, at `at` when given. */
function freeCourier(data: CityData, id: string, now: number, at?: { lat: number; lng: number }): void {
  const courier = data.couriers.get(id);
  if (courier?.status !== 'busy') return;
  data.couriers.set(id, { ...courier, lat: at?.lat ?? courier.lat, lng: at?.lng ?? courier.lng, freeAt: now, status: 'free' });
}

/** Accept, decline or picked_up of a whole pickup, its state already checked. */
function pickupStep(data: CityData, p: PickupRecord, event: PickupEvent, now: number): void {
  const move = (from: OrderState['status'], to: OrderState['status']) => {
    for (const id of p.orders) {
      const order = data.orders.get(id);
      if (order?.status === from) data.orders.set(id, { ...order, status: to });
    }
  };
  switch (event.kind) {
    case 'accept': {
      move('pending', 'assigned');
      const courier = data.couriers.get(p.courier);
      if (courier) data.couriers.set(courier.id, { ...courier, status: 'busy' });
      return;
    }
    case 'decline':
      endPickup(data, p);
      for (const [pair, until] of data.cooldowns) if (until <= now) data.cooldowns.delete(pair);
      for (const order of p.orders) data.cooldowns.set(`${order}|${p.courier}`, now + event.cooldownMs);
      return;
    case 'picked_up':
      move('assigned', 'picked_up');
      return;
  }
}

/** The first item of the pickup that is no longer dispatchable, in the order Lua's commit checks them. */
function pickupConflict(data: CityData, { courier, orders }: Pickup, now: number): ConflictingItem | undefined {
  const first = data.orders.get(orders[0]);
  for (const order of orders) {
    const conflict = orderConflict(data, order, now) ?? positionConflict(first, data.orders.get(order)) ?? courierConflict(data, courier, now);
    if (conflict) return conflict;
  }
  return undefined;
}

function orderConflict(data: CityData, id: string, now: number): ConflictingItem | undefined {
  const order = data.orders.get(id);
  if (!order) return { kind: 'order', id, state: 'missing' };
  if (order.status !== 'pending') return { kind: 'order', id, state: order.status };
  if ((pickupOf(data, 'order', id)?.expiresAt ?? 0) > now) return { kind: 'order', id, state: 'offered' };
  return undefined;
}

/** All orders of a pickup are picked up where its first one is (exactly: one restaurant). */
function positionConflict(first: OrderState | undefined, order: OrderState | undefined): ConflictingItem | undefined {
  if (!first || !order || (first.pickupLat === order.pickupLat && first.pickupLng === order.pickupLng)) return undefined;
  return { kind: 'order', id: order.id, state: 'pickup_mismatch' };
}

function courierConflict(data: CityData, id: string, now: number): ConflictingItem | undefined {
  const courier = data.couriers.get(id);
  if (!courier) return { kind: 'courier', id, state: 'missing' };
  if (courier.status !== 'free') return { kind: 'courier', id, state: courier.status };
  if ((pickupOf(data, 'courier', id)?.expiresAt ?? 0) > now) return { kind: 'courier', id, state: 'offered' };
  return undefined;
}
