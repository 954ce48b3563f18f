// The spatial index of the couriers: a grid on a plane through the earth's centre, onto
// which the unit vectors are projected orthogonally. An orthogonal projection never
// lengthens a distance, so a courier whose projection lies farther from an order's than
// its reach (as a chord) cannot reach the order, wherever on the sphere either is: the
// plane only decides how well the grid separates points, never which pairs are found.
// It is the tangent plane at the couriers' mean direction, where a city lies flat.
//
// Each cell lists its couriers in a few speed bands, each by decreasing reach, so a visit of
// a band stops at the first courier that cannot reach as far as the cell's nearest point: a
// slow or busy courier is only looked at by the orders close to it. A band's fastest speed and
// soonest free time bound the price of its couriers from below, for the K rule (positions.ts).
// Or, asked for, each cell lists its couriers by decreasing speed (one band): a visit for the K
// rule then stops at the first courier too slow to beat an order's K-th cheapest.

import { arenaAlloc } from './arena';
import { unitX, unitY, unitZ } from './geo';
import { courierCount, courierFreeIn, courierSpeed, loadF64, storeF64, loadI32, storeI32 } from './problem';
import { sortKeys } from './select';

/** Cells per largest reach: smaller cells stop the visits earlier but cost more cells. */
const CELLS_PER_REACH: f64 = 4;
/** At most this many cells per courier (plus a few): a spread-out fleet gets larger cells. */
const CELLS_PER_COURIER: f64 = 4;
/** Smallest cell (chord units, ≈ 12 m). */
const MIN_CELL: f64 = 1.0 / <f64>(1 << 19);
/** Speed bands per cell when asked for (equal slices of the fleet's speed range). */
export const SPEED_BANDS: i32 = 4;
/** Bands per cell of the current grid: 1 or SPEED_BANDS. */
export let speedBands: i32 = 1;
/** Absolute slack on plane distances (chord units, ≈ 6 µm), far above their rounding (~1e-15). */
export const PLANE_SLACK: f64 = 1e-12;

// The plane's axes.
let axisUX: f64 = 1;
let axisUY: f64 = 0;
let axisUZ: f64 = 0;
let axisVX: f64 = 0;
let axisVY: f64 = 1;
let axisVZ: f64 = 0;

// The grid: cell (iu, iv) is number iv · gridColumns + iu, its lower corner at
// (gridOriginU + iu · cellSize, gridOriginV + iv · cellSize).
export let gridColumns: i32 = 0;
export let gridRows: i32 = 0;
export let gridOriginU: f64 = 0;
export let gridOriginV: f64 = 0;
export let cellSize: f64 = 1;
/** The largest reach, squared chord. */
export let largestReachSq: f64 = 0;
/** Couriers that can reach anything. */
export let activeCount: i32 = 0;

// Per courier in list order: list l = cell · speedBands + band, each by decreasing reach
// (structure of arrays for the hot loop): list l's are [listStart[l], listStart[l + 1]).
export let listStart: usize = 0; // i32 per list + 1
export let listSlowness: usize = 0; // f64 per list: 1 / its largest speed (Infinity when empty)
export let listSoonest: usize = 0; // f64 per list: its least free_in_s
export let entryX: usize = 0; // f64 unit vector
export let entryY: usize = 0;
export let entryZ: usize = 0;
export let entryReachSq: usize = 0; // f64, the exact reach
export let entryReachBound: usize = 0; // f64, ≥ reach, non-increasing within a cell (by reach)
export let entrySlownessBound: usize = 0; // f64, ≤ 1 / speed, non-decreasing within a cell (by speed)
export let entryCourier: usize = 0; // i32

@inline export function planeU(x: f64, y: f64, z: f64): f64 {
  return x * axisUX + y * axisUY + z * axisUZ;
}

@inline export function planeV(x: f64, y: f64, z: f64): f64 {
  return x * axisVX + y * axisVY + z * axisVZ;
}

