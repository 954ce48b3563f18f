import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import type { DispatchParams } from '../domain/problem.js';
import { DEFAULT_FEATURE_RULES, SIGNAL_NAMES, type FeatureRules, type SignalName } from '../features/definitions.js';
import { assertFeatureEvents, type FeatureEvent, type IngestResult } from '../features/events.js';
import type { FeatureState } from '../features/feature-state.js';
import {
  assertFenceFloor,
  DEFAULT_STREAM_MAX_LEN,
  type CitySnapshot,
  type CityView,
  type CommitResult,
  type CourierState,
  type CourierUpdate,
  type CreateOrdersResult,
  type NewOrder,
  type CourierView,
  type Fence,
  orderEventDone,
  type Offer,
  type OrderEvent,
  type OrderEventResult,
  type OrderState,
  type OrderStatus,
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
  assignmentsOf,
  DEFAULT_OFFER_TTL_MS,
  NO_AUDIT,
  pickupsOf,
  type Assignment,
  type Certificate,
  type CommittedDecision,
  type Decision,
  type DecisionAudit,
} from './decision.js';
import type { ClaimMode, ClaimResult, ItemKind, OpenDecisionResult, ShardableCityStateStore, ShardClaim, ShardEntry, ShardHeld } from './shard-base.js';
import { assertEstimates, decodeEstimates, encodeEstimates, type CityEstimates, type Estimates } from './estimates.js';
import { decodeIngestReply, ingestArgs, ingestKeys } from './redis-feature-signals.js';
import { FeatureMirror } from './redis-feature-mirror.js';
import { registerLuaScripts, type CityScripts } from './lua-scripts.js';
import { offerView, pickupView } from './pickups.js';
import { assertCourierState, assertCourierUpdate, assertEventAnswer, assertNewOrder, assertOrderState, FINISHED_ORDER_STATUSES } from './records.js';
import { assertKeyPrefix, changeLogKeys, cityKeys, offerKeys, shardIndexKey, type CityKeys } from './redis-keys.js';
import { decodeCourier, decodeOfferPickupId, decodeOrder, decodePickup, encodeCourier, encodeOrder } from './redis-records.js';
import { RecordMirror, type SnapshotReply } from './redis-record-mirror.js';
import { SnapshotBuilder } from './snapshot.js';

export interface RedisCityStateStoreOptions {
  /** Prepended to every key (before the `{city}` hash tag); default `dispatchd:`. */
  keyPrefix?: string;
  /** Decisions kept in each city's stream (approximate trimming). */
  streamMaxLen?: number;
  /** The feature engine's rules (definitions.ts); default DEFAULT_FEATURE_RULES. */
  featureRules?: FeatureRules;
}

/**
 * Hot city state in Redis. Records are compact values in per-city hashes (redis-records.ts);
 * every write of one is logged in the city's change log, so a snapshot is one read-only script
 * that returns only the records written since this host's last read of the city
 * (redis-record-mirror.ts), and the commit is one Lua script over the city's keys. The client is
 * one server or a Redis Cluster: every key of a city shares its hash tag (redis-keys.ts), so each
 * script and MULTI runs on the one master holding the city's slot, and TIME inside them is that
 * master's clock.
 */
