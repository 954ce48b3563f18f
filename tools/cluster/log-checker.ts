/**
 * The decision-log checker: a pure function over everything a cluster run left behind — the
 * committed decisions (the MySQL table and the Redis streams, possibly both copies of one
 * decision), what the API acknowledged, and the order events the feeder had acknowledged — that
 * returns every violation of dispatchd's two promises:
 *
 * Safety
 * - per city, versions are contiguous from 1 and each is recorded once (copies must agree);
 * - tokens never decrease along the versions, and one token belongs to one holder;
 * - no order is offered to two couriers at once, no courier holds two offers at once (an offer
 *   lives from its commit until it lapses or is answered; an accepted one holds order and courier
 *   until the order is delivered or cancelled; a lost state store ends every offer). The orders of
 *   one pickup (one decision, one courier) are one offer: answering one answers all, and the
 *   courier is held until the last of them is released;
 * - every decision the API acknowledged (POST /dispatch) is in the log with the same token, and
 *   every acknowledged accept answers an offer that is in the log;
 * - no order is offered after its cancellation or delivery was acknowledged.
 *
 * Liveness
 * - every enabled city has a committed decision at least every `boundMs` over [from, to], except
 *   inside excused windows (a store deliberately cut off).
 *
 * Times are epoch ms on one machine's clock: commit times are the state store's (Redis TIME),
 * event and acknowledgement times the feeder's. An answer counts from when it was *sent* (it
 * was applied no earlier), so clock skew between the two can only hide a violation, never
 * invent one.
 */
import { pickupId, pickupsOf, type Assignment, type CommittedDecision } from '../../src/state/decision.js';
import { sameDecision } from '../../src/state/decision-log.js';

export type ViolationKind =
  | 'version_gap'
  | 'conflicting_copies'
  | 'token_decreased'
  | 'token_shared'
  | 'order_offered_twice'
  | 'courier_two_offers'
  | 'acknowledged_missing'
  | 'accept_without_offer'
  | 'offered_after_end'
  | 'city_silent';

export interface Violation {
  kind: ViolationKind;
  city: string;
  message: string;
}

/** An order event the API answered with success. */
export interface AcknowledgedEvent {
  city: string;
  order: string;
  /** For accept and decline: the courier that answered. */
  courier?: string;
  kind: 'accept' | 'decline' | 'picked_up' | 'delivered' | 'cancel';
  /** When the request was sent and when its success came back (epoch ms). */
  sentAt: number;
  ackAt: number;
}

/** A decision POST /dispatch answered with `committed: true`. */
export interface AcknowledgedDecision {
  city: string;
  version: number;
  token: number;
  ackAt: number;
}

export interface LivenessWindow {
  /** The enabled cities that must keep being dispatched. */
  cities: readonly string[];
  from: number;
  to: number;
  /** Longest allowed time without a committed decision. */
  boundMs: number;
  /** Windows in which a city may be silent (a store cut off on purpose); the bound restarts at their end. */
  excused?: readonly { from: number; to: number }[];
}

export interface CheckInput {
  /** Every decision read, from any number of sources; identical copies of one (city, version) merge. */
  decisions: readonly CommittedDecision[];
  offerTtlMs: number;
  acknowledged?: readonly AcknowledgedDecision[];
  events?: readonly AcknowledgedEvent[];
  /** Times at which the state store lost everything (restart without persistence): every offer ends there. */
  stateLostAt?: readonly number[];
  liveness?: LivenessWindow;
  /**
   * When reading the log began (epoch ms), if acknowledgements kept coming while it was read: one
   * that came back later may be missing from what was read without being lost, so it is not checked.
   */
  logReadAt?: number;
}

export interface CheckReport {
  violations: Violation[];
  /** Distinct decisions checked, per city and in all. */
  decisions: number;
  cities: number;
  offers: number;
  /** Longest time without a committed decision per city over the liveness window (excused windows left out). */
  longestSilenceMs: Record<string, number>;
}

