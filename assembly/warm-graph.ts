// The previous tick's candidate graph, reused (issue 15). After a solve of a positions problem
// with K = 0, writeWarmGraph packs the problem's columns, the parameters, every row's keys in the
// order the working sets left them (a cost-sorted prefix, then keys costing no less) and its count
// of eligible pairs into one block; the host carries it to the next tick's solve with two maps by
// id (per new order its old index, per old courier its new one). buildFromWarmGraph then keeps the
// rows of unchanged orders, drops the edges of changed or removed couriers, prices the pairs of
// changed or added couriers with every unchanged order in their reach, and builds the rows of
// changed or added orders in full. An order or courier is unchanged when its input values are
// bit-identical (an order's ready time also when it was and is in the past, and no courier kept is
// free in the past: then no price depends on it), and an order with excluded pairs, now or then,
// is rebuilt. The pairs it prices are priced as the cold build prices them (the chord's series
// and a bound, the spec's exact formula when unsure), so the graph is the cold build's, edge for edge.
// With K > 0 an order's K cheapest depend on every courier, so those problems build cold.

import { arenaAlloc, arenaMark, ensureMemory } from './arena';
import {
  SERIES_CHORD_SQUARED_LIMIT, chordDistanceM, cosLatitude, distanceSlackM, haversineM, reachChordSquared, toRadians, unitX, unitY, unitZ,
} from './geo';
import { INELIGIBLE, ROUNDING_SLACK, UNSURE, pricePair } from './positions';
import {
  Params, courierCount, orderCount, courierLat, courierLng, courierSpeed, courierFreeIn,
  orderPickupLat, orderPickupLng, orderDropoffLat, orderDropoffLng, orderReady, rowStart, rowEnd, rowEligible, keptEdges,
  edgeKey, keyCost, keyCourier, loadF64, loadI32, storeF64, storeI32, setCandidateGraph, setSortedEnds, hasExcluded, markExcluded, isExcluded,
} from './problem';
import { sortKeys } from './select';
import { sortedEnd } from './working-set';

/**
 * The most orders, and couriers, that may have changed for the graph to be reused, as a share
 * (1 / this): a changed order tests every courier, a changed courier every order, where the
 * cold build's grid finds them (docs/solver.md).
 */
const CHANGED_SHARE_DIVISOR: i32 = 10;

// The block: a header of f64, then 8-byte aligned sections (in this order).
const HEADER_WORDS: i32 = 10;
const H_COURIERS = 0;
const H_ORDERS = 1;
const H_KEYS = 2;
const H_BYTES = 3;
const H_MAX_PICKUP = 4;
const H_MAX_CANDIDATES = 5;
const H_PENALTY = 6;
const H_DETOUR = 7;
const H_WAIT = 8;
const H_HANDOVER = 9;
const COURIER_COLUMNS: i32 = 4; // lat, lng, speed, free_in (f64)
const ORDER_COLUMNS: i32 = 5; // pickup lat, lng, dropoff lat, lng, ready (f64)
const ROW_COLUMNS: i32 = 5; // start, end, sorted end, eligible, had excluded pairs (i32)

@inline function align8(bytes: usize): usize { return (bytes + 7) & ~(<usize>7); }

// Section offsets of a block for nc couriers, no orders and nk keys.
@inline function courierSection(): usize { return <usize>HEADER_WORDS << 3; }
@inline function orderSection(nc: i32): usize { return courierSection() + (<usize>(COURIER_COLUMNS * nc) << 3); }
@inline function rowSection(nc: i32, no: i32): usize { return orderSection(nc) + (<usize>(ORDER_COLUMNS * no) << 3); }
@inline function keySection(nc: i32, no: i32): usize { return rowSection(nc, no) + align8(<usize>(ROW_COLUMNS * no) << 2); }

/** Whether this problem's graph can be written for the next tick (and a carried one reused for it). */
@inline function reusable(): bool { return Params.maxCandidates == 0; }

/**
 * Packs this solve's problem and rows (see the top) up to the keys, which the host appends from
 * candidateKeys() (the builders write the rows end to end from there, keptEdges keys); returns the
 * block's address, or 0 when K > 0. Its size without the keys is at f64 H_BYTES.
 */
