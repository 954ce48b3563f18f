// Candidate edges from positions: every eligible (order, courier) pair priced by the
// spec's formula, found through a spatial hash instead of testing all pairs.
//
// Couriers are hashed into cubic cells on the unit sphere (robust at the poles and the
// antimeridian, unlike a lat/lng grid). A courier's reach is the distance it can cover
// before max_pickup_s; cells are a fraction of the largest reach, so an order only
// visits the cells around it. A cheap chord test (chord ≤ arc) rejects most visited
// couriers before the exact haversine.

import { arenaAlloc, arenaMark, ensureMemory } from './arena';
import {
  SERIES_CHORD_SQUARED_LIMIT, chordDistanceM, cosLatitude, distanceSlackM, haversineM, reachChordSquared, toRadians, unitX, unitY, unitZ,
} from './geo';
import {
  Params, courierCount, orderCount, courierLat, courierLng, courierSpeed, courierFreeIn,
  orderPickupLat, orderPickupLng, orderDropoffLat, orderDropoffLng, orderReady,
  edgeKey, loadF64, loadI32, storeF64, storeI32, setCandidateGraph, markExcluded, isExcluded,
} from './problem';
import { candidatesOf, keepCheapest } from './select';

/** Cells per largest reach: smaller cells visit fewer far couriers but more empty cells. */
const CELLS_PER_REACH: i32 = 3;
/** Relative slack for the rounding of the few operations between a distance and a cost. */
const ROUNDING_SLACK: f64 = 1e-14;
/** pricePair's answers besides a price. */
const INELIGIBLE: f64 = -1;
const UNSURE: f64 = -2;

/** Smallest cell (chord units, ≈ 12 m): keeps cell coordinates within 21 bits. */
const MIN_CELL: f64 = 1.0 / <f64>(1 << 19);

// Couriers that can reach anything, in cell order (structure of arrays for the hot loop).
let cellCount: i32 = 0;
let cellX: usize = 0;
let cellY: usize = 0;
let cellZ: usize = 0;
let cellReachSq: usize = 0;
let cellCourier: usize = 0; // i32
let cellKey: usize = 0; // u64 packed cell coordinates
let bucketStart: usize = 0; // i32, bucketMask + 2 entries
let bucketMask: u32 = 0;
let cellSize: f64 = 1;

@inline function cellCoord(unit: f64): i32 {
  return <i32>Math.floor((unit + 1) / cellSize);
}

@inline function packCell(ix: i32, iy: i32, iz: i32): u64 {
  return <u64>ix | (<u64>iy << 21) | (<u64>iz << 42);
}

@inline function bucketOf(ix: i32, iy: i32, iz: i32): u32 {
  return ((<u32>ix * 0x9E3779B1) ^ (<u32>iy * 0x85EBCA77) ^ (<u32>iz * 0xC2B2AE3D)) & bucketMask;
}

