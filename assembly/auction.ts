// ε-scaling auction (Bertsekas) for the asymmetric problem: orders bid for couriers on
// their working sets, each order also having its private "unassigned" column at the
// penalty. Bids only touch the bidder's own edges, which is what settles crowds of
// near-identical orders cheaply (a shortest-path search scans the whole crowd for every
// order placed).
//
// Couriers outnumber orders, so some stay free. The result is optimal when every order
// holds a column within ε of its best value (ε-CS) and no free courier is priced above
// zero, the price of every never-contested courier. Forward bids keep the first; a
// courier freed with a price (by the release of orders between scaling phases) makes a
// reverse bid, lowering its price to attract the order that gains most from it, or to
// zero when none would. Between phases an order beyond the new ε first tries to lower
// its own courier's price instead of letting it go (settle), which keeps most couriers
// held and most orders out of the next phase's bidding.

import { arenaAlloc } from './arena';
import { Params, courierCount, orderCount, edgeKeys, rowStart, rowEnd, keyCost, keyCourier, loadI32, storeI32 } from './problem';
import { workEnd, workLimit, nextKey, setWorkEnd, indexWorkingColumns, colStart, colEnd, colRows, colCosts } from './working-set';

const NONE: i32 = -1;
/** ε shrinks by this factor per phase. */
const EPSILON_FACTOR: i64 = 10;
/**
 * The first ε is the penalty over this, in cost units: large enough that a crowd pushed
 * towards the penalty settles in few bids, small enough that the first prices do not
 * send every order deep into its edges.
 */
const FIRST_EPSILON_DIVISOR: i64 = 128;
/** Phases whose ε is below one cost unit over this start with every order within ε (see releaseIfBeyond). */
const EXACT_PHASES_DIVISOR: i64 = 100;
/**
 * Settle lowers a price by at most this many ε: orders that want the courier back bid its
 * price up again, in steps of ε where their options tie, so a lowering costs at most this
 * many bids to undo. (Unbounded, a tie-heavy crowd facing its penalty once climbed back
 * 6,000 ds in steps of 0.08 ds: 2.7 million bids.)
 */
const MAX_LOWERING_STEPS: i64 = 100;

/**
 * The first ε of a warm start, in cost units: small enough that the orders the changes did not
 * touch keep their couriers (at 10, L with 2 % changed released 2,386–2,903 orders, at 1 272–580),
 * large enough that the released ones do not fight price wars in steps of the last ε.
 */
const WARM_FIRST_EPSILON: i64 = 1;

let price: usize = 0; // i64 per courier, in cost units × scale
let holder: usize = 0; // i32 per courier: order or NONE
let holds: usize = 0; // i32 per order: courier, courierCount for its unassigned column, or NONE
let value: usize = 0; // i64 per order: what its column costs it, within ε of its best
let heldCost: usize = 0; // i64 per order: its column's cost (scaled), without the price
let queue: usize = 0; // i32 ring of orders without a column, then of priced free couriers
let queueHead: i32 = 0;
let queueLength: i32 = 0;
/** Forward and reverse bids of the last solve: what a price war costs, in bids. */
export let bids: f64 = 0;
/** Orders that started the last solve's auctions without a column: cold, every order; warm, those the changes moved. */
export let rowsToPlace: i32 = 0;

@inline function i64At(base: usize, i: i32): i64 { return load<i64>(base + (<usize>i << 3)); }
@inline function setI64(base: usize, i: i32, v: i64): void { store<i64>(base + (<usize>i << 3), v); }

function push(item: i32, size: i32): void {
  storeI32(queue, (queueHead + queueLength) % size, item);
  queueLength++;
}

function pop(size: i32): i32 {
  const item = loadI32(queue, queueHead);
  queueHead = (queueHead + 1) % size;
  queueLength--;
  return item;
}

// --- forward bids -------------------------------------------------------------------

/** The bidding order's best and second-best values, and its best column. */
let best: i64 = 0;
let second: i64 = 0;
let bestCol: i32 = 0;
let bestCost: i64 = 0;

