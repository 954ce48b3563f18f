import type { DispatchParams, PositionsProblem, Snapshot } from '../domain/problem.js';
import { assertToken, type Assignment, type CommittedDecision, type Decision } from './decision.js';
import type { SignalName } from '../features/definitions.js';
import type { FeatureEvent, IngestResult } from '../features/events.js';
import type { FeatureState } from '../features/feature-state.js';
import type { CityEstimates, Estimates } from './estimates.js';

/** Decisions kept in each city's stream (approximately, in Redis); the durable copy is in MySQL. */
export const DEFAULT_STREAM_MAX_LEN = 1000;

/** `free`: may be dispatched (possibly only after `freeAt`); `busy` and `offline`: may not. */
export type CourierStatus = 'free' | 'busy' | 'offline';

/** Delivered and cancelled orders leave the hot set; only `pending` orders are dispatched. */
export type OrderStatus = 'pending' | 'assigned' | 'picked_up' | 'delivered' | 'cancelled';

export interface CourierState {
  id: string;
  /** Where the courier becomes free (degrees, WGS84). */
  lat: number;
  lng: number;
  speedMps: number;
  /** When the courier becomes free at lat/lng, epoch ms; the past means free now. */
  freeAt: number;
  status: CourierStatus;
}

export interface OrderState {
  id: string;
  pickupLat: number;
  pickupLng: number;
  dropoffLat: number;
  dropoffLng: number;
  /** When the kitchen has the order ready, epoch ms. */
  readyAt: number;
  status: OrderStatus;
}

/** An order as a caller creates it: pending, and ready at `readyAt` or, without it, now on the store's clock. */
export interface NewOrder {
  id: string;
  pickupLat: number;
  pickupLng: number;
  dropoffLat: number;
  dropoffLng: number;
  /** Epoch ms; omitted = the store's clock at creation (a host's own clock may be skewed). */
  readyAt?: number;
}

/** A courier's position and shift as a caller reports it: free (or offline) from now on the store's clock. */
export type CourierUpdate = Omit<CourierState, 'freeAt'>;

export type CreateOrdersResult =
  | { ok: true; created: number }
  /** Nothing was created: this order (the first of the batch that exists) is already in the hot set. */
  | { ok: false; reason: 'exists'; id: string };

/**
 * An outstanding offer of a pickup (one or more orders) to a courier, made by the decision with
 * this version. An order's offer and its courier's are the same offer seen from either side.
 */
export interface Offer {
  /** An order's offer: that order; a courier's: the first order still in its pickup. */
  order: string;
  courier: string;
  version: number;
  /** Epoch ms on the state store's clock; after it the offer lapses and both sides are free again. */
  expiresAt: number;
  /** The pickup's id, `p<version>.<n>` (decision.ts pickupId). */
  pickup: string;
  /** The pickup's orders not yet delivered or cancelled, in delivery sequence. */
  orders: string[];
}

/** `offered`: waiting for the courier's answer; then its orders' status (the same for all of them). */
export type PickupStatus = 'offered' | 'assigned' | 'picked_up';

/**
 * A pickup from its commit until it ends: declined, lapsed unanswered, withdrawn (its courier
 * removed), or its last order delivered or cancelled. An ended pickup is unknown.
 */
export interface PickupView {
  id: string;
  courier: string;
  version: number;
  /** Not yet delivered or cancelled, in delivery sequence. */
  orders: string[];
  status: PickupStatus;
  /** When the offer lapses (or lapsed, once accepted), epoch ms on the state store's clock. */
  expiresAt: number;
}

export interface CourierView extends CourierState {
  /** The courier's outstanding (unexpired) offer, if any. */
  offer: Offer | null;
}

export interface OrderView extends OrderState {
  /** The order's outstanding (unexpired) offer, if any; a pending order with one is "offered". */
  offer: Offer | null;
}

/**
 * Every courier and order of a city as it stands, for displays (the map page): `offered` when it
 * has an outstanding (unexpired) offer. Read atomically, like the snapshot.
 */
export interface CityView {
  /** Read time on the state store's clock, epoch ms. */
  takenAt: number;
  couriers: (CourierState & { offered: boolean })[];
  orders: (OrderState & { offered: boolean })[];
}

/** Per city: the highest fencing token a commit has used (or was seeded with) and the decision version. */
export interface Fence {
  token: number;
  version: number;
}

/** Free couriers and pending orders, in the solver's columnar form. */
export function assertFenceFloor(floor: Fence): void {
  assertToken(floor.token);
  if (!Number.isSafeInteger(floor.version) || floor.version < 0) {
    throw new RangeError(`fence version must be a non-negative integer, got ${floor.version}`);
  }
}

