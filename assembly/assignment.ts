// Exact min-cost assignment of orders (rows) to couriers (columns) on the candidate
// graph, each order also having a private "stay unassigned" column at the penalty.
//
// The dual certificate is kept as invariants throughout:
//   v[col] ≤ 0, v = 0 on free columns; u[row] ≤ penalty, u = penalty on unassigned rows;
//   reduced cost c − u[row] − v[col] ≥ 0 on every working edge, 0 on matched edges.
//
// Each order works on a prefix of its edges, cheapest first (working-set.ts), which
// grows only where needed; every edge outside costs at least the row's limit.
// 1. an ε-scaling auction (auction.ts) finds an optimal assignment, growing the working
//    sets as its bids need, fast even for crowds of near-identical orders (a cold solve of a
//    graph built by courier class, nothing excluded, is solved on its classes instead:
//    class-assignment.ts);
// 2. a repair turns the prices into exact duals: a row whose best value beats its
//    matched edge lowers its column's price (raises v towards 0) by the slack; a row is
//    freed only if its column's price reaches 0 first (rare: the assignment is optimal);
// 3. freed rows are placed by shortest augmenting paths (Jonker–Volgenant style, as
//    scipy's rectangular_lsap, made sparse: a Dijkstra over reduced costs with a binary
//    heap up to the first free column, then the duals move by each node's slack);
// 4. every row whose dual exceeds its limit takes in its edges up to the dual, and if
//    any did, the whole round repeats (it has not so far: the auction's bids already
//    look as deep as its prices require).
// When no row's dual exceeds its limit, every outside edge has a reduced cost ≥ 0, so
// the certificate holds on the whole candidate graph and the assignment is optimal there.
//
// A warm start (the previous tick's matching and courier duals, against this problem) seeds
// the auction's prices and assignment and runs it from ε = 1 cost unit: the orders whose
// options the changes moved by more than ε bid, the rest keep their couriers. Steps 2–4 then
// run as for a cold solve, so the result is the same certified optimum.

import { arenaAlloc } from './arena';
import {
  Params, courierCount, orderCount, rowStart, rowEnd, edgeKeys, keyCost, keyCourier,
  loadI32, storeI32,
} from './problem';
import { allocateAuction, auctionAssign } from './auction';
import { solvableByClass, classAssign, matchedRunEnd } from './class-assignment';
import { rowWorkEnd, workLimit, startWorkingSets, coverCost, setWorkEnd, indexWorkingColumns, colStart, colEnd, colRows, colCosts } from './working-set';

const FREE: i32 = -1;
const UNASSIGNED: i32 = -2;

// Duals and matching.
let rowDual: usize = 0; // i64 per order
let colDual: usize = 0; // i64 per courier
let rowCol: usize = 0; // i32 per order: courier, FREE or UNASSIGNED
let colRow: usize = 0; // i32 per courier: order or FREE
// Dijkstra state; stamps avoid clearing per-courier arrays for every search.
let dist: usize = 0; // i64 per courier
let pred: usize = 0; // i32 per courier: the row it was reached from
let seenStamp: usize = 0; // i32 per courier
let doneStamp: usize = 0; // i32 per courier
let heapCols: usize = 0; // i32 heap of couriers keyed by dist
let heapIndex: usize = 0; // i32 per courier: its position in the heap
let heapSize: i32 = 0;
let doneCols: usize = 0; // i32: couriers whose distance became final in this search
let stamp: i32 = 0;

export let rounds: i32 = 0;
export let pricedEdges: f64 = 0;
export let objective: f64 = 0;

// The warm start given for this problem, if any (assembly/index.ts beginWarmStart).
export let warmRowCol: usize = 0; // i32 per order: its courier in the previous solve, UNASSIGNED, or FREE (no warm state)
export let warmColDual: usize = 0; // i32 per courier: its dual in the previous solve (≤ 0), 0 for a new one
export let warmGiven: bool = false;

