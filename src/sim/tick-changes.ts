/**
 * The next tick of a city: a share of its orders and of its couriers changed, a third of each
 * moved, a third removed and a third added (copies of others, moved), everything else as it was.
 * What a warm start across ticks (src/solver/warm-start.ts) is measured and tested on.
 */
import type { PositionsProblem } from '../domain/problem.js';
import { Rng } from './rng.js';

export interface CityTick {
  problem: PositionsProblem;
  orderIds: string[];
  courierIds: string[];
}

/** How far a moved courier or order goes, at most, in metres along each axis. */
const MOVE_M = 400;
const METRES_PER_DEGREE = (6371008.8 * Math.PI) / 180;

interface Items {
  ids: string[];
  /** Columns of the items, one value per item. */
  columns: Float64Array[];
}

/**
 * `tick` with round(share · n) of its n orders and of its couriers changed; new items get ids
 * `${prefix}${k}` unique to this call's seed.
 */
export function nextTick(tick: CityTick, share: number, seed: number): CityTick {
  const rng = new Rng(seed);
  const { problem } = tick;
  const lat0 = problem.courierCount > 0 ? problem.courierLat[0] : problem.orderCount > 0 ? problem.orderPickupLat[0] : 0;
  const lngScale = 1 / (METRES_PER_DEGREE * Math.cos((lat0 * Math.PI) / 180));
  const shift = (degreesPerMetre: number) => (value: number) => value + rng.uniform(-MOVE_M, MOVE_M) * degreesPerMetre;
  const latShift = shift(1 / METRES_PER_DEGREE);
  const lngShift = shift(lngScale);

  const couriers = changed(
    rng,
    { ids: tick.courierIds, columns: [problem.courierLat, problem.courierLng, problem.courierSpeedMps, problem.courierFreeInS] },
    share,
    (c) => [latShift(c[0]), lngShift(c[1]), c[2], c[3]],
    `c${seed}-`,
  );
  const orders = changed(
    rng,
    {
      ids: tick.orderIds,
      columns: [problem.orderPickupLat, problem.orderPickupLng, problem.orderDropoffLat, problem.orderDropoffLng, problem.orderReadyInS],
    },
    share,
    (o) => [latShift(o[0]), lngShift(o[1]), latShift(o[2]), lngShift(o[3]), o[4]],
    `o${seed}-`,
  );
  const [courierLat, courierLng, courierSpeedMps, courierFreeInS] = couriers.columns;
  const [orderPickupLat, orderPickupLng, orderDropoffLat, orderDropoffLng, orderReadyInS] = orders.columns;
  return {
    problem: {
      kind: 'positions',
      params: problem.params,
      courierCount: couriers.ids.length,
      orderCount: orders.ids.length,
      courierLat,
      courierLng,
      courierSpeedMps,
      courierFreeInS,
      orderPickupLat,
      orderPickupLng,
      orderDropoffLat,
      orderDropoffLng,
      orderReadyInS,
    },
    orderIds: orders.ids,
    courierIds: couriers.ids,
  };
}

/** The items with a share of them moved (`move`), removed, and added (moved copies of random others). */
function changed(rng: Rng, items: Items, share: number, move: (values: number[]) => number[], newIdPrefix: string): Items {
  const n = items.ids.length;
  const changes = Math.round(share * n);
  const moved = Math.round(changes / 3);
  const removed = Math.round(changes / 3);
  const added = changes - moved - removed;
  // A random permutation's first `moved` items move, the next `removed` go.
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const fate = new Int8Array(n); // 0 kept, 1 moved, 2 removed
  order.slice(0, moved).forEach((i) => (fate[i] = 1));
  order.slice(moved, moved + removed).forEach((i) => (fate[i] = 2));
  const valuesOf = (i: number) => items.columns.map((column) => column[i]);
  const ids: string[] = [];
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (fate[i] === 2) continue;
    ids.push(items.ids[i]);
    rows.push(fate[i] === 1 ? move(valuesOf(i)) : valuesOf(i));
  }
  for (let k = 0; k < added && n > 0; k++) {
    ids.push(`${newIdPrefix}${k}`);
    rows.push(move(valuesOf(rng.int(0, n - 1))));
  }
  return { ids, columns: items.columns.map((_, j) => Float64Array.from(rows, (row) => row[j])) };
}

/**
 * `tick` `seconds` later, as the host snapshots it (src/state/snapshot.ts: times relative to the
 * tick): every order's ready time and every busy courier's free time that much sooner, a courier
 * whose time is up free (free_in_s 0), everything else as it was.
 */
export function advanceTime(tick: CityTick, seconds: number): CityTick {
  const { problem } = tick;
  return {
    ...tick,
    problem: {
      ...problem,
      orderReadyInS: problem.orderReadyInS.map((ready) => ready - seconds),
      courierFreeInS: problem.courierFreeInS.map((freeIn) => Math.max(0, freeIn - seconds)),
    },
  };
}
