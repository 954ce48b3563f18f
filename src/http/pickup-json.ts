import { pickupId, pickupsOf, type Assignment } from '../state/decision.js';

/** A decision's pickups as the API shows them; `version` null: not committed, so no ids yet. */
export function pickupsJson(assignments: readonly Assignment[], version: number | null) {
  return pickupsOf(assignments).map((p, i) => ({
    pickup_id: version === null ? null : pickupId(version, i + 1),
    courier: p.courier,
    orders: p.orders,
  }));
}
