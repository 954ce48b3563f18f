// The problem as it lives in linear memory: input columns written by the host, the
// parameters, and the candidate graph (rows = orders, one u64 key per edge) that the
// builders produce and the assignment consumes.

import { arenaAlloc } from './arena';

export class Params {
  static maxPickupS: f64 = 600;
  static maxCandidates: i32 = 0;
  /** Deciseconds. */
  static penalty: i64 = 36000;
  static detourFactor: f64 = 1.3;
  static waitWeight: f64 = 0.5;
  static handoverS: f64 = 120;
}

export let courierCount: i32 = 0;
export let orderCount: i32 = 0;
export let inputEdgeCount: i32 = 0;

// Input columns (f64 unless noted), in the order of the host's column numbers.
export let courierLat: usize = 0;
export let courierLng: usize = 0;
export let courierSpeed: usize = 0;
export let courierFreeIn: usize = 0;
export let orderPickupLat: usize = 0;
export let orderPickupLng: usize = 0;
export let orderDropoffLat: usize = 0;
export let orderDropoffLng: usize = 0;
export let orderReady: usize = 0;
export let inputEdgeOrder: usize = 0; // i32
export let inputEdgeCourier: usize = 0; // i32
export let inputEdgeCost: usize = 0; // i32
export let excludedCount: i32 = 0;
export let inputExcludedOrder: usize = 0; // i32
export let inputExcludedCourier: usize = 0; // i32

/** Candidate graph: row o's edges are keys[rowStart[o] .. rowEnd[o]), key = (cost << 32) | courier. */
export let rowStart: usize = 0; // i32 per order
export let rowEnd: usize = 0; // i32 per order
export let edgeKeys: usize = 0; // u64 per edge
/** Eligible pairs per order (i32), those costing more than the penalty too: the next tick's warm graph counts from them. */
export let rowEligible: usize = 0;
/**
 * i32 per order, or 0: each row's keys [rowStart, sortedEnds) are sorted by cost and none after
 * them costs less (a graph carried from the previous tick, warm-graph.ts); working-set.ts starts there.
 */
export let sortedEnds: usize = 0;
/** Eligible pairs, limited to K per order: the spec's candidate edges (may exceed the kept ones). */
export let candidateEdges: f64 = 0;
/** Candidate edges with cost ≤ penalty: the only ones that can be in an optimum. */
export let keptEdges: f64 = 0;
/** Pairs the build priced: couriers that passed the reach test per order, or the listed edges. */
export let pricedPairs: f64 = 0;

export function allocateInput(couriers: i32, orders: i32, edges: i32, excluded: i32): void {
  courierCount = couriers;
  orderCount = orders;
  inputEdgeCount = edges;
  excludedCount = excluded;
  const c = <usize>couriers << 3;
  const o = <usize>orders << 3;
  const e = <usize>edges << 2;
  courierLat = arenaAlloc(c);
  courierLng = arenaAlloc(c);
  courierSpeed = arenaAlloc(c);
  courierFreeIn = arenaAlloc(c);
  orderPickupLat = arenaAlloc(o);
  orderPickupLng = arenaAlloc(o);
  orderDropoffLat = arenaAlloc(o);
  orderDropoffLng = arenaAlloc(o);
  orderReady = arenaAlloc(o);
  inputEdgeOrder = arenaAlloc(e);
  inputEdgeCourier = arenaAlloc(e);
  inputEdgeCost = arenaAlloc(e);
  inputExcludedOrder = arenaAlloc(<usize>excluded << 2);
  inputExcludedCourier = arenaAlloc(<usize>excluded << 2);
  rowEligible = arenaAlloc(o >> 1);
  sortedEnds = 0;
}

// Excluded pairs grouped by order: order o's couriers are excludedCouriers[excludedStart[o] ..
// excludedStart[o + 1]); excludedMark[c] = o + 1 while order o's are marked.
let excludedStart: usize = 0;
let excludedCouriers: usize = 0;
let excludedMark: usize = 0;

/** Groups the excluded pairs by order (counting sort); once per solve, before building. */
export function indexExcludedPairs(): void {
  const no = orderCount;
  excludedStart = arenaAlloc(<usize>(no + 1) << 2);
  excludedCouriers = arenaAlloc(<usize>excludedCount << 2);
  excludedMark = arenaAlloc(<usize>courierCount << 2);
  memory.fill(excludedStart, 0, <usize>(no + 1) << 2);
  memory.fill(excludedMark, 0, <usize>courierCount << 2);
  for (let k = 0; k < excludedCount; k++) {
    const o = loadI32(inputExcludedOrder, k);
    storeI32(excludedStart, o + 1, loadI32(excludedStart, o + 1) + 1);
  }
  for (let o = 0; o < no; o++) storeI32(excludedStart, o + 1, loadI32(excludedStart, o + 1) + loadI32(excludedStart, o));
  // Fill each order's range from its end, leaving excludedStart[o + 1] at order o's start...
  for (let k = 0; k < excludedCount; k++) {
    const o = loadI32(inputExcludedOrder, k);
    const at = loadI32(excludedStart, o + 1) - 1;
    storeI32(excludedStart, o + 1, at);
    storeI32(excludedCouriers, at, loadI32(inputExcludedCourier, k));
  }
  // ...then shift down by one so that excludedStart[o] is order o's start again.
  for (let o = 0; o < no; o++) storeI32(excludedStart, o, loadI32(excludedStart, o + 1));
  storeI32(excludedStart, no, excludedCount);
}

export function hasExcluded(o: i32): bool {
  return loadI32(excludedStart, o + 1) > loadI32(excludedStart, o);
}

/** Marks order o's excluded couriers, for isExcluded(o, ·). */
export function markExcluded(o: i32): void {
  const end = loadI32(excludedStart, o + 1);
  for (let k = loadI32(excludedStart, o); k < end; k++) storeI32(excludedMark, loadI32(excludedCouriers, k), o + 1);
}

@inline export function isExcluded(o: i32, courier: i32): bool {
  return loadI32(excludedMark, courier) == o + 1;
}

export function setCandidateGraph(starts: usize, ends: usize, keys: usize, candidates: f64, kept: f64, priced: f64): void {
  pricedPairs = priced;
  rowStart = starts;
  rowEnd = ends;
  edgeKeys = keys;
  candidateEdges = candidates;
  keptEdges = kept;
}

export function setSortedEnds(ends: usize): void {
  sortedEnds = ends;
}

/** Makes the builders see other couriers (courier-classes.ts prices one per class), and as many excluded pairs. */
export function useCouriers(count: i32, lat: usize, lng: usize, speed: usize, freeIn: usize, excluded: i32): void {
  courierCount = count;
  courierLat = lat;
  courierLng = lng;
  courierSpeed = speed;
  courierFreeIn = freeIn;
  excludedCount = excluded;
}

@inline export function edgeKey(cost: i64, courier: i32): u64 {
  return (<u64>cost << 32) | <u64><u32>courier;
}
@inline export function keyCourier(key: u64): i32 {
  return <i32>(key & 0xffffffff);
}
@inline export function keyCost(key: u64): i64 {
  return <i64>(key >> 32);
}
@inline export function loadF64(column: usize, i: i32): f64 {
  return load<f64>(column + (<usize>i << 3));
}
@inline export function loadI32(column: usize, i: i32): i32 {
  return load<i32>(column + (<usize>i << 2));
}
@inline export function storeI32(column: usize, i: i32, value: i32): void {
  store<i32>(column + (<usize>i << 2), value);
}
@inline export function storeF64(column: usize, i: i32, value: f64): void {
  store<f64>(column + (<usize>i << 3), value);
}
