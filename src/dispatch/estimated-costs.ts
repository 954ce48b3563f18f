/**
 * A city's live estimates (src/state/estimates.ts, docs/host.md "Estimates") applied to one
 * snapshot. A ready estimate replaces its order's ready time; a pair estimate replaces the price
 * of its courier × order pair; every pair without one keeps the engine's geographic price. So a
 * city priced this way solves exactly what the CLI solves with caller-given `edges` carrying the
 * same numbers (docs/problem.md, "Costs given by the caller").
 *
 * Per (pickup, courier): when every order of the pickup has a cost estimate for the courier,
 * the price is the sum of them (each order counts its own delivery, as the geographic price of a
 * pickup does); otherwise a travel estimate of any of its orders (the first in delivery
 * sequence) replaces the courier's approach to the restaurant in the geographic formula;
 * otherwise the pair is priced geographically.
 */
import { MAX_COST, type PositionsProblem } from '../domain/problem.js';
import { bundleEdgesFromPositions, priceBundle, type Bundle, type BundleEdge } from '../solver/bundles.js';
import type { ReadyEstimate, ReadySource } from '../features/eta.js';
import type { CitySnapshot } from '../state/city-state-store.js';

/** Per snapshot order index: its pair estimates, by snapshot courier index. */
export type PairEstimates = Map<number, Map<number, { travelS?: number; costS?: number }>>;

export interface SnapshotEstimates {
  /** The snapshot with the ready estimates of its orders in place of their ready times. */
  snapshot: CitySnapshot;
  /** Per snapshot order, where its ready time came from. */
  readySources: ReadySource[];
  /** How many orders' ready times came from each source other than the caller's ready_at. */
  ready: number;
  model: number;
  readyEvents: number;
  pairs: PairEstimates;
}

/**
 * The snapshot's own estimates, those of orders and couriers it does not have left out. Ready
 * times, most trusted first: the kitchen's ready event (the feature engine saw it), the fleet's
 * estimate (PUT /estimates), the city's ETA model (src/features/eta.ts), the caller's ready_at.
 */
export function applyEstimates(snapshot: CitySnapshot, featureReady: ReadonlyMap<string, ReadyEstimate> = new Map()): SnapshotEstimates {
  const estimates = snapshot.estimates;
  const pairs: PairEstimates = new Map();
  const readySources = new Array<ReadySource>(snapshot.orderIds.length).fill('caller');
  const counts = { ready: 0, model: 0, readyEvents: 0 };
  const hasEstimates = estimates && (estimates.ready.length > 0 || estimates.pairs.length > 0);
  if (!hasEstimates && featureReady.size === 0) return { snapshot, readySources, ...counts, pairs };
  const orderIndex = new Map(snapshot.orderIds.map((id, i) => [id, i]));
  let problem = snapshot.problem;
  const readyInS = problem.orderReadyInS.slice();
  // As the snapshot computes ready-in from ready_at (snapshot.ts).
  const setReady = (o: number, readyAt: number, source: ReadySource) => {
    readyInS[o] = (readyAt - snapshot.takenAt) / 1000;
    readySources[o] = source;
  };
  for (const [order, estimate] of featureReady) {
    const o = orderIndex.get(order);
    if (o !== undefined && estimate.source === 'model') setReady(o, estimate.readyAt, 'model');
  }
  for (const r of estimates?.ready ?? []) {
    const o = orderIndex.get(r.order);
    if (o !== undefined) setReady(o, r.readyAt, 'estimate');
  }
  for (const [order, estimate] of featureReady) {
    const o = orderIndex.get(order);
    if (o !== undefined && estimate.source === 'ready_event') setReady(o, estimate.readyAt, 'ready_event');
  }
  for (const source of readySources) {
    if (source === 'estimate') counts.ready++;
    else if (source === 'model') counts.model++;
    else if (source === 'ready_event') counts.readyEvents++;
  }
  if (counts.ready + counts.model + counts.readyEvents > 0) problem = { ...problem, orderReadyInS: readyInS };
  if (!estimates) return { snapshot: { ...snapshot, problem }, readySources, ...counts, pairs };
  const courierIndex = new Map(snapshot.courierIds.map((id, i) => [id, i]));
  for (const p of estimates.pairs) {
    const o = orderIndex.get(p.order);
    const c = courierIndex.get(p.courier);
    if (o === undefined || c === undefined) continue;
    const byCourier = pairs.get(o) ?? pairs.set(o, new Map()).get(o)!;
    byCourier.set(c, p.travelS !== undefined ? { travelS: p.travelS } : { costS: p.costS });
  }
  return { snapshot: { ...snapshot, problem }, readySources, ...counts, pairs };
}

