import { areaOf } from '../domain/areas.js';
import type { DispatchParams } from '../domain/problem.js';
import type { SignalName } from '../features/definitions.js';
import type { FeatureEvent, IngestResult } from '../features/events.js';
import type { FeatureState } from '../features/feature-state.js';
import type {
  CitySnapshot,
  CityStateStore,
  CityView,
  CommitResult,
  ConflictingItem,
  CourierState,
  CourierUpdate,
  CourierView,
  CreateOrdersResult,
  DroppedPickup,
  Fence,
  NewOrder,
  OrderEvent,
  OrderEventResult,
  OrderState,
  OrderView,
  PickupEvent,
  PickupEventResult,
  PickupView,
} from './city-state-store.js';
import { shardCity } from './city-id.js';
import { assertValidDecision, assignmentsOf, NO_AUDIT, pickupsOf, type Assignment, type CommittedDecision, type Decision, type Pickup } from './decision.js';
import type { Estimates } from './estimates.js';
import { assertCourierState, assertCourierUpdate, assertNewOrder, assertOrderState, FINISHED_ORDER_STATUSES } from './records.js';
import type { ClaimMode, ItemKind, ShardableCityStateStore, ShardEntry } from './shard-base.js';

/** How many area shards a city has (its config's `shards`; 1 for a city nobody created). */
export type ShardCount = (city: string) => Promise<number>;

/**
 * A city of `shards: N` (N > 1) over N area shards (docs/scaling.md, "Area shards"): shard s is
 * the inner store's city `<city>#<s>` (its own Redis Cluster slot), the city itself keeps the
 * base: the id -> shard index, the fence and decision version, the decisions' heads, the
 * features. An item's shard is its area (areas.ts) when it is first written, then what the index
 * says. A city of one shard is passed to the inner store as it is: today's keys, byte for byte.
 *
 * Every state-changing call is atomic in each slot it writes; across slots the order of the
 * writes is what keeps them safe: the index before the records, the records' removal before the
 * index's, the decision's version before its parts, the parts in shard order.
 */
export class ShardedCityStateStore implements CityStateStore {
  constructor(
    private readonly inner: ShardableCityStateStore,
    private readonly shardCount: ShardCount,
  ) {}

