// Candidate edges from positions: every eligible (order, courier) pair priced by the
// spec's formula, found through a spatial index (courier-grid.ts) instead of testing all
// pairs. A courier's reach is the distance it can cover before max_pickup_s; an order
// visits the grid cells within the largest reach of it, and in each cell only the
// couriers that reach as far as the cell. A cheap chord test (chord ≤ arc) rejects the
// rest of the visited couriers before pricing. Orders are visited grouped by pickup point, so
// the orders of one restaurant scan the grid once: in a city of restaurant hotspots most
// orders share their pickup with others. With a small K > 0 (max_candidates), the cells are
// scanned in rings around the pickup's cell, each cell's couriers in speed bands; an order skips
// a band whose couriers all cost more than its K-th cheapest so far, and stops at the ring
// beyond which nobody can beat it (lower bounds on the price from the distance, the fastest
// speed and the soonest free time): exactly the K cheapest, as if it had priced them all.

import { arenaAlloc, arenaMark, ensureMemory } from './arena';
import {
  PLANE_SLACK, SPEED_BANDS, activeCount, speedBands, buildCourierGrid, cellSize, listSlowness, listSoonest, listStart, entryCourier, entryReachBound, entryReachSq,
  entryX, entryY, entryZ, gridColumns, gridOriginU, gridOriginV, gridRows, largestReachSq, planeU, planeV,
} from './courier-grid';
import {
  EARTH_RADIUS_M, SERIES_CHORD_SQUARED_LIMIT, chordDistanceM, cosLatitude, distanceSlackM, haversineM, reachChordSquared, toRadians, unitX, unitY, unitZ,
} from './geo';
import {
  Params, courierCount, orderCount, courierLat, courierLng, courierSpeed, courierFreeIn,
  orderPickupLat, orderPickupLng, orderDropoffLat, orderDropoffLng, orderReady,
  edgeKey, keyCost, loadF64, loadI32, storeF64, storeI32, setCandidateGraph, markExcluded, isExcluded, rowEligible,
} from './problem';
import { candidatesOf, keepCheapest, sortKeys } from './select';

/** Relative slack, of the terms' sizes, for the fast path rounding differently from the spec. */
export const ROUNDING_SLACK: f64 = 1e-14;
/**
 * The largest K whose build bounds prices to skip couriers: on generated M cities the bound
 * priced 20–60 % of the eligible pairs at K = 1 and 35–60 % at K = 4, and the build took
 * 1.3–2.2× (K = 1) and 1.1–1.7× (K = 4) less time; at K = 16 to 64 it priced 55–82 % and the
 * build was mostly slower (0.6–1.2×): the bookkeeping costs more than the pairs it saves.
 */
