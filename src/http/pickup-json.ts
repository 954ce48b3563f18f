import { pickupId, pickupsAs, type Assignment } from '../state/decision.js';

/** A decision's pickups as the API shows them; `version` null: not committed, so no ids yet. */
export function pickupsJson(assignments: readonly Assignment[], version: number | null) {
  return pickupsAs(assignments, (courier, orders, n) => ({
    pickup_id: version === null ? null : pickupId(version, n),
    courier,
    orders,
  }));
}