/** Decisions per city in version order, copies merged (and disagreeing copies reported). */
export function mergeDecisions(decisions: readonly CommittedDecision[], violations: Violation[] = []): Map<string, CommittedDecision[]> {
  const byKey = new Map<string, CommittedDecision>();
  for (const d of decisions) {
    const key = `${d.city}\u0000${d.version}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, d);
    } else if (!sameDecision(seen, d)) {
      violations.push({
        kind: 'conflicting_copies',
        city: d.city,
        message: `version ${d.version} recorded twice with different content (token ${seen.token} by ${seen.holder} vs token ${d.token} by ${d.holder})`,
      });
    }
  }
  const byCity = new Map<string, CommittedDecision[]>();
  for (const d of byKey.values()) {
    const list = byCity.get(d.city) ?? [];
    list.push(d);
    byCity.set(d.city, list);
  }
  for (const list of byCity.values()) list.sort((a, b) => a.version - b.version);
  return byCity;
}

export function checkDecisionLog(input: CheckInput): CheckReport {
  const violations: Violation[] = [];
  const byCity = mergeDecisions(input.decisions, violations);
  let decisions = 0;
  let offers = 0;
  for (const [city, list] of byCity) {
    decisions += list.length;
    checkVersionsAndTokens(city, list, violations);
    offers += checkOffers(city, list, input, violations);
  }
  checkAcknowledged(byCity, input, violations);
  checkOfferedAfterEnd(byCity, input, violations);
  const longestSilenceMs = input.liveness ? checkLiveness(byCity, input.liveness, violations) : {};
  return { violations, decisions, cities: byCity.size, offers, longestSilenceMs };
}

function checkVersionsAndTokens(city: string, list: CommittedDecision[], violations: Violation[]): void {
  let expected = 1;
  let previous: CommittedDecision | undefined;
  const tokenHolder = new Map<number, string>();
  for (const d of list) {
    if (d.version !== expected) {
      violations.push({
        kind: 'version_gap',
        city,
        message: d.version > expected ? `versions ${expected}..${d.version - 1} are missing` : `version ${d.version} out of order`,
      });
    }
    expected = d.version + 1;
    if (previous && d.token < previous.token) {
      violations.push({
        kind: 'token_decreased',
        city,
        message: `version ${d.version} has token ${d.token} (${d.holder}) after version ${previous.version} with token ${previous.token} (${previous.holder})`,
      });
    }
    const holder = tokenHolder.get(d.token);
    if (holder !== undefined && holder !== d.holder) {
      violations.push({ kind: 'token_shared', city, message: `token ${d.token} used by ${holder} and by ${d.holder} (version ${d.version})` });
    }
    tokenHolder.set(d.token, d.holder);
    previous = d;
  }
}

interface OfferSpan {
  order: string;
  courier: string;
  version: number;
  pickup: string;
  at: number;
  /** When neither side is held by it any more. */
  end: number;
  accepted?: boolean;
}

function checkOffers(city: string, list: CommittedDecision[], input: CheckInput, violations: Violation[]): number {
  const events = (input.events ?? []).filter((e) => e.city === city);
  const resets = [...(input.stateLostAt ?? [])].sort((a, b) => a - b);
  const ordered = [...list].sort((a, b) => a.committedAt - b.committedAt || a.version - b.version);
  // Answers are attributed to the pair's latest offer committed before the answer came back.
  const offersByPair = new Map<string, OfferSpan[]>();
  const spans: OfferSpan[] = [];
  const byPickup = new Map<string, OfferSpan[]>();
  for (const d of ordered) {
    pickupsOf(d.assignments).forEach(({ courier, orders }, i) => {
      const pickup = pickupId(d.version, i + 1);
      const members = orders.map((order): OfferSpan => ({
        order,
        courier,
        version: d.version,
        pickup,
        at: d.committedAt,
        end: d.committedAt + input.offerTtlMs,
      }));
      byPickup.set(pickup, members);
      for (const span of members) {
        spans.push(span);
        const key = pairKey(span);
        const list = offersByPair.get(key) ?? [];
        list.push(span);
        offersByPair.set(key, list);
      }
    });
  }
  const endsOfOrder = (order: string, after: number) =>
    events.filter((e) => e.order === order && (e.kind === 'delivered' || e.kind === 'cancel') && e.sentAt >= after).map((e) => e.sentAt);
  for (const e of events) {
    if ((e.kind !== 'accept' && e.kind !== 'decline') || e.courier === undefined) continue;
    const candidates = (offersByPair.get(pairKey({ order: e.order, courier: e.courier })) ?? []).filter((s) => s.at <= e.ackAt);
    const answered = candidates[candidates.length - 1];
    if (!answered) continue; // reported by checkAcknowledged for accepts
    // An answer to one order of a pickup answers the whole pickup.
    for (const span of byPickup.get(answered.pickup)!) {
      if (e.kind === 'decline') {
        span.end = Math.min(span.end, Math.max(span.at, e.sentAt));
      } else {
        const released = endsOfOrder(span.order, e.sentAt);
        // Accepted: the order and its courier stay held until delivered or cancelled.
        span.end = released.length > 0 ? Math.max(span.at, Math.min(...released)) : Number.POSITIVE_INFINITY;
        span.accepted = true;
      }
    }
  }
  // A cancelled order withdraws its outstanding (unanswered) offer.
  for (const e of events) {
    if (e.kind !== 'cancel') continue;
    for (const span of spans) {
      if (span.order === e.order && !span.accepted && span.at <= e.ackAt && span.end > e.sentAt) span.end = Math.max(span.at, e.sentAt);
    }
  }
  for (const span of spans) {
    const reset = resets.find((r) => r >= span.at);
    if (reset !== undefined) span.end = Math.min(span.end, reset);
  }
  overlaps(spans, (s) => s.order, 'order_offered_twice', city, violations);
  // A courier holds one offer per pickup, until the last of its orders is released.
  const pickupSpans = [...byPickup.values()].map((members): OfferSpan => ({
    ...members[0],
    order: members.map((m) => m.order).join(', '),
    end: Math.max(...members.map((m) => m.end)),
  }));
  overlaps(pickupSpans, (s) => s.courier, 'courier_two_offers', city, violations);
  return spans.length;
}

function overlaps(spans: OfferSpan[], key: (s: OfferSpan) => string, kind: ViolationKind, city: string, violations: Violation[]): void {
  const groups = new Map<string, OfferSpan[]>();
  for (const s of spans) {
    const list = groups.get(key(s)) ?? [];
    list.push(s);
    groups.set(key(s), list);
  }
  for (const [id, list] of groups) {
    list.sort((a, b) => a.at - b.at || a.version - b.version);
    let holding: OfferSpan | undefined;
    for (const s of list) {
      if (holding && s.at < holding.end) {
        const what = kind === 'order_offered_twice' ? `order ${id} offered to ${s.courier}` : `courier ${id} offered ${s.order}`;
        violations.push({
          kind,
          city,
          message: `${what} at version ${s.version} while version ${holding.version}'s offer (${holding.order} → ${holding.courier}) was still live`,
        });
      }
      if (!holding || s.end > holding.end) holding = s;
    }
  }
}