@inline function offer(cost: i64, v: i64, col: i32): void {
  if (v < best) {
    second = best;
    best = v;
    bestCol = col;
    bestCost = cost;
  } else if (v < second) {
    second = v;
  }
}

/** Offers the working edges [from, to), ascending by cost, while they could still beat `second`. */
@inline function offerEdges(from: i32, to: i32, scale: i64): void {
  for (let e = from; e < to; e++) {
    const key = load<u64>(edgeKeys + (<usize>e << 3));
    const cost = keyCost(key) * scale;
    // Prices are ≥ 0: from here on no edge is worth less than `second`.
    if (cost >= second) break;
    const col = keyCourier(key);
    offer(cost, cost + i64At(price, col), col);
  }
}

/** Scans the order's options, admitting into its working set every edge that could beat its second best. */
function evaluate(row: i32, scale: i64): void {
  best = i64.MAX_VALUE;
  second = i64.MAX_VALUE;
  bestCol = NONE;
  let end = workEnd(row);
  offerEdges(loadI32(rowStart, row), end, scale);
  offer(Params.penalty * scale, Params.penalty * scale, courierCount);
  // Prices are ≥ 0, so an edge outside is worth at least its cost: the staged keys
  // come in ascending order, and the first one costing `second` or more ends the scan.
  const rowLast = loadI32(rowEnd, row);
  if (end == rowLast || workLimit(row) * scale >= second) return;
  while (end < rowLast) {
    const key = nextKey(row, end);
    const cost = keyCost(key) * scale;
    if (cost >= second) break;
    const col = keyCourier(key);
    offer(cost, cost + i64At(price, col), col);
    end++;
  }
  setWorkEnd(row, end);
}

function bid(row: i32, epsilon: i64, scale: i64): void {
  bids++;
  evaluate(row, scale);
  storeI32(holds, row, bestCol);
  setI64(heldCost, row, bestCost);
  if (bestCol == courierCount) {
    // Its own unassigned column: nobody else bids for it, its price stays 0.
    setI64(value, row, best);
    return;
  }
  // Every order has its unassigned column, so `second` is finite.
  const raised = i64At(price, bestCol) + (second - best) + epsilon;
  setI64(price, bestCol, raised);
  setI64(value, row, second + epsilon);
  const displaced = loadI32(holder, bestCol);
  storeI32(holder, bestCol, row);
  if (displaced != NONE) {
    storeI32(holds, displaced, NONE);
    push(displaced, orderCount);
  }
}

/**
 * At a new ε: an order whose best other option is worth more than ε less than its column
 * lowers its courier's price until it is within ε again, keeping its courier instead of
 * leaving it free with a price (which takes a chain of reverse bids to settle); if the
 * price would drop below zero or by more than MAX_LOWERING_STEPS · ε, or it holds its
 * unassigned column, it bids again.
 */
function settle(row: i32, epsilon: i64, scale: i64): void {
  const col = loadI32(holds, row);
  const penalty = Params.penalty * scale;
  const assigned = col < courierCount;
  const held = assigned ? i64At(heldCost, row) + i64At(price, col) : penalty;
  // The best other option, exactly: a lower bound would lower the price too far, and a
  // crowd would then bid it back up in steps of ε.
  let alt = assigned ? penalty : i64.MAX_VALUE;
  let end = workEnd(row);
  for (let e = loadI32(rowStart, row); e < end; e++) {
    const key = load<u64>(edgeKeys + (<usize>e << 3));
    const cost = keyCost(key) * scale;
    // Ascending costs and prices ≥ 0: no later edge is worth less than `alt`.
    if (cost >= alt) break;
    const c = keyCourier(key);
    if (c != col) alt = min(alt, cost + i64At(price, c));
  }
  // Edges outside the working set cost at least its limit; take in those that could beat `alt`.
  const rowLast = loadI32(rowEnd, row);
  if (end < rowLast && workLimit(row) * scale < alt) {
    while (end < rowLast) {
      const key = nextKey(row, end);
      const cost = keyCost(key) * scale;
      if (cost >= alt) break;
      const c = keyCourier(key);
      if (c != col) alt = min(alt, cost + i64At(price, c));
      end++;
    }
    setWorkEnd(row, end);
  }
  if (held - alt <= epsilon) {
    setI64(value, row, held);
    return;
  }
  const lowered = alt + epsilon - i64At(heldCost, row);
  if (assigned && lowered >= 0 && i64At(price, col) - lowered <= MAX_LOWERING_STEPS * epsilon) {
    setI64(price, col, lowered);
    setI64(value, row, alt + epsilon);
    return;
  }
  if (assigned) storeI32(holder, col, NONE);
  storeI32(holds, row, NONE);
  push(row, orderCount);
}

