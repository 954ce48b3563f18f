/**
 * What a bundle is and in which order its dropoffs are made: one restaurant, a few of its
 * orders, delivered in the sequence that minimises the sum of their dropoff times. With at
 * most MAX_BUNDLE_SIZE orders the sequence is found exactly by enumerating every
 * permutation (4! = 24).
 *
 * The best sequence does not depend on the courier in the positions model: every leg is
 * distance · detour ÷ speed (one factor 1/speed for all legs of a courier), and the handover
 * adds the same amount to every sequence (the k-th dropoff waits for k handovers whatever the
 * order). So the sequence chosen once, with a reference speed, is the best for every courier,
 * up to floating-point ties.
 */
import { MAX_BUNDLE_SIZE } from '../domain/problem.js';

/** A pickup: snapshot order indices, in delivery sequence, all from one restaurant. */
export interface Bundle {
  orders: number[];
}

export { MAX_BUNDLE_SIZE };

/** Every permutation of 0..n−1 in lexicographic order, for n ≤ MAX_BUNDLE_SIZE (ties go to the first). */
const PERMUTATIONS: readonly (readonly number[])[][] = Array.from({ length: MAX_BUNDLE_SIZE + 1 }, (_, n) => permutationsOf(n));

function permutationsOf(n: number): number[][] {
  if (n === 0) return [[]];
  const result: number[][] = [];
  for (const rest of permutationsOf(n - 1)) {
    // Insert n−1 at every place of each permutation of 0..n−2, then sort lexicographically.
    for (let at = 0; at <= rest.length; at++) result.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
  }
  return result.sort((a, b) => {
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
}

/**
 * Legs of a bundle's orders, by their position in the bundle: `fromPickup[i]` from the
 * restaurant to dropoff i, `between(i, j)` from dropoff i to dropoff j, in seconds.
 */
export interface SequenceLegs {
  fromPickup: readonly number[];
  between: (i: number, j: number) => number;
}

/** Σ of the dropoff times of `sequence` when the courier leaves the restaurant at startS. */
export function sequenceTotalS(startS: number, legs: SequenceLegs, sequence: readonly number[]): number {
  let t = startS + legs.fromPickup[sequence[0]];
  let total = t;
  for (let k = 1; k < sequence.length; k++) {
    t += legs.between(sequence[k - 1], sequence[k]);
    total += t;
  }
  return total;
}

/** The sequence (positions 0..n−1) with the least sum of dropoff times, and that sum. */
export function bestSequence(startS: number, legs: SequenceLegs, n: number): { sequence: readonly number[]; totalS: number } {
  if (!(n >= 1 && n <= MAX_BUNDLE_SIZE)) throw new RangeError(`a bundle has 1 to ${MAX_BUNDLE_SIZE} orders, not ${n}`);
  let best = PERMUTATIONS[n][0];
  let bestTotal = sequenceTotalS(startS, legs, best);
  for (let p = 1; p < PERMUTATIONS[n].length; p++) {
    const total = sequenceTotalS(startS, legs, PERMUTATIONS[n][p]);
    if (total < bestTotal) {
      best = PERMUTATIONS[n][p];
      bestTotal = total;
    }
  }
  return { sequence: best, totalS: bestTotal };
}
