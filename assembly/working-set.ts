// Each order's working set: a prefix of its edge range holding its cheapest keys, in
// ascending order. The keys just past it are "staged" (the next cost buckets of the row's
// cheapest region, sorted), so the set grows one edge at a time by exactly what a bid or
// the certificate needs. Every edge outside costs at least the row's limit, and since column duals are
// ≤ 0, an outside edge's reduced cost is ≥ limit − u: an order whose dual stays within
// its limit needs none of its other edges. That is what lets the solver follow a crowd
// deep into its edges and leave the rest of the graph alone.

import { arenaAlloc } from './arena';
import { courierCount, orderCount, rowStart, rowEnd, edgeKeys, sortedEnds, keyCost, keyCourier, loadI32, storeI32 } from './problem';
import { sortKeys, insertionSort, sampleFits, sampledPivot, partitionBelow } from './select';

/** The limit of a row whose working set is the whole row: nothing lies outside. */
const NO_LIMIT: i64 = 1 << 40;
/** Keys staged at a time (whole cost buckets, at least this many). */
const STAGED_KEYS: i32 = 32;
/** A region is bucketed into about one cost bucket per this many keys (see bucketRegion). */
const KEYS_PER_BUCKET: i32 = 2;
/** A region whose buckets hold at most this many keys each is sorted a stage at a time by insertion. */
const SMALL_BUCKET: i32 = 8;
/** A row's unbucketed keys are bucketed this share at a time, cheapest first (see bucketNextRegion). */
const REGION_SHARE: i32 = 6;

export let rowWorkEnd: usize = 0; // i32 per order: row o uses keys[rowStart[o] .. rowWorkEnd[o])
let rowStagedEnd: usize = 0; // i32 per order: keys[rowWorkEnd[o] .. rowStagedEnd[o]) are staged
let rowLimit: usize = 0; // i64 per order
// Keys [rowStagedEnd[o] .. rowBucketedEnd[o]) lie in ascending cost buckets of the row's
// current region, bucket = (cost − base) · scale >> 32; the keys after them are in no order,
// and none is cheaper than a key before them.
let rowBucketedEnd: usize = 0; // i32 per order
let rowBucketBase: usize = 0; // i64 per order: the region's cheapest cost
let rowBucketScale: usize = 0; // u64 per order
let rowSmallBuckets: usize = 0; // i32 per order: 1 if no bucket of the region holds more than SMALL_BUCKET keys
// Transpose of the working sets: column c's rows and costs are at colRows/colCosts
// [colStart[c] .. colEnd[c]). Each column has room up to colStart[c + 1]; while the
// transpose is live, edges that join a working set are appended, and a full column ends
// that until the next index rebuilds it (with room for as many again).
export let colStart: usize = 0; // i32 per courier + 1
export let colEnd: usize = 0; // i32 per courier
export let colRows: usize = 0; // i32 per slot
export let colCosts: usize = 0; // i32 per slot (costs never exceed the i32 penalty)
let colCapacity: i32 = 0;
/**
 * Room each column gets beyond twice its edges when the transpose is built: a courier in no
 * working set yet may be wanted later by a crowd (a degenerate city's stack of 30 by the orders
 * around it, phase after phase). With 4, degenerate L rebuilt it 4 times (872,588 slots in all),
 * with 32 once (552,646); matching 1.2-1.4x faster there, normal and hotspot within noise.
 */
const COLUMN_ROOM: i32 = 32;
/** The transpose holds every working edge and new ones are appended to it. */
let columnsLive: bool = false;
// Scratch for bucketing a row: a copy of its keys, and a count per bucket.
let bucketScratch: usize = 0; // u64 per edge of the longest row
let bucketFill: usize = 0; // i32 per bucket of the longest row + 1

@inline function keyAt(e: i32): u64 {
  return load<u64>(edgeKeys + (<usize>e << 3));
}

@inline export function workLimit(row: i32): i64 {
  return load<i64>(rowLimit + (<usize>row << 3));
}

@inline export function workEnd(row: i32): i32 {
  return loadI32(rowWorkEnd, row);
}

/** The end of the row's sorted keys (working set and staged): what the next tick's graph starts from. */
export function sortedEnd(row: i32): i32 {
  return loadI32(rowStagedEnd, row);
}