@inline function i64At(base: usize, i: i32): i64 { return load<i64>(base + (<usize>i << 3)); }
@inline function setI64(base: usize, i: i32, value: i64): void { store<i64>(base + (<usize>i << 3), value); }

// --- indexed binary heap on dist ------------------------------------------------------

@inline function heapPlace(col: i32, at: i32): void {
  storeI32(heapCols, at, col);
  storeI32(heapIndex, col, at);
}

function siftUp(col: i32, at: i32): void {
  const d = i64At(dist, col);
  while (at > 0) {
    const parentAt = (at - 1) >> 1;
    const parent = loadI32(heapCols, parentAt);
    if (i64At(dist, parent) <= d) break;
    heapPlace(parent, at);
    at = parentAt;
  }
  heapPlace(col, at);
}

function heapPopMin(): i32 {
  const top = loadI32(heapCols, 0);
  heapSize--;
  if (heapSize > 0) {
    const col = loadI32(heapCols, heapSize);
    const d = i64At(dist, col);
    let at = 0;
    while (true) {
      let child = 2 * at + 1;
      if (child >= heapSize) break;
      if (child + 1 < heapSize && i64At(dist, loadI32(heapCols, child + 1)) < i64At(dist, loadI32(heapCols, child))) child++;
      const childCol = loadI32(heapCols, child);
      if (i64At(dist, childCol) >= d) break;
      heapPlace(childCol, at);
      at = child;
    }
    heapPlace(col, at);
  }
  return top;
}

// --- one augmentation ----------------------------------------------------------------

/** Places order `source` (currently FREE) by the shortest augmenting path. */
function augment(source: i32): void {
  stamp++;
  heapSize = 0;
  let doneCount: i32 = 0;
  const penalty = Params.penalty;
  let bestUnassigned: i64 = i64.MAX_VALUE; // shortest path ending in a scanned row's own "unassigned" column
  let unassignedRow: i32 = -1;
  let row = source;
  let rowDist: i64 = 0;
  let sinkCol: i32 = FREE;
  let sinkDist: i64 = 0;

  while (true) {
    const u = i64At(rowDual, row);
    const end = loadI32(rowWorkEnd, row);
    for (let e = loadI32(rowStart, row); e < end; e++) {
      const key = load<u64>(edgeKeys + (<usize>e << 3));
      const col = keyCourier(key);
      if (loadI32(doneStamp, col) == stamp) continue;
      const d = rowDist + keyCost(key) - u - i64At(colDual, col);
      if (loadI32(seenStamp, col) != stamp) {
        storeI32(seenStamp, col, stamp);
        setI64(dist, col, d);
        storeI32(pred, col, row);
        heapSize++;
        siftUp(col, heapSize - 1);
      } else if (d < i64At(dist, col)) {
        setI64(dist, col, d);
        storeI32(pred, col, row);
        siftUp(col, loadI32(heapIndex, col));
      }
    }
    const d = rowDist + penalty - u;
    if (d < bestUnassigned) {
      bestUnassigned = d;
      unassignedRow = row;
    }
    // On a tie a courier wins over leaving an order unassigned: both are optimal.
    if (heapSize == 0 || i64At(dist, loadI32(heapCols, 0)) > bestUnassigned) {
      sinkDist = bestUnassigned;
      break;
    }
    const col = heapPopMin();
    storeI32(doneStamp, col, stamp);
    storeI32(doneCols, doneCount++, col);
    const owner = loadI32(colRow, col);
    if (owner == FREE) {
      sinkCol = col;
      sinkDist = i64At(dist, col);
      break;
    }
    row = owner;
    rowDist = i64At(dist, col);
  }

  // Dual update: every row and column whose distance became final moves by how much
  // shorter its path was than the augmenting one.
  setI64(rowDual, source, i64At(rowDual, source) + sinkDist);
  for (let k = 0; k < doneCount; k++) {
    const col = loadI32(doneCols, k);
    const slack = sinkDist - i64At(dist, col);
    setI64(colDual, col, i64At(colDual, col) - slack);
    const owner = loadI32(colRow, col);
    if (owner != FREE) setI64(rowDual, owner, i64At(rowDual, owner) + slack);
  }

  // Flip the path.
  let col = sinkCol;
  row = sinkCol == FREE ? unassignedRow : loadI32(pred, sinkCol);
  if (sinkCol == FREE) col = UNASSIGNED;
  while (true) {
    const previous = loadI32(rowCol, row);
    storeI32(rowCol, row, col);
    if (col >= 0) storeI32(colRow, col, row);
    if (row == source) break;
    col = previous;
    row = loadI32(pred, col);
  }
}

