import type { CommittedDecision } from '../state/decision.js';
import { pickupsJson } from './pickup-json.js';

/** A durable decision as the API shows it: an item of GET /decisions, an SSE event, a broker message. */
export function decisionJson(d: CommittedDecision) {
  return {
    version: d.version,
    token: d.token,
    holder: d.holder,
    committed_at: d.committedAt,
    assignments: d.assignments,
    pickups: pickupsJson(d.assignments, d.version),
    objective: d.objective,
    certificate: d.certificate,
  };
}