/** The plane: the tangent plane at the mean of the unit vectors (any plane if they cancel out). */
function choosePlane(unit: usize): void {
  let mx: f64 = 0;
  let my: f64 = 0;
  let mz: f64 = 0;
  for (let i = 0; i < activeCount; i++) {
    mx += loadF64(unit, 3 * i);
    my += loadF64(unit, 3 * i + 1);
    mz += loadF64(unit, 3 * i + 2);
  }
  let norm = Math.sqrt(mx * mx + my * my + mz * mz);
  if (norm < 1e-9 * <f64>max(activeCount, 1)) {
    mx = 0;
    my = 0;
    mz = 1;
    norm = 1;
  }
  mx /= norm;
  my /= norm;
  mz /= norm;
  // U: the coordinate axis least aligned with the normal, made orthogonal to it.
  let ax: f64 = 0;
  let ay: f64 = 0;
  let az: f64 = 0;
  if (Math.abs(mx) <= Math.abs(my) && Math.abs(mx) <= Math.abs(mz)) ax = 1;
  else if (Math.abs(my) <= Math.abs(mz)) ay = 1;
  else az = 1;
  const along = ax * mx + ay * my + az * mz;
  ax -= along * mx;
  ay -= along * my;
  az -= along * mz;
  const length = Math.sqrt(ax * ax + ay * ay + az * az);
  axisUX = ax / length;
  axisUY = ay / length;
  axisUZ = az / length;
  // V = normal × U.
  axisVX = my * axisUZ - mz * axisUY;
  axisVY = mz * axisUX - mx * axisUZ;
  axisVZ = mx * axisUY - my * axisUX;
}

/** The least f32 ≥ x (x ≥ 0), as its bits: a sort key that never understates a reach. */
@inline function reachBits(x: f64): u32 {
  let rounded = <f32>x;
  if (<f64>rounded < x) rounded = reinterpret<f32>(reinterpret<u32>(rounded) + 1);
  return reinterpret<u32>(rounded);
}

/** The greatest f32 ≤ x (x > 0), as its bits: a sort key that never overstates a slowness. */
@inline function slownessBits(x: f64): u32 {
  let rounded = <f32>x;
  if (<f64>rounded > x) rounded = reinterpret<f32>(reinterpret<u32>(rounded) - 1);
  return reinterpret<u32>(rounded);
}

/**
 * Indexes the couriers with a reach (reachSq ≥ 0, squared chord) in `bands` speed bands per
 * cell, each by decreasing reach, or (bySpeed, one band) each cell by decreasing speed; phi and
 * lambda in radians. Couriers with reachSq < 0 can reach nothing and are left out.
 */
