// Candidate edges from positions: every eligible (order, courier) pair priced by the
// spec's formula, found through a spatial index (courier-grid.ts) instead of testing all
// pairs. A courier's reach is the distance it can cover before max_pickup_s; an order
// visits the grid cells within the largest reach of it, and in each cell only the
// couriers that reach as far as the cell. A cheap chord test (chord ≤ arc) rejects the
// rest of the visited couriers before pricing. Orders are visited grouped by pickup point, so
// the orders of one restaurant scan the grid once: in a city of restaurant hotspots most
// orders share their pickup with others.

import { arenaAlloc, arenaMark, ensureMemory } from './arena';
import {
  PLANE_SLACK, activeCount, buildCourierGrid, cellSize, cellStart, entryCourier, entryReachBound, entryReachSq,
  entryX, entryY, entryZ, gridColumns, gridOriginU, gridOriginV, gridRows, largestReachSq, planeU, planeV,
} from './courier-grid';
import {
  SERIES_CHORD_SQUARED_LIMIT, chordDistanceM, cosLatitude, distanceSlackM, haversineM, reachChordSquared, toRadians, unitX, unitY, unitZ,
} from './geo';
import {
  Params, courierCount, orderCount, courierLat, courierLng, courierSpeed, courierFreeIn,
  orderPickupLat, orderPickupLng, orderDropoffLat, orderDropoffLng, orderReady,
  edgeKey, loadF64, loadI32, storeF64, storeI32, setCandidateGraph, markExcluded, isExcluded,
} from './problem';
import { candidatesOf, keepCheapest, sortKeys } from './select';

/** Relative slack, of the terms' sizes, for the fast path rounding differently from the spec. */
const ROUNDING_SLACK: f64 = 1e-14;
/** pricePair's answers besides a price. */
const INELIGIBLE: f64 = -1;
const UNSURE: f64 = -2;

/** 32 bits mixed from a pickup point's exact coordinates: equal points, equal hashes. */
@inline function pickupHash(o: i32): u64 {
  const lat = reinterpret<u64>(loadF64(orderPickupLat, o));
  const lng = reinterpret<u64>(loadF64(orderPickupLng, o));
  return ((lat * 0x9e3779b97f4a7c15) ^ lng) * 0xc2b2ae3d27d4eb4f >> 32;
}

/** The plane distance from `at` to the interval [low, low + size), less the slack, or 0. */
@inline function gapTo(at: f64, low: f64, size: f64): f64 {
  return max(0.0, max(low - at, at - (low + size)) - PLANE_SLACK);
}

/**
 * The spec's price of a pair, term by term, as cost·10 + 0.5 (its floor is the integer
 * cost), from the travel times to the pickup and on to the dropoff. With relativeSlack 0
 * the caller computed both as the spec does and this is the spec exactly. Otherwise the
 * travel may be off by up to travelSlack and every operation may have rounded differently
 * (by relativeSlack of the terms' sizes), and it answers UNSURE whenever that could change
 * the eligibility or the integer cost, so the caller can price again exactly.
 */
@inline function pricePair(
  travel: f64, travelSlack: f64, deliveryTime: f64, freeIn: f64, ready: f64,
  maxPickup: f64, handover: f64, waitWeight: f64, relativeSlack: f64,
): f64 {
  const arrive = freeIn + travel;
  const arriveSlack = travelSlack + (Math.abs(freeIn) + travel) * relativeSlack;
  if (arrive > maxPickup + arriveSlack) return INELIGIBLE;
  if (arrive > maxPickup - arriveSlack) return UNSURE;
  const pickupAt = max(arrive, ready);
  const deliver = pickupAt + deliveryTime + handover;
  const idle = max(0.0, ready - arrive);
  const costS = deliver + waitWeight * idle;
  const scaled = costS * 10 + 0.5;
  if (relativeSlack != 0) {
    // The price moves at most max(1, wait_weight) seconds per second of arrival; every
    // intermediate value is within (1 + wait_weight) × the sum of the terms' sizes.
    const size = Math.abs(freeIn) + travel + Math.abs(ready) + deliveryTime + Math.abs(handover);
    const scaledSlack = 10 * (max(1.0, waitWeight) * arriveSlack + (1 + waitWeight) * size * relativeSlack);
    if (Math.floor(scaled - scaledSlack) != Math.floor(scaled + scaledSlack)) return UNSURE;
  }
  return scaled;
}