// --- pricing rounds -------------------------------------------------------------------

// Rows to re-check in the repair (a FIFO ring) and rows the repair freed.
let repairQueue: usize = 0; // i32 ring of rows
let repairQueued: usize = 0; // i32 per row: 1 while queued
let queueHead: i32 = 0;
let queueLength: i32 = 0;
let freeRows: usize = 0; // i32
let freeCount: i32 = 0;

function enqueueRow(row: i32): void {
  if (loadI32(repairQueued, row) != 0) return;
  storeI32(repairQueued, row, 1);
  storeI32(repairQueue, (queueHead + queueLength) % orderCount, row);
  queueLength++;
}

function freeRow(row: i32): void {
  storeI32(rowCol, row, FREE);
  storeI32(freeRows, freeCount++, row);
}

/**
 * Restores the invariants for a queued row: its dual becomes its best value again (its
 * working set first taking in every edge that could beat it); if
 * its matched edge is then slack, the matched column's price drops (v rises) by the
 * slack, or to 0 and the row is freed. Neighbours of a column whose price dropped are
 * queued, since their own best value may have dropped with it.
 */
function repairRow(row: i32): void {
  const matched = loadI32(rowCol, row);
  const penalty = Params.penalty;
  let best: i64 = penalty;
  let matchedValue: i64 = i64.MAX_VALUE;
  do {
    best = penalty;
    matchedValue = matched == UNASSIGNED ? penalty : i64.MAX_VALUE;
    const end = loadI32(rowWorkEnd, row);
    for (let e = loadI32(rowStart, row); e < end; e++) {
      const key = load<u64>(edgeKeys + (<usize>e << 3));
      const col = keyCourier(key);
      const value = keyCost(key) - i64At(colDual, col);
      if (value < best) best = value;
      if (col == matched) matchedValue = value;
    }
    // v ≤ 0: an edge outside is worth at least its cost, so only those cheaper than `best` matter.
  } while (best > workLimit(row) && coverCost(row, best));
  setI64(rowDual, row, best);
  if (matched == FREE) return;
  const slack = matchedValue - best;
  if (slack == 0) return;
  if (matched == UNASSIGNED) {
    freeRow(row);
    return;
  }
  const v = i64At(colDual, matched);
  const raise = min(slack, -v);
  if (raise > 0) {
    setI64(colDual, matched, v + raise);
    // Built only now: on most solves no price drops here.
    indexWorkingColumns();
    // Only a neighbour whose best value this edge now beats has to be looked at again.
    const lowered = v + raise;
    const end = loadI32(colEnd, matched);
    for (let k = loadI32(colStart, matched); k < end; k++) {
      const neighbour = loadI32(colRows, k);
      if (neighbour != row && <i64>loadI32(colCosts, k) - lowered < i64At(rowDual, neighbour)) enqueueRow(neighbour);
    }
  }
  if (raise < slack) {
    storeI32(colRow, matched, FREE);
    freeRow(row);
  }
}

