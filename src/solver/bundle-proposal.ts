/**
 * Proposing bundles from a snapshot's orders: a partition of the orders into pickups of one
 * restaurant each (identical pickup position), made only when couriers are scarce.
 *
 * After Reyes, Erera, Savelsbergh, Sahasrabudhe and O'Neil, "The Meal Delivery Routing
 * Problem" (2018): orders of a restaurant that are ready at about the same time are bundled
 * when there are more orders than couriers, aiming at about as many bundles as there are
 * couriers. Here the bundles are grown greedily: starting from singletons, the merge of two
 * bundles of one restaurant that adds the least to the sum of dropoff times is made, again and
 * again, until about `targetBundles` bundles are left or no merge fits `maxSize` and
 * `readyWindowS`.
 *
 * Why a partition, decided before the assignment: candidate bundles overlap (an order could go
 * in several), and an exact choice among overlapping bundles is a set-packing problem, not an
 * assignment. With a partition fixed first, assigning couriers to bundles is an assignment
 * problem again and is solved exactly (bundle-assignment.ts). The partition is the heuristic.
 */
import type { PositionsProblem } from '../domain/problem.js';
import { MinHeap } from './min-heap.js';
import { MAX_BUNDLE_SIZE, bestSequence, type Bundle, type SequenceLegs } from './bundle-sequence.js';

export interface BundleOrder {
  /** Snapshot order index. */
  index: number;
  pickupLat: number;
  pickupLng: number;
  dropoffLat: number;
  dropoffLng: number;
  readyInS: number;
}

export interface BundleOptions {
  /** Most orders per bundle, 1..MAX_BUNDLE_SIZE (1 = no bundling). */
  maxSize: number;
  /** The ready times of a bundle's orders lie within this many seconds of each other. */
  readyWindowS: number;
  /** Couriers available: with at least as many as orders, every order is its own bundle. */
  targetBundles: number;
  /**
   * Travel time in seconds; called only for legs that end at a dropoff (restaurant → dropoff,
   * dropoff → dropoff), so a caller that wants handovers counted adds handover_s to it.
   */
  travelS: (aLat: number, aLng: number, bLat: number, bLng: number) => number;
}

/** A positions snapshot's orders as the proposal reads them (index = snapshot order index). */
export function bundleOrdersOf(problem: PositionsProblem): BundleOrder[] {
  return Array.from({ length: problem.orderCount }, (_, o) => ({
    index: o,
    pickupLat: problem.orderPickupLat[o],
    pickupLng: problem.orderPickupLng[o],
    dropoffLat: problem.orderDropoffLat[o],
    dropoffLng: problem.orderDropoffLng[o],
    readyInS: problem.orderReadyInS[o],
  }));
}

/** A bundle being grown: members are positions in the input array, in delivery sequence. */
interface Cluster {
  members: number[];
  restaurant: number;
  /** Σ of the members' dropoff times from now (the proposal's cost of the bundle). */
  totalS: number;
  readyMin: number;
  readyMax: number;
  alive: boolean;
}

interface Merge {
  /** totalS of the merged bundle minus those of its two parts. */
  addedS: number;
  a: number;
  b: number;
  merged: Cluster;
}

/** Cheapest first; ties by the clusters' ids, so that the proposal is deterministic. */
const mergeLess = (x: Merge, y: Merge): boolean => x.addedS < y.addedS || (x.addedS === y.addedS && (x.a < y.a || (x.a === y.a && x.b < y.b)));

