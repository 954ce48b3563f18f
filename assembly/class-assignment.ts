// The matching of a graph built by class (courier-classes.ts) solved on its classes: a class of
// identical couriers is one object with capacity its size (Bertsekas & Castañón's similar
// objects), so the problem is a transportation problem on the class graph, about a class size
// fewer edges. Each order first takes its cheapest class while it has room (its dual that cost,
// every class dual 0: a feasible dual, tight on every such pair); the orders left are placed by
// shortest augmenting paths over reduced costs, as assignment.ts's augment, with a class as a
// column that a search reaches all the orders of at once (its members are at the same distance)
// and that ends the search while it has room. Every class dual stays one for all its members, 0
// on a class with room (a search ends there, so it never moves), so expanding each class's orders
// to its members in index order gives the couriers' matching and a certificate on their graph.
//
// Only when every row holds every member of each class it meets: K = 0 (with K > 0 a row may hold
// part of a class) and no pair excluded (an excluded pair makes a class's members differ for its order).

import { arenaAlloc } from './arena';
import { Params, courierCount, orderCount, excludedCount, keyCost, keyCourier, loadI32, storeI32 } from './problem';
import { graphByClass, classCount, classStart, classMembers, classRowStart, classRowEnd, classKeys } from './courier-classes';

let rowDual: usize = 0; // i64 per order
let classDual: usize = 0; // i64 per class, ≤ 0
let rowClass: usize = 0; // i32 per order: class, or the caller's free / unassigned mark
let rowSlot: usize = 0; // i32 per order: its place among its class's orders
let classLoad: usize = 0; // i32 per class: its orders are classOrders[classStart[k] .. + classLoad[k])
let classOrders: usize = 0; // i32 per courier slot
// Search state; stamps avoid clearing per-class arrays for every search.
let dist: usize = 0; // i64 per class
let pred: usize = 0; // i32 per class: the order it was reached from
let seenStamp: usize = 0; // i32 per class
let doneStamp: usize = 0; // i32 per class
let todo: usize = 0; // i32: classes reached, not yet final
let doneClasses: usize = 0; // i32: classes whose distance became final
let stamp: i32 = 0;
let todoCount: i32 = 0;
let bestUnassigned: i64 = 0;
let unassignedRow: i32 = 0;
let free: i32 = 0;
let unassigned: i32 = 0;

@inline function i64At(base: usize, i: i32): i64 { return load<i64>(base + (<usize>i << 3)); }
@inline function setI64(base: usize, i: i32, value: i64): void { store<i64>(base + (<usize>i << 3), value); }
@inline function capacity(k: i32): i32 { return loadI32(classStart, k + 1) - loadI32(classStart, k); }

/** Whether this problem can be solved by class. */
export function solvableByClass(): bool {
  return graphByClass && Params.maxCandidates == 0 && excludedCount == 0;
}

function join(row: i32, k: i32): void {
  const load = loadI32(classLoad, k);
  storeI32(classOrders, loadI32(classStart, k) + load, row);
  storeI32(rowSlot, row, load);
  storeI32(classLoad, k, load + 1);
  storeI32(rowClass, row, k);
}

function leave(row: i32): void {
  const k = loadI32(rowClass, row);
  if (k < 0) return;
  const load = loadI32(classLoad, k) - 1;
  const first = loadI32(classStart, k);
  const last = loadI32(classOrders, first + load);
  storeI32(classOrders, first + loadI32(rowSlot, row), last);
  storeI32(rowSlot, last, loadI32(rowSlot, row));
  storeI32(classLoad, k, load);
}

/** Relaxes the classes of `row`, reached at `rowDist`, and its own unassigned column. */
function scanRow(row: i32, rowDist: i64): void {
  const penalty = Params.penalty;
  const u = i64At(rowDual, row);
  const end = loadI32(classRowEnd, row);
  for (let e = loadI32(classRowStart, row); e < end; e++) {
    const key = load<u64>(classKeys + (<usize>e << 3));
    const cost = keyCost(key);
    if (cost > penalty) break; // ascending: the rest are not candidates either
    const k = keyCourier(key);
    if (loadI32(doneStamp, k) == stamp) continue;
    const d = rowDist + cost - u - i64At(classDual, k);
    if (loadI32(seenStamp, k) != stamp) {
      storeI32(seenStamp, k, stamp);
      storeI32(todo, todoCount++, k);
    } else if (d >= i64At(dist, k)) {
      continue;
    }
    setI64(dist, k, d);
    storeI32(pred, k, row);
  }
  const d = rowDist + penalty - u;
  if (d < bestUnassigned) {
    bestUnassigned = d;
    unassignedRow = row;
  }
}