const BOUNDED_K_LIMIT: i32 = 4;
/** With K > 0, an order's keys are trimmed to its K cheapest when this many times K are kept. */
const TRIM_FACTOR: i32 = 4;
/** pricePair's answers besides a price. */
export const INELIGIBLE: f64 = -1;
export const UNSURE: f64 = -2;

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
@inline export function pricePair(
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

// The pickup point being scanned: its place, its grid cell (clamped to one past the cells in
// reach) and the cells in reach; its couriers in reach so far are in the reached buffers, ring
// by ring (ring d holds the cells d cells away, Chebyshev, from the pickup's cell), in segments:
// one per courier list of a cell (courier-grid.ts), with what bounds its couriers' prices.
let pointX: f64 = 0;
let pointY: f64 = 0;
let pointZ: f64 = 0;
let pointU: f64 = 0;
let pointV: f64 = 0;
let pointColumn: i32 = 0;
let pointRow: i32 = 0;
let firstRow: i32 = 0;
let lastRow: i32 = 0;
let firstColumn: i32 = 0;
let lastColumn: i32 = 0;
/** The point's outermost ring with a cell in reach (-1: none). */
let lastRing: i32 = -1;
/** Rings scanned so far; ringEnd[d] = segments in rings 0..d. */
let scannedRings: i32 = 0;
let ringEnd: usize = 0;
let reachedCount: i32 = 0;
let segmentCount: i32 = 0;
/** Whether the build bounds prices for the K rule: then a segment per list, else one per ring. */
let bounded = false;
let segmentEnd: usize = 0; // i32: the segment's reached couriers end here (and the next one's start)
let segmentGapM: usize = 0; // f64: no courier of the segment is nearer the point (metres)
let segmentInverseSpeed: usize = 0; // f64: 1 / its fastest courier's speed
let segmentSoonest: usize = 0; // f64: its least free_in_s

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
  // A lower bound on every price needs the idle term ≥ 0. Beyond a small K the bound prunes too
  // little to pay for its bookkeeping (docs/solver.md).
  bounded = k > 0 && k <= BOUNDED_K_LIMIT && waitWeight >= 0;
  // Speed bands only where they bound prices (K > 0): else they would only split the scans.
  buildCourierGrid(cPhi, cLambda, cReachSq, bounded ? SPEED_BANDS : 1);
  const reach = Math.sqrt(largestReachSq) + PLANE_SLACK;
  // One pickup point's couriers in reach: grid entry and squared chord, then their fast-path
  // travel seconds and its slack, shared by the orders of the point (travel < 0: the chord is
  // too long for the series, price exactly).
  const reachedEntry = arenaAlloc(<usize>activeCount << 2);
  const reachedChordSq = arenaAlloc(<usize>activeCount << 3);
  const reachedTravel = arenaAlloc(<usize>activeCount << 3);
  const reachedTravelSlack = arenaAlloc(<usize>activeCount << 3);
  ringEnd = arenaAlloc(<usize>(gridRows + gridColumns + 4) << 2);
  // At most one segment per courier in reach (empty lists make none).
  segmentEnd = arenaAlloc(<usize>activeCount << 2);
  segmentGapM = arenaAlloc(<usize>activeCount << 3);
  segmentInverseSpeed = arenaAlloc(<usize>activeCount << 3);
  segmentSoonest = arenaAlloc(<usize>activeCount << 3);
  // The fast path's per-courier values in grid order: multiplications instead of the
  // spec's divisions (pricePair's slack covers the difference in rounding).
  const entryFreeIn = arenaAlloc(<usize>activeCount << 3);
  const entrySecondsPerM = arenaAlloc(<usize>activeCount << 3);
  const entryInverseSpeed = arenaAlloc(<usize>activeCount << 3);
  // For the K bound: no courier is faster or free sooner than these.
  let fastest: f64 = 0;
  let soonest: f64 = Infinity;
  for (let at = 0; at < activeCount; at++) {
    const c = loadI32(entryCourier, at);
    storeF64(entryFreeIn, at, loadF64(courierFreeIn, c));
    storeF64(entrySecondsPerM, at, detour / loadF64(courierSpeed, c));
    storeF64(entryInverseSpeed, at, 1 / loadF64(courierSpeed, c));
    fastest = max(fastest, loadF64(courierSpeed, c));
    soonest = min(soonest, loadF64(courierFreeIn, c));
  }

  // Orders by the hash of their pickup point (then index): one point's orders come together.
  const sequence = arenaAlloc(<usize>no << 3);
  for (let o = 0; o < no; o++) store<u64>(sequence + (<usize>o << 3), (pickupHash(o) << 32) | <u64><u32>o);
  sortKeys(sequence, 0, no);

  const starts = arenaAlloc(<usize>no << 2);
  const ends = arenaAlloc(<usize>no << 2);
  // The edge buffer is the arena's last block: it grows in place, one ring at a time.
  const keys = arenaMark();
  let edgeCount: i32 = 0;
  let candidates: f64 = 0;
  let priced: f64 = 0;
  // The pickup point whose rings are scanned.
  let scannedLat: u64 = 0;
  let scannedLng: u64 = 0;
  let scanned = false;
  let pPhi: f64 = 0;
  let pLambda: f64 = 0;
  let pCosPhi: f64 = 0;

  for (let i = 0; i < no; i++) {
    const o = <i32>(load<u64>(sequence + (<usize>i << 3)) & 0xffffffff);
    const begin = edgeCount;
    storeI32(starts, o, begin);
    markExcluded(o);
    const pickupLat = reinterpret<u64>(loadF64(orderPickupLat, o));
    const pickupLng = reinterpret<u64>(loadF64(orderPickupLng, o));
    if (!scanned || pickupLat != scannedLat || pickupLng != scannedLng) {
      scanned = true;
      scannedLat = pickupLat;
      scannedLng = pickupLng;
      pPhi = toRadians(loadF64(orderPickupLat, o));
      pLambda = toRadians(loadF64(orderPickupLng, o));
      pCosPhi = cosLatitude(pPhi);
      startPoint(pPhi, pLambda, reach);
    }
    const dPhi = toRadians(loadF64(orderDropoffLat, o));
    const deliveryDistance = haversineM(pPhi, pLambda, pCosPhi, dPhi, toRadians(loadF64(orderDropoffLng, o)), cosLatitude(dPhi)) * detour;
    const ready = loadF64(orderReady, o);
    let eligible: i32 = 0;
    // With K > 0, once K are eligible: the K-th cheapest cost so far (the penalty while fewer
    // than K cost at most that). A courier costing more is not among the K cheapest, nor kept.
    let threshold: i64 = i64.MAX_VALUE;
    let segment: i32 = 0;
    for (let ring = 0; ring <= lastRing; ring++) {
      if (ring == scannedRings) {
        // The first order of the point that needs this ring scans it, for the point's other orders too.
        const from = reachedCount;
        scanRing(ring, reachedEntry, reachedChordSq);
        for (let q = from; q < reachedCount; q++) {
          const chordSquared = load<f64>(reachedChordSq + (<usize>q << 3));
          const secondsPerM = load<f64>(entrySecondsPerM + (<usize>load<i32>(reachedEntry + (<usize>q << 2)) << 3));
          const distance = chordSquared < SERIES_CHORD_SQUARED_LIMIT ? chordDistanceM(chordSquared) : -1;
          store<f64>(reachedTravel + (<usize>q << 3), distance < 0 ? -1 : distance * secondsPerM);
          store<f64>(reachedTravelSlack + (<usize>q << 3), distance < 0 ? 0 : distanceSlackM(distance) * secondsPerM);
        }
        if (!bounded && reachedCount > from) {
          storeI32(segmentEnd, segmentCount, reachedCount);
          segmentCount++;
        }
        storeI32(ringEnd, ring, segmentCount);
        scannedRings = ring + 1;
      }
      ensureMemory(keys + (<usize>(edgeCount + reachedCount) << 3));
      for (const ringSegments = loadI32(ringEnd, ring); segment < ringSegments; segment++) {
        const end = loadI32(segmentEnd, segment);
        let r = segment == 0 ? 0 : loadI32(segmentEnd, segment - 1);
        // No courier of a segment is cheaper than its bound: one costing more than the K-th so far is skipped whole.
        if (threshold != i64.MAX_VALUE) {
          const inverseSpeed = loadF64(segmentInverseSpeed, segment);
          const bound = costLowerBound(loadF64(segmentGapM, segment), detour * inverseSpeed, loadF64(segmentSoonest, segment), ready, deliveryDistance * inverseSpeed + handover);
          if (bound > <f64>threshold) continue;
        }
        priced += <f64>(end - r);
        // Price the reached couriers from the cheap chord distance; the exact haversine only
        // where its rounding could matter (or for chords too long for the series). Every key
        // is written and kept or not by the count, without a branch.
        for (; r < end; r++) {
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
        // Trimmed to the K cheapest whenever TRIM_FACTOR times as many are kept: each key is moved
        // O(1) times, by the branch-free partition of a long range (select.ts).
        if (bounded && eligible >= k && edgeCount - begin >= TRIM_FACTOR * k) {
          threshold = trimToK(keys, begin, edgeCount, k, penalty);
          edgeCount = begin + k;
        }
      }
      if (bounded && eligible >= k) {
        // The K cheapest so far stay the K cheapest if every courier beyond this ring (at least
        // `ring` cells away) costs more than the K-th of them; ties go to the lower index, so
        // equal is not enough. The K-th only falls as keys come, so the one last computed bounds
        // it: a short range is trimmed only for the first.
        const beyond = costLowerBound(<f64>ring * cellSize * EARTH_RADIUS_M, detour / fastest, soonest, ready, deliveryDistance / fastest + handover);
        if (threshold == i64.MAX_VALUE) {
          threshold = trimToK(keys, begin, edgeCount, k, penalty);
          edgeCount = begin + min(edgeCount - begin, k);
        }
        if (beyond > <f64>threshold) break;
      }
    }
    candidates += candidatesOf(eligible, k);
    storeI32(rowEligible, o, eligible);
    edgeCount = keepCheapest(keys, begin, edgeCount, k);
    storeI32(ends, o, edgeCount);
  }
  arenaAlloc(<usize>edgeCount << 3); // closes the edge buffer
  setCandidateGraph(starts, ends, keys, candidates, <f64>edgeCount, priced);
}

/**
 * Keeps the K cheapest of an order's keys [begin, end) (keepCheapest; the caller moves its end to
 * begin + min(end - begin, k)) and returns the cost a courier must beat to join them: the K-th
 * cheapest, or with fewer than K kept (K are eligible, so the K-th costs more than the penalty)
 * the penalty.
 */
function trimToK(keys: usize, begin: i32, end: i32, k: i32, penalty: i64): i64 {
  const kept = keepCheapest(keys, begin, end, k);
  if (kept - begin < k) return penalty;
  let largest: u64 = 0;
  for (let e = begin; e < kept; e++) largest = max(largest, load<u64>(keys + (<usize>e << 3)));
  return keyCost(largest);
}

/**
 * A lower bound, as an integer cost (its floor), on the price of a pair whose courier is at
 * least `gapM` metres of plane distance from the pickup (the projection never lengthens a
 * distance: plane gap ≤ chord ≤ arc), free no sooner than `soonest`, and at most as fast as
 * `secondsPerM` (detour / speed) says: it arrives no sooner than that, picks up no sooner than
 * the order is ready, and delivers in at least `deliveryS` (with the handover). The margin (1e-9
 * of the size, and the plane's slack) is far above every rounding of the price.
 */
@inline function costLowerBound(gapM: f64, secondsPerM: f64, soonest: f64, ready: f64, deliveryS: f64): f64 {
  const nearestM = max(0.0, gapM - PLANE_SLACK * EARTH_RADIUS_M);
  const costS = max(soonest + nearestM * secondsPerM, ready) + deliveryS;
  return Math.floor(costS * 10 + 0.5 - (Math.abs(costS) * 10 + 1) * 1e-9);
}

/** Starts the scan of the pickup point at (phi, lambda): its place, its cell, the cells in reach. */
function startPoint(phi: f64, lambda: f64, reach: f64): void {
  pointX = unitX(phi, lambda);
  pointY = unitY(phi, lambda);
  pointZ = unitZ(phi);
  pointU = planeU(pointX, pointY, pointZ);
  pointV = planeV(pointX, pointY, pointZ);
  // The cells within the largest reach, clamped to the grid (in f64, before the conversion).
  firstRow = <i32>max(0.0, Math.floor((pointV - reach - gridOriginV) / cellSize));
  lastRow = <i32>min(<f64>(gridRows - 1), Math.floor((pointV + reach - gridOriginV) / cellSize));
  firstColumn = <i32>max(0.0, Math.floor((pointU - reach - gridOriginU) / cellSize));
  lastColumn = <i32>min(<f64>(gridColumns - 1), Math.floor((pointU + reach - gridOriginU) / cellSize));
  // The point's cell, clamped to one past those: every cell d rings out stays ≥ d - 1 cells away.
  pointColumn = <i32>min(<f64>(lastColumn + 1), max(<f64>(firstColumn - 1), Math.floor((pointU - gridOriginU) / cellSize)));
  pointRow = <i32>min(<f64>(lastRow + 1), max(<f64>(firstRow - 1), Math.floor((pointV - gridOriginV) / cellSize)));
  // Without a bound, one "ring" of all the cells, scanned row by row (the order they lie in memory).
  lastRing = firstRow > lastRow || firstColumn > lastColumn
    ? -1
    : bounded ? max(max(pointColumn - firstColumn, lastColumn - pointColumn), max(pointRow - firstRow, lastRow - pointRow)) : 0;
  scannedRings = 0;
  reachedCount = 0;
  segmentCount = 0;
}

/** Appends the couriers of ring `ring` (without a bound: of every cell) whose reach covers the current point to `entries` / `chordsSq`. */
function scanRing(ring: i32, entries: usize, chordsSq: usize): void {
  if (!bounded) {
    for (let iv = firstRow; iv <= lastRow; iv++) for (let iu = firstColumn; iu <= lastColumn; iu++) scanCell(iu, iv, entries, chordsSq);
    return;
  }
  const top = max(firstRow, pointRow - ring);
  const bottom = min(lastRow, pointRow + ring);
  const left = pointColumn - ring;
  const right = pointColumn + ring;
  for (let iv = top; iv <= bottom; iv++) {
    if (iv == pointRow - ring || iv == pointRow + ring) {
      // The ring's first and last rows: all its cells.
      for (let iu = max(firstColumn, left); iu <= min(lastColumn, right); iu++) scanCell(iu, iv, entries, chordsSq);
    } else {
      // Rows between (ring ≥ 1): the ring's two ends.
      if (left >= firstColumn && left <= lastColumn) scanCell(left, iv, entries, chordsSq);
      if (right >= firstColumn && right <= lastColumn) scanCell(right, iv, entries, chordsSq);
    }
  }
}

/** Appends the couriers of cell (iu, iv) whose reach covers the current point, a segment per list. */
function scanCell(iu: i32, iv: i32, entries: usize, chordsSq: usize): void {
  const gapU = gapTo(pointU, gridOriginU + <f64>iu * cellSize, cellSize);
  const gapV = gapTo(pointV, gridOriginV + <f64>iv * cellSize, cellSize);
  const gapSq = gapU * gapU + gapV * gapV;
  // gapSq is the plane distance less its slack (gapTo): the slack added back, costLowerBound takes it off.
  const gapM = bounded ? (Math.sqrt(gapSq) + PLANE_SLACK) * EARTH_RADIUS_M : 0;
  // Fastest band first: fast couriers are the cheap ones, and lower the K-th sooner.
  const firstList = (iv * gridColumns + iu) * speedBands;
  for (let list = firstList + speedBands - 1; list >= firstList; list--) {
    const from = reachedCount;
    scanList(list, gapSq, entries, chordsSq);
    if (!bounded || reachedCount == from) continue;
    storeI32(segmentEnd, segmentCount, reachedCount);
    storeF64(segmentGapM, segmentCount, gapM);
    storeF64(segmentInverseSpeed, segmentCount, loadF64(listSlowness, list));
    storeF64(segmentSoonest, segmentCount, loadF64(listSoonest, list));
    segmentCount++;
  }
}

/** Appends the couriers of one list whose reach covers the current point. */
function scanList(list: i32, gapSq: f64, entries: usize, chordsSq: usize): void {
  const end = load<i32>(listStart + (<usize>(list + 1) << 2));
  let count = reachedCount;
  for (let at = load<i32>(listStart + (<usize>list << 2)); at < end; at++) {
    // Reaches decrease along the cell: nobody from here on reaches its nearest point.
    if (load<f64>(entryReachBound + (<usize>at << 3)) < gapSq) break;
    const ex = load<f64>(entryX + (<usize>at << 3)) - pointX;
    const ey = load<f64>(entryY + (<usize>at << 3)) - pointY;
    const ez = load<f64>(entryZ + (<usize>at << 3)) - pointZ;
    const chordSquared = ex * ex + ey * ey + ez * ez;
    // Collected without a branch: a third of the visited couriers are out of reach.
    store<i32>(entries + (<usize>count << 2), at);
    store<f64>(chordsSq + (<usize>count << 3), chordSquared);
    count += i32(chordSquared <= load<f64>(entryReachSq + (<usize>at << 3)));
  }
  reachedCount = count;
}