export class RedisCityStateStore implements ShardableCityStateStore {
  private readonly prefix: string;
  private readonly streamMaxLen: number;
  private readonly scripts: CityScripts;
  private readonly featureRules: FeatureRules;
  /** Per city read here, its feature panes as far as read (redis-feature-mirror.ts), and the read in progress. */
  private readonly featureMirrors = new Map<string, FeatureMirror>();
  private readonly featureReads = new Map<string, Promise<unknown>>();
  /** Per city read here, its records as of the last read (redis-record-mirror.ts), and the read in progress. */
  private readonly recordMirrors = new Map<string, RecordMirror>();
  private readonly recordReads = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis | Cluster,
    options: RedisCityStateStoreOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? 'dispatchd:';
    assertKeyPrefix(this.prefix);
    this.streamMaxLen = options.streamMaxLen ?? DEFAULT_STREAM_MAX_LEN;
    this.scripts = registerLuaScripts(redis);
    this.featureRules = options.featureRules ?? DEFAULT_FEATURE_RULES;
  }

  async putCouriers(city: string, couriers: readonly CourierState[]): Promise<void> {
    couriers.forEach(assertCourierState);
    const k = this.keys(city);
    if (couriers.length === 0) return;
    await this.scripts.put_records(
      k.couriers,
      k.courierOffers,
      k.courierOfferExpiry,
      k.revision,
      k.courierChanges,
      JSON.stringify(couriers.map(encodeCourier)),
      '[]',
    );
  }

  async putOrders(city: string, orders: readonly OrderState[]): Promise<void> {
    orders.forEach(assertOrderState);
    const k = this.keys(city);
    if (orders.length === 0) return;
    const live = orders.filter((o) => !FINISHED_ORDER_STATUSES.has(o.status)).map(encodeOrder);
    const finished = orders.filter((o) => FINISHED_ORDER_STATUSES.has(o.status)).map((o) => o.id);
    await this.scripts.put_records(k.orders, k.orderOffers, k.orderOfferExpiry, k.revision, k.orderChanges, JSON.stringify(live), JSON.stringify(finished));
  }

  async createOrders(city: string, orders: readonly NewOrder[]): Promise<CreateOrdersResult> {
    orders.forEach(assertNewOrder);
    if (orders.length === 0) return { ok: true, created: 0 };
    const records = JSON.stringify(orders.map((o) => encodeOrder({ ...o, status: 'pending' })));
    const k = this.keys(city);
    const reply = (await this.scripts.create_orders(k.orders, k.revision, k.orderChanges, records)) as [string, string | number];
    switch (reply[0]) {
      case 'ok':
        return { ok: true, created: Number(reply[1]) };
      case 'exists':
        return { ok: false, reason: 'exists', id: String(reply[1]) };
      default:
        throw new Error(`create_orders returned an unexpected reply: ${JSON.stringify(reply)}`);
    }
  }

  async readCourier(city: string, id: string): Promise<CourierView | undefined> {
    assertItemId(id, 'courier');
    const keys = this.keys(city);
    const [record, offer, entry, now] = (await this.scripts.read_offer(keys.couriers, keys.courierOffers, keys.pickups, id)) as ReadOfferReply;
    return record ? { ...decodeCourier(record), offer: liveOffer(offer, entry, null, Number(now)) } : undefined;
  }

  async readOrder(city: string, id: string): Promise<OrderView | undefined> {
    assertItemId(id, 'order');
    const keys = this.keys(city);
    const [record, offer, entry, now] = (await this.scripts.read_offer(keys.orders, keys.orderOffers, keys.pickups, id)) as ReadOfferReply;
    return record ? { ...decodeOrder(record), offer: liveOffer(offer, entry, id, Number(now)) } : undefined;
  }

  async readPickup(city: string, id: string): Promise<PickupView | undefined> {
    assertPickupId(id);
    const keys = this.keys(city);
    const [entry, now, ...records] = (await this.scripts.read_pickup(keys.pickups, keys.orders, id)) as (string | null)[];
    if (entry === null) return undefined;
    const statuses = records.map((r) => (r === null ? undefined : decodeOrder(r).status));
    return pickupView(decodePickup(id, entry), statuses, Number(now));
  }

  async readSnapshot(city: string, params: DispatchParams): Promise<CitySnapshot> {
    return this.readHotSet(city, true, ({ mirror, offeredCouriers, offeredOrders, version, now, estimates }) => {
      const snapshot = new SnapshotBuilder({
        city,
        params,
        now,
        version,
        offeredCouriers,
        offeredOrders,
        maxCouriers: mirror.couriers.size,
        maxOrders: mirror.orders.size,
      });
      snapshot.addCouriers(mirror.couriers.values());
      snapshot.addOrders(mirror.orders.values());
      const built = snapshot.build();
      if (estimates) built.estimates = estimates;
      return built;
    });
  }

  async readShardSnapshots(city: string, params: DispatchParams): Promise<CitySnapshot[]> {
    return [await this.readSnapshot(city, params)];
  }

  async readCityView(city: string): Promise<CityView> {
    return this.readHotSet(city, false, ({ mirror, offeredCouriers, offeredOrders, now }) => ({
      takenAt: now,
      couriers: [...mirror.couriers.values()].map((c) => ({ ...c, offered: offeredCouriers.has(c.id) })),
      orders: [...mirror.orders.values()].map((o) => ({ ...o, offered: offeredOrders.has(o.id) })),
    }));
  }

  /**
   * Brings the city's mirror up to date with one read_snapshot.lua (every record, who holds an
   * outstanding offer, the version and, withEstimates (the snapshot, not the map), the estimates,
   * at one instant) and hands `use` the result before another read can change the mirror.
   */
  private readHotSet<T>(city: string, withEstimates: boolean, use: (hot: HotSet) => T): Promise<T> {
    const k = this.keys(city);
    return serialized(this.recordReads, city, async () => {
      let mirror = this.recordMirrors.get(city);
      if (!mirror) this.recordMirrors.set(city, (mirror = new RecordMirror()));
      const reply = (await this.scripts.read_snapshot(
        k.couriers,
        k.orders,
        k.courierChanges,
        k.orderChanges,
        k.revision,
        k.courierOfferExpiry,
        k.orderOfferExpiry,
        k.fence,
        k.estimates,
        ...mirror.args(),
        withEstimates ? '1' : '0',
      )) as SnapshotReply;
      mirror.apply(reply);
      const [at, version, , , , , offeredCouriers, offeredOrders, estimates = null, estimatesTtl] = reply;
      const now = Number(at);
      const ttl = Number(estimatesTtl);
      return use({
        mirror,
        offeredCouriers: new Set(offeredCouriers),
        offeredOrders: new Set(offeredOrders),
        version: Number(version),
        now,
        // The key expires on the server's clock; PTTL gives what is left of it at `now`.
        estimates: estimates === null || !(ttl > 0) ? undefined : decodeEstimates(estimates, now + ttl),
      });
    });
  }

  async commit(decision: Decision): Promise<CommitResult> {
    assertValidDecision(decision);
    const keys = this.keys(decision.city);
    const assignments = JSON.stringify(decision.assignments.map((a) => [a.order, a.courier]));
    const audit = decision.audit ?? NO_AUDIT;
    const reply = (await this.scripts.commit_decision(
      keys.fence,
      ...offerKeys(keys),
      keys.decisions,
      keys.pickups,
      ...changeLogKeys(keys),
      String(decision.token),
      decision.holder,
      decision.offerTtlMs ?? DEFAULT_OFFER_TTL_MS,
      this.streamMaxLen,
      assignments,
      decision.partial ? '1' : '0',
      audit.objective === null ? '' : String(audit.objective),
      audit.certificate,
      decision.part ? String(decision.part.version) : '',
      String(decision.part?.pickupOffset ?? 0),
    )) as (string | number)[];
    switch (reply[0]) {
      case 'ok': {
        // [pickup number in the decision, kind, id, state] per dropped pickup.
        const droppedReply = JSON.parse(String(reply[3])) as [number, 'order' | 'courier', string, string][];
        const pickups = pickupsOf(decision.assignments);
        const dropped = droppedReply.map(([n, kind, id, state]) => ({ ...pickups[n - 1], item: { kind, id, state } }));
        const droppedNumbers = new Set(droppedReply.map(([n]) => n));
        return {
          ok: true,
          decision: {
            city: decision.city,
            version: Number(reply[1]),
            token: decision.token,
            holder: decision.holder,
            committedAt: Number(reply[2]),
            assignments: assignmentsOf(pickups.filter((_, i) => !droppedNumbers.has(i + 1))),
            ...audit,
          },
          dropped,
        };
      }
      case 'fence_missing':
        return { ok: false, reason: 'fence_missing' };
      case 'stale_token':
        return { ok: false, reason: 'stale_token', fence: Number(reply[1]) };
      case 'conflict':
        return {
          ok: false,
          reason: 'conflict',
          item: { kind: reply[1] as 'order' | 'courier', id: String(reply[2]), state: String(reply[3]) },
        };
      default:
        throw new Error(`commit_decision returned an unexpected reply: ${JSON.stringify(reply)}`);
    }
  }

  async purgeLapsedOffers(city: string): Promise<void> {
    const k = this.keys(city);
    await this.scripts.purge_lapsed_offers(k.courierOffers, k.orderOffers, k.courierOfferExpiry, k.orderOfferExpiry, k.pickups);
  }

  async raiseFence(city: string, floor: Fence): Promise<Fence> {
    assertFenceFloor(floor);
    const keys = this.keys(city);
    const [token, version] = (await this.scripts.raise_fence(keys.fence, floor.token, floor.version)) as string[];
    return { token: Number(token), version: Number(version) };
  }

  async checkHealth(): Promise<void> {
    // A Cluster has one connection per master; a single server, one.
    const nodes = 'nodes' in this.redis ? this.redis.nodes('master') : [this.redis];
    if (nodes.length === 0) throw new Error('no Redis master known');
    await Promise.all(nodes.map((node) => node.ping()));
  }

  async readFence(city: string): Promise<Fence | null> {
    const [token, version] = await this.redis.hmget(this.keys(city).fence, 'token', 'version');
    return token === null ? null : { token: Number(token), version: Number(version ?? 0) };
  }

  async readDecisionStream(city: string): Promise<CommittedDecision[]> {
    const key = this.keys(city).decisions;
    const decisions: CommittedDecision[] = [];
    let start = '-';
    for (;;) {
      const page = await this.redis.xrange(key, start, '+', 'COUNT', STREAM_PAGE);
      for (const [, fields] of page) decisions.push(decisionFromStream(city, fields));
      if (page.length < STREAM_PAGE) return decisions;
      start = `(${page[page.length - 1][0]}`;
    }
  }

  async updateCouriers(city: string, couriers: readonly CourierUpdate[]): Promise<void> {
    couriers.forEach(assertCourierUpdate);
    const keys = this.keys(city);
    // One script call per chunk (each atomic per courier, as HSET is): a call with 100,000
    // arguments would overflow the stack when the arguments are spread.
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < couriers.length; i += UPDATE_CHUNK) {
      const chunk = couriers.slice(i, i + UPDATE_CHUNK);
      calls.push(
        this.scripts.update_couriers(
          keys.couriers,
          keys.revision,
          keys.courierChanges,
          ...chunk.flatMap((c) => [c.id, encodeCourier({ ...c, freeAt: undefined })]),
        ),
      );
    }
    await Promise.all(calls);
  }

  async removeCourier(city: string, id: string): Promise<boolean> {
    assertItemId(id, 'courier');
    const k = this.keys(city);
    const existed = await this.scripts.remove_courier(...offerKeys(k), k.pickups, ...changeLogKeys(k), id);
    return Number(existed) === 1;
  }

  async applyOrderEvent(city: string, order: string, event: OrderEvent): Promise<OrderEventResult> {
    assertItemId(order, 'order');
    const reply = await this.event(city, 'order', order, event);
    if (reply[0] === 'ok') return orderEventDone(reply[1] === '' ? null : reply[1], reply[2] === '' ? undefined : { id: reply[2], orders: reply.slice(3) });
    if (reply[0] === 'unknown_order') return { ok: false, reason: 'unknown_order' };
    return eventRefusal(reply);
  }

  async applyPickupEvent(city: string, pickup: string, event: PickupEvent): Promise<PickupEventResult> {
    assertPickupId(pickup);
    const reply = await this.event(city, 'pickup', pickup, event);
    if (reply[0] === 'ok') return { ok: true, courier: reply[1], orders: reply.slice(3) };
    if (reply[0] === 'unknown_pickup') return { ok: false, reason: 'unknown_pickup' };
    return eventRefusal(reply);
  }

  /** One call of order_event.lua, for an order or a pickup. */
  private async event(city: string, target: 'order' | 'pickup', id: string, event: OrderEvent | PickupEvent): Promise<string[]> {
    assertEventAnswer(event);
    const k = this.keys(city);
    const courier = event.kind === 'accept' || event.kind === 'decline' ? (event.courier ?? '') : '';
    const cooldownMs = event.kind === 'decline' ? event.cooldownMs : 0;
    return (await this.scripts.order_event(
      ...offerKeys(k),
      k.cooldowns,
      k.pickups,
      ...changeLogKeys(k),
      event.kind,
      target,
      id,
      courier,
      cooldownMs,
    )) as string[];
  }

  async readCooldowns(city: string): Promise<Assignment[]> {
    const key = this.keys(city).cooldowns;
    const [pairs, time] = await execute(this.redis.multi().zrange(key, 0, '-1', 'WITHSCORES').time());
    return [...unexpired(pairs, serverTimeMs(time))].map((pair) => {
      const [order, courier] = pair.split('|');
      return { order, courier };
    });
  }

  async putEstimates(city: string, estimates: Estimates, ttlMs: number): Promise<{ expiresAt: number }> {
    assertEstimates(estimates, ttlMs);
    const key = this.keys(city).estimates;
    const [, time] = await execute(this.redis.multi().set(key, encodeEstimates(estimates), 'PX', ttlMs).time());
    return { expiresAt: serverTimeMs(time) + ttlMs };
  }

  async ingestFeatureEvents(city: string, events: readonly FeatureEvent[]): Promise<IngestResult> {
    assertFeatureEvents(events);
    const keys = this.keys(city);
    if (events.length === 0) return { at: serverTimeMs(await this.redis.time()), accepted: 0, ignored: [] };
    return decodeIngestReply(await this.scripts.ingest_events(...ingestKeys(keys), ...ingestArgs(keys, this.featureRules, events)));
  }

  async readFeatureState(city: string, signals: readonly SignalName[] = SIGNAL_NAMES): Promise<FeatureState> {
    const keys = this.keys(city);
    return serialized(this.featureReads, city, async () => {
      let mirror = this.featureMirrors.get(city);
      if (!mirror) this.featureMirrors.set(city, (mirror = new FeatureMirror(this.featureRules)));
      const reply = await this.scripts.read_features(
        keys.featureWaiting,
        keys.featureEpoch,
        keys.featurePanes,
        this.featureRules.paneMs,
        ...mirror.args(signals),
      );
      return mirror.apply(reply, signals);
    });
  }

  async openDecision(city: string, token: number, holder: string, audit: DecisionAudit): Promise<OpenDecisionResult> {
    assertToken(token);
    assertHolderName(holder);
    assertDecisionAudit(audit);
    const k = this.keys(city);
    const objective = audit.objective === null ? '' : String(audit.objective);
    const reply = (await this.scripts.open_decision(k.fence, k.decisions, String(token), holder, this.streamMaxLen, objective, audit.certificate)) as string[];
    switch (reply[0]) {
      case 'ok':
        return { ok: true, version: Number(reply[1]), openedAt: Number(reply[2]) };
      case 'fence_missing':
        return { ok: false, reason: 'fence_missing' };
      case 'stale_token':
        return { ok: false, reason: 'stale_token', fence: Number(reply[1]) };
      default:
        throw new Error(`open_decision returned an unexpected reply: ${JSON.stringify(reply)}`);
    }
  }

  async claimShards(city: string, kind: ItemKind, mode: ClaimMode, items: readonly ShardClaim[]): Promise<ClaimResult> {
    items.forEach(([id]) => assertItemId(id, kind));
    if (items.length === 0) return { ok: true, entries: [] };
    const reply = (await this.scripts.claim_shards(this.shardIndex(city, kind), mode, JSON.stringify(items))) as string[];
    return reply[0] === 'exists' ? { ok: false, reason: 'exists', id: reply[1] } : { ok: true, entries: reply.slice(1).map(decodeShardEntry) };
  }

  async readShards(city: string, kind: ItemKind, ids: readonly string[]): Promise<(ShardEntry | undefined)[]> {
    ids.forEach((id) => assertItemId(id, kind));
    if (ids.length === 0) return [];
    return (await this.redis.hmget(this.shardIndex(city, kind), ...ids)).map((e) => (e === null ? undefined : decodeShardEntry(e)));
  }

  async releaseShards(city: string, kind: ItemKind, held: readonly ShardHeld[]): Promise<void> {
    if (held.length === 0) return;
    await this.scripts.release_shards(this.shardIndex(city, kind), JSON.stringify(held.map(([id, { shard, claim }]) => [id, `${shard}|${claim}`])));
  }

  private shardIndex(city: string, kind: ItemKind): string {
    return shardIndexKey(this.prefix, city, kind);
  }

  private keys(city: string): CityKeys {
    return cityKeys(this.prefix, city);
  }
}