/** Repairs every row (each is queued before any is looked at, so no row's stale dual is read). */
function repair(): void {
  for (let o = 0; o < orderCount; o++) enqueueRow(o);
  while (queueLength > 0) {
    const row = loadI32(repairQueue, queueHead);
    queueHead = (queueHead + 1) % orderCount;
    queueLength--;
    storeI32(repairQueued, row, 0);
    repairRow(row);
  }
}


/** Places every row the repair freed by a shortest augmenting path. */
function placeFreeRows(): void {
  for (let k = 0; k < freeCount; k++) augment(loadI32(freeRows, k));
  freeCount = 0;
}

/** Sizes the warm start's columns for this problem (the host writes them). */
export function allocateWarmStart(): void {
  warmRowCol = arenaAlloc(<usize>orderCount << 2);
  warmColDual = arenaAlloc(<usize>courierCount << 2);
  warmGiven = true;
}

export function clearWarmStart(): void {
  warmGiven = false;
}

/** The position of `col` in the row's edges, or -1 when it is not a candidate of the row. */
function edgeOf(row: i32, col: i32): i32 {
  const end = loadI32(rowEnd, row);
  for (let e = loadI32(rowStart, row); e < end; e++) {
    if (keyCourier(load<u64>(edgeKeys + (<usize>e << 3))) == col) return e;
  }
  return -1;
}

/**
 * Seeds the matching and the column duals from the warm start. A warm pair whose edge is no
 * longer a candidate, or whose courier another row already took, starts free, as does every row
 * without warm state. Any start is valid (the auction needs prices ≥ 0, and its result is optimal
 * at ε = 1 wherever it started); this one keeps most rows where they were. A courier nobody holds
 * (new, or its order gone) is priced so that no held row gains by switching to it: at 0, a new
 * courier in a crowd would release every order in its reach.
 */
function seedWarmStart(): void {
  const penalty = Params.penalty;
  for (let c = 0; c < courierCount; c++) {
    storeI32(colRow, c, FREE);
    // An exact dual lies in [−penalty, 0] (v = c − u on a matched edge, u ≤ penalty): clamp what came in.
    setI64(colDual, c, max(-penalty, min(0, <i64>loadI32(warmColDual, c))));
  }
  // Each held row's value (what its column costs it) goes to rowDual, which the repair sets later.
  for (let o = 0; o < orderCount; o++) {
    const col = loadI32(warmRowCol, o);
    const e = col >= 0 && col < courierCount && loadI32(colRow, col) == FREE ? edgeOf(o, col) : -1;
    if (e >= 0) {
      const cost = keyCost(load<u64>(edgeKeys + (<usize>e << 3)));
      storeI32(rowCol, o, col);
      storeI32(colRow, col, o);
      setI64(rowDual, o, cost - i64At(colDual, col));
      // The matched edge joins the working set, with every edge that sorts before it.
      coverCost(o, cost + 1);
    } else if (col == UNASSIGNED) {
      storeI32(rowCol, o, UNASSIGNED);
      setI64(rowDual, o, penalty);
    } else {
      storeI32(rowCol, o, FREE);
    }
  }
  for (let c = 0; c < courierCount; c++) {
    if (loadI32(colRow, c) == FREE) setI64(colDual, c, 0);
  }
  for (let o = 0; o < orderCount; o++) {
    if (loadI32(rowCol, o) == FREE) continue;
    const held = i64At(rowDual, o);
    // Only edges cheaper than the row's value can beat it (v ≤ 0); they are needed at the end anyway.
    coverCost(o, held);
    const end = loadI32(rowWorkEnd, o);
    for (let e = loadI32(rowStart, o); e < end; e++) {
      const key = load<u64>(edgeKeys + (<usize>e << 3));
      const c = keyCourier(key);
      if (loadI32(colRow, c) == FREE) setI64(colDual, c, min(i64At(colDual, c), keyCost(key) - held));
    }
  }
}

/** Every edge matched by class joins its row's working set, with its class's run and every edge before it (the repair reads it there). */
function admitMatchedRuns(): void {
  for (let o = 0; o < orderCount; o++) {
    if (loadI32(rowCol, o) >= 0) setWorkEnd(o, loadI32(rowStart, o) + matchedRunEnd(o));
  }
}