export function buildFromPositions(): void {
  const nc = courierCount;
  const no = orderCount;
  const maxPickup = Params.maxPickupS;
  const detour = Params.detourFactor;
  const waitWeight = Params.waitWeight;
  const handover = Params.handoverS;
  const penalty = Params.penalty;
  const k = Params.maxCandidates;

  // Per-courier values, computed once.
  const cPhi = arenaAlloc(<usize>nc << 3);
  const cLambda = arenaAlloc(<usize>nc << 3);
  const cCosPhi = arenaAlloc(<usize>nc << 3);
  const cReachSq = arenaAlloc(<usize>nc << 3);
  for (let c = 0; c < nc; c++) {
    const phi = toRadians(loadF64(courierLat, c));
    storeF64(cPhi, c, phi);
    storeF64(cLambda, c, toRadians(loadF64(courierLng, c)));
    storeF64(cCosPhi, c, cosLatitude(phi));
    const slackS = maxPickup - loadF64(courierFreeIn, c);
    storeF64(cReachSq, c, slackS < 0 ? -1 : reachChordSquared(slackS * loadF64(courierSpeed, c) / detour));
  }
  buildCourierGrid(cPhi, cLambda, cReachSq);
  const reach = Math.sqrt(largestReachSq) + PLANE_SLACK;
  // One order's couriers in reach: grid entry and squared chord.
  const reachedEntry = arenaAlloc(<usize>activeCount << 2);
  const reachedChordSq = arenaAlloc(<usize>activeCount << 3);
  // Their fast-path travel seconds and its slack, shared by the orders of one pickup point
  // (travel < 0: the chord is too long for the series, price exactly).
  const reachedTravel = arenaAlloc(<usize>activeCount << 3);
  const reachedTravelSlack = arenaAlloc(<usize>activeCount << 3);
  // The fast path's per-courier values in grid order: multiplications instead of the
  // spec's divisions (pricePair's slack covers the difference in rounding).
  const entryFreeIn = arenaAlloc(<usize>activeCount << 3);
  const entrySecondsPerM = arenaAlloc(<usize>activeCount << 3);
  const entryInverseSpeed = arenaAlloc(<usize>activeCount << 3);
  for (let at = 0; at < activeCount; at++) {
    const c = loadI32(entryCourier, at);
    storeF64(entryFreeIn, at, loadF64(courierFreeIn, c));
    storeF64(entrySecondsPerM, at, detour / loadF64(courierSpeed, c));
    storeF64(entryInverseSpeed, at, 1 / loadF64(courierSpeed, c));
  }

  // Orders by the hash of their pickup point (then index): one point's orders come together.
  const sequence = arenaAlloc(<usize>no << 3);
  for (let o = 0; o < no; o++) store<u64>(sequence + (<usize>o << 3), (pickupHash(o) << 32) | <u64><u32>o);
  sortKeys(sequence, 0, no);

  const starts = arenaAlloc(<usize>no << 2);
  const ends = arenaAlloc(<usize>no << 2);
  // The edge buffer is the arena's last block: it grows in place, one order at a time.
  const keys = arenaMark();
  let edgeCount: i32 = 0;
  let candidates: f64 = 0;
  let priced: f64 = 0;
  // The pickup point whose couriers in reach are in reachedEntry / reachedChordSq.
  let scannedLat: u64 = 0;
  let scannedLng: u64 = 0;
  let reachedCount: i32 = -1;
  let pPhi: f64 = 0;
  let pLambda: f64 = 0;
  let pCosPhi: f64 = 0;

  for (let i = 0; i < no; i++) {
    const o = <i32>(load<u64>(sequence + (<usize>i << 3)) & 0xffffffff);
    ensureMemory(keys + ((<usize>edgeCount + <usize>activeCount) << 3));
    const begin = edgeCount;
    storeI32(starts, o, begin);
    markExcluded(o);
    const pickupLat = reinterpret<u64>(loadF64(orderPickupLat, o));
    const pickupLng = reinterpret<u64>(loadF64(orderPickupLng, o));
    if (reachedCount < 0 || pickupLat != scannedLat || pickupLng != scannedLng) {
      scannedLat = pickupLat;
      scannedLng = pickupLng;
      pPhi = toRadians(loadF64(orderPickupLat, o));
      pLambda = toRadians(loadF64(orderPickupLng, o));
      pCosPhi = cosLatitude(pPhi);
      reachedCount = scanReach(pPhi, pLambda, reach, reachedEntry, reachedChordSq);
      for (let r = 0; r < reachedCount; r++) {
        const chordSquared = load<f64>(reachedChordSq + (<usize>r << 3));
        const secondsPerM = load<f64>(entrySecondsPerM + (<usize>load<i32>(reachedEntry + (<usize>r << 2)) << 3));
        const distance = chordSquared < SERIES_CHORD_SQUARED_LIMIT ? chordDistanceM(chordSquared) : -1;
        store<f64>(reachedTravel + (<usize>r << 3), distance < 0 ? -1 : distance * secondsPerM);
        store<f64>(reachedTravelSlack + (<usize>r << 3), distance < 0 ? 0 : distanceSlackM(distance) * secondsPerM);
      }
    }
    const dPhi = toRadians(loadF64(orderDropoffLat, o));
    const deliveryDistance = haversineM(pPhi, pLambda, pCosPhi, dPhi, toRadians(loadF64(orderDropoffLng, o)), cosLatitude(dPhi)) * detour;
    const ready = loadF64(orderReady, o);
    let eligible: i32 = 0;
    // Price the reached couriers from the cheap chord distance; the exact haversine only
    // where its rounding could matter (or for chords too long for the series). Every key
    // is written and kept or not by the count, without a branch.
    for (let r = 0; r < reachedCount; r++) {
      const at = load<i32>(reachedEntry + (<usize>r << 2));
      const c = load<i32>(entryCourier + (<usize>at << 2));
      const freeIn = load<f64>(entryFreeIn + (<usize>at << 3));
      const travel = load<f64>(reachedTravel + (<usize>r << 3));
      let scaled = UNSURE;
      if (travel >= 0) {
        scaled = pricePair(
          travel, load<f64>(reachedTravelSlack + (<usize>r << 3)),
          deliveryDistance * load<f64>(entryInverseSpeed + (<usize>at << 3)),
          freeIn, ready, maxPickup, handover, waitWeight, ROUNDING_SLACK,
        );
      }
      if (scaled == UNSURE) {
        const speed = loadF64(courierSpeed, c);
        const distance = haversineM(loadF64(cPhi, c), loadF64(cLambda, c), loadF64(cCosPhi, c), pPhi, pLambda, pCosPhi);
        scaled = pricePair(distance * detour / speed, 0, deliveryDistance / speed, freeIn, ready, maxPickup, handover, waitWeight, 0);
      }
      const isCandidate = i32(scaled != INELIGIBLE) & i32(!isExcluded(o, c));
      eligible += isCandidate;
      const cost = Math.floor(scaled);
      const key = edgeKey(<i64>cost, c);
      store<u64>(keys + (<usize>edgeCount << 3), key);
      // An edge costing more than the penalty is never in an optimum: leaving the order is cheaper.
      edgeCount += isCandidate & i32(cost <= <f64>penalty);
    }
    priced += <f64>reachedCount;
    candidates += candidatesOf(eligible, k);
    edgeCount = keepCheapest(keys, begin, edgeCount, k);
    storeI32(ends, o, edgeCount);
  }
  arenaAlloc(<usize>edgeCount << 3); // closes the edge buffer
  setCandidateGraph(starts, ends, keys, candidates, <f64>edgeCount, priced);
}

