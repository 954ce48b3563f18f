// ε-scaling auction (Bertsekas) on the working set, to settle crowds of near-identical
// orders: a shortest-path search scans the whole crowd for every order placed, bids
// only touch the bidder's own edges.
//
// The auction runs on a square problem equivalent to the dispatch: rows are the orders
// and one "idle" row per courier; columns are the couriers and one "unassigned" column
// per order. An order may take its working edges or its own unassigned column (at the
// penalty); an idle row may take its own courier or any order's unassigned column, both
// at cost 0. A perfect matching of the square problem is a dispatch of the same cost
// (busy couriers' idle rows sit on assigned orders' unassigned columns), and every
// column ends matched, so prices carry over between scaling phases soundly. Costs are
// scaled by rows + 1, so the final phase at ε = 1 leaves an optimal assignment.

import { arenaAlloc } from './arena';
import { Params, courierCount, orderCount, edgeKeys, rowStart, keyCost, keyCourier, loadI32, storeI32 } from './problem';

const NONE: i32 = -1;
/** ε shrinks by this factor per phase. */
const EPSILON_FACTOR: i64 = 6;

// Columns: couriers 0..m-1, then unassigned columns m..m+n-1. Rows: orders 0..n-1, then idle rows n..n+m-1.
let price: usize = 0; // i64 per column
let holder: usize = 0; // i32 per column: row or NONE
let holds: usize = 0; // i32 per row: column or NONE
let queue: usize = 0; // i32 ring of rows without a column
let queueHead: i32 = 0;
let queueLength: i32 = 0;
// Min-heap of the unassigned columns by price: idle rows bid for the cheapest ones.
let heap: usize = 0; // i32: order index of the column
let heapAt: usize = 0; // i32 per order: position in the heap

@inline function i64At(base: usize, i: i32): i64 { return load<i64>(base + (<usize>i << 3)); }
@inline function setI64(base: usize, i: i32, value: i64): void { store<i64>(base + (<usize>i << 3), value); }

function push(row: i32, rows: i32): void {
  storeI32(queue, (queueHead + queueLength) % rows, row);
  queueLength++;
}

// --- heap of unassigned-column prices (prices only rise, so only sift down) ----------

@inline function unassignedPrice(o: i32): i64 {
  return i64At(price, courierCount + o);
}

function siftDown(o: i32): void {
  const n = orderCount;
  const p = unassignedPrice(o);
  let at = loadI32(heapAt, o);
  while (true) {
    let child = 2 * at + 1;
    if (child >= n) break;
    if (child + 1 < n && unassignedPrice(loadI32(heap, child + 1)) < unassignedPrice(loadI32(heap, child))) child++;
    const childOrder = loadI32(heap, child);
    if (unassignedPrice(childOrder) >= p) break;
    storeI32(heap, at, childOrder);
    storeI32(heapAt, childOrder, at);
    at = child;
  }
  storeI32(heap, at, o);
  storeI32(heapAt, o, at);
}

// --- bidding --------------------------------------------------------------------------

/** The bidding row's best and second-best column values, and the best column. */
let best: i64 = 0;
let second: i64 = 0;
let bestCol: i32 = 0;

@inline function offer(value: i64, col: i32): void {
  if (value < best) {
    second = best;
    best = value;
    bestCol = col;
  } else if (value < second) {
    second = value;
  }
}