export function proposeBundles(orders: readonly BundleOrder[], options: BundleOptions): Bundle[] {
  checkInput(orders, options);
  const n = orders.length;
  if (options.maxSize === 1 || options.targetBundles >= n) return orders.map((o) => ({ orders: [o.index] }));
  const target = Math.max(1, options.targetBundles);
  const travel = options.travelS;

  // Legs are asked for once each: restaurant → dropoff per order, dropoff → dropoff per pair on demand.
  const fromPickup = orders.map((o) => travel(o.pickupLat, o.pickupLng, o.dropoffLat, o.dropoffLng));
  const betweenCache = new Map<number, number>();
  const between = (i: number, j: number): number => {
    const key = i * n + j;
    let leg = betweenCache.get(key);
    if (leg === undefined) {
      leg = travel(orders[i].dropoffLat, orders[i].dropoffLng, orders[j].dropoffLat, orders[j].dropoffLng);
      betweenCache.set(key, leg);
    }
    return leg;
  };

  const restaurantOf = restaurants(orders);
  const clusters: Cluster[] = orders.map((o, i) => ({
    members: [i],
    restaurant: restaurantOf.ofOrder[i],
    totalS: startS(o.readyInS) + fromPickup[i],
    readyMin: o.readyInS,
    readyMax: o.readyInS,
    alive: true,
  }));

  const mergeOf = (a: number, b: number): Merge | undefined => {
    const x = clusters[a];
    const y = clusters[b];
    if (x.members.length + y.members.length > options.maxSize) return undefined;
    const readyMin = Math.min(x.readyMin, y.readyMin);
    const readyMax = Math.max(x.readyMax, y.readyMax);
    if (!(readyMax - readyMin <= options.readyWindowS)) return undefined;
    const members = [...x.members, ...y.members];
    const legs: SequenceLegs = { fromPickup: members.map((m) => fromPickup[m]), between: (i, j) => between(members[i], members[j]) };
    const best = bestSequence(startS(readyMax), legs, members.length);
    const merged: Cluster = {
      members: best.sequence.map((i) => members[i]),
      restaurant: x.restaurant,
      totalS: best.totalS,
      readyMin,
      readyMax,
      alive: true,
    };
    return { addedS: best.totalS - x.totalS - y.totalS, a, b, merged };
  };

  const queue = new MinHeap<Merge>(mergeLess);
  const push = (merge: Merge | undefined) => merge && queue.push(merge);
  // Per restaurant, the live clusters: each merge is offered to the others of its restaurant.
  const live: number[][] = restaurantOf.members.map((members) => [...members]);
  for (const members of live) {
    // By ready time, so that only pairs within the window are looked at.
    const byReady = [...members].sort((i, j) => orders[i].readyInS - orders[j].readyInS || i - j);
    for (let s = 0; s < byReady.length; s++) {
      for (let t = s + 1; t < byReady.length && orders[byReady[t]].readyInS - orders[byReady[s]].readyInS <= options.readyWindowS; t++) {
        push(mergeOf(Math.min(byReady[s], byReady[t]), Math.max(byReady[s], byReady[t])));
      }
    }
  }

  let count = n;
  while (count > target && queue.size > 0) {
    const { a, b, merged } = queue.pop()!;
    if (!clusters[a].alive || !clusters[b].alive) continue; // stale: a part was merged since
    clusters[a].alive = false;
    clusters[b].alive = false;
    const id = clusters.push(merged) - 1;
    count--;
    const others = live[merged.restaurant].filter((c) => clusters[c].alive);
    for (const other of others) push(mergeOf(other, id));
    others.push(id);
    live[merged.restaurant] = others;
  }

  const bundles = clusters.filter((c) => c.alive).map((c) => ({ orders: c.members.map((m) => orders[m].index) }));
  return bundles.sort((x, y) => Math.min(...x.orders) - Math.min(...y.orders));
}

/** When the courier leaves the restaurant in the proposal's estimate: once all are ready, and not before now. */
function startS(readyMaxS: number): number {
  return Math.max(0, readyMaxS);
}

/** Restaurants are identical pickup positions: the restaurant of each order and the orders of each. */
function restaurants(orders: readonly BundleOrder[]): { ofOrder: number[]; members: number[][] } {
  const ids = new Map<string, number>();
  const members: number[][] = [];
  const ofOrder = orders.map((o, i) => {
    // `${-0}` is "0": the key compares positions as === does.
    const key = `${o.pickupLat},${o.pickupLng}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = members.push([]) - 1;
      ids.set(key, id);
    }
    members[id].push(i);
    return id;
  });
  return { ofOrder, members };
}

function checkInput(orders: readonly BundleOrder[], options: BundleOptions): void {
  const { maxSize, readyWindowS, targetBundles } = options;
  if (!(Number.isInteger(maxSize) && maxSize >= 1 && maxSize <= MAX_BUNDLE_SIZE)) {
    throw new RangeError(`maxSize must be an integer from 1 to ${MAX_BUNDLE_SIZE}, not ${maxSize}`);
  }
  if (!(readyWindowS >= 0)) throw new RangeError(`readyWindowS must be ≥ 0, not ${readyWindowS}`);
  if (!(Number.isInteger(targetBundles) && targetBundles >= 0)) throw new RangeError(`targetBundles must be an integer ≥ 0, not ${targetBundles}`);
  const seen = new Set<number>();
  for (const o of orders) {
    if (!Number.isInteger(o.index) || seen.has(o.index)) throw new RangeError(`order index ${o.index} is not a distinct integer`);
    seen.add(o.index);
    if (![o.pickupLat, o.pickupLng, o.dropoffLat, o.dropoffLng, o.readyInS].every(Number.isFinite)) {
      throw new RangeError(`order ${o.index} has a non-finite position or ready time`);
    }
  }
}