/** Places order `source` (free) by a shortest augmenting path. */
function augment(source: i32): void {
  stamp++;
  todoCount = 0;
  bestUnassigned = i64.MAX_VALUE;
  let doneCount: i32 = 0;
  let sink: i32 = -1; // a class with room, or -1 for unassignedRow's own column
  let sinkDist: i64 = 0;
  scanRow(source, 0);
  while (true) {
    let at: i32 = -1;
    for (let i = 0; i < todoCount; i++) {
      if (at < 0 || i64At(dist, loadI32(todo, i)) < i64At(dist, loadI32(todo, at))) at = i;
    }
    // On a tie a courier wins over leaving an order unassigned: both are optimal.
    if (at < 0 || i64At(dist, loadI32(todo, at)) > bestUnassigned) {
      sinkDist = bestUnassigned;
      break;
    }
    const k = loadI32(todo, at);
    storeI32(todo, at, loadI32(todo, --todoCount));
    storeI32(doneStamp, k, stamp);
    storeI32(doneClasses, doneCount++, k);
    const d = i64At(dist, k);
    if (loadI32(classLoad, k) < capacity(k)) {
      sink = k;
      sinkDist = d;
      break;
    }
    const first = loadI32(classStart, k);
    const last = first + loadI32(classLoad, k);
    for (let s = first; s < last; s++) scanRow(loadI32(classOrders, s), d);
  }

  // Dual update: every class whose distance became final, and its orders, move by how much
  // shorter their path was than the augmenting one.
  setI64(rowDual, source, i64At(rowDual, source) + sinkDist);
  for (let i = 0; i < doneCount; i++) {
    const k = loadI32(doneClasses, i);
    const slack = sinkDist - i64At(dist, k);
    setI64(classDual, k, i64At(classDual, k) - slack);
    const first = loadI32(classStart, k);
    const last = first + loadI32(classLoad, k);
    for (let s = first; s < last; s++) {
      const row = loadI32(classOrders, s);
      setI64(rowDual, row, i64At(rowDual, row) + slack);
    }
  }

  // Flip the path: each order on it moves to the class after it.
  let k = sink;
  let row = sink < 0 ? unassignedRow : loadI32(pred, sink);
  while (true) {
    const previous = loadI32(rowClass, row);
    leave(row);
    if (k >= 0) join(row, k);
    else storeI32(rowClass, row, unassigned);
    if (row == source) break;
    k = previous;
    row = loadI32(pred, k);
  }
}

/**
 * Where the run of order `row`'s class ends in its row of the couriers' graph, from the row's
 * start (classAssign having matched it): that row lists each class's members together, in the
 * order of the class row.
 */
export function matchedRunEnd(row: i32): i32 {
  const k = loadI32(rowClass, row);
  let e = loadI32(classRowStart, row);
  let at: i32 = 0;
  let c: i32 = -1;
  while (c != k) {
    c = keyCourier(load<u64>(classKeys + (<usize>e << 3)));
    at += capacity(c);
    e++;
  }
  return at;
}

/**
 * Solves the problem by class and writes the couriers' matching (rowCol: courier or
 * unassignedMark; colRow: order or freeMark) and duals (colDual, i64 per courier) as
 * auctionAssign does; each class's orders take its members in index order.
 */
export function classAssign(rowCol: usize, colRow: usize, colDual: usize, unassignedMark: i32, freeMark: i32): void {
  const n = orderCount;
  const classes = classCount;
  const penalty = Params.penalty;
  free = freeMark;
  unassigned = unassignedMark;
  rowDual = arenaAlloc(<usize>n << 3);
  rowClass = arenaAlloc(<usize>n << 2);
  rowSlot = arenaAlloc(<usize>n << 2);
  classDual = arenaAlloc(<usize>classes << 3);
  classLoad = arenaAlloc(<usize>classes << 2);
  classOrders = arenaAlloc(<usize>courierCount << 2);
  dist = arenaAlloc(<usize>classes << 3);
  pred = arenaAlloc(<usize>classes << 2);
  seenStamp = arenaAlloc(<usize>classes << 2);
  doneStamp = arenaAlloc(<usize>classes << 2);
  todo = arenaAlloc(<usize>classes << 2);
  doneClasses = arenaAlloc(<usize>classes << 2);
  memory.fill(classDual, 0, <usize>classes << 3);
  memory.fill(classLoad, 0, <usize>classes << 2);
  memory.fill(seenStamp, 0, <usize>classes << 2);
  memory.fill(doneStamp, 0, <usize>classes << 2);
  stamp = 0;

  // Each order's cheapest option (rows ascend): its class if it has room, else it waits.
  for (let o = 0; o < n; o++) {
    const begin = loadI32(classRowStart, o);
    const cheapest = begin < loadI32(classRowEnd, o) ? load<u64>(classKeys + (<usize>begin << 3)) : 0;
    const cost = begin < loadI32(classRowEnd, o) ? keyCost(cheapest) : penalty + 1;
    storeI32(rowClass, o, free);
    if (cost > penalty) {
      setI64(rowDual, o, penalty);
      storeI32(rowClass, o, unassigned);
      continue;
    }
    setI64(rowDual, o, cost);
    const k = keyCourier(cheapest);
    if (loadI32(classLoad, k) < capacity(k)) join(o, k);
  }
  for (let o = 0; o < n; o++) {
    if (loadI32(rowClass, o) == free) augment(o);
  }

  // Each class's orders, in index order, take its members in index order.
  const fill = classLoad; // reused: class k's next member is classMembers[classStart[k] + fill[k]]
  memory.fill(fill, 0, <usize>classes << 2);
  for (let k = 0; k < classes; k++) {
    const v = i64At(classDual, k);
    for (let m = loadI32(classStart, k); m < loadI32(classStart, k + 1); m++) {
      const c = loadI32(classMembers, m);
      setI64(colDual, c, v);
      storeI32(colRow, c, freeMark);
    }
  }
  for (let o = 0; o < n; o++) {
    const k = loadI32(rowClass, o);
    if (k < 0) {
      storeI32(rowCol, o, k);
      continue;
    }
    const m = loadI32(fill, k);
    storeI32(fill, k, m + 1);
    const c = loadI32(classMembers, loadI32(classStart, k) + m);
    storeI32(rowCol, o, c);
    storeI32(colRow, c, o);
  }
}