export interface CitySnapshot extends Snapshot {
  problem: PositionsProblem;
  /** Decision version the snapshot reflects. */
  version: number;
  /** Read time on the state store's clock, epoch ms: free-in and ready-in are relative to it. */
  takenAt: number;
  /** The city's estimates (estimates.ts) unexpired at takenAt, read with the rest; absent when none. */
  estimates?: CityEstimates;
}

export interface ConflictingItem {
  kind: 'order' | 'courier';
  id: string;
  /**
   * `missing`, the item's status, `offered` when it has an outstanding offer, or (an order)
   * `pickup_mismatch` when its pickup position is not that of its pickup's first order: all
   * orders of one pickup come from one restaurant, which only the store can check; in a city of
   * several area shards, `other_shard` when it is not in its pickup's courier's shard.
   */
  state: string;
}

/** A pickup a per-pickup commit left out, and the first of its items that was no longer dispatchable. */
export interface DroppedPickup {
  courier: string;
  orders: string[];
  item: ConflictingItem;
}

export type CommitResult =
  /** Committed: the whole decision, or (Decision.partial) all but the dropped pickups. */
  | { ok: true; decision: CommittedDecision; dropped: DroppedPickup[] }
  /** The token is below the city's fence: a newer holder exists. */
  | { ok: false; reason: 'stale_token'; fence: number }
  /** The fence was lost (state store restarted or failed over): re-seed it from the lease store. */
  | { ok: false; reason: 'fence_missing' }
  /**
   * An order is no longer pending or a courier no longer free: the first such item in the
   * decision (per pickup: only when every pickup has one).
   */
  | { ok: false; reason: 'conflict'; item: ConflictingItem };

/**
 * What happens to an order after a decision offered it: the courier accepts (the order becomes
 * `assigned`, the courier `busy`) or declines (both are free again at once and the pair is not
 * offered again until its cooldown ends); then the order is picked up and delivered (the courier
 * is free again at the dropoff), or cancelled at any point (a carrying courier is freed).
 * An offer nobody answers lapses at its expiry, which frees both sides without an event.
 *
 * An order offered in a pickup of several orders: accept, decline and picked_up act on the whole
 * pickup (as applyPickupEvent does), so clients that know only orders keep working; delivered and
 * cancel act on the order alone and free the courier only when nothing of its pickup remains
 * (delivered: at this order's dropoff). A cancelled order leaves its pickup: an offered pickup
 * stays offered with its other orders.
 */
export type OrderEvent =
  /** `courier`: the answer must come from this courier (the offer's); omitted = whoever holds it. */
  | { kind: 'accept'; courier?: string }
  | { kind: 'decline'; courier?: string; cooldownMs: number }
  | { kind: 'picked_up' }
  | { kind: 'delivered' }
  | { kind: 'cancel' };

/** A pickup of several orders an order event acted on. */
export interface PickupRef {
  id: string;
  /** The pickup's orders when the event came, before it removed any, in delivery sequence. */
  orders: string[];
}

export type OrderEventResult =
  /**
   * `courier`: the courier the order was offered to or carried by, if any. `pickup`: only when
   * the order was in a pickup of several orders (a one-order pickup answers as before pickups).
   */
  | { ok: true; courier: string | null; pickup?: PickupRef }
  | { ok: false; reason: 'unknown_order' }
  /** Accept or decline without an outstanding offer to that courier (never offered, lapsed, or another courier's). */
  | { ok: false; reason: 'no_offer' }
  | { ok: false; reason: 'wrong_state'; state: OrderStatus };

/** The result of an order event that succeeded: the one place that decides when `pickup` is shown. */
export function orderEventDone(courier: string | null, pickup?: PickupRef): OrderEventResult {
  return pickup && pickup.orders.length > 1 ? { ok: true, courier, pickup: { id: pickup.id, orders: [...pickup.orders] } } : { ok: true, courier };
}

/** A step of a pickup's life: the courier's answer to its offer, then picking all its orders up. */
export type PickupEvent =
  /** `courier`: the answer must come from this courier (the pickup's); omitted = whoever holds it. */
  | { kind: 'accept'; courier?: string }
  /** Every (order, courier) pair of the pickup cools down. */
  | { kind: 'decline'; courier?: string; cooldownMs: number }
  | { kind: 'picked_up' };

export type PickupEventResult =
  /** `orders`: the pickup's orders the event acted on, in delivery sequence. */
  | { ok: true; courier: string; orders: string[] }
  /** No such pickup now: never committed, or ended (declined, lapsed, withdrawn, delivered, cancelled). */
  | { ok: false; reason: 'unknown_pickup' }
  /** Accept or decline naming a courier the pickup is not offered to. */
  | { ok: false; reason: 'no_offer' }
  /** The pickup's orders' status does not allow the event (an accepted pickup answered again, picked up before accepting). */
  | { ok: false; reason: 'wrong_state'; state: OrderStatus };