  async putCouriers(city: string, couriers: readonly CourierState[]): Promise<void> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.putCouriers(city, couriers);
    couriers.forEach(assertCourierState);
    const placed = await this.place(city, n, 'courier', 'keep', couriers, (c) => c.lng);
    if (placed.ok) await this.eachShard(city, placed.parts, (shard, part) => this.inner.putCouriers(shard, part));
  }

  async putOrders(city: string, orders: readonly OrderState[]): Promise<void> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.putOrders(city, orders);
    orders.forEach(assertOrderState);
    const placed = await this.place(city, n, 'order', 'keep', orders, (o) => o.pickupLng);
    if (!placed.ok) return;
    await this.eachShard(city, placed.parts, (shard, part) => this.inner.putOrders(shard, part));
    // Each finished order's entry as this put claimed it: one claimed again meanwhile stays.
    const finished = orders.flatMap((o, i) => (FINISHED_ORDER_STATUSES.has(o.status) ? [[o.id, placed.entries[i]] as const] : []));
    await this.inner.releaseShards(city, 'order', finished);
  }

  async createOrders(city: string, orders: readonly NewOrder[]): Promise<CreateOrdersResult> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.createOrders(city, orders);
    orders.forEach(assertNewOrder);
    const placed = await this.place(city, n, 'order', 'create', orders, (o) => o.pickupLng);
    if (!placed.ok) return placed;
    const results = await this.eachShard(city, placed.parts, (shard, part) => this.inner.createOrders(shard, part));
    // The index refused every id already in a shard (it is written before and released after the records).
    const refused = results.find((r) => !r.ok);
    return refused ?? { ok: true, created: orders.length };
  }

  async readCourier(city: string, id: string): Promise<CourierView | undefined> {
    const held = await this.shardOf(city, 'courier', id);
    return held && this.inner.readCourier(held.shard, id);
  }

  async readOrder(city: string, id: string): Promise<OrderView | undefined> {
    const held = await this.shardOf(city, 'order', id);
    return held && this.inner.readOrder(held.shard, id);
  }

  async readPickup(city: string, id: string): Promise<PickupView | undefined> {
    return (await this.findPickup(city, id))?.view;
  }

  async readSnapshot(city: string, params: DispatchParams): Promise<CitySnapshot> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.readSnapshot(city, params);
    throw new Error(`city ${city} has ${n} area shards: read its snapshots per shard (readShardSnapshots)`);
  }

  async readShardSnapshots(city: string, params: DispatchParams): Promise<CitySnapshot[]> {
    const shards = await this.shards(city);
    if (shards.length === 1) return this.inner.readShardSnapshots(city, params);
    const [fence, ...snapshots] = await Promise.all([this.inner.readFence(city), ...shards.map((shard) => this.inner.readSnapshot(shard, params))]);
    // The city's version is the base's: a shard's is that of the last decision with a part in it.
    for (const snapshot of snapshots) snapshot.version = fence?.version ?? 0;
    return snapshots;
  }

  async readCityView(city: string): Promise<CityView> {
    const shards = await this.shards(city);
    if (shards.length === 1) return this.inner.readCityView(city);
    const views = await Promise.all(shards.map((shard) => this.inner.readCityView(shard)));
    return { takenAt: Math.min(...views.map((v) => v.takenAt)), couriers: views.flatMap((v) => v.couriers), orders: views.flatMap((v) => v.orders) };
  }

  async commit(decision: Decision): Promise<CommitResult> {
    const n = await this.shardCount(decision.city);
    if (n === 1) return this.inner.commit(decision);
    assertValidDecision(decision);
    const { city } = decision;
    const split = await this.split(city, n, decision);
    const dropped = split.dropped;
    if (!decision.partial && dropped.length > 0) return { ok: false, reason: 'conflict', item: dropped[0].item };
    if (split.parts.every((p) => p.length === 0)) return { ok: false, reason: 'conflict', item: dropped[0].item };
    const audit = decision.audit ?? NO_AUDIT;
    const opened = await this.inner.openDecision(city, decision.token, decision.holder, audit);
    if (!opened.ok) return opened;
    // In shard order, each part numbering its pickups after the earlier parts' (positional ids).
    const assignments: Assignment[] = [];
    let pickupOffset = 0;
    for (let s = 0; s < n; s++) {
      const part = split.parts[s];
      if (part.length === 0) continue;
      const result = await this.inner.commit({
        ...decision,
        city: shardCity(city, s),
        assignments: assignmentsOf(part),
        part: { version: opened.version, pickupOffset },
      });
      if (result.ok) {
        assignments.push(...result.decision.assignments);
        dropped.push(...result.dropped);
        pickupOffset += pickupsOf(result.decision.assignments).length;
      } else if (result.reason === 'conflict') {
        // The part was refused whole (all or nothing per shard, or every pickup of it changed).
        dropped.push(...part.map((p) => ({ courier: p.courier, orders: [...p.orders], item: result.item })));
      } else {
        // A newer holder fenced this shard (or its fence is lost): the parts before stay in the
        // version opened; the next holder's takeover copies them into the log.
        return result;
      }
    }
    return {
      ok: true,
      decision: { city, version: opened.version, token: decision.token, holder: decision.holder, committedAt: opened.openedAt, assignments, ...audit },
      dropped,
    };
  }

  async purgeLapsedOffers(city: string): Promise<void> {
    await Promise.all((await this.shards(city)).map((shard) => this.inner.purgeLapsedOffers(shard)));
  }

  async raiseFence(city: string, floor: Fence): Promise<Fence> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.raiseFence(city, floor);
    // Every shard's copy at once: a stale holder is then refused in whichever slot it writes.
    const [base, ...shards] = await Promise.all([city, ...this.shardNames(city, n)].map((c) => this.inner.raiseFence(c, floor)));
    return { token: Math.max(base.token, ...shards.map((f) => f.token)), version: base.version };
  }

  async readFence(city: string): Promise<Fence | null> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.readFence(city);
    const [base, ...shards] = await Promise.all([city, ...this.shardNames(city, n)].map((c) => this.inner.readFence(c)));
    // A shard that lost its copy (its master failed over) makes the fence missing: re-seed it whole.
    if (base === null || shards.some((f) => f === null)) return null;
    return { token: Math.max(base.token, ...shards.map((f) => f!.token)), version: base.version };
  }

  async readDecisionStream(city: string): Promise<CommittedDecision[]> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.readDecisionStream(city);
    const [heads, ...shards] = await Promise.all([city, ...this.shardNames(city, n)].map((c) => this.inner.readDecisionStream(c)));
    const parts = new Map<number, Assignment[]>();
    for (const stream of shards) {
      for (const part of stream) {
        const assignments = parts.get(part.version) ?? [];
        parts.set(part.version, assignments.concat(part.assignments));
      }
    }
    return heads.map((head) => ({ ...head, assignments: parts.get(head.version) ?? [] }));
  }

  async updateCouriers(city: string, couriers: readonly CourierUpdate[]): Promise<void> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.updateCouriers(city, couriers);
    couriers.forEach(assertCourierUpdate);
    const placed = await this.place(city, n, 'courier', 'keep', couriers, (c) => c.lng);
    if (placed.ok) await this.eachShard(city, placed.parts, (shard, part) => this.inner.updateCouriers(shard, part));
  }

  async removeCourier(city: string, id: string): Promise<boolean> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.removeCourier(city, id);
    const held = await this.shardOf(city, 'courier', id);
    if (!held?.entry) return false;
    const existed = await this.inner.removeCourier(held.shard, id);
    await this.inner.releaseShards(city, 'courier', [[id, held.entry]]);
    return existed;
  }

  async applyOrderEvent(city: string, order: string, event: OrderEvent): Promise<OrderEventResult> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.applyOrderEvent(city, order, event);
    const held = await this.shardOf(city, 'order', order);
    if (!held?.entry) return { ok: false, reason: 'unknown_order' };
    const result = await this.inner.applyOrderEvent(held.shard, order, event);
    if (result.ok && (event.kind === 'delivered' || event.kind === 'cancel')) await this.inner.releaseShards(city, 'order', [[order, held.entry]]);
    return result;
  }

  async applyPickupEvent(city: string, pickup: string, event: PickupEvent): Promise<PickupEventResult> {
    const n = await this.shardCount(city);
    if (n === 1) return this.inner.applyPickupEvent(city, pickup, event);
    // A pickup stays in the shard that committed it; the event there checks it again, atomically.
    const found = await this.findPickup(city, pickup);
    return found ? this.inner.applyPickupEvent(found.shard, pickup, event) : { ok: false, reason: 'unknown_pickup' };
  }

  async readCooldowns(city: string): Promise<Assignment[]> {
    return (await Promise.all((await this.shards(city)).map((shard) => this.inner.readCooldowns(shard)))).flat();
  }

  checkHealth(): Promise<void> {
    return this.inner.checkHealth();
  }

  async putEstimates(city: string, estimates: Estimates, ttlMs: number): Promise<{ expiresAt: number }> {
    // Each shard's snapshot reads the estimates in its own slot and uses only its own items'.
    const placed = await Promise.all((await this.shards(city)).map((shard) => this.inner.putEstimates(shard, estimates, ttlMs)));
    return { expiresAt: Math.min(...placed.map((p) => p.expiresAt)) };
  }

  ingestFeatureEvents(city: string, events: readonly FeatureEvent[]): Promise<IngestResult> {
    return this.inner.ingestFeatureEvents(city, events);
  }

  readFeatureState(city: string, signals?: readonly SignalName[]): Promise<FeatureState> {
    return this.inner.readFeatureState(city, signals);
  }

  /** The store's names of the city's shards: the city itself when it has one. */
  private async shards(city: string): Promise<string[]> {
    const n = await this.shardCount(city);
    return n === 1 ? [city] : this.shardNames(city, n);
  }

  private shardNames(city: string, n: number): string[] {
    return Array.from({ length: n }, (_, s) => shardCity(city, s));
  }

  /**
   * The store's name of the shard holding an item, with its index entry (none for a city of one
   * shard); undefined when the city has no such item.
   */
  private async shardOf(city: string, kind: ItemKind, id: string): Promise<{ shard: string; entry?: ShardEntry } | undefined> {
    const n = await this.shardCount(city);
    if (n === 1) return { shard: city };
    const [entry] = await this.inner.readShards(city, kind, [id]);
    return entry && { shard: shardCity(city, entry.shard), entry };
  }

  /**
   * Indexes items (claimShards) with their area as the shard of the new ones, then groups them by
   * the shard the index gives (a `keep` is never refused).
   */
  private async place<T extends { id: string }>(
    city: string,
    n: number,
    kind: ItemKind,
    mode: ClaimMode,
    items: readonly T[],
    lng: (item: T) => number,
  ): Promise<{ ok: true; parts: T[][]; entries: ShardEntry[] } | { ok: false; reason: 'exists'; id: string }> {
    const claimed = await this.inner.claimShards(
      city,
      kind,
      mode,
      items.map((item) => [item.id, areaOf(lng(item), n)] as const),
    );
    if (!claimed.ok) return claimed;
    const parts: T[][] = Array.from({ length: n }, () => []);
    items.forEach((item, i) => parts[claimed.entries[i].shard].push(item));
    return { ok: true, parts, entries: claimed.entries };
  }

  /** Writes each shard's part, in parallel. */
  private eachShard<T, R>(city: string, parts: T[][], write: (shard: string, part: T[]) => Promise<R>): Promise<R[]> {
    return Promise.all(parts.flatMap((part, s) => (part.length === 0 ? [] : [write(shardCity(city, s), part)])));
  }

  private async findPickup(city: string, id: string): Promise<{ shard: string; view: PickupView } | undefined> {
    const shards = await this.shards(city);
    const views = await Promise.all(shards.map((shard) => this.inner.readPickup(shard, id)));
    const i = views.findIndex((v) => v !== undefined);
    return i < 0 ? undefined : { shard: shards[i], view: views[i]! };
  }

  /**
   * The decision's pickups by the shard of their courier; a pickup whose courier or an order is
   * in no shard, or in another one, cannot be claimed atomically and is dropped with that item.
   */
  private async split(city: string, n: number, decision: Decision): Promise<{ parts: Pickup[][]; dropped: DroppedPickup[] }> {
    const pickups = pickupsOf(decision.assignments);
    const [courierShards, orderShards] = await Promise.all([
      this.inner.readShards(
        city,
        'courier',
        pickups.map((p) => p.courier),
      ),
      this.inner.readShards(
        city,
        'order',
        decision.assignments.map((a) => a.order),
      ),
    ]);
    const parts: Pickup[][] = Array.from({ length: n }, () => []);
    const dropped: DroppedPickup[] = [];
    let a = 0;
    pickups.forEach((pickup, i) => {
      const shard = courierShards[i]?.shard;
      let item: ConflictingItem | undefined;
      for (const order of pickup.orders) {
        const orderShard = orderShards[a++]?.shard;
        if (item) continue;
        if (orderShard === undefined) item = { kind: 'order', id: order, state: 'missing' };
        else if (shard !== undefined && orderShard !== shard) item = { kind: 'order', id: order, state: 'other_shard' };
      }
      if (!item && shard === undefined) item = { kind: 'courier', id: pickup.courier, state: 'missing' };
      if (item) dropped.push({ courier: pickup.courier, orders: [...pickup.orders], item });
      else parts[shard!].push(pickup);
    });
    return { parts, dropped };
  }
}