export function writeWarmGraph(): usize {
  if (!reusable()) return 0;
  const nc = courierCount;
  const no = orderCount;
  const nk = <i32>keptEdges;
  const bytes = keySection(nc, no);
  const block = arenaAlloc(bytes);
  storeF64(block, H_COURIERS, nc);
  storeF64(block, H_ORDERS, no);
  storeF64(block, H_KEYS, nk);
  storeF64(block, H_BYTES, <f64>bytes);
  storeF64(block, H_MAX_PICKUP, Params.maxPickupS);
  storeF64(block, H_MAX_CANDIDATES, Params.maxCandidates);
  storeF64(block, H_PENALTY, <f64>Params.penalty);
  storeF64(block, H_DETOUR, Params.detourFactor);
  storeF64(block, H_WAIT, Params.waitWeight);
  storeF64(block, H_HANDOVER, Params.handoverS);
  const couriers = block + courierSection();
  const courierBytes = <usize>nc << 3;
  memory.copy(couriers, courierLat, courierBytes);
  memory.copy(couriers + courierBytes, courierLng, courierBytes);
  memory.copy(couriers + 2 * courierBytes, courierSpeed, courierBytes);
  memory.copy(couriers + 3 * courierBytes, courierFreeIn, courierBytes);
  const orders = block + orderSection(nc);
  const orderBytes = <usize>no << 3;
  memory.copy(orders, orderPickupLat, orderBytes);
  memory.copy(orders + orderBytes, orderPickupLng, orderBytes);
  memory.copy(orders + 2 * orderBytes, orderDropoffLat, orderBytes);
  memory.copy(orders + 3 * orderBytes, orderDropoffLng, orderBytes);
  memory.copy(orders + 4 * orderBytes, orderReady, orderBytes);
  const rows = block + rowSection(nc, no);
  const rowBytes = <usize>no << 2;
  memory.copy(rows, rowStart, rowBytes);
  memory.copy(rows + rowBytes, rowEnd, rowBytes);
  for (let o = 0; o < no; o++) storeI32(rows, 2 * no + o, sortedEnd(o));
  memory.copy(rows + 3 * rowBytes, rowEligible, rowBytes);
  for (let o = 0; o < no; o++) storeI32(rows, 4 * no + o, i32(hasExcluded(o)));
  return block;
}

/** Edges of this problem's graph taken from the carried one (0 after a cold build). */
export let reusedEdges: f64 = 0;

// The carried block and its maps, for this problem (beginWarmGraph).
let carried: usize = 0;
let carriedBytes: usize = 0;
export let warmOrderBefore: usize = 0; // i32 per order: its index in the carried problem, or -1
export let warmCourierNow: usize = 0; // i32 per carried courier: its index in this problem, or -1
let carriedCouriers: i32 = 0;

/** Sizes the carried block (`bytes`) and its maps for a previous problem of `couriers` couriers; returns the block's address. */
export function beginWarmGraph(bytes: usize, couriers: i32): usize {
  carriedBytes = bytes;
  carriedCouriers = couriers;
  carried = arenaAlloc(bytes);
  warmOrderBefore = arenaAlloc(<usize>orderCount << 2);
  warmCourierNow = arenaAlloc(<usize>couriers << 2);
  return carried;
}

export function clearWarmGraph(): void {
  carried = 0;
  reusedEdges = 0;
}

@inline function sameBits(a: usize, i: i32, b: usize, j: i32): bool {
  return load<u64>(a + (<usize>i << 3)) == load<u64>(b + (<usize>j << 3));
}

/** Whether the carried block fits this problem: its own size, these parameters, K = 0. */
function carriedFits(): bool {
  if (carriedBytes < courierSection() || !reusable()) return false;
  const nc = <i32>loadF64(carried, H_COURIERS);
  const no = <i32>loadF64(carried, H_ORDERS);
  const nk = <i32>loadF64(carried, H_KEYS);
  return nc == carriedCouriers && keySection(nc, no) == <usize>loadF64(carried, H_BYTES) && keySection(nc, no) + (<usize>nk << 3) == carriedBytes &&
    loadF64(carried, H_MAX_PICKUP) == Params.maxPickupS && loadF64(carried, H_MAX_CANDIDATES) == <f64>Params.maxCandidates &&
    loadF64(carried, H_PENALTY) == <f64>Params.penalty && loadF64(carried, H_DETOUR) == Params.detourFactor &&
    loadF64(carried, H_WAIT) == Params.waitWeight && loadF64(carried, H_HANDOVER) == Params.handoverS;
}