/** Hot per-city dispatch state with the fenced commit; Redis in production, memory when embedded. */
export interface CityStateStore {
  /** Creates or replaces couriers (position updates included); their outstanding offers are kept. */
  putCouriers(city: string, couriers: readonly CourierState[]): Promise<void>;
  /** Creates or replaces orders; delivered and cancelled ones are removed with their offers. */
  putOrders(city: string, orders: readonly OrderState[]): Promise<void>;
  /**
   * Creates every order of the batch, pending, only if none of them exists (all or nothing,
   * atomically: two concurrent creations of one id cannot both succeed).
   */
  createOrders(city: string, orders: readonly NewOrder[]): Promise<CreateOrdersResult>;
  readCourier(city: string, id: string): Promise<CourierView | undefined>;
  readOrder(city: string, id: string): Promise<OrderView | undefined>;
  /** A pickup that has not ended (see PickupView); undefined otherwise. */
  readPickup(city: string, id: string): Promise<PickupView | undefined>;
  /** Free couriers without an outstanding offer and pending orders without one, read atomically. */
  readSnapshot(city: string, params: DispatchParams): Promise<CitySnapshot>;
  /**
   * The snapshot of each area shard of the city, read in parallel (one for a city of one shard:
   * readSnapshot's): the dispatch solves each as its own problem (docs/scaling.md, "Area shards").
   */
  readShardSnapshots(city: string, params: DispatchParams): Promise<CitySnapshot[]>;
  /** Every courier and order of the city with its state (see CityView). */
  readCityView(city: string): Promise<CityView>;
  /**
   * Commits a decision atomically if its token is at least the fence and every order is still
   * pending and every courier still free, neither with an outstanding offer, and the orders of
   * each pickup share one pickup position; otherwise changes nothing (`conflict` names the first
   * item, in assignment order). Each pickup (decision.ts pickupsOf) becomes one offer.
   */
  commit(decision: Decision): Promise<CommitResult>;
  /**
   * Drops the city's lapsed offers and the pickups that lapsed unanswered, so what the store keeps
   * of offers stays little more than the live ones. Housekeeping: an offer is outstanding by its
   * expiry, whenever this runs; the dispatch cycle runs it beside its solve, off the commit's path.
   */
  purgeLapsedOffers(city: string): Promise<void>;
  /** Raises the fence token and version to at least the given values; returns the fence after. */
  raiseFence(city: string, floor: Fence): Promise<Fence>;
  /** The fence, or null when it is missing (never seeded, or lost). */
  readFence(city: string): Promise<Fence | null>;
  /** The decisions still held in the city's stream, oldest first. */
  readDecisionStream(city: string): Promise<CommittedDecision[]>;

  /**
   * Position and shift updates, stamped free from now on the store's clock, except that a
   * courier marked `busy` by an accepted offer stays busy until its order is delivered or cancelled.
   */
  updateCouriers(city: string, couriers: readonly CourierUpdate[]): Promise<void>;
  /**
   * Removes a courier; its pickup ends: an outstanding offer is withdrawn and accepted, not
   * picked-up orders are pending again. False if unknown.
   */
  removeCourier(city: string, id: string): Promise<boolean>;
  /** Applies one step of an order's life atomically (see OrderEvent). */
  applyOrderEvent(city: string, order: string, event: OrderEvent): Promise<OrderEventResult>;
  /** Applies one step of a pickup's life to all its orders atomically (see PickupEvent). */
  applyPickupEvent(city: string, pickup: string, event: PickupEvent): Promise<PickupEventResult>;
  /** Declined (order, courier) pairs whose cooldown has not ended yet. */
  readCooldowns(city: string): Promise<Assignment[]>;
  /**
   * Resolves when every server behind the store answers (each master of a Redis Cluster, not
   * just the one a probe key lands on); rejects with why otherwise.
   */
  checkHealth(): Promise<void>;
  /**
   * Replaces the city's estimates whole (estimates.ts), live for ttlMs on the store's clock;
   * returns when they lapse, epoch ms on that clock. Ids need not exist: the snapshot uses only
   * the estimates of its own orders and couriers.
   */
  putEstimates(city: string, estimates: Estimates, ttlMs: number): Promise<{ expiresAt: number }>;
  /**
   * Takes a batch of business events into the city's feature engine (src/features, docs/features.md)
   * atomically, at one time on the store's clock: ids seen within DEDUPE_HORIZON_MS are ignored,
   * and so are steps of orders the engine has no record of or has already seen.
   */
  ingestFeatureEvents(city: string, events: readonly FeatureEvent[]): Promise<IngestResult>;
  /**
   * The city's feature signals (feature-state.ts) as they stand now on the store's clock, read
   * atomically: those asked for (default all; the others are empty) and the waiting gauge.
   */
  readFeatureState(city: string, signals?: readonly SignalName[]): Promise<FeatureState>;
}