/**
 * The couriers whose reach covers the pickup point at (phi, lambda): their grid entries and
 * squared chords into `entries` / `chordsSq`; returns how many.
 */
function scanReach(phi: f64, lambda: f64, reach: f64, entries: usize, chordsSq: usize): i32 {
  const px = unitX(phi, lambda);
  const py = unitY(phi, lambda);
  const pz = unitZ(phi);
  const pu = planeU(px, py, pz);
  const pv = planeV(px, py, pz);
  let reachedCount: i32 = 0;
  // The cells within the largest reach, clamped to the grid (in f64, before the conversion).
  const firstRow = <i32>max(0.0, Math.floor((pv - reach - gridOriginV) / cellSize));
  const lastRow = <i32>min(<f64>(gridRows - 1), Math.floor((pv + reach - gridOriginV) / cellSize));
  const firstColumn = <i32>max(0.0, Math.floor((pu - reach - gridOriginU) / cellSize));
  const lastColumn = <i32>min(<f64>(gridColumns - 1), Math.floor((pu + reach - gridOriginU) / cellSize));

  for (let iv = firstRow; iv <= lastRow; iv++) {
    const gapV = gapTo(pv, gridOriginV + <f64>iv * cellSize, cellSize);
    for (let iu = firstColumn; iu <= lastColumn; iu++) {
      const gapU = gapTo(pu, gridOriginU + <f64>iu * cellSize, cellSize);
      const gapSq = gapU * gapU + gapV * gapV;
      const cell = iv * gridColumns + iu;
      const end = load<i32>(cellStart + (<usize>(cell + 1) << 2));
      for (let at = load<i32>(cellStart + (<usize>cell << 2)); at < end; at++) {
        // Reaches decrease along the cell: nobody from here on reaches its nearest point.
        if (load<f64>(entryReachBound + (<usize>at << 3)) < gapSq) break;
        const ex = load<f64>(entryX + (<usize>at << 3)) - px;
        const ey = load<f64>(entryY + (<usize>at << 3)) - py;
        const ez = load<f64>(entryZ + (<usize>at << 3)) - pz;
        const chordSquared = ex * ex + ey * ey + ez * ez;
        // Collected without a branch: a third of the visited couriers are out of reach.
        store<i32>(entries + (<usize>reachedCount << 2), at);
        store<f64>(chordsSq + (<usize>reachedCount << 3), chordSquared);
        reachedCount += i32(chordSquared <= load<f64>(entryReachSq + (<usize>at << 3)));
      }
    }
  }
  return reachedCount;
}