function buildCourierHash(phi: usize, lambda: usize, reachSq: usize): void {
  const n = courierCount;
  let active = 0;
  let largestReachSq: f64 = 0;
  for (let c = 0; c < n; c++) {
    const r = loadF64(reachSq, c);
    if (r >= 0) {
      active++;
      largestReachSq = max(largestReachSq, r);
    }
  }
  cellSize = max(Math.sqrt(largestReachSq) / <f64>CELLS_PER_REACH, MIN_CELL);
  let buckets: u32 = 16;
  while (buckets < <u32>active * 2) buckets <<= 1;
  bucketMask = buckets - 1;
  cellCount = active;

  const bytes8 = <usize>active << 3;
  cellX = arenaAlloc(bytes8);
  cellY = arenaAlloc(bytes8);
  cellZ = arenaAlloc(bytes8);
  cellReachSq = arenaAlloc(bytes8);
  cellKey = arenaAlloc(bytes8);
  cellCourier = arenaAlloc(<usize>active << 2);
  bucketStart = arenaAlloc(<usize>(buckets + 1) << 2);
  const courierBucket = arenaAlloc(<usize>n << 2);
  memory.fill(bucketStart, 0, <usize>(buckets + 1) << 2);

  // Counting sort of the active couriers by bucket.
  for (let c = 0; c < n; c++) {
    if (loadF64(reachSq, c) < 0) continue;
    const p = loadF64(phi, c);
    const l = loadF64(lambda, c);
    const b = bucketOf(cellCoord(unitX(p, l)), cellCoord(unitY(p, l)), cellCoord(unitZ(p)));
    storeI32(courierBucket, c, <i32>b);
    const slot = bucketStart + (<usize>(b + 1) << 2);
    store<i32>(slot, load<i32>(slot) + 1);
  }
  for (let b: u32 = 0; b < buckets; b++) {
    const slot = bucketStart + (<usize>(b + 1) << 2);
    store<i32>(slot, load<i32>(slot) + load<i32>(slot - 4));
  }
  const fill = arenaAlloc(<usize>buckets << 2);
  memory.copy(fill, bucketStart, <usize>buckets << 2);
  for (let c = 0; c < n; c++) {
    if (loadF64(reachSq, c) < 0) continue;
    const b = loadI32(courierBucket, c);
    const at = loadI32(fill, b);
    storeI32(fill, b, at + 1);
    const p = loadF64(phi, c);
    const l = loadF64(lambda, c);
    const x = unitX(p, l);
    const y = unitY(p, l);
    const z = unitZ(p);
    storeF64(cellX, at, x);
    storeF64(cellY, at, y);
    storeF64(cellZ, at, z);
    storeF64(cellReachSq, at, loadF64(reachSq, c));
    store<u64>(cellKey + (<usize>at << 3), packCell(cellCoord(x), cellCoord(y), cellCoord(z)));
    storeI32(cellCourier, at, c);
  }
}

/**
 * The spec's price of a pair, term by term, as cost·10 + 0.5 (its floor is the integer
 * cost), from the courier-to-pickup distance. With a non-zero distance slack it answers
 * UNSURE whenever the slack could change the eligibility or the integer cost, so the
 * caller can price again from the exact distance; with slack 0 it is the spec exactly.
 */
@inline function pricePair(
  distance: f64, slackM: f64, freeIn: f64, speed: f64, ready: f64, deliveryDistance: f64,
  maxPickup: f64, detour: f64, handover: f64, waitWeight: f64,
): f64 {
  const arrive = freeIn + distance * detour / speed;
  const arriveSlack = slackM == 0 ? 0 : slackM * detour / speed + arrive * ROUNDING_SLACK;
  if (arrive > maxPickup + arriveSlack) return INELIGIBLE;
  if (arrive > maxPickup - arriveSlack) return UNSURE;
  const pickupAt = max(arrive, ready);
  const deliver = pickupAt + deliveryDistance / speed + handover;
  const idle = max(0.0, ready - arrive);
  const costS = deliver + waitWeight * idle;
  const scaled = costS * 10 + 0.5;
  if (slackM != 0) {
    // The price moves at most max(1, wait_weight) seconds per second of arrival.
    const scaledSlack = 10 * max(1.0, waitWeight) * arriveSlack + scaled * ROUNDING_SLACK;
    if (Math.floor(scaled - scaledSlack) != Math.floor(scaled + scaledSlack)) return UNSURE;
  }
  return scaled;
}