function checkAcknowledged(byCity: Map<string, CommittedDecision[]>, input: CheckInput, violations: Violation[]): void {
  const readAt = input.logReadAt ?? Number.POSITIVE_INFINITY;
  for (const ack of input.acknowledged ?? []) {
    if (ack.ackAt > readAt) continue;
    const d = byCity.get(ack.city)?.find((x) => x.version === ack.version);
    if (!d || d.token !== ack.token) {
      violations.push({
        kind: 'acknowledged_missing',
        city: ack.city,
        message: d
          ? `acknowledged version ${ack.version} with token ${ack.token}, the log has token ${d.token}`
          : `acknowledged version ${ack.version} (token ${ack.token}) is not in the log`,
      });
    }
  }
  for (const e of input.events ?? []) {
    if (e.kind !== 'accept' || e.courier === undefined || e.ackAt > readAt) continue;
    const offered = byCity.get(e.city)?.some((d) => d.committedAt <= e.ackAt && d.assignments.some((a) => a.order === e.order && a.courier === e.courier));
    if (!offered) {
      violations.push({
        kind: 'accept_without_offer',
        city: e.city,
        message: `accept of ${e.order} by ${e.courier} acknowledged, but no logged decision offered it`,
      });
    }
  }
}

/** An order whose cancellation or delivery came back acknowledged is gone: no later decision may offer it. */
function checkOfferedAfterEnd(byCity: Map<string, CommittedDecision[]>, input: CheckInput, violations: Violation[]): void {
  const endedAt = new Map<string, number>();
  for (const e of input.events ?? []) {
    if (e.kind !== 'cancel' && e.kind !== 'delivered') continue;
    const key = `${e.city}\u0000${e.order}`;
    endedAt.set(key, Math.min(endedAt.get(key) ?? Number.POSITIVE_INFINITY, e.ackAt));
  }
  for (const [city, list] of byCity) {
    for (const d of list) {
      for (const a of d.assignments) {
        const ended = endedAt.get(`${city}\u0000${a.order}`);
        if (ended !== undefined && d.committedAt > ended) {
          violations.push({
            kind: 'offered_after_end',
            city,
            message: `order ${a.order} offered to ${a.courier} at version ${d.version}, after its ${new Date(ended).toISOString()} end was acknowledged`,
          });
        }
      }
    }
  }
}

function checkLiveness(byCity: Map<string, CommittedDecision[]>, window: LivenessWindow, violations: Violation[]): Record<string, number> {
  const excused = window.excused ?? [];
  const longest: Record<string, number> = {};
  for (const city of window.cities) {
    const points = [window.from, window.to];
    for (const e of excused) points.push(Math.max(window.from, Math.min(window.to, e.from)), Math.max(window.from, Math.min(window.to, e.to)));
    for (const d of byCity.get(city) ?? []) if (d.committedAt > window.from && d.committedAt < window.to) points.push(d.committedAt);
    points.sort((a, b) => a - b);
    let worst = 0;
    let worstAt = window.from;
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      if (b <= a) continue;
      if (excused.some((e) => a >= e.from && b <= e.to)) continue;
      if (b - a > worst) {
        worst = b - a;
        worstAt = a;
      }
    }
    longest[city] = worst;
    if (worst > window.boundMs) {
      violations.push({
        kind: 'city_silent',
        city,
        message: `no committed decision for ${worst} ms from ${new Date(worstAt).toISOString()} (bound ${window.boundMs} ms)`,
      });
    }
  }
  return longest;
}

function pairKey(a: Assignment): string {
  return `${a.order}\u0000${a.courier}`;
}

/** One line per violation, for test failures and the cluster command. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.kind} [${v.city}]: ${v.message}`).join('\n');
}