/**
 * After settle, in the last phases: an order with an option worth more than ε below its
 * column bids again. Prices lowered by settle may have put orders settled before them
 * beyond ε. Early on that only costs those orders a bid at the next ε, but the last phase
 * must start with every order that keeps its column within ε of its best, and starting
 * the phases before it clean keeps that last check from releasing crowds.
 */
function releaseIfBeyond(row: i32, epsilon: i64, scale: i64): void {
  const col = loadI32(holds, row);
  if (col == NONE) return; // released by settle
  const held = col < courierCount ? i64At(heldCost, row) + i64At(price, col) : Params.penalty * scale;
  const beyond = held - epsilon; // an option worth less than this releases the order
  let release = Params.penalty * scale < beyond || workLimit(row) * scale < beyond;
  const end = workEnd(row);
  for (let e = loadI32(rowStart, row); e < end && !release; e++) {
    const key = load<u64>(edgeKeys + (<usize>e << 3));
    const cost = keyCost(key) * scale;
    // Ascending costs and prices ≥ 0: no later edge is worth less than `beyond`.
    if (cost >= beyond) break;
    release = cost + i64At(price, keyCourier(key)) < beyond;
  }
  if (!release) {
    setI64(value, row, held);
    return;
  }
  if (col < courierCount) storeI32(holder, col, NONE);
  storeI32(holds, row, NONE);
  push(row, orderCount);
}

// --- reverse bids -------------------------------------------------------------------

/**
 * A free courier with a price offers itself to the order that gains most by taking it,
 * at the price that leaves that order ε better off than with the runner-up's gain; if
 * no order gains more than ε, its price drops to zero. The order's old courier is freed.
 */
function reverseBid(col: i32, epsilon: i64, scale: i64): void {
  bids++;
  let gain: i64 = i64.MIN_VALUE;
  let runnerUp: i64 = i64.MIN_VALUE;
  let taker: i32 = NONE;
  let takerCost: i64 = 0;
  const end = loadI32(colEnd, col);
  for (let k = loadI32(colStart, col); k < end; k++) {
    const row = loadI32(colRows, k);
    const cost = <i64>loadI32(colCosts, k) * scale;
    const g = i64At(value, row) - cost;
    if (g > gain) {
      runnerUp = gain;
      gain = g;
      taker = row;
      takerCost = cost;
    } else if (g > runnerUp) {
      runnerUp = g;
    }
  }
  if (taker == NONE || gain - epsilon <= 0) {
    setI64(price, col, 0);
    return;
  }
  const p = runnerUp > epsilon ? runnerUp - epsilon : 0;
  setI64(price, col, p);
  setI64(value, taker, takerCost + p);
  setI64(heldCost, taker, takerCost);
  const old = loadI32(holds, taker);
  storeI32(holds, taker, col);
  storeI32(holder, col, taker);
  if (old < courierCount) {
    storeI32(holder, old, NONE);
    if (i64At(price, old) > 0) push(old, courierCount);
  }
}

/** Sizes the auction's buffers for this solve. */
export function allocateAuction(): void {
  price = arenaAlloc(<usize>courierCount << 3);
  holder = arenaAlloc(<usize>courierCount << 2);
  holds = arenaAlloc(<usize>orderCount << 2);
  value = arenaAlloc(<usize>orderCount << 3);
  heldCost = arenaAlloc(<usize>orderCount << 3);
  queue = arenaAlloc(<usize>max(orderCount, courierCount) << 2);
  bids = 0;
  rowsToPlace = 0;
}