// Per-point values, one record of POINT_WORDS f64 per point: radians, cos φ, unit vector.
const POINT_WORDS: i32 = 6;

function allocPoints(count: i32): usize {
  return arenaAlloc(<usize>(count * POINT_WORDS) << 3);
}

function setPoint(points: usize, i: i32, lat: f64, lng: f64): void {
  const at = points + (<usize>(i * POINT_WORDS) << 3);
  const phi = toRadians(lat);
  const lambda = toRadians(lng);
  store<f64>(at, phi);
  store<f64>(at, lambda, 8);
  store<f64>(at, cosLatitude(phi), 16);
  store<f64>(at, unitX(phi, lambda), 24);
  store<f64>(at, unitY(phi, lambda), 32);
  store<f64>(at, unitZ(phi), 40);
}

// Couriers as priced: points, speed, free_in and squared reach (< 0: reaches nothing).
let cPoints: usize = 0;
let cSpeed: usize = 0;
let cFreeIn: usize = 0;
let cReachSq: usize = 0;
// Pickup points of this problem's orders and their delivery distance (with the detour).
let pPoints: usize = 0;
let oDelivery: usize = 0;
/** Pairs that passed the reach test and were priced. */
let pricedPairs: f64 = 0;

function allocCouriers(count: i32): void {
  cPoints = allocPoints(count);
  cSpeed = arenaAlloc(<usize>count << 3);
  cFreeIn = arenaAlloc(<usize>count << 3);
  cReachSq = arenaAlloc(<usize>count << 3);
}

function setCourier(c: i32, lat: f64, lng: f64, speed: f64, freeIn: f64): void {
  setPoint(cPoints, c, lat, lng);
  storeF64(cSpeed, c, speed);
  storeF64(cFreeIn, c, freeIn);
  const slackS = Params.maxPickupS - freeIn;
  storeF64(cReachSq, c, slackS < 0 ? -1 : reachChordSquared(slackS * speed / Params.detourFactor));
}

/**
 * The spec's price of courier c for order o ready at `ready`, as cost·10 + 0.5, or INELIGIBLE,
 * as the cold build prices it (positions.ts): a chord test (chord ≤ arc, with its margin) rejects
 * couriers out of reach, the chord's series and a bound price the rest, and the spec's exact
 * formula, with the same operands, wherever the bound could change the answer.
 */
function price(c: i32, o: i32, ready: f64): f64 {
  const cp = cPoints + (<usize>(c * POINT_WORDS) << 3);
  const pp = pPoints + (<usize>(o * POINT_WORDS) << 3);
  const dx = load<f64>(cp, 24) - load<f64>(pp, 24);
  const dy = load<f64>(cp, 32) - load<f64>(pp, 32);
  const dz = load<f64>(cp, 40) - load<f64>(pp, 40);
  const chordSquared = dx * dx + dy * dy + dz * dz;
  if (chordSquared > loadF64(cReachSq, c)) return INELIGIBLE;
  pricedPairs++;
  const speed = loadF64(cSpeed, c);
  const detour = Params.detourFactor;
  const freeIn = loadF64(cFreeIn, c);
  const maxPickup = Params.maxPickupS;
  const handover = Params.handoverS;
  const waitWeight = Params.waitWeight;
  let scaled = UNSURE;
  if (chordSquared < SERIES_CHORD_SQUARED_LIMIT) {
    const secondsPerM = detour / speed;
    const distance = chordDistanceM(chordSquared);
    scaled = pricePair(
      distance * secondsPerM, distanceSlackM(distance) * secondsPerM, loadF64(oDelivery, o) * (1 / speed), freeIn, ready,
      maxPickup, handover, waitWeight, ROUNDING_SLACK,
    );
  }
  if (scaled != UNSURE) return scaled;
  const distance = haversineM(load<f64>(cp), load<f64>(cp, 8), load<f64>(cp, 16), load<f64>(pp), load<f64>(pp, 8), load<f64>(pp, 16));
  return pricePair(distance * detour / speed, 0, loadF64(oDelivery, o) / speed, freeIn, ready, maxPickup, handover, waitWeight, 0);
}

/**
 * Builds this problem's graph from the carried one (see the top); false when it does not fit or
 * too much changed, and the caller builds cold. Excluded pairs must be indexed.
 */