/**
 * Extends the working set of every row whose dual exceeds its limit until the limit
 * covers the dual; returns how many rows grew. Zero means every edge outside the working
 * sets has a reduced cost ≥ limit − u ≥ 0: the certificate holds on the whole graph.
 */
function coverDuals(): i32 {
  let grown: i32 = 0;
  for (let o = 0; o < orderCount; o++) {
    if (coverCost(o, i64At(rowDual, o))) grown++;
  }
  return grown;
}

export function solveAssignment(): void {
  const no = orderCount;
  const nc = courierCount;
  rowDual = arenaAlloc(<usize>no << 3);
  colDual = arenaAlloc(<usize>nc << 3);
  rowCol = arenaAlloc(<usize>no << 2);
  colRow = arenaAlloc(<usize>nc << 2);
  dist = arenaAlloc(<usize>nc << 3);
  pred = arenaAlloc(<usize>nc << 2);
  seenStamp = arenaAlloc(<usize>nc << 2);
  doneStamp = arenaAlloc(<usize>nc << 2);
  heapCols = arenaAlloc(<usize>nc << 2);
  heapIndex = arenaAlloc(<usize>nc << 2);
  doneCols = arenaAlloc(<usize>nc << 2);
  repairQueue = arenaAlloc(<usize>no << 2);
  repairQueued = arenaAlloc(<usize>no << 2);
  freeRows = arenaAlloc(<usize>no << 2);
  memory.fill(repairQueued, 0, <usize>no << 2);
  allocateAuction();
  queueHead = 0;
  queueLength = 0;
  freeCount = 0;
  memory.fill(seenStamp, 0, <usize>nc << 2);
  memory.fill(doneStamp, 0, <usize>nc << 2);
  stamp = 0;

  startWorkingSets();
  if (warmGiven) seedWarmStart();
  rounds = 0;
  while (true) {
    rounds++;
    if (rounds == 1 && !warmGiven && solvableByClass()) {
      classAssign(rowCol, colRow, colDual, UNASSIGNED, FREE);
      admitMatchedRuns();
    } else {
      // A warm solve's later rounds start from the exact duals of the one before.
      auctionAssign(rowCol, colRow, colDual, UNASSIGNED, FREE, warmGiven);
    }
    // The auction's assignment is optimal; the repair turns its prices into exact duals.
    repair();
    placeFreeRows();
    if (coverDuals() == 0) break;
  }

  pricedEdges = 0;
  let total: i64 = 0;
  for (let o = 0; o < no; o++) {
    pricedEdges += <f64>(loadI32(rowWorkEnd, o) - loadI32(rowStart, o));
    const col = loadI32(rowCol, o);
    total += col == UNASSIGNED ? Params.penalty : i64At(rowDual, o) + i64At(colDual, col);
  }
  objective = <f64>total;
}

// --- results ---------------------------------------------------------------------------

/** Per order: its courier index or -1, and the cost of that pair (0 when unassigned). */
export function writeAssignment(courierOut: usize, costOut: usize): void {
  for (let o = 0; o < orderCount; o++) {
    const col = loadI32(rowCol, o);
    storeI32(courierOut, o, col >= 0 ? col : -1);
    storeI32(costOut, o, col >= 0 ? <i32>(i64At(rowDual, o) + i64At(colDual, col)) : 0);
  }
}

/** The dual certificate as doubles (exact: |dual| stays far below 2^53). */
export function writeDuals(orderOut: usize, courierOut: usize): void {
  for (let o = 0; o < orderCount; o++) store<f64>(orderOut + (<usize>o << 3), <f64>i64At(rowDual, o));
  for (let c = 0; c < courierCount; c++) store<f64>(courierOut + (<usize>c << 3), <f64>i64At(colDual, c));
}