/**
 * Warm: prices and columns from rowCol / colRow / colDual (a matching whose edges are in the
 * working sets, v ≤ 0); at the first ε, orders beyond ε of their best settle or are released
 * (as between phases), to bid with the orders that hold nothing.
 */
function seedPrices(rowCol: usize, colRow: usize, colDual: usize, unassignedMark: i32, epsilon: i64, scale: i64): void {
  const m = courierCount;
  for (let c = 0; c < m; c++) {
    setI64(price, c, -i64At(colDual, c) * scale);
    const row = loadI32(colRow, c);
    storeI32(holder, c, row >= 0 ? row : NONE);
  }
  for (let o = 0; o < orderCount; o++) {
    const col = loadI32(rowCol, o);
    if (col >= 0) {
      storeI32(holds, o, col);
      setI64(heldCost, o, matchedCost(o, col) * scale);
    } else if (col == unassignedMark) {
      storeI32(holds, o, m);
    } else {
      storeI32(holds, o, NONE);
      push(o, orderCount);
    }
  }
  for (let o = 0; o < orderCount; o++) {
    if (loadI32(holds, o) != NONE) settle(o, epsilon, scale);
  }
  for (let o = 0; o < orderCount; o++) releaseIfBeyond(o, epsilon, scale);
}

/** The cost of the row's working edge to `col`. */
function matchedCost(row: i32, col: i32): i64 {
  let e = loadI32(rowStart, row);
  while (keyCourier(load<u64>(edgeKeys + (<usize>e << 3))) != col) e++;
  return keyCost(load<u64>(edgeKeys + (<usize>e << 3)));
}

/**
 * Runs the auction and writes the optimal dispatch into rowCol (courier, or
 * unassignedMark) / colRow (order or freeMark), with column duals (≤ 0, 0 on free
 * couriers) approximating the prices in cost units. `warm`: start from the dispatch and
 * duals they hold (seedPrices) instead of from zero.
 */
export function auctionAssign(rowCol: usize, colRow: usize, colDual: usize, unassignedMark: i32, freeMark: i32, warm: bool): void {
  const n = orderCount;
  const m = courierCount;
  // Costs scaled by n + 1: at ε = 1 the assignment is within n/(n + 1) < 1 of optimal.
  const scale = <i64>(n + 1);
  let epsilon = warm ? WARM_FIRST_EPSILON * scale : max<i64>(1, Params.penalty / FIRST_EPSILON_DIVISOR) * scale;
  queueHead = 0;
  queueLength = 0;
  if (warm) {
    seedPrices(rowCol, colRow, colDual, unassignedMark, epsilon, scale);
  } else {
    memory.fill(price, 0, <usize>m << 3);
    memory.fill(holder, 0xff, <usize>m << 2);
    memory.fill(holds, 0xff, <usize>n << 2);
    for (let o = 0; o < n; o++) push(o, n);
  }
  rowsToPlace += queueLength;
  while (true) {
    while (queueLength > 0) bid(pop(n), epsilon, scale);
    // Free couriers left with a price bid in reverse.
    queueHead = 0;
    for (let c = 0; c < m; c++) {
      if (loadI32(holder, c) == NONE && i64At(price, c) > 0) push(c, m);
    }
    if (queueLength > 0) indexWorkingColumns();
    while (queueLength > 0) reverseBid(pop(m), epsilon, scale);
    queueHead = 0;
    if (epsilon == 1) break;
    epsilon = max<i64>(1, epsilon / EPSILON_FACTOR);
    for (let o = 0; o < n; o++) settle(o, epsilon, scale);
    if (epsilon == 1 || epsilon * EXACT_PHASES_DIVISOR <= scale) {
      for (let o = 0; o < n; o++) releaseIfBeyond(o, epsilon, scale);
    }
  }

  for (let c = 0; c < m; c++) {
    const owner = loadI32(holder, c);
    storeI32(colRow, c, owner >= 0 ? owner : freeMark);
    setI64(colDual, c, -(i64At(price, c) / scale));
  }
  for (let o = 0; o < n; o++) {
    const col = loadI32(holds, o);
    storeI32(rowCol, o, col < m ? col : unassignedMark);
  }
}
