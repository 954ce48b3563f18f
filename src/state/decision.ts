import { isItemId, isPickupId, ItemId, PickupId } from '../domain/limits.js';
import { assertStateCity } from './city-id.js';

/**
 * One order offered to one courier. In a decision a courier may have several assignments, next
 * to each other: together they are one pickup (see pickupsOf).
 */
export interface Assignment {
  order: string;
  courier: string;
}

/**
 * One courier's share of a decision: one restaurant, its orders delivered in this sequence. A
 * one-order pickup is what an assignment was before pickups.
 */
export interface Pickup {
  courier: string;
  orders: string[];
}

/**
 * The pickups of a decision's assignments, in order of first appearance: each run of
 * consecutive assignments to one courier is one pickup, its orders in the order they appear.
 * (assertValidDecision refuses a courier with two runs, so in a valid decision a courier has
 * at most one pickup.)
 */
export function pickupsOf(assignments: readonly Assignment[]): Pickup[] {
  return pickupsAs(assignments, (courier, orders) => ({ courier, orders }));
}

/**
 * The pickups of pickupsOf, each made by `make` from its courier, its orders (an array filled
 * after the call, in place) and its number (1-based): a caller that wants its own shape of pickup
 * (the API's) makes it directly, not from a Pickup.
 */
export function pickupsAs<P>(assignments: readonly Assignment[], make: (courier: string, orders: string[], n: number) => P): P[] {
  const pickups: P[] = [];
  let courier: string | undefined;
  let orders: string[] = [];
  for (const a of assignments) {
    if (a.courier === courier) {
      orders.push(a.order);
    } else {
      courier = a.courier;
      orders = [a.order];
      pickups.push(make(courier, orders, pickups.length + 1));
    }
  }
  return pickups;
}

/** The assignments of the pickups (pickupsOf) that are kept, in the given order. */
export function assignmentsOf(pickups: readonly Pickup[]): Assignment[] {
  // A loop, not flatMap: no array per pickup on a tick's ~1,000 pickups.
  const assignments: Assignment[] = [];
  for (const { courier, orders } of pickups) for (const order of orders) assignments.push({ order, courier });
  return assignments;
}

/**
 * The id of the n-th pickup (1-based, see pickupsOf) of the decision with this version: derived
 * wherever it is needed, so the decision log stays a list of [order, courier] pairs.
 */
export function pickupId(version: number, n: number): string {
  return `p${version}.${n}`;
}

/** Sets each pair's `pickup` to the id of the pickup it is in, for the decision with this version (in place: a tick's ~1,000 pairs are not copied again). */
export function setPickupIds<T extends Assignment & { pickup: string }>(assignments: T[], version: number): T[] {
  let n = 0;
  for (let i = 0; i < assignments.length; i++) {
    // A pickup is a run of one courier's assignments (pickupsOf).
    if (i === 0 || assignments[i].courier !== assignments[i - 1].courier) n++;
    assignments[i].pickup = pickupId(version, n);
  }
  return assignments;
}

/** The store-side test of PickupId (limits.ts): what the HTTP schema accepts, this accepts. */
export function assertPickupId(id: unknown): asserts id is string {
  if (!isPickupId(id)) throw new TypeError(`pickup id must be ${PickupId.description}, got ${JSON.stringify(id)}`);
}

/** The assignments a holder computed for a city under fencing token `token`. */
export interface Decision {
  city: string;
  token: number;
  /** Who computed it (host id / boot id), recorded with the decision. */
  holder: string;
  assignments: readonly Assignment[];
  /** How long each courier's offer stays outstanding; defaults to DEFAULT_OFFER_TTL_MS. */
  offerTtlMs?: number;
  /**
   * Per pickup: commit the pickups whose orders and courier are all still dispatchable and drop
   * the others (CommitResult.dropped), instead of refusing the whole decision for one of them.
   */
  partial?: boolean;
  /** The solve it came from, for an auditor; without it the decision records objective null, certificate 'none'. */
  audit?: DecisionAudit;
  /**
   * A shard's part of a decision of a city of several shards (sharded-city-state-store.ts): the
   * version opened in the city's base slot, and the pickups the earlier parts committed, so pickup
   * numbers run on across the parts as they do in the merged decision.
   */
  part?: DecisionPart;
}

export interface DecisionPart {
  version: number;
  pickupOffset: number;
}

/**
 * Whether the solve's dual certificate proved its assignment optimal (src/domain/certificate.ts):
 * 'checked' it did; 'failed' it did not (the host commits no such decision, docs/host.md); 'none'
 * no certificate was asked for (a decision committed by a caller that did not solve it, or one
 * recorded before decisions carried one).
 */
export type Certificate = 'checked' | 'failed' | 'none';