/** The largest key of [begin, end). */
function largestKey(keys: usize, begin: i32, end: i32): u64 {
  let largest: u64 = 0;
  for (let e = begin; e < end; e++) largest = max(largest, load<u64>(keys + (<usize>e << 3)));
  return largest;
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
  buildCourierHash(cPhi, cLambda, cReachSq);

  const starts = arenaAlloc(<usize>no << 2);
  const ends = arenaAlloc(<usize>no << 2);
  // The edge buffer is the arena's last block: it grows in place, one order at a time.
  const keys = arenaMark();
  let edgeCount: i32 = 0;
  let candidates: f64 = 0;
  const s = CELLS_PER_REACH;

  for (let o = 0; o < no; o++) {
    ensureMemory(keys + ((<usize>edgeCount + <usize>cellCount) << 3));
    const begin = edgeCount;
    storeI32(starts, o, begin);
    markExcluded(o);
    const pPhi = toRadians(loadF64(orderPickupLat, o));
    const pLambda = toRadians(loadF64(orderPickupLng, o));
    const pCosPhi = cosLatitude(pPhi);
    const dPhi = toRadians(loadF64(orderDropoffLat, o));
    const deliveryDistance = haversineM(pPhi, pLambda, pCosPhi, dPhi, toRadians(loadF64(orderDropoffLng, o)), cosLatitude(dPhi)) * detour;
    const ready = loadF64(orderReady, o);
    const px = unitX(pPhi, pLambda);
    const py = unitY(pPhi, pLambda);
    const pz = unitZ(pPhi);
    const ox = cellCoord(px);
    const oy = cellCoord(py);
    const oz = cellCoord(pz);
    let eligible: i32 = 0;
    // With K > 0: once 2K edges are held, the K cheapest are kept and anything above
    // the K-th cheapest key is skipped from then on.
    let keyLimit: u64 = u64.MAX_VALUE;

    for (let ix = ox - s; ix <= ox + s; ix++) {
      for (let iy = oy - s; iy <= oy + s; iy++) {
        for (let iz = oz - s; iz <= oz + s; iz++) {
          const b = bucketOf(ix, iy, iz);
          const want = packCell(ix, iy, iz);
          const end = load<i32>(bucketStart + (<usize>(b + 1) << 2));
          for (let at = load<i32>(bucketStart + (<usize>b << 2)); at < end; at++) {
            if (load<u64>(cellKey + (<usize>at << 3)) != want) continue;
            const ex = load<f64>(cellX + (<usize>at << 3)) - px;
            const ey = load<f64>(cellY + (<usize>at << 3)) - py;
            const ez = load<f64>(cellZ + (<usize>at << 3)) - pz;
            const chordSquared = ex * ex + ey * ey + ez * ez;
            if (chordSquared > load<f64>(cellReachSq + (<usize>at << 3))) continue;

            // Price from the cheap chord distance; the exact haversine only where its
            // rounding could matter (or for chords too long for the series).
            const c = load<i32>(cellCourier + (<usize>at << 2));
            if (isExcluded(o, c)) continue;
            const speed = loadF64(courierSpeed, c);
            const freeIn = loadF64(courierFreeIn, c);
            let scaled = UNSURE;
            if (chordSquared < SERIES_CHORD_SQUARED_LIMIT) {
              const distance = chordDistanceM(chordSquared);
              scaled = pricePair(distance, distanceSlackM(distance), freeIn, speed, ready, deliveryDistance, maxPickup, detour, handover, waitWeight);
            }
            if (scaled == UNSURE) {
              const distance = haversineM(loadF64(cPhi, c), loadF64(cLambda, c), loadF64(cCosPhi, c), pPhi, pLambda, pCosPhi);
              scaled = pricePair(distance, 0, freeIn, speed, ready, deliveryDistance, maxPickup, detour, handover, waitWeight);
            }
            if (scaled == INELIGIBLE) continue;
            eligible++;
            const cost = Math.floor(scaled);
            if (cost > <f64>penalty) continue; // never in an optimum: leaving the order is cheaper
            const key = edgeKey(<i64>cost, c);
            if (key > keyLimit) continue;
            store<u64>(keys + (<usize>edgeCount << 3), key);
            edgeCount++;
            if (k > 0 && edgeCount - begin == 2 * k) {
              edgeCount = keepCheapest(keys, begin, edgeCount, k);
              keyLimit = largestKey(keys, begin, edgeCount);
            }
          }
        }
      }
    }
    candidates += candidatesOf(eligible, k);
    edgeCount = keepCheapest(keys, begin, edgeCount, k);
    storeI32(ends, o, edgeCount);
  }
  arenaAlloc(<usize>edgeCount << 3); // closes the edge buffer
  setCandidateGraph(starts, ends, keys, candidates, <f64>edgeCount);
}