export function buildFromWarmGraph(): bool {
  reusedEdges = 0;
  if (carried == 0 || !carriedFits()) return false;
  const nc = courierCount;
  const no = orderCount;
  const oldNc = carriedCouriers;
  const oldNo = <i32>loadF64(carried, H_ORDERS);
  // The carried columns (as in writeWarmGraph).
  const oldLat = carried + courierSection();
  const oldLng = oldLat + (<usize>oldNc << 3);
  const oldSpeed = oldLng + (<usize>oldNc << 3);
  const oldFreeIn = oldSpeed + (<usize>oldNc << 3);
  const oldPickupLat = carried + orderSection(oldNc);
  const oldPickupLng = oldPickupLat + (<usize>oldNo << 3);
  const oldDropoffLat = oldPickupLng + (<usize>oldNo << 3);
  const oldDropoffLng = oldDropoffLat + (<usize>oldNo << 3);
  const oldReady = oldDropoffLng + (<usize>oldNo << 3);
  const oldRowStart = carried + rowSection(oldNc, oldNo);
  const oldRowEnd = oldRowStart + (<usize>oldNo << 2);
  const oldRowSorted = oldRowEnd + (<usize>oldNo << 2);
  const oldRowEligible = oldRowSorted + (<usize>oldNo << 2);
  const oldRowExcluded = oldRowEligible + (<usize>oldNo << 2);
  const oldKeys = carried + keySection(oldNc, oldNo);
  const penalty = <f64>Params.penalty;

  // Couriers: an old one keeps its edges (under its new index) if it is here with the same values.
  const courierMap = arenaAlloc(<usize>oldNc << 2); // old → new index, or -1: its edges go
  const kept = arenaAlloc(<usize>nc << 2); // new: 1 if its edges are carried
  memory.fill(kept, 0, <usize>nc << 2);
  let keptFreeInPast = false;
  let droppedCouriers: i32 = 0;
  for (let c = 0; c < oldNc; c++) {
    const now = loadI32(warmCourierNow, c);
    const same = now >= 0 && now < nc && loadI32(kept, now) == 0 &&
      sameBits(oldLat, c, courierLat, now) && sameBits(oldLng, c, courierLng, now) &&
      sameBits(oldSpeed, c, courierSpeed, now) && sameBits(oldFreeIn, c, courierFreeIn, now);
    storeI32(courierMap, c, same ? now : -1);
    if (!same) {
      droppedCouriers++;
      continue;
    }
    storeI32(kept, now, 1);
    keptFreeInPast = keptFreeInPast || loadF64(courierFreeIn, now) < 0;
  }
  // Orders: one keeps its row if it is here with the same values and no excluded pairs then or now.
  const before = arenaAlloc(<usize>no << 2); // new → old row, or -1: built in full
  const oldUsed = arenaAlloc(<usize>oldNo << 2);
  memory.fill(oldUsed, 0, <usize>oldNo << 2);
  let changedOrders: i32 = 0;
  for (let o = 0; o < no; o++) {
    const old = loadI32(warmOrderBefore, o);
    let same = old >= 0 && old < oldNo && loadI32(oldUsed, old) == 0 && !hasExcluded(o) && loadI32(oldRowExcluded, old) == 0 &&
      sameBits(oldPickupLat, old, orderPickupLat, o) && sameBits(oldPickupLng, old, orderPickupLng, o) &&
      sameBits(oldDropoffLat, old, orderDropoffLat, o) && sameBits(oldDropoffLng, old, orderDropoffLng, o);
    // A ready time in the past, then and now, prices nothing: every courier kept arrives at or after 0.
    same = same && (sameBits(oldReady, old, orderReady, o) || (!keptFreeInPast && loadF64(oldReady, old) <= 0 && loadF64(orderReady, o) <= 0));
    storeI32(before, o, same ? old : -1);
    if (same) storeI32(oldUsed, old, 1);
    else changedOrders++;
  }
  let addedCouriers: i32 = 0;
  for (let c = 0; c < nc; c++) addedCouriers += 1 - loadI32(kept, c);
  if (changedOrders * CHANGED_SHARE_DIVISOR > no || addedCouriers * CHANGED_SHARE_DIVISOR > nc) return false;

  // This problem's pickup points and delivery distances, as the cold build computes them.
  pPoints = allocPoints(no);
  oDelivery = arenaAlloc(<usize>no << 3);
  for (let o = 0; o < no; o++) {
    setPoint(pPoints, o, loadF64(orderPickupLat, o), loadF64(orderPickupLng, o));
    const pp = pPoints + (<usize>(o * POINT_WORDS) << 3);
    const dPhi = toRadians(loadF64(orderDropoffLat, o));
    const delivery = haversineM(load<f64>(pp), load<f64>(pp, 8), load<f64>(pp, 16), dPhi, toRadians(loadF64(orderDropoffLng, o)), cosLatitude(dPhi));
    storeF64(oDelivery, o, delivery * Params.detourFactor);
  }
  const eligible = arenaAlloc(<usize>no << 2); // per order: its eligible pairs
  for (let o = 0; o < no; o++) {
    const old = loadI32(before, o);
    storeI32(eligible, o, old >= 0 ? loadI32(oldRowEligible, old) : 0);
  }
  pricedPairs = 0;

  // The dropped couriers as they were: their eligible pairs costing more than the penalty (not in
  // the carried rows) leave the counts of the kept rows that had such pairs.
  allocCouriers(oldNc);
  const dropped = arenaAlloc(<usize>droppedCouriers << 2);
  droppedCouriers = 0;
  for (let c = 0; c < oldNc; c++) {
    if (loadI32(courierMap, c) >= 0) continue;
    storeI32(dropped, droppedCouriers++, c);
    setCourier(c, loadF64(oldLat, c), loadF64(oldLng, c), loadF64(oldSpeed, c), loadF64(oldFreeIn, c));
  }
  for (let o = 0; o < no; o++) {
    const old = loadI32(before, o);
    if (old < 0 || loadI32(oldRowEligible, old) == loadI32(oldRowEnd, old) - loadI32(oldRowStart, old)) continue;
    for (let d = 0; d < droppedCouriers; d++) {
      const scaled = price(loadI32(dropped, d), o, loadF64(oldReady, old));
      if (scaled != INELIGIBLE && Math.floor(scaled) > penalty) storeI32(eligible, o, loadI32(eligible, o) - 1);
    }
  }

  // This problem's couriers.
  allocCouriers(nc);
  for (let c = 0; c < nc; c++) setCourier(c, loadF64(courierLat, c), loadF64(courierLng, c), loadF64(courierSpeed, c), loadF64(courierFreeIn, c));

  // The new couriers' edges to the kept rows, grouped by order: added[addedStart[o] .. addedStart[o + 1]).
  const addedStart = arenaAlloc(<usize>(no + 1) << 2);
  memory.fill(addedStart, 0, <usize>(no + 1) << 2);
  const pairs = arenaMark(); // (order, key) per new edge, two u64, grown in place
  let pairCount: i32 = 0;
  for (let c = 0; c < nc; c++) {
    if (loadI32(kept, c) != 0 || loadF64(cReachSq, c) < 0) continue;
    ensureMemory(pairs + (<usize>(pairCount + no) << 4));
    for (let o = 0; o < no; o++) {
      if (loadI32(before, o) < 0) continue;
      const scaled = price(c, o, loadF64(orderReady, o));
      if (scaled == INELIGIBLE) continue;
      storeI32(eligible, o, loadI32(eligible, o) + 1);
      const cost = Math.floor(scaled);
      if (cost > penalty) continue;
      const pair = pairs + (<usize>pairCount << 4);
      store<u64>(pair, <u64>o);
      store<u64>(pair, edgeKey(<i64>cost, c), 8);
      storeI32(addedStart, o + 1, loadI32(addedStart, o + 1) + 1);
      pairCount++;
    }
  }
  arenaAlloc(<usize>pairCount << 4);
  for (let o = 0; o < no; o++) storeI32(addedStart, o + 1, loadI32(addedStart, o + 1) + loadI32(addedStart, o));
  const added = arenaAlloc(<usize>pairCount << 3); // keys
  const fill = arenaAlloc(<usize>no << 2);
  memory.copy(fill, addedStart, <usize>no << 2);
  for (let p = 0; p < pairCount; p++) {
    const pair = pairs + (<usize>p << 4);
    const o = <i32>load<u64>(pair);
    const at = loadI32(fill, o);
    storeI32(fill, o, at + 1);
    store<u64>(added + (<usize>at << 3), load<u64>(pair, 8));
  }

  // The rows, in order: a kept row is its carried sorted prefix without the dropped couriers, the
  // new keys cheaper than its last merged in; then the rest of its keys and the other new ones.
  const starts = arenaAlloc(<usize>no << 2);
  const ends = arenaAlloc(<usize>no << 2);
  const sortedEnds = arenaAlloc(<usize>no << 2);
  const keys = arenaMark();
  let at: i32 = 0;
  for (let o = 0; o < no; o++) {
    const start = at;
    storeI32(starts, o, start);
    const old = loadI32(before, o);
    if (old < 0) {
      // Built in full.
      ensureMemory(keys + (<usize>(at + nc) << 3));
      markExcluded(o);
      let count: i32 = 0;
      const ready = loadF64(orderReady, o);
      for (let c = 0; c < nc; c++) {
        const scaled = price(c, o, ready);
        if (scaled == INELIGIBLE || isExcluded(o, c)) continue;
        count++;
        const cost = Math.floor(scaled);
        if (cost > penalty) continue;
        store<u64>(keys + (<usize>at << 3), edgeKey(<i64>cost, c));
        at++;
      }
      storeI32(eligible, o, count);
      storeI32(sortedEnds, o, start);
      storeI32(ends, o, at);
      continue;
    }
    const oldStart = loadI32(oldRowStart, old);
    const oldEnd = loadI32(oldRowEnd, old);
    const oldSorted = loadI32(oldRowSorted, old);
    const newFrom = loadI32(addedStart, o);
    const newTo = loadI32(addedStart, o + 1);
    ensureMemory(keys + (<usize>(at + oldEnd - oldStart + newTo - newFrom) << 3));
    sortKeys(added, newFrom, newTo);
    for (let e = oldStart; e < oldSorted; e++) at += carry(keys, at, load<u64>(oldKeys + (<usize>e << 3)), courierMap);
    let merged = newFrom;
    if (at > start) {
      // The rest costs no less than the prefix's last: new keys cheaper than it join the prefix.
      const last = keyCost(load<u64>(keys + (<usize>(at - 1) << 3)));
      while (merged < newTo && keyCost(load<u64>(added + (<usize>merged << 3))) < last) merged++;
      at = mergeByCost(keys, start, at, added, newFrom, merged);
    }
    storeI32(sortedEnds, o, at);
    for (let e = oldSorted; e < oldEnd; e++) at += carry(keys, at, load<u64>(oldKeys + (<usize>e << 3)), courierMap);
    for (let n = merged; n < newTo; n++) store<u64>(keys + (<usize>(at++) << 3), load<u64>(added + (<usize>n << 3)));
    storeI32(ends, o, at);
    const carriedKept = at - start - (newTo - newFrom);
    // The dropped couriers' edges in the carried row were eligible pairs of it.
    storeI32(eligible, o, loadI32(eligible, o) - (oldEnd - oldStart - carriedKept));
    reusedEdges += <f64>carriedKept;
  }
  arenaAlloc(<usize>at << 3); // closes the edge buffer
  let candidates: f64 = 0;
  for (let o = 0; o < no; o++) {
    candidates += <f64>loadI32(eligible, o);
    storeI32(rowEligible, o, loadI32(eligible, o));
  }
  setCandidateGraph(starts, ends, keys, candidates, <f64>at, pricedPairs);
  setSortedEnds(sortedEnds);
  return true;
}