export function buildCourierGrid(phi: usize, lambda: usize, reachSq: usize, bands: i32, bySpeed: bool): void {
  speedBands = bands;
  const n = courierCount;
  let active: i32 = 0;
  largestReachSq = 0;
  for (let c = 0; c < n; c++) {
    const r = loadF64(reachSq, c);
    if (r < 0) continue;
    active++;
    largestReachSq = max(largestReachSq, r);
  }
  activeCount = active;
  // The active couriers (numbered i in courier order): unit vectors, then places on the plane.
  const courierOf = arenaAlloc(<usize>active << 2);
  const unit = arenaAlloc(<usize>active * 24);
  const place = arenaAlloc(<usize>active << 4);
  const order = arenaAlloc(<usize>active << 3); // sort keys: reach bound descending (or slowness bound ascending), then i
  let i: i32 = 0;
  for (let c = 0; c < n; c++) {
    if (loadF64(reachSq, c) < 0) continue;
    const p = loadF64(phi, c);
    const l = loadF64(lambda, c);
    storeI32(courierOf, i, c);
    storeF64(unit, 3 * i, unitX(p, l));
    storeF64(unit, 3 * i + 1, unitY(p, l));
    storeF64(unit, 3 * i + 2, unitZ(p));
    const rank = bySpeed ? slownessBits(1 / loadF64(courierSpeed, c)) : ~reachBits(loadF64(reachSq, c));
    store<u64>(order + (<usize>i << 3), (<u64>rank << 32) | <u64>i);
    i++;
  }
  choosePlane(unit);
  let minU: f64 = Infinity;
  let maxU: f64 = -Infinity;
  let minV: f64 = Infinity;
  let maxV: f64 = -Infinity;
  for (i = 0; i < active; i++) {
    const x = loadF64(unit, 3 * i);
    const y = loadF64(unit, 3 * i + 1);
    const z = loadF64(unit, 3 * i + 2);
    const u = planeU(x, y, z);
    const v = planeV(x, y, z);
    storeF64(place, 2 * i, u);
    storeF64(place, 2 * i + 1, v);
    minU = min(minU, u);
    maxU = max(maxU, u);
    minV = min(minV, v);
    maxV = max(maxV, v);
  }
  if (active == 0) {
    minU = 0;
    maxU = 0;
    minV = 0;
    maxV = 0;
  }
  gridOriginU = minU;
  gridOriginV = minV;
  cellSize = max(Math.sqrt(largestReachSq) / CELLS_PER_REACH, MIN_CELL);
  const cellLimit = CELLS_PER_COURIER * <f64>active + 64;
  while ((Math.floor((maxU - minU) / cellSize) + 1) * (Math.floor((maxV - minV) / cellSize) + 1) > cellLimit) cellSize *= 2;
  gridColumns = <i32>Math.floor((maxU - minU) / cellSize) + 1;
  gridRows = <i32>Math.floor((maxV - minV) / cellSize) + 1;
  const cells = gridColumns * gridRows;

  let slowest: f64 = Infinity;
  let fastest: f64 = 0;
  for (i = 0; i < active; i++) {
    const speed = loadF64(courierSpeed, loadI32(courierOf, i));
    slowest = min(slowest, speed);
    fastest = max(fastest, speed);
  }
  const bandWidth = (fastest - slowest) / <f64>bands;

  // Counting sort by list, taking the couriers in key order so each list keeps it.
  sortKeys(order, 0, active);
  const lists = cells * bands;
  listStart = arenaAlloc(<usize>(lists + 1) << 2);
  memory.fill(listStart, 0, <usize>(lists + 1) << 2);
  listSlowness = arenaAlloc(<usize>lists << 3);
  listSoonest = arenaAlloc(<usize>lists << 3);
  for (let l = 0; l < lists; l++) {
    storeF64(listSlowness, l, Infinity);
    storeF64(listSoonest, l, Infinity);
  }
  const listOf = arenaAlloc(<usize>active << 2);
  for (i = 0; i < active; i++) {
    const c = loadI32(courierOf, i);
    const speed = loadF64(courierSpeed, c);
    const iu = min(<i32>Math.floor((loadF64(place, 2 * i) - minU) / cellSize), gridColumns - 1);
    const iv = min(<i32>Math.floor((loadF64(place, 2 * i + 1) - minV) / cellSize), gridRows - 1);
    const band = bandWidth > 0 ? min(<i32>Math.floor((speed - slowest) / bandWidth), bands - 1) : 0;
    const list = (iv * gridColumns + iu) * bands + band;
    storeI32(listOf, i, list);
    storeI32(listStart, list + 1, loadI32(listStart, list + 1) + 1);
    storeF64(listSlowness, list, min(loadF64(listSlowness, list), 1 / speed));
    storeF64(listSoonest, list, min(loadF64(listSoonest, list), loadF64(courierFreeIn, c)));
  }
  for (let l = 0; l < lists; l++) storeI32(listStart, l + 1, loadI32(listStart, l + 1) + loadI32(listStart, l));
  const fill = arenaAlloc(<usize>lists << 2);
  memory.copy(fill, listStart, <usize>lists << 2);
  const bytes8 = <usize>active << 3;
  entryX = arenaAlloc(bytes8);
  entryY = arenaAlloc(bytes8);
  entryZ = arenaAlloc(bytes8);
  entryReachSq = arenaAlloc(bytes8);
  entryReachBound = arenaAlloc(bytes8);
  entrySlownessBound = arenaAlloc(bytes8);
  entryCourier = arenaAlloc(<usize>active << 2);
  for (let k = 0; k < active; k++) {
    const key = load<u64>(order + (<usize>k << 3));
    const u = <i32>(key & 0xffffffff);
    const c = loadI32(courierOf, u);
    const list = loadI32(listOf, u);
    const at = loadI32(fill, list);
    storeI32(fill, list, at + 1);
    storeF64(entryX, at, loadF64(unit, 3 * u));
    storeF64(entryY, at, loadF64(unit, 3 * u + 1));
    storeF64(entryZ, at, loadF64(unit, 3 * u + 2));
    storeF64(entryReachSq, at, loadF64(reachSq, c));
    storeF64(entryReachBound, at, <f64>reinterpret<f32>(reachBits(loadF64(reachSq, c))));
    storeF64(entrySlownessBound, at, <f64>reinterpret<f32>(slownessBits(1 / loadF64(courierSpeed, c))));
    storeI32(entryCourier, at, c);
  }
}
