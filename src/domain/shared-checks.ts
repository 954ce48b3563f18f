/**
 * The hand-written rules (what JSON Schema cannot say) that the snapshot reader (snapshot.ts)
 * and checkProblem (problem-checks.ts) share, apart from the schemas so that the reader does
 * not load TypeBox.
 */
import { InputError } from './errors.js';
import { MAX_COST } from './problem.js';

/** The penalty in deciseconds, rounded as the spec rounds it, must be a valid cost. */
export function checkPenaltyRounding(unassignedPenaltyS: number): void {
  if (Math.floor(unassignedPenaltyS * 10 + 0.5) > MAX_COST) {
    throw new InputError('params.unassigned_penalty_s', `rounded to deciseconds, must be at most ${MAX_COST}`);
  }
}

export function checkIndex(index: number, count: number, field: string, list: 'order' | 'courier'): void {
  if (!(index >= 0 && index < count)) {
    throw new InputError(field, `${list} index ${index} out of range [0, ${count})`);
  }
}