export const CERTIFICATES: readonly Certificate[] = ['checked', 'failed', 'none'];

/** What a decision records of the solve it came from. */
export interface DecisionAudit {
  /**
   * The solve's exact objective in deciseconds, the units of the offers' costs: assigned costs plus
   * the penalty of each order left unassigned, over the whole snapshot (a partial commit's dropped
   * pickups included, as solved).
   */
  objective: number | null;
  certificate: Certificate;
}

export const NO_AUDIT: Readonly<DecisionAudit> = Object.freeze({ objective: null, certificate: 'none' });

/** A decision as recorded in the per-city stream and the durable decisions table. */
export interface CommittedDecision {
  city: string;
  /** The city's decision version after this commit: 1, 2, 3, ... */
  version: number;
  token: number;
  holder: string;
  /** Commit time on the state store's clock, epoch milliseconds. */
  committedAt: number;
  assignments: Assignment[];
  /** DecisionAudit.objective. */
  objective: number | null;
  certificate: Certificate;
}

export const DEFAULT_OFFER_TTL_MS = 30_000;

/** Rejects malformed decisions before they reach a store: both stores see only valid input. */
export function assertValidDecision(decision: Decision): void {
  assertStateCity(decision.city);
  assertToken(decision.token);
  assertHolderName(decision.holder);
  const audit = decision.audit ?? NO_AUDIT;
  assertDecisionAudit(audit);
  // An assignment its own certificate refutes is not an offer anyone should get (docs/host.md).
  if (audit.certificate === 'failed') throw new RangeError('a decision whose certificate failed is not committed');
  if (decision.part) {
    const { version, pickupOffset } = decision.part;
    if (!Number.isSafeInteger(version) || version < 1 || !Number.isSafeInteger(pickupOffset) || pickupOffset < 0) {
      throw new RangeError(`decision part must have a version ≥ 1 and a pickup offset ≥ 0, got ${JSON.stringify(decision.part)}`);
    }
  }
  const ttl = decision.offerTtlMs ?? DEFAULT_OFFER_TTL_MS;
  if (!Number.isSafeInteger(ttl) || ttl <= 0) {
    throw new RangeError(`offerTtlMs must be a positive integer, got ${ttl}`);
  }
  if (!Array.isArray(decision.assignments) || decision.assignments.length === 0) {
    throw new TypeError('decision assignments must be a non-empty array');
  }
  const orders = new Set<string>();
  for (const { order, courier } of decision.assignments) {
    assertItemId(order, 'order');
    assertItemId(courier, 'courier');
    if (orders.has(order)) throw new RangeError(`order ${order} is assigned twice in one decision`);
    orders.add(order);
  }
  // A courier's assignments are one pickup only when they are contiguous (pickupsOf): each courier
  // starts one run. That a pickup's orders share one restaurant the stores check, against the
  // positions they hold, inside the commit.
  const couriers = new Set<string>();
  let last: string | undefined;
  for (const { courier } of decision.assignments) {
    if (courier === last) continue;
    if (couriers.has(courier)) {
      throw new RangeError(`courier ${courier} is assigned twice in one decision: a pickup's assignments must be contiguous`);
    }
    couriers.add(courier);
    last = courier;
  }
}

export function assertDecisionAudit({ objective, certificate }: DecisionAudit): void {
  if (objective !== null && !(Number.isSafeInteger(objective) && objective >= 0)) {
    throw new RangeError(`decision objective must be null or an integer ≥ 0, got ${String(objective)}`);
  }
  if (!CERTIFICATES.includes(certificate)) throw new TypeError(`decision certificate must be one of ${CERTIFICATES.join(', ')}, got ${String(certificate)}`);
}

/** The holder recorded with a decision (host id / boot id); the decisions table keeps up to 200 characters. */
export function assertHolderName(holder: unknown): asserts holder is string {
  if (typeof holder !== 'string' || holder.length === 0 || holder.length > 200) {
    throw new TypeError(`decision holder must be a string of 1-200 characters, got ${JSON.stringify(holder)}`);
  }
}

/** Fencing tokens are positive integers that stay exact in a double (and in Lua). */
export function assertToken(token: unknown): asserts token is number {
  if (typeof token !== 'number' || !Number.isSafeInteger(token) || token < 1) {
    throw new RangeError(`fencing token must be a positive safe integer, got ${String(token)}`);
  }
}

/** The store-side test of ItemId (limits.ts): what the HTTP schema accepts, this accepts. */
export function assertItemId(id: unknown, kind: 'order' | 'courier'): asserts id is string {
  if (!isItemId(id)) throw new TypeError(`${kind} id must be ${ItemId.description}, got ${JSON.stringify(id)}`);
}
