// Partial selection on u64 keys: afterwards the k smallest keys of [lo, hi) occupy
// [lo, lo + k) in some order. Keys are unique ((cost << 32) | courier), so the
// selected set is exactly the spec's "k cheapest, ties by snapshot order".

const INSERTION_LIMIT: i32 = 16;

@inline function keyAt(base: usize, i: i32): u64 {
  return load<u64>(base + (<usize>i << 3));
}

@inline function swapKeys(base: usize, i: i32, j: i32): void {
  const pi = base + (<usize>i << 3);
  const pj = base + (<usize>j << 3);
  const t = load<u64>(pi);
  store<u64>(pi, load<u64>(pj));
  store<u64>(pj, t);
}

/** Sorts [lo, hi) ascending by insertion: linear time when every key is near its place. */
export function insertionSort(base: usize, lo: i32, hi: i32): void {
  for (let i = lo + 1; i < hi; i++) {
    const key = keyAt(base, i);
    let j = i - 1;
    while (j >= lo && keyAt(base, j) > key) {
      store<u64>(base + (<usize>(j + 1) << 3), keyAt(base, j));
      j--;
    }
    store<u64>(base + (<usize>(j + 1) << 3), key);
  }
}

/** Sorts [lo, hi) ascending: quicksort (median of three) down to insertion-sorted runs. */
export function sortKeys(base: usize, lo: i32, hi: i32): void {
  while (hi - lo > INSERTION_LIMIT) {
    const j = partition(base, lo, hi);
    // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
    if (j + 1 - lo < hi - j - 1) {
      sortKeys(base, lo, j + 1);
      lo = j + 1;
    } else {
      sortKeys(base, j + 1, hi);
      hi = j + 1;
    }
  }
  insertionSort(base, lo, hi);
}

/** Median-of-three Hoare partition of [lo, hi): afterwards [lo, j] ≤ [j + 1, hi); returns j. */
function partition(base: usize, lo: i32, hi: i32): i32 {
  const mid = lo + ((hi - lo) >> 1);
  if (keyAt(base, mid) < keyAt(base, lo)) swapKeys(base, mid, lo);
  if (keyAt(base, hi - 1) < keyAt(base, lo)) swapKeys(base, hi - 1, lo);
  if (keyAt(base, hi - 1) < keyAt(base, mid)) swapKeys(base, hi - 1, mid);
  const pivot = keyAt(base, mid);
  let i = lo - 1;
  let j = hi;
  while (true) {
    do i++; while (keyAt(base, i) < pivot);
    do j--; while (keyAt(base, j) > pivot);
    if (i >= j) return j;
    swapKeys(base, i, j);
  }
}

/** Keys sampled to choose the first pivot when selecting a few keys among many. */
const SAMPLE: i32 = 64;
const sample = memory.data(SAMPLE << 3);

/**
 * A pivot a little above the k-th smallest of [lo, hi), from an evenly spread sample: the
 * keys below it are about k·SAMPLE/(hi − lo) + 4 sample strides' worth, at least one.
 */
export function sampledPivot(base: usize, lo: i32, hi: i32, k: i32): u64 {
  const stride = (hi - lo) / SAMPLE;
  for (let i = 0; i < SAMPLE; i++) store<u64>(sample + (<usize>i << 3), keyAt(base, lo + i * stride));
  const rank = min(SAMPLE - 1, <i32>(<i64>k * SAMPLE / (hi - lo)) + 4);
  selectSmallest(sample, 0, SAMPLE, rank + 1);
  let pivot: u64 = 0;
  for (let i = 0; i <= rank; i++) pivot = max(pivot, keyAt(sample, i));
  return pivot;
}

/** Moves the keys of [lo, hi) below `pivot` to the front, without a branch; returns their end. */
export function partitionBelow(base: usize, lo: i32, hi: i32, pivot: u64): i32 {
  let below = lo;
  for (let i = lo; i < hi; i++) {
    // Swap with the first key not below; it only stays in front if it is below.
    const key = keyAt(base, i);
    store<u64>(base + (<usize>i << 3), keyAt(base, below));
    store<u64>(base + (<usize>below << 3), key);
    below += i32(key < pivot);
  }
  return below;
}

/** Whether [lo, hi) is long enough for sampledPivot to place a pivot near its k-th smallest key. */
@inline export function sampleFits(lo: i32, hi: i32, k: i32): bool {
  return hi - lo >= 4 * SAMPLE && 4 * k <= hi - lo;
}

export function selectSmallest(base: usize, lo: i32, hi: i32, k: i32): void {
  const target = lo + k; // first index that must hold a key not smaller than the selected ones
  if (k <= 0 || target >= hi) return;
  if (sampleFits(lo, hi, k)) {
    // A few among many: one pass around a sampled pivot leaves a short range to select in.
    const split = partitionBelow(base, lo, hi, sampledPivot(base, lo, hi, k));
    if (target == split) return;
    if (target < split) hi = split;
    else lo = split;
  }
  while (hi - lo > INSERTION_LIMIT) {
    const j = partition(base, lo, hi);
    // [lo, j] ≤ pivot ≤ [j + 1, hi)
    if (target <= j) hi = j + 1;
    else if (target > j + 1) lo = j + 1;
    else return;
  }
  insertionSort(base, lo, hi);
}

/**
 * The spec's max_candidates rule on one order's edges [begin, end): with k > 0 only its
 * k cheapest remain (at the front). Returns the new end.
 */
export function keepCheapest(keys: usize, begin: i32, end: i32, k: i32): i32 {
  if (k <= 0 || end - begin <= k) return end;
  selectSmallest(keys, begin, end, k);
  return begin + k;
}

/** How many of an order's eligible pairs are candidates under max_candidates = k. */
@inline export function candidatesOf(eligible: i32, k: i32): f64 {
  return <f64>(k > 0 ? min(eligible, k) : eligible);
}
