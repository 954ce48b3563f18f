/** Committed decisions for the decision log, relay, outbox and publisher tests: version n assigns o-n to c-n. */
import type { CommittedDecision } from '../../src/state/decision.js';

export function committedDecision(city: string, version: number, fields: Partial<CommittedDecision> = {}): CommittedDecision {
  return {
    city,
    version,
    token: 1,
    holder: 'host-a/boot-1',
    committedAt: 1_790_000_000_000 + version,
    assignments: [{ order: `o-${version}`, courier: `c-${version}` }],
    objective: 1830 + version,
    certificate: 'checked',
    ...fields,
  };
}

/** Versions `from` to `to` of one city. */
export function committedDecisions(city: string, from: number, to: number): CommittedDecision[] {
  return Array.from({ length: to - from + 1 }, (_, i) => committedDecision(city, from + i));
}
