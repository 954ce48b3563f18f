import type { CityStateStore, CommitResult } from '../state/city-state-store.js';
import type { Assignment, CommittedDecision } from '../state/decision.js';
import type { DecisionLog } from '../state/decision-log.js';
import { reseedFence } from './city-takeover.js';
import { holderName, type Holder } from './holder.js';
import type { Lease } from './lease.js';
import type { LeaseStore } from './lease-store.js';

export type FencedCommitResult =
  /**
   * Committed. `logError` is set when the durable write failed: the decision is still in the
   * stream and is copied to the decisions table at the next takeover or re-seed (or by copyMissingDecisions).
   */
  | { ok: true; decision: CommittedDecision; logError?: unknown }
  | Exclude<CommitResult, { ok: true }>
  /** The lease lapsed on this host's clock: nothing was attempted. */
  | { ok: false; reason: 'lease_lapsed' };

/**
 * Commits a decision computed under `lease`: only while the lease is valid on the local clock,
 * then fenced by the state store. A lost fence is re-seeded from the lease store once and the
 * commit retried; a committed decision is then written to the durable log.
 */
export async function commitFenced(
  stores: { leases: LeaseStore; state: CityStateStore; decisions: DecisionLog },
  lease: Lease,
  holder: Holder,
  assignments: readonly Assignment[],
  offerTtlMs?: number,
): Promise<FencedCommitResult> {
  const decision = { city: lease.city, token: lease.token, holder: holderName(holder), assignments, offerTtlMs };
  if (!lease.isValid()) return { ok: false, reason: 'lease_lapsed' };
  let result = await stores.state.commit(decision);
  if (!result.ok && result.reason === 'fence_missing') {
    await reseedFence(stores, lease.city);
    if (!lease.isValid()) return { ok: false, reason: 'lease_lapsed' };
    result = await stores.state.commit(decision);
  }
  if (!result.ok) return result;
  try {
    await stores.decisions.append([result.decision]);
    return result;
  } catch (logError) {
    return { ...result, logError };
  }
}