export interface EstimatedEdges {
  edges: BundleEdge[];
  /** `bundle * courierCount + courier` of every (pickup, courier) priced by an estimate, eligible or not. */
  estimated: Set<number>;
}

/** Every eligible (pickup, courier) pair, priced from the estimates where the pair has one, geographically elsewhere. */
export function estimatedEdges(problem: PositionsProblem, pickups: readonly Bundle[], pairs: PairEstimates): EstimatedEdges {
  const geographic = bundleEdgesFromPositions(problem, pickups);
  const estimated = new Set<number>();
  if (pairs.size === 0) return { edges: geographic, estimated };
  const { courierCount } = problem;
  const priced: BundleEdge[] = [];
  pickups.forEach((pickup, b) => {
    const couriers = new Set<number>();
    for (const o of pickup.orders) for (const c of pairs.get(o)?.keys() ?? []) couriers.add(c);
    for (const c of couriers) {
      const cost = estimatedPrice(problem, pickup, c, pairs);
      if (cost === null) continue;
      estimated.add(b * courierCount + c);
      if (cost !== undefined) priced.push({ bundle: b, courier: c, cost });
    }
  });
  const edges = geographic.filter((e) => !estimated.has(e.bundle * courierCount + e.courier));
  for (const e of priced) edges.push(e);
  return { edges, estimated };
}

/** The pickup's price for courier c from its estimates in integer deciseconds, undefined if ineligible, null if no estimate applies. */
function estimatedPrice(problem: PositionsProblem, pickup: Bundle, c: number, pairs: PairEstimates): number | undefined | null {
  const estimates = pickup.orders.map((o) => pairs.get(o)?.get(c));
  if (estimates.every((e) => e?.costS !== undefined)) {
    // Each cost within the limits is at most MAX_COST; a pickup's sum is kept there too.
    return Math.min(
      MAX_COST,
      estimates.reduce((sum, e) => sum + Math.floor(e!.costS! * 10 + 0.5), 0),
    );
  }
  const travelS = estimates.find((e) => e?.travelS !== undefined)?.travelS;
  return travelS === undefined ? null : (priceBundle(approachProblem(problem, pickup, c, travelS), 0, { orders: pickup.orders.map((_, i) => i) }) ?? undefined);
}

/**
 * The pickup alone with courier c standing at its restaurant, free travelS later than it is:
 * the geographic formula then reads arrive = free_in_s + travelS + 0 (the haversine of a point to
 * itself is exactly 0), which is the formula with the estimate as the approach.
 */
function approachProblem(problem: PositionsProblem, pickup: Bundle, c: number, travelS: number): PositionsProblem {
  const pick = (column: Float64Array) => Float64Array.from(pickup.orders, (o) => column[o]);
  const first = pickup.orders[0];
  return {
    ...problem,
    excluded: undefined,
    courierCount: 1,
    courierLat: Float64Array.of(problem.orderPickupLat[first]),
    courierLng: Float64Array.of(problem.orderPickupLng[first]),
    courierSpeedMps: Float64Array.of(problem.courierSpeedMps[c]),
    courierFreeInS: Float64Array.of(problem.courierFreeInS[c] + travelS),
    orderCount: pickup.orders.length,
    orderPickupLat: pick(problem.orderPickupLat),
    orderPickupLng: pick(problem.orderPickupLng),
    orderDropoffLat: pick(problem.orderDropoffLat),
    orderDropoffLng: pick(problem.orderDropoffLng),
    orderReadyInS: pick(problem.orderReadyInS),
  };
}
