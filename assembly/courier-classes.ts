// Candidate edges for fleets of interchangeable couriers (a degenerate city's stacks): couriers
// whose inputs are bit-identical (position, speed, free-in) are priced by the same expressions
// from the same values, so each order gets the same eligibility and cost from every member of
// such a *class*. The build prices one courier per class (positions.ts on a problem of the
// classes' first members) and writes each order's row as its class edges, cheapest first, each
// followed by its members in index order (less the order's excluded pairs). The graph is the one
// buildFromPositions makes, in another order within each row: non-decreasing cost, so the
// matching stages every row whole (setSortedEnds) instead of selecting and sorting its cheapest keys.
// With K > 0 a row takes classes cheapest first until K members are in and the cost changes; only
// the members of the last cost taken can be too many, and they are sorted by index and cut at K
// (the K rule: cost, then courier index, across classes of one cost too).
//
// Only when classes average MIN_MEAN_CLASS_SIZE couriers or more (a generated fleet has almost none).

import { arenaAlloc, arenaMark, ensureMemory } from './arena';
import { buildFromPositions } from './positions';
import {
  Params, courierCount, orderCount, courierLat, courierLng, courierSpeed, courierFreeIn, excludedCount, rowStart, rowEnd, edgeKeys,
  candidateEdges, keptEdges, pricedPairs, keyCost, keyCourier, edgeKey, loadI32, storeI32, useCouriers, setCandidateGraph,
  setSortedEnds, rowEligible, indexExcludedPairs, markExcluded, isExcluded,
} from './problem';
import { candidatesOf, sortKeys } from './select';

/** Classes are used when they hold this many couriers on average: fewer, and pricing by class saves little. */
const MIN_MEAN_CLASS_SIZE: i32 = 4;
/**
 * The penalty while the classes are priced: every eligible pair is kept, so that the candidate
 * count can weigh each by its class's size. The largest cost a key holds; a pair costing more
 * (years) sends the build back to pricing every courier.
 */
const EVERY_ELIGIBLE_PAIR: i64 = 0xffffffff;

export let classCount: i32 = 0;
export let classStart: usize = 0; // i32 per class + 1: class k's members are classMembers[classStart[k] .. classStart[k + 1])
export let classMembers: usize = 0; // i32 per courier, ascending within a class
// The class graph (couriers = classes; every eligible pair, each row ascending): row o's keys
// are classKeys[classRowStart[o] .. classRowEnd[o]), key = (cost << 32) | class.
export let classRowStart: usize = 0;
export let classRowEnd: usize = 0;
export let classKeys: usize = 0;
/** This problem's graph was built by class (class-assignment.ts solves it by class when K = 0 and nothing is excluded). */
export let graphByClass: bool = false;

@inline function inputBits(column: usize, c: i32): u64 {
  return load<u64>(column + (<usize>c << 3));
}

@inline function sameInputs(a: i32, b: i32): bool {
  return inputBits(courierLat, a) == inputBits(courierLat, b) && inputBits(courierLng, a) == inputBits(courierLng, b)
    && inputBits(courierSpeed, a) == inputBits(courierSpeed, b) && inputBits(courierFreeIn, a) == inputBits(courierFreeIn, b);
}

@inline function inputHash(c: i32): u64 {
  let h = inputBits(courierLat, c) * 0x9e3779b97f4a7c15;
  h = (h ^ inputBits(courierLng, c) ^ (h >> 29)) * 0xbf58476d1ce4e5b9;
  h = (h ^ inputBits(courierSpeed, c) ^ (h >> 31)) * 0x94d049bb133111eb;
  return (h ^ inputBits(courierFreeIn, c) ^ (h >> 32)) * 0x9e3779b97f4a7c15;
}

/**
 * Groups the couriers by their inputs (open addressing on a hash of their bits) into
 * classStart / classMembers; returns the number of classes, or 0 when they are too small to use.
 */
function groupCouriers(): i32 {
  const nc = courierCount;
  let slots: i32 = 1;
  while (slots < 2 * nc) slots <<= 1;
  const table = arenaAlloc(<usize>slots << 2); // i32 per slot: a class's first courier + 1, or 0
  memory.fill(table, 0, <usize>slots << 2);
  const classOf = arenaAlloc(<usize>nc << 2);
  let classes: i32 = 0;
  for (let c = 0; c < nc; c++) {
    let at = <i32>(inputHash(c) >> 40) & (slots - 1);
    while (true) {
      const first = loadI32(table, at) - 1;
      if (first < 0) {
        storeI32(table, at, c + 1);
        storeI32(classOf, c, classes++);
        break;
      }
      if (sameInputs(first, c)) {
        storeI32(classOf, c, loadI32(classOf, first));
        break;
      }
      at = (at + 1) & (slots - 1);
    }
  }
  if (classes * MIN_MEAN_CLASS_SIZE > nc) return 0;
  // Members by class (a counting sort), ascending within each: class k's first is its first courier.
  classStart = arenaAlloc(<usize>(classes + 1) << 2);
  classMembers = arenaAlloc(<usize>nc << 2);
  memory.fill(classStart, 0, <usize>(classes + 1) << 2);
  for (let c = 0; c < nc; c++) {
    const k = loadI32(classOf, c) + 1;
    storeI32(classStart, k, loadI32(classStart, k) + 1);
  }
  for (let k = 0; k < classes; k++) storeI32(classStart, k + 1, loadI32(classStart, k + 1) + loadI32(classStart, k));
  const fill = table; // reused: class k's next member goes to fill[k]
  memory.copy(fill, classStart, <usize>classes << 2);
  for (let c = 0; c < nc; c++) {
    const k = loadI32(classOf, c);
    const at = loadI32(fill, k);
    storeI32(fill, k, at + 1);
    storeI32(classMembers, at, c);
  }
  return classes;
}

