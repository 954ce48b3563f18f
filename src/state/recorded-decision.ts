import type { CommittedDecision } from './decision.js';

/**
 * A committed decision as the embedded stores keep it, its assignments as two columns of ids: a
 * host keeps many (every decision in the log, the last ones in each city's stream), and two arrays
 * of (immutable, shared) strings per decision instead of an object per assignment keep them from
 * growing the heap the collector walks (and copy faster than a clone).
 */
export type RecordedDecision = Omit<CommittedDecision, 'assignments'> & { orders: string[]; couriers: string[] };

export function recordOf({ assignments, ...header }: CommittedDecision): RecordedDecision {
  return { ...header, orders: assignments.map((a) => a.order), couriers: assignments.map((a) => a.courier) };
}

/** The decision with fresh assignment objects: the caller's own copy. */
export function decisionOf({ orders, couriers, ...header }: RecordedDecision): CommittedDecision {
  return { ...header, assignments: orders.map((order, i) => ({ order, courier: couriers[i] })) };
}