/** Sizes the working sets and stages each order's cheapest few edges (a graph's sorted prefix is staged already). */
export function startWorkingSets(): void {
  rowWorkEnd = arenaAlloc(<usize>orderCount << 2);
  rowStagedEnd = arenaAlloc(<usize>orderCount << 2);
  rowLimit = arenaAlloc(<usize>orderCount << 3);
  rowBucketedEnd = arenaAlloc(<usize>orderCount << 2);
  rowBucketBase = arenaAlloc(<usize>orderCount << 3);
  rowBucketScale = arenaAlloc(<usize>orderCount << 3);
  rowSmallBuckets = arenaAlloc(<usize>orderCount << 2);
  colStart = arenaAlloc(<usize>(courierCount + 1) << 2);
  colEnd = arenaAlloc(<usize>courierCount << 2);
  colCapacity = 0;
  columnsLive = false;
  let longest: i32 = 0;
  for (let o = 0; o < orderCount; o++) longest = max(longest, loadI32(rowEnd, o) - loadI32(rowStart, o));
  bucketScratch = arenaAlloc(<usize>longest << 3);
  bucketFill = arenaAlloc(<usize>(bucketsFor(longest) + 1) << 2);
  for (let o = 0; o < orderCount; o++) {
    const begin = loadI32(rowStart, o);
    const sorted = sortedEnds != 0 ? loadI32(sortedEnds, o) : begin;
    storeI32(rowStagedEnd, o, sorted);
    storeI32(rowBucketedEnd, o, sorted);
    storeI32(rowWorkEnd, o, begin);
    if (sorted == begin && begin < loadI32(rowEnd, o)) stage(o);
    setWorkEnd(o, begin);
  }
}

/** The key at `at` (< rowEnd), at or past the end of the row's working set, staging more keys if needed. */
export function nextKey(row: i32, at: i32): u64 {
  if (at == loadI32(rowStagedEnd, row)) stage(row);
  return keyAt(at);
}

/** Moves the end of the row's working set forward (within its staged keys) and sets its limit. */
export function setWorkEnd(row: i32, end: i32): void {
  if (columnsLive) appendToColumns(row, workEnd(row), end);
  storeI32(rowWorkEnd, row, end);
  let limit: i64 = NO_LIMIT;
  if (end < loadI32(rowStagedEnd, row)) limit = keyCost(keyAt(end));
  else if (end < loadI32(rowEnd, row)) limit = end > loadI32(rowStart, row) ? keyCost(keyAt(end - 1)) : 0;
  store<i64>(rowLimit + (<usize>row << 3), limit);
}

/** Admits the row's edges cheaper than `cost`, so that its limit covers it; returns whether it grew. */
export function coverCost(row: i32, cost: i64): bool {
  const begin = workEnd(row);
  const end = loadI32(rowEnd, row);
  let at = begin;
  while (at < end && keyCost(nextKey(row, at)) < cost) at++;
  if (at == begin) return false;
  setWorkEnd(row, at);
  return true;
}

@inline function bucketsFor(keys: i32): i32 {
  return max(1, keys / KEYS_PER_BUCKET);
}

@inline function bucketOf(row: i32, key: u64): i32 {
  const d = <u64>(keyCost(key) - load<i64>(rowBucketBase + (<usize>row << 3)));
  return <i32>((d * load<u64>(rowBucketScale + (<usize>row << 3))) >> 32);
}

/**
 * Buckets the row's cheapest unbucketed keys: about 1/REGION_SHARE of them (those below a
 * sampled pivot), or all of them if they are few. Most rows never need a second region, so
 * most of their keys are read once here and never moved again.
 */
function bucketNextRegion(row: i32): void {
  const from = loadI32(rowBucketedEnd, row);
  const end = loadI32(rowEnd, row);
  const share = (end - from) / REGION_SHARE;
  const to = sampleFits(from, end, share) ? partitionBelow(edgeKeys, from, end, sampledPivot(edgeKeys, from, end, share)) : end;
  memory.copy(bucketScratch, edgeKeys + (<usize>from << 3), <usize>(to - from) << 3);
  bucketRegion(row, from, to - from);
  storeI32(rowBucketedEnd, row, to);
}

/**
 * Writes the `count` keys in the scratch to the row from `from` on, ordered by cost bucket
 * (a counting sort): equal slices of their cost range, about KEYS_PER_BUCKET keys each, so
 * that a stage is just the next few buckets and sorting it is sorting a few keys per bucket.
 */