function bid(row: i32, epsilon: i64, scale: i64, spread: i64): void {
  const n = orderCount;
  const m = courierCount;
  best = i64.MAX_VALUE;
  second = i64.MAX_VALUE;
  bestCol = NONE;
  if (row < n) {
    const end = loadI32(rowWorkEnd, row);
    for (let e = loadI32(rowStart, row); e < end; e++) {
      const key = load<u64>(edgeKeys + (<usize>e << 3));
      const col = keyCourier(key);
      offer(keyCost(key) * scale + i64At(price, col), col);
    }
    offer(Params.penalty * scale + i64At(price, m + row), m + row);
  } else {
    const courier = row - n;
    offer(i64At(price, courier), courier);
    if (n > 0) {
      const cheapest = loadI32(heap, 0);
      offer(unassignedPrice(cheapest), m + cheapest);
      if (n > 1) {
        const nextAt = n > 2 && unassignedPrice(loadI32(heap, 2)) < unassignedPrice(loadI32(heap, 1)) ? 2 : 1;
        const next = loadI32(heap, nextAt);
        offer(unassignedPrice(next), m + next);
      }
    }
  }
  // A row with one option raises its price by at most the cost spread: enough to end any contest.
  if (second == i64.MAX_VALUE) second = best + spread;
  setI64(price, bestCol, i64At(price, bestCol) + (second - best) + epsilon);
  if (bestCol >= m) siftDown(bestCol - m);
  const displaced = loadI32(holder, bestCol);
  storeI32(holder, bestCol, row);
  storeI32(holds, row, bestCol);
  if (displaced != NONE) {
    storeI32(holds, displaced, NONE);
    push(displaced, n + m);
  }
}

let rowWorkEnd: usize = 0;

/** Sizes the auction's buffers for this solve. */
export function allocateAuction(): void {
  const rows = orderCount + courierCount;
  price = arenaAlloc(<usize>rows << 3);
  holder = arenaAlloc(<usize>rows << 2);
  holds = arenaAlloc(<usize>rows << 2);
  queue = arenaAlloc(<usize>rows << 2);
  heap = arenaAlloc(<usize>orderCount << 2);
  heapAt = arenaAlloc(<usize>orderCount << 2);
}

/**
 * Runs the auction on the working set rowStart..rowWorkEnd and writes the optimal
 * dispatch into rowCol (courier, or unassignedMark) / colRow (order or freeMark), with
 * column duals (≤ 0, 0 on idle couriers) approximating the auction's prices in cost units.
 */
export function auctionAssign(workEnd: usize, rowCol: usize, colRow: usize, colDual: usize, unassignedMark: i32, freeMark: i32, warm: bool): void {
  rowWorkEnd = workEnd;
  const n = orderCount;
  const m = courierCount;
  const rows = n + m;
  const scale = <i64>(rows + 1);
  const spread = (Params.penalty + 1) * scale;
  // Cold: prices from 0 and ε from a sixth of the cost spread. Warm (a later pricing
  // round, a few edges more): the last round's prices are nearly right, so ε starts at
  // one cost unit.
  let epsilon = max<i64>(1, spread / EPSILON_FACTOR);
  if (warm) {
    epsilon = scale * 1024;
  } else {
    memory.fill(price, 0, <usize>rows << 3);
    for (let o = 0; o < n; o++) {
      storeI32(heap, o, o);
      storeI32(heapAt, o, o);
    }
  }

  while (true) {
    memory.fill(holder, 0xff, <usize>rows << 2);
    memory.fill(holds, 0xff, <usize>rows << 2);
    queueHead = 0;
    queueLength = 0;
    for (let r = 0; r < rows; r++) push(r, rows);
    while (queueLength > 0) {
      const row = loadI32(queue, queueHead);
      queueHead = (queueHead + 1) % rows;
      queueLength--;
      bid(row, epsilon, scale, spread);
    }
    if (epsilon == 1) break;
    epsilon = max<i64>(1, epsilon / EPSILON_FACTOR);
  }

  // Prices in cost units relative to the idle couriers' level (the cheapest unassigned column).
  const level = n > 0 ? unassignedPrice(loadI32(heap, 0)) : 0;
  for (let c = 0; c < m; c++) {
    const owner = loadI32(holder, c);
    const busy = owner >= 0 && owner < n;
    storeI32(colRow, c, busy ? owner : freeMark);
    setI64(colDual, c, busy ? min<i64>(0, -((i64At(price, c) - level) / scale)) : 0);
  }
  for (let o = 0; o < n; o++) {
    const col = loadI32(holds, o);
    storeI32(rowCol, o, col < m ? col : unassignedMark);
  }
}