/** Writes the carried key at `at` under its courier's new index; returns 1, or 0 for a dropped courier. */
@inline function carry(keys: usize, at: i32, key: u64, courierMap: usize): i32 {
  const c = loadI32(courierMap, keyCourier(key));
  store<u64>(keys + (<usize>at << 3), edgeKey(keyCost(key), c));
  return i32(c >= 0);
}

/**
 * Merges the cost-sorted keys [from, end) of `keys` with the sorted keys [addedFrom, addedTo) of
 * `added`, in place (from the back; `keys` has room for both); returns the merged end.
 */
function mergeByCost(keys: usize, from: i32, end: i32, added: usize, addedFrom: i32, addedTo: i32): i32 {
  const mergedEnd = end + addedTo - addedFrom;
  let a = end - 1;
  let b = addedTo - 1;
  for (let w = mergedEnd - 1; b >= addedFrom; w--) {
    const newKey = load<u64>(added + (<usize>b << 3));
    if (a >= from && keyCost(load<u64>(keys + (<usize>a << 3))) > keyCost(newKey)) {
      store<u64>(keys + (<usize>w << 3), load<u64>(keys + (<usize>a << 3)));
      a--;
    } else {
      store<u64>(keys + (<usize>w << 3), newKey);
      b--;
    }
  }
  return mergedEnd;
}