/** What read_snapshot.lua gave, the city's mirror brought up to date with it. */
interface HotSet {
  mirror: RecordMirror;
  offeredCouriers: ReadonlySet<string>;
  offeredOrders: ReadonlySet<string>;
  version: number;
  now: number;
  estimates: CityEstimates | undefined;
}

/** Runs `read` once the city's previous read of `reads` has settled: each continues from where the last one left its mirror. */
function serialized<T>(reads: Map<string, Promise<unknown>>, city: string, read: () => Promise<T>): Promise<T> {
  const next = (reads.get(city) ?? Promise.resolve()).catch(() => undefined).then(read);
  reads.set(city, next);
  return next;
}

const STREAM_PAGE = 200;
const UPDATE_CHUNK = 5_000;

/** Runs a MULTI and returns its replies, throwing the first command error. */
async function execute(tx: ChainableCommander): Promise<unknown[]> {
  const replies = await tx.exec();
  if (!replies) throw new Error('Redis transaction was aborted');
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

function serverTimeMs(time: unknown): number {
  const [seconds, micros] = time as [string, string];
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** read_offer.lua's reply: record, offer, the offer's pickup entry, Redis time in ms. */
type ReadOfferReply = [string | null, string | null, string | null, string];

/** The outstanding offer, as seen from `order` (null: from a courier, which sees its pickup's first order). */
function liveOffer(offer: string | null, entry: string | null, order: string | null, now: number): Offer | null {
  if (offer === null || entry === null) return null;
  const pickup = decodePickup(decodeOfferPickupId(offer), entry);
  return offerView(pickup, order ?? pickup.orders[0], now);
}

/** Members of a ZRANGE ... WITHSCORES reply whose expiry score is after `now`. */
function unexpired(membersAndScores: unknown, now: number): Set<string> {
  const reply = membersAndScores as string[];
  const ids = new Set<string>();
  for (let i = 0; i < reply.length; i += 2) if (Number(reply[i + 1]) > now) ids.add(reply[i]);
  return ids;
}

function decisionFromStream(city: string, fields: string[]): CommittedDecision {
  const entry = new Map<string, string>();
  for (let i = 0; i < fields.length; i += 2) entry.set(fields[i], fields[i + 1]);
  const pairs = JSON.parse(entry.get('assignments') ?? '[]') as [string, string][];
  return {
    city,
    version: Number(entry.get('version')),
    token: Number(entry.get('token')),
    holder: entry.get('holder') ?? '',
    committedAt: Number(entry.get('at')),
    assignments: pairs.map(([order, courier]) => ({ order, courier })),
    // Entries written before decisions carried their audit have neither field.
    objective: entry.get('objective') ? Number(entry.get('objective')) : null,
    certificate: (entry.get('certificate') as Certificate | undefined) ?? 'none',
  };
}

/** The refusals order_event.lua gives orders and pickups alike; any other reply is a bug. */
function eventRefusal(reply: string[]): { ok: false; reason: 'no_offer' } | { ok: false; reason: 'wrong_state'; state: OrderStatus } {
  if (reply[0] === 'no_offer') return { ok: false, reason: 'no_offer' };
  if (reply[0] === 'wrong_state') return { ok: false, reason: 'wrong_state', state: reply[1] as OrderStatus };
  throw new Error(`order_event returned an unexpected reply: ${JSON.stringify(reply)}`);
}

/** An index entry of claim_shards.lua: "<shard>|<claim>". */
function decodeShardEntry(entry: string): ShardEntry {
  const [shard, claim] = entry.split('|');
  return { shard: Number(shard), claim: Number(claim) };
}