/** A column of the classes' first members' values of `column`. */
function firstMembers(column: usize, classes: i32): usize {
  const out = arenaAlloc(<usize>classes << 3);
  for (let k = 0; k < classes; k++) store<u64>(out + (<usize>k << 3), inputBits(column, loadI32(classMembers, loadI32(classStart, k))));
  return out;
}

/**
 * Builds the candidate graph by class, if the problem has classes worth it; returns false,
 * having built nothing, when the caller must price every courier (buildFromPositions).
 */
export function buildFromClasses(): bool {
  if (courierCount < MIN_MEAN_CLASS_SIZE) return false;
  const classes = groupCouriers();
  if (classes == 0) return false;
  const nc = courierCount;
  const lat = courierLat;
  const lng = courierLng;
  const speed = courierSpeed;
  const freeIn = courierFreeIn;
  const excluded = excludedCount;
  const penalty = Params.penalty;
  const k = Params.maxCandidates;
  // The classes' first members as the couriers, without excluded pairs (they are the members' own),
  // every eligible class kept: the K rule is applied to the members.
  useCouriers(classes, firstMembers(lat, classes), firstMembers(lng, classes), firstMembers(speed, classes), firstMembers(freeIn, classes), 0);
  Params.penalty = EVERY_ELIGIBLE_PAIR;
  Params.maxCandidates = 0;
  indexExcludedPairs();
  buildFromPositions();
  Params.penalty = penalty;
  Params.maxCandidates = k;
  useCouriers(nc, lat, lng, speed, freeIn, excluded);
  indexExcludedPairs();
  if (keptEdges != candidateEdges) return false; // a pair cost more than a key holds
  expandClasses();
  classCount = classes;
  graphByClass = true;
  return true;
}

/** A new problem: its graph is not built by class until buildFromClasses says so. */
export function clearClasses(): void {
  graphByClass = false;
}

/**
 * Replaces the class graph (couriers = classes) with the couriers' graph, each row in
 * non-decreasing cost: every eligible member with K = 0, its K cheapest (ties by index) with K > 0.
 */
function expandClasses(): void {
  const classStarts = rowStart;
  const classEnds = rowEnd;
  // Kept for the matching (class-assignment.ts).
  classRowStart = classStarts;
  classRowEnd = classEnds;
  classKeys = edgeKeys;
  const priced = pricedPairs;
  const penalty = Params.penalty;
  const k = Params.maxCandidates;
  const no = orderCount;
  const starts = arenaAlloc(<usize>no << 2);
  const ends = arenaAlloc(<usize>no << 2);
  // The key buffer is the arena's last block: it grows in place, a class at a time.
  const keys = arenaMark();
  let at: i32 = 0;
  let candidates: f64 = 0;
  for (let o = 0; o < no; o++) {
    const begin = loadI32(classStarts, o);
    const end = loadI32(classEnds, o);
    sortKeys(classKeys, begin, end);
    markExcluded(o);
    storeI32(starts, o, at);
    const rowBegin = at;
    let eligible: i32 = 0;
    // The first key of the cost being taken (K > 0): before it fewer than K were taken.
    let costBegin = at;
    let costTaken: i64 = i64.MIN_VALUE;
    for (let e = begin; e < end; e++) {
      const key = load<u64>(classKeys + (<usize>e << 3));
      const cost = keyCost(key);
      const c = keyCourier(key);
      const first = loadI32(classStart, c);
      const last = loadI32(classStart, c + 1);
      // Taken while fewer than K are in, and at the cost of the last taken; the rest only counted.
      const taken = cost <= penalty && (k == 0 || at - rowBegin < k || cost == costTaken);
      if (taken && cost != costTaken) {
        costBegin = at;
        costTaken = cost;
      }
      if (excludedCount == 0) {
        eligible += last - first;
        if (!taken) continue;
        ensureMemory(keys + (<usize>(at + last - first) << 3));
        for (let m = first; m < last; m++) {
          store<u64>(keys + (<usize>at << 3), edgeKey(cost, loadI32(classMembers, m)));
          at++;
        }
        continue;
      }
      ensureMemory(keys + (<usize>(at + last - first) << 3));
      for (let m = first; m < last; m++) {
        const member = loadI32(classMembers, m);
        const candidate = i32(!isExcluded(o, member));
        eligible += candidate;
        // Written and kept by the count, without a branch.
        store<u64>(keys + (<usize>at << 3), edgeKey(cost, member));
        at += candidate & i32(taken);
      }
    }
    if (k > 0 && at - rowBegin > k) {
      // Only the last cost's members are too many: its lowest indices complete the K.
      sortKeys(keys, costBegin, at);
      at = rowBegin + k;
    }
    storeI32(ends, o, at);
    // Eligible pairs per order, those above the penalty too (the next tick's warm graph counts from them).
    storeI32(rowEligible, o, eligible);
    candidates += candidatesOf(eligible, k);
  }
  arenaAlloc(<usize>at << 3); // closes the key buffer
  setCandidateGraph(starts, ends, keys, candidates, <f64>at, priced);
  setSortedEnds(ends);
}