function bucketRegion(row: i32, from: i32, count: i32): void {
  let cheapest = keyCost(load<u64>(bucketScratch));
  let dearest = cheapest;
  for (let i = 1; i < count; i++) {
    const cost = keyCost(load<u64>(bucketScratch + (<usize>i << 3)));
    cheapest = min(cheapest, cost);
    dearest = max(dearest, cost);
  }
  // (d · scale) >> 32 < buckets for every d ≤ dearest − cheapest, and d · scale < 2^63.
  const buckets = bucketsFor(count);
  store<i64>(rowBucketBase + (<usize>row << 3), cheapest);
  store<u64>(rowBucketScale + (<usize>row << 3), (<u64>buckets << 32) / <u64>(dearest - cheapest + 1));
  memory.fill(bucketFill, 0, <usize>(buckets + 1) << 2);
  for (let i = 0; i < count; i++) {
    const slot = bucketFill + (<usize>(bucketOf(row, load<u64>(bucketScratch + (<usize>i << 3))) + 1) << 2);
    store<i32>(slot, load<i32>(slot) + 1);
  }
  let largest: i32 = 0;
  for (let b = 0; b < buckets; b++) {
    const size = loadI32(bucketFill, b + 1);
    largest = max(largest, size);
    storeI32(bucketFill, b + 1, size + loadI32(bucketFill, b));
  }
  storeI32(rowSmallBuckets, row, i32(largest <= SMALL_BUCKET));
  for (let i = 0; i < count; i++) {
    const key = load<u64>(bucketScratch + (<usize>i << 3));
    const slot = bucketFill + (<usize>bucketOf(row, key) << 2);
    const at = load<i32>(slot);
    store<i32>(slot, at + 1);
    store<u64>(edgeKeys + (<usize>(from + at) << 3), key);
  }
}

/**
 * Stages the row's next cheapest keys, sorted: whole cost buckets, at least STAGED_KEYS
 * keys (or the rest of the row). Keys already lie in ascending buckets, so a region of
 * small buckets is sorted by one insertion sort over the stage; other regions bucket by
 * bucket.
 */
function stage(row: i32): void {
  const from = loadI32(rowStagedEnd, row);
  const end = loadI32(rowEnd, row);
  let to = from;
  while (to < end && to - from < STAGED_KEYS) {
    if (to == loadI32(rowBucketedEnd, row)) bucketNextRegion(row);
    const bucketedEnd = loadI32(rowBucketedEnd, row);
    const chunkBegin = to;
    to = min(bucketedEnd, max(to + 1, from + STAGED_KEYS));
    const last = bucketOf(row, keyAt(to - 1));
    while (to < bucketedEnd && bucketOf(row, keyAt(to)) == last) to++;
    if (loadI32(rowSmallBuckets, row) != 0) {
      insertionSort(edgeKeys, chunkBegin, to);
    } else {
      for (let bucketBegin = chunkBegin; bucketBegin < to;) {
        const bucket = bucketOf(row, keyAt(bucketBegin));
        let bucketEnd = bucketBegin + 1;
        while (bucketEnd < to && bucketOf(row, keyAt(bucketEnd)) == bucket) bucketEnd++;
        sortKeys(edgeKeys, bucketBegin, bucketEnd);
        bucketBegin = bucketEnd;
      }
    }
  }
  storeI32(rowStagedEnd, row, to);
}

/** Appends the row's keys [from, end) to their columns, or gives up on a full column. */
function appendToColumns(row: i32, from: i32, end: i32): void {
  for (let e = from; e < end; e++) {
    const key = keyAt(e);
    const c = keyCourier(key);
    const at = loadI32(colEnd, c);
    if (at == loadI32(colStart, c + 1)) {
      columnsLive = false;
      return;
    }
    storeI32(colEnd, c, at + 1);
    storeI32(colRows, at, row);
    storeI32(colCosts, at, <i32>keyCost(key));
  }
}

/** Rebuilds the transpose of the working sets unless it is live (counting sort by courier). */
export function indexWorkingColumns(): void {
  if (columnsLive) return;
  columnsLive = true;
  const nc = courierCount;
  // Count each column's edges in colEnd, then give it room for as many again and COLUMN_ROOM more.
  memory.fill(colEnd, 0, <usize>nc << 2);
  for (let o = 0; o < orderCount; o++) {
    const end = workEnd(o);
    for (let e = loadI32(rowStart, o); e < end; e++) {
      const c = keyCourier(keyAt(e));
      storeI32(colEnd, c, loadI32(colEnd, c) + 1);
    }
  }
  let slots: i32 = 0;
  for (let c = 0; c < nc; c++) {
    storeI32(colStart, c, slots);
    slots += 2 * loadI32(colEnd, c) + COLUMN_ROOM;
    storeI32(colEnd, c, loadI32(colStart, c));
  }
  storeI32(colStart, nc, slots);
  if (slots > colCapacity) {
    colCapacity = max(slots, colCapacity * 2);
    colRows = arenaAlloc(<usize>colCapacity << 2);
    colCosts = arenaAlloc(<usize>colCapacity << 2);
  }
  for (let o = 0; o < orderCount; o++) appendToColumns(o, loadI32(rowStart, o), workEnd(o));
}
