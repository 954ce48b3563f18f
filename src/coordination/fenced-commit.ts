import type { CityStateStore, CommitResult, DroppedPickup } from '../state/city-state-store.js';
import type { Assignment, CommittedDecision, Decision } from '../state/decision.js';
import { DecisionVersionConflictError, type DecisionLog } from '../state/decision-log.js';
import { reseedFence } from './city-takeover.js';
import { holderName, type Holder } from './holder.js';
import type { Lease } from './lease.js';
import type { LeaseStore } from './lease-store.js';

/** Pauses before the in-cycle retries of a failed durable append (a blip of the log). */
export const DURABLE_APPEND_RETRY_DELAYS_MS: readonly number[] = [100, 400];

export type FencedCommitResult =
  /** Committed in the state store and recorded in the durable log: safe to acknowledge. */
  | { ok: true; decision: CommittedDecision; dropped: DroppedPickup[]; durable: true }
  /**
   * Committed in the state store (the offers are live) but not recorded durably: the caller must
   * hand it to the DecisionOutbox, and must not acknowledge it as durable. `logError` says why;
   * a DecisionVersionConflictError means the log holds another decision at this version.
   */
  | { ok: true; decision: CommittedDecision; dropped: DroppedPickup[]; durable: false; logError: unknown }
  | Exclude<CommitResult, { ok: true }>
  /** The lease lapsed on this host's clock: nothing was attempted. */
  | { ok: false; reason: 'lease_lapsed' };

/**
 * Commits a decision computed under `lease`: only while the lease is valid on the local clock,
 * then fenced by the state store. A lost fence is re-seeded from the lease store once and the
 * commit retried; a committed decision is then written to the durable log, retried briefly.
 */
export async function commitFenced(
  stores: { leases: LeaseStore; state: CityStateStore; decisions: DecisionLog },
  lease: Lease,
  holder: Holder,
  assignments: readonly Assignment[],
  options: Pick<Decision, 'offerTtlMs' | 'partial' | 'audit'> = {},
): Promise<FencedCommitResult> {
  const decision: Decision = { city: lease.city, token: lease.token, holder: holderName(holder), assignments, ...options };
  if (!lease.isValid()) return { ok: false, reason: 'lease_lapsed' };
  let result = await stores.state.commit(decision);
  if (!result.ok && result.reason === 'fence_missing') {
    await reseedFence(stores, lease.city);
    if (!lease.isValid()) return { ok: false, reason: 'lease_lapsed' };
    result = await stores.state.commit(decision);
  }
  if (!result.ok) return result;
  let logError: unknown;
  for (const delayMs of [0, ...DURABLE_APPEND_RETRY_DELAYS_MS]) {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    try {
      await stores.decisions.append([result.decision]);
      return { ...result, durable: true };
    } catch (error) {
      logError = error;
      // Another decision holds this version: retrying cannot help.
      if (error instanceof DecisionVersionConflictError) break;
    }
  }
  return { ...result, durable: false, logError };
}
