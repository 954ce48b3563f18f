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
// speed and the soonest free time). With a larger K the point's couriers are bucketed by
// arrival time and speed instead: an order not yet ready is served as cheaply from far away,
// so distance alone bounds little, but the price is least for an arrival at the ready time.
// A point of one order cannot repay bucketing: where most orders have a pickup of their own,
// each cell lists its couriers by decreasing speed, and the order scans the cells in passes, each a larger share of
// every cell, a cell ending at its first courier too slow to beat the K-th cheapest so far.
// Either way: exactly the K cheapest, as if it had priced them all.

import { arenaAlloc, arenaMark, ensureMemory } from './arena';
import {
  PLANE_SLACK, SPEED_BANDS, activeCount, speedBands, buildCourierGrid, cellSize, listSlowness, listSoonest, listStart, entryCourier, entryReachBound, entryReachSq,
  entrySlownessBound, entryX, entryY, entryZ, gridColumns, gridOriginU, gridOriginV, gridRows, largestReachSq, planeU, planeV,
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
 * The largest K bounded by rings: on generated M cities they priced 20–60 % of the eligible pairs
 * at K = 1 and 35–60 % at K = 4, and the build took 1.3–2.2× (K = 1) and 1.1–1.7× (K = 4) less
 * time, since far cells are never scanned; at K = 16 to 64 they priced 55–82 % (docs/solver.md).
 */
const BOUNDED_K_LIMIT: i32 = 4;
/**
 * Beyond BOUNDED_K_LIMIT, a pickup point's couriers in reach are bucketed by arrival time (equal
 * slices of [soonest free time, max_pickup_s]) and speed band; each order prices the buckets in
 * the order of their bounds and stops at the first that cannot beat its K-th cheapest.
 */
const ARRIVAL_SLICES: i32 = 8;
const BUCKETS: i32 = ARRIVAL_SLICES * SPEED_BANDS;
/** The bucket, after those, of couriers whose arrival the fast path does not know (chords beyond the series). */
const UNKNOWN_BUCKET: i32 = BUCKETS;
/** And the last one: couriers surely arriving after max_pickup_s, eligible for none of the point's orders. */
const LATE_BUCKET: i32 = BUCKETS + 1;
/**
 * Bucketed, at a point of one order: the first pass takes each cell's fastest couriers, about
 * this many times K of the cells' couriers; their K-th cheapest bounds the next pass. Measured on
 * M cities against 3, 4 and 6, and growths 2, 4 and 16 (docs/solver.md).
 */
const PROBE_FACTOR: f64 = 8;
/** And each further pass takes this many times the share of the one before. */
const PASS_GROWTH: f64 = 8;
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

// min and max of numbers that are never NaN, without f64.min / f64.max: V8 compiles those with
// branches for NaN and signed zeros, and a mispredicted one costs more than the rest of a loop.
@inline function least(a: f64, b: f64): f64 {
  return select<f64>(a, b, a < b);
}
@inline function greatest(a: f64, b: f64): f64 {
  return select<f64>(a, b, a > b);
}

/** The order at place i of the sequence (pickup hash, order) keys. */
@inline function orderAt(sequence: usize, i: i32): i32 {
  return <i32>(load<u64>(sequence + (<usize>i << 3)) & 0xffffffff);
}

/** Whether orders a and b have the same pickup point, as the scan tells points apart (bit for bit). */
@inline function samePickup(a: i32, b: i32): bool {
  return reinterpret<u64>(loadF64(orderPickupLat, a)) == reinterpret<u64>(loadF64(orderPickupLat, b))
    && reinterpret<u64>(loadF64(orderPickupLng, a)) == reinterpret<u64>(loadF64(orderPickupLng, b));
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
/** Whether the build bounds prices for the K rule: then a segment per list or bucket, else one per ring. */
let bounded = false;
/** How, when bounded: by rings of the grid and its speed bands (K ≤ BOUNDED_K_LIMIT), else by buckets of arrival and speed. */
let ringed = false;
/** Bounded but not ringed: points of several orders are bucketed. */
let bucketed = false;
/** Bucketed, and the grid lists each cell by decreasing speed: points of one order are graded. */
let bySpeed = false;
/**
 * Bucketed, the point of one order: scanned in passes (its "rings"), each taking a larger share of
 * each cell, fastest first, up to the cell's first courier too slow to beat the K-th so far.
 */
let graded = false;
// Graded: the point's cells not yet ended: their next courier, their couriers [start, end), their arrival terms.
let openCount: i32 = 0;
let openNext: usize = 0; // i32
let openStart: usize = 0; // i32
let openEnd: usize = 0; // i32
let openArrivalS: usize = 0; // f64
// The graded point's order: its ready time and delivery distance, and the seconds a courier's bound must not exceed.
let gradedReady: f64 = 0;
let gradedDelivery: f64 = 0;
let gradedLimitS: f64 = Infinity;
/** The first pass's share of each cell. */
let firstShare: f64 = 1;
let segmentStart: usize = 0; // i32: the segment's reached couriers are [start, end)
let segmentEnd: usize = 0; // i32
let segmentLow: usize = 0; // f64: none of its couriers arrives sooner (seconds)
let segmentHigh: usize = 0; // f64: none of its eligible couriers arrives later
let segmentInverseSpeed: usize = 0; // f64: 1 / its fastest courier's speed
// Bucketed: per grid entry its speed band's first bucket; the bands' fastest speeds; per point each
// courier's bucket, the buckets' counts and the largest arrival slack; per order the segments by bound.
let entryBucketBase: usize = 0; // i32
let bandInverseSpeed: usize = 0; // f64 per band: 1 / no band's courier is faster
let reachedBucket: usize = 0; // i32 per reached courier
let bucketCount: usize = 0; // i32 × (BUCKETS + 3)
let pointSlack: f64 = 0;
// The arrival slices: slice s holds the couriers whose earliest arrival is in [soonest + s·width, soonest + (s + 1)·width).
let sliceOrigin: f64 = 0;
let sliceWidth: f64 = 1;
let segmentBound: usize = 0; // f64 per segment
let segmentOrder: usize = 0; // u64 per segment: (bound, segment) sort keys

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
  // A lower bound on every price needs the idle term ≥ 0.
  bounded = k > 0 && waitWeight >= 0;
  ringed = bounded && k <= BOUNDED_K_LIMIT;
  // Orders by the hash of their pickup point (then index): one point's orders come together.
  const sequence = arenaAlloc(<usize>no << 3);
  for (let o = 0; o < no; o++) store<u64>(sequence + (<usize>o << 3), (pickupHash(o) << 32) | <u64><u32>o);
  sortKeys(sequence, 0, no);
  bucketed = bounded && !ringed;
  // Cells by speed where most orders have a pickup of their own (their passes need it), else by
  // reach: a point of several orders scans its cells once, and stopping at the reach saves more there.
  let shared: i32 = 0;
  for (let i = 1; i < no; i++) shared += i32(samePickup(orderAt(sequence, i - 1), orderAt(sequence, i)));
  bySpeed = bucketed && 2 * shared < no;
  // Speed bands only where rings bound prices: else they would only split the scans.
  buildCourierGrid(cPhi, cLambda, cReachSq, ringed ? SPEED_BANDS : 1, bySpeed);
  const reach = Math.sqrt(largestReachSq) + PLANE_SLACK;
  // One pickup point's couriers in reach: grid entry and squared chord, then their fast-path
  // travel seconds and its slack, shared by the orders of the point (travel < 0: the chord is
  // too long for the series, price exactly).
  const reachedEntry = arenaAlloc(<usize>activeCount << 2);
  const reachedChordSq = arenaAlloc(<usize>activeCount << 3);
  const reachedTravel = arenaAlloc(<usize>activeCount << 3);
  const reachedTravelSlack = arenaAlloc(<usize>activeCount << 3);
  // And what pricing reads of their couriers, so that it reads in order.
  const reachedCourier = arenaAlloc(<usize>activeCount << 2);
  const reachedFreeIn = arenaAlloc(<usize>activeCount << 3);
  const reachedInverseSpeed = arenaAlloc(<usize>activeCount << 3);
  ringEnd = arenaAlloc(<usize>(gridRows + gridColumns + 4) << 2);
  // At most one segment per courier in reach (empty lists make none), or per bucket.
  const segments = max(activeCount, BUCKETS);
  segmentStart = arenaAlloc(<usize>segments << 2);
  segmentEnd = arenaAlloc(<usize>segments << 2);
  segmentLow = arenaAlloc(<usize>segments << 3);
  segmentHigh = arenaAlloc(<usize>segments << 3);
  segmentInverseSpeed = arenaAlloc(<usize>segments << 3);
  segmentBound = arenaAlloc(<usize>segments << 3);
  segmentOrder = arenaAlloc(<usize>segments << 3);
  // The fast path's per-courier values in grid order: multiplications instead of the
  // spec's divisions (pricePair's slack covers the difference in rounding).
  const entryFreeIn = arenaAlloc(<usize>activeCount << 3);
  const entrySecondsPerM = arenaAlloc(<usize>activeCount << 3);
  const entryInverseSpeed = arenaAlloc(<usize>activeCount << 3);
  // For the K bound: no courier is faster or free sooner than these.
  let fastest: f64 = 0;
  let slowest: f64 = Infinity;
  let soonest: f64 = Infinity;
  for (let at = 0; at < activeCount; at++) {
    const c = loadI32(entryCourier, at);
    storeF64(entryFreeIn, at, loadF64(courierFreeIn, c));
    storeF64(entrySecondsPerM, at, detour / loadF64(courierSpeed, c));
    storeF64(entryInverseSpeed, at, 1 / loadF64(courierSpeed, c));
    fastest = max(fastest, loadF64(courierSpeed, c));
    slowest = min(slowest, loadF64(courierSpeed, c));
    soonest = min(soonest, loadF64(courierFreeIn, c));
  }
  if (bucketed) {
    const cells = <usize>(gridRows * gridColumns);
    openNext = arenaAlloc(cells << 2);
    openStart = arenaAlloc(cells << 2);
    openEnd = arenaAlloc(cells << 2);
    openArrivalS = arenaAlloc(cells << 3);
    // Speed bands: equal slices of the fleet's speed range (the fastest of a band: its upper end,
    // over by a margin for the rounding of the slicing).
    entryBucketBase = arenaAlloc(<usize>activeCount << 2);
    bandInverseSpeed = arenaAlloc(<usize>SPEED_BANDS << 3);
    const bandWidth = (fastest - slowest) / <f64>SPEED_BANDS;
    for (let band = 0; band < SPEED_BANDS; band++) {
      storeF64(bandInverseSpeed, band, 1 / min(fastest, (slowest + <f64>(band + 1) * bandWidth) * (1 + 1e-9)));
    }
    for (let at = 0; at < activeCount; at++) {
      const speed = loadF64(courierSpeed, loadI32(entryCourier, at));
      const band = bandWidth > 0 ? min(<i32>Math.floor((speed - slowest) / bandWidth), SPEED_BANDS - 1) : 0;
      storeI32(entryBucketBase, at, band * ARRIVAL_SLICES);
    }
    reachedBucket = arenaAlloc(<usize>activeCount << 2);
    bucketCount = arenaAlloc(<usize>(BUCKETS + 3) << 2);
    sliceOrigin = soonest;
    sliceWidth = max(maxPickup - soonest, 1e-9) / <f64>ARRIVAL_SLICES;
  }
  // Bucketed: the travel loop writes here, and the point's buckets are laid out from here in the reached buffers.
  const spareCourier = bucketed ? arenaAlloc(<usize>activeCount << 2) : reachedCourier;
  const spareFreeIn = bucketed ? arenaAlloc(<usize>activeCount << 3) : reachedFreeIn;
  const spareInverseSpeed = bucketed ? arenaAlloc(<usize>activeCount << 3) : reachedInverseSpeed;
  const spareTravel = bucketed ? arenaAlloc(<usize>activeCount << 3) : reachedTravel;
  const spareTravelSlack = bucketed ? arenaAlloc(<usize>activeCount << 3) : reachedTravelSlack;

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
  // Whether the point's couriers are laid out in buckets: only where several orders share them.
  // For a point of one order, laying them out cost more than pricing them all (docs/solver.md).
  let layered = false;

  for (let i = 0; i < no; i++) {
    const o = orderAt(sequence, i);
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
      layered = bucketed && i + 1 < no && samePickup(o, orderAt(sequence, i + 1));
      graded = bySpeed && !layered;
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
    gradedReady = ready;
    gradedDelivery = deliveryDistance;
    gradedLimitS = Infinity;
    for (let ring = 0; ring <= lastRing; ring++) {
      if (ring == scannedRings) {
        // The first order of the point that needs this ring scans it, for the point's other orders too.
        const from = reachedCount;
        scanRing(ring, reachedEntry, reachedChordSq);
        if (layered) clearBuckets();
        // Laid out, the couriers go to the spare buffers first.
        const toTravel = layered ? spareTravel : reachedTravel;
        const toTravelSlack = layered ? spareTravelSlack : reachedTravelSlack;
        const toCourier = layered ? spareCourier : reachedCourier;
        const toFreeIn = layered ? spareFreeIn : reachedFreeIn;
        const toInverseSpeed = layered ? spareInverseSpeed : reachedInverseSpeed;
        for (let q = from; q < reachedCount; q++) {
          const chordSquared = load<f64>(reachedChordSq + (<usize>q << 3));
          const at = load<i32>(reachedEntry + (<usize>q << 2));
          const secondsPerM = load<f64>(entrySecondsPerM + (<usize>at << 3));
          const distance = chordSquared < SERIES_CHORD_SQUARED_LIMIT ? chordDistanceM(chordSquared) : -1;
          const travel = distance < 0 ? -1 : distance * secondsPerM;
          const travelSlack = distance < 0 ? 0 : distanceSlackM(distance) * secondsPerM;
          const freeIn = load<f64>(entryFreeIn + (<usize>at << 3));
          store<f64>(toTravel + (<usize>q << 3), travel);
          store<f64>(toTravelSlack + (<usize>q << 3), travelSlack);
          store<i32>(toCourier + (<usize>q << 2), load<i32>(entryCourier + (<usize>at << 2)));
          store<f64>(toFreeIn + (<usize>q << 3), freeIn);
          store<f64>(toInverseSpeed + (<usize>q << 3), load<f64>(entryInverseSpeed + (<usize>at << 3)));
          if (layered) placeInBucket(q, at, freeIn, travel, travelSlack, maxPickup);
        }
        if (!ringed && !layered && reachedCount > from) {
          storeI32(segmentStart, segmentCount, from);
          storeI32(segmentEnd, segmentCount, reachedCount);
          segmentCount++;
        }
        if (layered) {
          layOutBuckets(
            spareCourier, spareFreeIn, spareInverseSpeed, spareTravel, spareTravelSlack,
            reachedCourier, reachedFreeIn, reachedInverseSpeed, reachedTravel, reachedTravelSlack, maxPickup, 1 / fastest,
          );
        }
        storeI32(ringEnd, ring, segmentCount);
        scannedRings = ring + 1;
      }
      if (layered) rankSegments(ready, deliveryDistance, handover, waitWeight);
      ensureMemory(keys + (<usize>(edgeCount + reachedCount) << 3));
      for (const ringSegments = loadI32(ringEnd, ring); segment < ringSegments; segment++) {
        const seg = layered ? nextCheapest(segment) : segment;
        const end = loadI32(segmentEnd, seg);
        let r = loadI32(segmentStart, seg);
        // No courier of a segment is cheaper than its bound: one costing more than the K-th so far is skipped
        // whole; buckets come by bound, so none after it is cheaper either. Before giving up on
        // one, a bucket's K-th is brought up to date.
        if (layered && eligible >= k) {
          const bound = loadF64(segmentBound, seg);
          if (bound <= <f64>threshold && (threshold == i64.MAX_VALUE || edgeCount - begin > k)) {
            threshold = trimToK(keys, begin, edgeCount, k, penalty);
            edgeCount = begin + min(edgeCount - begin, k);
          }
          if (bound > <f64>threshold) break;
        } else if (ringed && threshold != i64.MAX_VALUE && segmentLowerBound(seg, ready, deliveryDistance, handover, waitWeight) > <f64>threshold) continue;
        priced += <f64>(end - r);
        // Price the reached couriers from the cheap chord distance; the exact haversine only
        // where its rounding could matter (or for chords too long for the series). Every key
        // is written and kept or not by the count, without a branch.
        for (; r < end; r++) {
          const c = load<i32>(reachedCourier + (<usize>r << 2));
          const freeIn = load<f64>(reachedFreeIn + (<usize>r << 3));
          const travel = load<f64>(reachedTravel + (<usize>r << 3));
          let scaled = UNSURE;
          if (travel >= 0) {
            scaled = pricePair(
              travel, load<f64>(reachedTravelSlack + (<usize>r << 3)),
              deliveryDistance * load<f64>(reachedInverseSpeed + (<usize>r << 3)),
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
        if (ringed && eligible >= k && edgeCount - begin >= TRIM_FACTOR * k) {
          threshold = trimToK(keys, begin, edgeCount, k, penalty);
          edgeCount = begin + k;
        }
      }
      if (graded && eligible >= k) {
        // The K-th cheapest so far bounds the next pass (without K eligible, it takes every courier).
        threshold = trimToK(keys, begin, edgeCount, k, penalty);
        edgeCount = begin + min(edgeCount - begin, k);
        gradedLimitS = costLimitS(threshold, ready, maxPickup, handover, waitWeight);
      }
      if (ringed && eligible >= k) {
        // The K cheapest so far stay the K cheapest if every courier beyond this ring (at least
        // `ring` cells away) costs more than the K-th of them; ties go to the lower index, so
        // equal is not enough. The K-th only falls as keys come, so the one last computed bounds
        // it: a short range is trimmed only for the first.
        const beyond = priceLowerBound(soonest + max(0.0, <f64>ring * cellSize - PLANE_SLACK) * EARTH_RADIUS_M * detour / fastest, Infinity, 1 / fastest, ready, deliveryDistance, handover, waitWeight);
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
 * The seconds a lower bound on a pair's spec cost (seconds) must exceed for the pair to cost more
 * than `threshold` (deciseconds), less nothing that rounding could undo: a margin of 1e-9 of the
 * terms' sizes, as in priceLowerBound.
 */
function costLimitS(threshold: i64, ready: f64, maxPickup: f64, handover: f64, waitWeight: f64): f64 {
  const limit = (<f64>threshold + 0.5) / 10;
  return limit + ((1 + waitWeight) * (Math.abs(limit) + Math.abs(ready) + Math.abs(maxPickup) + Math.abs(handover)) + 1) * 1e-9;
}

/**
 * A lower bound, as an integer cost (its floor), on the price of a pair whose courier arrives
 * (spec's arrive) within [low, high] and is at most as fast as 1 / inverseSpeed. Early arrivals
 * idle and late ones pick up late: the price is least at the arrival nearest the ready time.
 * The margin (1e-9 of the terms' sizes) is far above every rounding of the price.
 */
@inline function priceLowerBound(low: f64, high: f64, inverseSpeed: f64, ready: f64, deliveryDistance: f64, handover: f64, waitWeight: f64): f64 {
  const arrive = min(max(ready, low), high);
  const deliveryS = deliveryDistance * inverseSpeed;
  const costS = max(arrive, ready) + waitWeight * max(0.0, ready - arrive) + deliveryS + handover;
  const size = Math.abs(arrive) + Math.abs(ready) + deliveryS + Math.abs(handover);
  return Math.floor(costS * 10 + 0.5 - ((1 + waitWeight) * size * 10 + 1) * 1e-9);
}

@inline function segmentLowerBound(s: i32, ready: f64, deliveryDistance: f64, handover: f64, waitWeight: f64): f64 {
  return priceLowerBound(loadF64(segmentLow, s), loadF64(segmentHigh, s), loadF64(segmentInverseSpeed, s), ready, deliveryDistance, handover, waitWeight);
}

/** The point's segments (its buckets) with their bounds for the order, as (bound, segment) keys in segmentOrder. */
function rankSegments(ready: f64, deliveryDistance: f64, handover: f64, waitWeight: f64): void {
  for (let s = 0; s < segmentCount; s++) {
    const bound = segmentLowerBound(s, ready, deliveryDistance, handover, waitWeight);
    storeF64(segmentBound, s, bound);
    const rank = <u64>min(max(bound + 2147483648.0, 0.0), 4294967295.0);
    store<u64>(segmentOrder + (<usize>s << 3), (rank << 32) | <u64>s);
  }
}

/**
 * The segment of least bound among those not yet taken (segmentOrder from `taken` on), moved to
 * place `taken`: a selection sort step, without a branch. An order usually stops after a few of
 * its segments, and sorting them all cost more than its pricing.
 */
function nextCheapest(taken: i32): i32 {
  let best = load<u64>(segmentOrder + (<usize>taken << 3));
  let at = taken;
  for (let s = taken + 1; s < segmentCount; s++) {
    const key = load<u64>(segmentOrder + (<usize>s << 3));
    at = select<i32>(s, at, key < best);
    best = select<u64>(key, best, key < best);
  }
  store<u64>(segmentOrder + (<usize>at << 3), load<u64>(segmentOrder + (<usize>taken << 3)));
  store<u64>(segmentOrder + (<usize>taken << 3), best);
  return <i32>(best & 0xffffffff);
}

function clearBuckets(): void {
  for (let b = 0; b <= LATE_BUCKET + 1; b++) storeI32(bucketCount, b, 0);
  pointSlack = 0;
}

/**
 * Puts reached courier q (grid entry `at`) in its bucket: its speed band's arrival slice by its
 * earliest arrival, or the unknown or the late bucket, and counts it.
 */
@inline function placeInBucket(q: i32, at: i32, freeIn: f64, travel: f64, travelSlack: f64, maxPickup: f64): void {
  const slack = arrivalSlack(freeIn, travel, travelSlack);
  // pricePair's test of a pair surely out of reach, for every order of the point.
  const late = travel >= 0 && freeIn + travel > maxPickup + slack;
  const slice = <i32>min(<f64>(ARRIVAL_SLICES - 1), max(0.0, Math.floor((freeIn + travel - slack - sliceOrigin) / sliceWidth)));
  const b = late ? LATE_BUCKET : travel < 0 ? UNKNOWN_BUCKET : loadI32(entryBucketBase, at) + slice;
  storeI32(reachedBucket, q, b);
  storeI32(bucketCount, b + 1, loadI32(bucketCount, b + 1) + 1);
  pointSlack = greatest(pointSlack, slack);
}

/**
 * Lays the point's reached couriers out bucket by bucket (a counting sort from the spare buffers
 * into the reached ones) and makes each non-empty bucket but the late one a segment. A bucket's
 * arrivals and speed are its slice's and band's, widened by the point's largest slack and a
 * margin for the rounding of the slicing; the unknown bucket's are [soonest, max_pickup_s] and
 * the fleet's fastest.
 */
function layOutBuckets(
  fromCourier: usize, fromFreeIn: usize, fromInverseSpeed: usize, fromTravel: usize, fromSlack: usize,
  toCourier: usize, toFreeIn: usize, toInverseSpeed: usize, toTravel: usize, toSlack: usize,
  maxPickup: f64, inverseFastest: f64,
): void {
  // bucketCount becomes each bucket's first place, then (after the moves) its end.
  for (let b = 0; b <= LATE_BUCKET; b++) storeI32(bucketCount, b + 1, loadI32(bucketCount, b + 1) + loadI32(bucketCount, b));
  for (let q = 0; q < reachedCount; q++) {
    const b = loadI32(reachedBucket, q);
    const to = loadI32(bucketCount, b);
    storeI32(bucketCount, b, to + 1);
    storeI32(toCourier, to, loadI32(fromCourier, q));
    storeF64(toFreeIn, to, loadF64(fromFreeIn, q));
    storeF64(toInverseSpeed, to, loadF64(fromInverseSpeed, q));
    storeF64(toTravel, to, loadF64(fromTravel, q));
    storeF64(toSlack, to, loadF64(fromSlack, q));
  }
  segmentCount = 0;
  let start: i32 = 0;
  for (let b = 0; b <= UNKNOWN_BUCKET; b++) {
    const end = loadI32(bucketCount, b);
    if (start == end) continue;
    const slice = <f64>(b % ARRIVAL_SLICES);
    const known = b < UNKNOWN_BUCKET;
    storeI32(segmentStart, segmentCount, start);
    storeI32(segmentEnd, segmentCount, end);
    storeF64(segmentLow, segmentCount, known ? sliceOrigin + (slice - 1e-6) * sliceWidth - pointSlack : sliceOrigin);
    storeF64(segmentHigh, segmentCount, known && slice < <f64>(ARRIVAL_SLICES - 1) ? min(maxPickup, sliceOrigin + (slice + 1 + 1e-6) * sliceWidth + 2 * pointSlack) : maxPickup);
    storeF64(segmentInverseSpeed, segmentCount, known ? loadF64(bandInverseSpeed, b / ARRIVAL_SLICES) : inverseFastest);
    segmentCount++;
    start = end;
  }
}

/** pricePair's bound on how far the fast path's arrival is from the spec's. */
@inline function arrivalSlack(freeIn: f64, travel: f64, travelSlack: f64): f64 {
  return travelSlack + (Math.abs(freeIn) + travel) * ROUNDING_SLACK;
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
    : ringed ? max(max(pointColumn - firstColumn, lastColumn - pointColumn), max(pointRow - firstRow, lastRow - pointRow)) : graded ? gradedPasses() - 1 : 0;
  scannedRings = 0;
  reachedCount = 0;
  segmentCount = 0;
}

/**
 * Appends the couriers of ring `ring` (without a bound: of every cell; graded: of its pass) whose
 * reach covers the current point to `entries` / `chordsSq`.
 */
function scanRing(ring: i32, entries: usize, chordsSq: usize): void {
  if (graded) {
    scanPass(ring, entries, chordsSq);
    return;
  }
  if (!ringed) {
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
  // gapSq is the plane distance less its slack (gapTo), so the plane gap to the cell's couriers is at least its root.
  const gapM = ringed ? Math.sqrt(gapSq) * EARTH_RADIUS_M : 0;
  // Fastest band first: fast couriers are the cheap ones, and lower the K-th sooner.
  const firstList = (iv * gridColumns + iu) * speedBands;
  for (let list = firstList + speedBands - 1; list >= firstList; list--) {
    const from = reachedCount;
    // Lists by speed are not by reach: no courier ends their scan but the last.
    scanEntries(load<i32>(listStart + (<usize>list << 2)), load<i32>(listStart + (<usize>(list + 1) << 2)), bySpeed ? -1 : gapSq, entries, chordsSq);
    if (!ringed || reachedCount == from) continue;
    const inverseSpeed = loadF64(listSlowness, list);
    storeI32(segmentStart, segmentCount, from);
    storeI32(segmentEnd, segmentCount, reachedCount);
    storeF64(segmentLow, segmentCount, loadF64(listSoonest, list) + gapM * Params.detourFactor * inverseSpeed);
    storeF64(segmentHigh, segmentCount, Infinity);
    storeF64(segmentInverseSpeed, segmentCount, inverseSpeed);
    segmentCount++;
  }
}

/**
 * Graded: the passes over the point's cells, the first taking each cell's fastest couriers, about
 * PROBE_FACTOR·K of the cells' couriers, each next PASS_GROWTH times as many, the last all of them.
 */
function gradedPasses(): i32 {
  let inCells: i32 = 0;
  for (let iv = firstRow; iv <= lastRow; iv++) {
    const row = iv * gridColumns;
    inCells += load<i32>(listStart + (<usize>(row + lastColumn + 1) << 2)) - load<i32>(listStart + (<usize>(row + firstColumn) << 2));
  }
  firstShare = PROBE_FACTOR * <f64>Params.maxCandidates / <f64>max(inCells, 1);
  let passes: i32 = 1;
  for (let share = firstShare; share < 1; share *= PASS_GROWTH) passes++;
  return passes;
}

/**
 * Graded, pass `pass`: each cell's next couriers, up to its pass's share of them or its first
 * courier whose price is surely above the K-th so far (gradedLimitS), which ends the cell: no
 * faster than its cell's fastest, free no sooner than its soonest, from at least the cell's plane
 * gap away, and arriving by max_pickup_s if eligible, its price is at least the arrival terms at
 * the arrival nearest the ready time plus the delivery at its own speed, which rises along the cell.
 * The first pass lists the cells it did not end, with their arrival terms, for the others.
 */
function scanPass(pass: i32, entries: usize, chordsSq: usize): void {
  // The last pass takes every courier left, whatever the rounding of the shares.
  const share = pass == lastRing ? 1 : firstShare * Math.pow(PASS_GROWTH, <f64>pass);
  const delivery = gradedDelivery;
  if (pass == 0) {
    const ready = gradedReady;
    const maxPickup = Params.maxPickupS;
    const waitWeight = Params.waitWeight;
    const handover = Params.handoverS;
    openCount = 0;
    for (let iv = firstRow; iv <= lastRow; iv++) {
      const gapV = gapTo(pointV, gridOriginV + <f64>iv * cellSize, cellSize);
      for (let iu = firstColumn; iu <= lastColumn; iu++) {
        const cell = iv * gridColumns + iu;
        const start = load<i32>(listStart + (<usize>cell << 2));
        const end = load<i32>(listStart + (<usize>(cell + 1) << 2));
        if (start == end) continue;
        const gapU = gapTo(pointU, gridOriginU + <f64>iu * cellSize, cellSize);
        const gapM = Math.sqrt(gapU * gapU + gapV * gapV) * EARTH_RADIUS_M;
        const low = loadF64(listSoonest, cell) + gapM * Params.detourFactor * loadF64(listSlowness, cell);
        const arrive = min(max(ready, low), maxPickup);
        storeI32(openNext, openCount, start);
        storeI32(openStart, openCount, start);
        storeI32(openEnd, openCount, end);
        storeF64(openArrivalS, openCount, max(arrive, ready) + waitWeight * max(0.0, ready - arrive) + handover);
        openCount++;
      }
    }
  }
  const limitS = pass == 0 ? Infinity : gradedLimitS;
  let open: i32 = 0;
  let count = reachedCount;
  for (let j = 0; j < openCount; j++) {
    const start = loadI32(openStart, j);
    const end = loadI32(openEnd, j);
    const stop = share >= 1 ? end : min(end, start + <i32>Math.ceil(share * <f64>(end - start)));
    const arrivalS = loadF64(openArrivalS, j);
    let at = loadI32(openNext, j);
    for (; at < stop; at++) {
      if (arrivalS + delivery * load<f64>(entrySlownessBound + (<usize>at << 3)) > limitS) break;
      count = collect(at, count, entries, chordsSq);
    }
    // A courier surely too dear ends its cell (the K-th only falls), as does its last.
    if (at == stop && at < end) {
      storeI32(openNext, open, at);
      storeI32(openStart, open, start);
      storeI32(openEnd, open, end);
      storeF64(openArrivalS, open, arrivalS);
      open++;
    }
  }
  reachedCount = count;
  openCount = open;
}

/** Writes grid entry `at` and its squared chord to the point at place `count`; returns the count, one more if it reaches the point. */
@inline function collect(at: i32, count: i32, entries: usize, chordsSq: usize): i32 {
  const ex = load<f64>(entryX + (<usize>at << 3)) - pointX;
  const ey = load<f64>(entryY + (<usize>at << 3)) - pointY;
  const ez = load<f64>(entryZ + (<usize>at << 3)) - pointZ;
  const chordSquared = ex * ex + ey * ey + ez * ez;
  // Collected without a branch: a third of the visited couriers are out of reach.
  store<i32>(entries + (<usize>count << 2), at);
  store<f64>(chordsSq + (<usize>count << 3), chordSquared);
  return count + i32(chordSquared <= load<f64>(entryReachSq + (<usize>at << 3)));
}

/** Appends the grid entries [at, end) whose reach covers the current point, up to the first whose reach bound is below gapSq. */
function scanEntries(at: i32, end: i32, gapSq: f64, entries: usize, chordsSq: usize): void {
  let count = reachedCount;
  for (; at < end; at++) {
    // Reaches decrease along a list by reach: nobody from here on reaches its nearest point.
    if (load<f64>(entryReachBound + (<usize>at << 3)) < gapSq) break;
    count = collect(at, count, entries, chordsSq);
  }
  reachedCount = count;
}
