/**
 * One dispatch cycle for one city: read the snapshot of free couriers and pending orders, group
 * orders of one restaurant into pickups when the city bundles (src/solver/bundles.ts), price
 * courier × pickup pairs (the engine's geographic model, the city's live estimates where it has
 * them (estimated-costs.ts), or the caller's own costs), solve it
 * exactly in the worker pool with the pairs in their decline cooldown excluded, commit through
 * the fence, and hand the outcome to whoever publishes it. The lease is checked again by commitFenced right
 * before committing, so a cycle that outlives its lease commits nothing.
 */
import { performance } from 'node:perf_hooks';
import type { CityConfig } from '../coordination/city-config.js';
import type { DecisionOutbox } from '../coordination/decision-outbox.js';
import { commitFenced } from '../coordination/fenced-commit.js';
import type { Holder } from '../coordination/holder.js';
import type { Lease } from '../coordination/lease.js';
import type { LeaseStore } from '../coordination/lease-store.js';
import type { BundlingParams, ExcludedPairs, PositionsProblem, Solution } from '../domain/problem.js';
import { bundleOrdersOf, proposeBundles, solveBundles, specTravelS, type Bundle, type BundleEdge } from '../solver/bundles.js';
import type { CitySnapshot, CityStateStore } from '../state/city-state-store.js';
import { setPickupIds, type Assignment, type Certificate } from '../state/decision.js';
import type { DecisionLog } from '../state/decision-log.js';
import { previousSolveOf, warmStartFor, type PreviousSolve } from '../solver/warm-start.js';
import { readyEstimates, TICK_SIGNALS, type ReadyEstimate, type ReadySource } from '../features/eta.js';
import { applyEstimates, estimatedEdges, type PairEstimates } from './estimated-costs.js';
import type { DispatchMetrics } from './metrics.js';
import type { DispatchSolver } from './solver.js';

export interface DispatchStores {
  leases: LeaseStore;
  state: CityStateStore;
  decisions: DecisionLog;
}

export interface DispatchContext {
  stores: DispatchStores;
  solver: DispatchSolver;
  holder: Holder;
  /** How long an offer waits for the courier's answer. */
  offerTtlMs: number;
  /** Where committed decisions whose durable append failed wait until they land. */
  outbox: DecisionOutbox;
  /** The caller's prices of courier × pickup pairs; without it the engine prices positions itself. */
  costs?: PickupCosts;
  metrics?: DispatchMetrics;
  /**
   * Ask every solve for its dual certificate and check it before committing (default true);
   * false only for the benchmark that measures what that costs: decisions then record 'none'.
   */
  certify?: boolean;
}

/**
 * Caller-given costs (the snapshot's `edges` path, for a running city): a fleet prices pairs with
 * its own travel and preparation models. Only the pairs it lists are eligible.
 */
export interface PickupCosts {
  /** Travel seconds between two points, used to choose the delivery sequence of a pickup. */
  travelS(fromLat: number, fromLng: number, toLat: number, toLng: number): number;
  /** Candidate (pickup, courier) pairs of the snapshot with their costs, integer deciseconds. */
  edges(snapshot: CitySnapshot, pickups: readonly Bundle[]): BundleEdge[];
  /**
   * Per snapshot order, what leaving it for a later tick costs, integer deciseconds (e.g. more
   * for an order that has waited long); without it every order costs the city's unassigned_penalty_s.
   */
  penaltiesDs?(snapshot: CitySnapshot): ArrayLike<number>;
}

/**
 * A city's last solve on this host, which the next tick's solve starts from (src/solver/warm-start.ts):
 * the dispatch loop keeps one per leased city and drops it with the lease, so a host that has just
 * taken a city solves its first tick cold. Only the positions path is warm; pickups are solved cold.
 */
export interface CityWarmState {
  previous?: PreviousSolve;
  /** A city of several area shards: each shard's own, as each is solved as its own problem. */
  shards?: CityWarmState[];
}

export interface DispatchCycleOptions {
  /** Abandons the solve (shutdown). */
  signal?: AbortSignal;
  /** Where the city's last solve is kept for the next one; without it every solve is cold. */
  warm?: CityWarmState;
  /** Fresh snapshots tried after a commit refused for a conflict (an order or courier changed meanwhile). */
  conflictRetries?: number;
}

export type RejectionReason = 'stale_token' | 'conflict' | 'lease_lapsed' | 'fence_missing';

/**
 * Nothing was attempted: an earlier decision of the city is committed but not yet durable, and
 * the log could not record it now either (a new decision would leave a gap behind it).
 */
export type HeldReason = 'not_durable';

/** The solve's certificate did not prove its assignment optimal: nothing is offered from it. */
export type RefutedReason = 'certificate_failed';

export interface OfferedPair {
  order: string;
  courier: string;
  /** The pickup the pair is in once committed (decision.ts pickupId); '' while not committed. */
  pickup: string;
  /** Deciseconds: the pair's cost, or for an order of a multi-order pickup the whole pickup's. */
  cost: number;
  /** The cost came from the city's pair estimates (estimated-costs.ts), not the geographic price. */
  estimated: boolean;
  /** Where the order's ready time came from (estimated-costs.ts applyEstimates). */
  readySource: ReadySource;
  /** Where the courier was and where the order is picked up, for the map. */
  courierLat: number;
  courierLng: number;
  pickupLat: number;
  pickupLng: number;
}

export interface Estimated {
  ready: number;
  pairs: number;
  model: number;
  readyEvents: number;
}

const NOTHING_ESTIMATED: Readonly<Estimated> = Object.freeze({ ready: 0, pairs: 0, model: 0, readyEvents: 0 });

export interface DispatchOutcome {
  city: string;
  /** A decision was committed in the state store (version is its version): its offers are live. */
  committed: boolean;
  /**
   * The committed decision is recorded in the durable log: only then is it acknowledged. A
   * committed one that is not waits in the DecisionOutbox and is recorded when the log answers.
   */
  durable: boolean;
  /** Why nothing was committed: nothing to assign, the commit was refused, or an earlier decision is not durable yet. */
  reason?: 'nothing_to_assign' | RejectionReason | HeldReason | RefutedReason;
  /** The committed version, or the version the snapshot reflected. */
  version: number;
  token: number;
  assignments: OfferedPair[];
  unassigned: string[];
  /**
   * Orders of pickups the commit left out because one of their items (an order, or the courier)
   * changed since the snapshot: they are pending again at the next tick.
   */
  dropped: string[];
  /** Exact, in deciseconds, of the solve the assignments came from. */
  objective: number;
  /** The solve started from the city's previous solve on this host (CityWarmState). */
  warmStart: boolean;
  /** Whether the solve's dual certificate checked (recorded with the committed decision). */
  certificate: Certificate;
  /** With certificate 'failed': the first violation the check found. */
  certificateError?: string;
  couriers: number;
  orders: number;
  /** Pairs of this snapshot excluded from the solve because the courier declined that order recently. */
  cooledDown: number;
  /**
   * What estimates this snapshot used: orders whose ready time came from the fleet's estimates
   * (ready), the city's ETA model (model) or a ready event (readyEvents), and (pickup, courier)
   * pairs priced from the fleet's estimates.
   */
  estimated: Estimated;
  timings: { snapshot_ms: number; solve_ms: number; commit_ms: number; total_ms: number };
  /** Epoch ms when the cycle ended (this host's clock). */
  at: number;
  /** Why the durable append of the committed decision failed. */
  logError?: string;
}

/** Runs one cycle under `lease`. */
export async function dispatchCity(context: DispatchContext, lease: Lease, config: CityConfig, options: DispatchCycleOptions = {}): Promise<DispatchOutcome> {
  const { stores, metrics } = context;
  const city = lease.city;
  const started = performance.now();
  let retries = options.conflictRetries ?? 2;
  if (context.outbox.waiting(city) > 0 && !(await context.outbox.flush(city))) {
    const timings = { snapshot_ms: 0, solve_ms: 0, commit_ms: 0, total_ms: round(performance.now() - started) };
    return {
      city,
      committed: false,
      durable: false,
      reason: 'not_durable',
      version: 0,
      token: lease.token,
      assignments: [],
      unassigned: [],
      dropped: [],
      objective: 0,
      warmStart: false,
      certificate: 'none',
      couriers: 0,
      orders: 0,
      cooledDown: 0,
      estimated: { ...NOTHING_ESTIMATED },
      timings,
      at: Date.now(),
    };
  }
  for (;;) {
    const snapshotStarted = performance.now();
    const [snapshots, cooldowns, features] = await Promise.all([
      stores.state.readShardSnapshots(city, config.params),
      stores.state.readCooldowns(city),
      // Only a city with an ETA model reads its features at every tick.
      config.etaModel ? stores.state.readFeatureState(city, TICK_SIGNALS) : undefined,
    ]);
    const snapshotMs = performance.now() - snapshotStarted;
    metrics?.snapshotDuration.observe({ city }, snapshotMs / 1000);

    const solveStarted = performance.now();
    const featureReady = features && config.etaModel ? readyEstimates(features, config.etaModel) : undefined;
    // Housekeeping off the commit's path: the store drops lapsed offers while the pool solves.
    const [solved] = await Promise.all([
      solveShards(context, config.bundling, snapshots, cooldowns, options, featureReady),
      stores.state.purgeLapsedOffers(city),
    ]);
    const solveMs = performance.now() - solveStarted;
    metrics?.solveDuration.observe({ city }, solveMs / 1000);
    if (solved.solved) metrics?.solveStarts.inc({ city, start: solved.warmStart ? 'warm' : 'cold' });
    if (solved.estimated.ready > 0) metrics?.estimatesUsed.inc({ city, kind: 'ready' }, solved.estimated.ready);
    if (solved.estimated.pairs > 0) metrics?.estimatesUsed.inc({ city, kind: 'pair' }, solved.estimated.pairs);
    if (solved.estimated.model > 0) metrics?.estimatesUsed.inc({ city, kind: 'model' }, solved.estimated.model);
    if (solved.estimated.readyEvents > 0) metrics?.estimatesUsed.inc({ city, kind: 'ready_event' }, solved.estimated.readyEvents);

    const outcome: DispatchOutcome = {
      city,
      committed: false,
      durable: false,
      version: snapshots[0].version,
      token: lease.token,
      assignments: solved.pairs,
      unassigned: solved.unassigned,
      dropped: [],
      objective: solved.objective,
      warmStart: solved.warmStart,
      certificate: solved.certificate,
      ...(solved.certificateError === undefined ? {} : { certificateError: solved.certificateError }),
      couriers: sum(snapshots.map((s) => s.courierIds.length)),
      orders: sum(snapshots.map((s) => s.orderIds.length)),
      cooledDown: solved.cooledDown,
      estimated: solved.estimated,
      timings: { snapshot_ms: round(snapshotMs), solve_ms: round(solveMs), commit_ms: 0, total_ms: 0 },
      at: 0,
    };
    const finish = (o: DispatchOutcome) => {
      o.timings.total_ms = round(performance.now() - started);
      o.at = Date.now();
      metrics?.tickDuration.observe({ city }, o.timings.total_ms / 1000);
      return o;
    };
    if (solved.certificate === 'failed') {
      metrics?.certificateFailures.inc({ city });
      return finish({ ...outcome, reason: 'certificate_failed' });
    }
    if (solved.pairs.length === 0) return finish({ ...outcome, reason: 'nothing_to_assign' });

    const commitStarted = performance.now();
    // Per pickup: items changed since the snapshot are left to the next tick, the rest is committed.
    // The pairs are the assignments (the stores read only their order and courier).
    const result = await commitFenced(stores, lease, context.holder, solved.pairs, {
      offerTtlMs: context.offerTtlMs,
      partial: true,
      audit: { objective: solved.objective, certificate: solved.certificate },
    });
    const commitMs = performance.now() - commitStarted;
    metrics?.commitDuration.observe({ city }, commitMs / 1000);
    outcome.timings.commit_ms = round(commitMs);
    if (result.ok) {
      const dropped = new Set(result.dropped.flatMap((p) => p.orders));
      metrics?.commits.inc({ city });
      metrics?.assignments.inc({ city }, result.decision.assignments.length);
      if (dropped.size > 0) {
        metrics?.partialCommits.inc({ city });
        metrics?.droppedOrders.inc({ city }, dropped.size);
      }
      if (!result.durable) context.outbox.add(result.decision, result.logError);
      return finish({
        ...outcome,
        committed: true,
        durable: result.durable,
        version: result.decision.version,
        assignments: setPickupIds(dropped.size === 0 ? outcome.assignments : outcome.assignments.filter((a) => !dropped.has(a.order)), result.decision.version),
        dropped: [...dropped],
        ...(result.durable ? {} : { logError: String(result.logError) }),
      });
    }
    metrics?.rejections.inc({ city, reason: result.reason });
    if (result.reason === 'conflict' && retries-- > 0 && lease.isValid()) continue;
    return finish({ ...outcome, reason: result.reason });
  }
}

interface Solved extends CertificateVerdict {
  /** With pickup '' until committed. */
  pairs: OfferedPair[];
  unassigned: string[];
  objective: number;
  /** A solve ran (the snapshot had orders and couriers). */
  solved: boolean;
  warmStart: boolean;
  cooledDown: number;
  estimated: DispatchOutcome['estimated'];
}

/**
 * Solves each area shard's snapshot as its own problem, in parallel on the pool (a pickup across
 * shards could not be committed atomically), as one solve: pairs in shard order, objectives
 * summed, the certificate checked only if every shard's was. A city of one shard is one solve.
 */
async function solveShards(
  context: DispatchContext,
  bundling: BundlingParams,
  snapshots: readonly CitySnapshot[],
  cooldowns: readonly Assignment[],
  options: DispatchCycleOptions,
  featureReady: ReadonlyMap<string, ReadyEstimate> | undefined,
): Promise<Solved> {
  if (snapshots.length === 1) return solveWithCooldowns(context, bundling, snapshots[0], cooldowns, options, featureReady);
  const warm = options.warm === undefined ? undefined : (options.warm.shards ??= snapshots.map(() => ({})));
  const shards = await Promise.all(snapshots.map((s, i) => solveWithCooldowns(context, bundling, s, cooldowns, { ...options, warm: warm?.[i] }, featureReady)));
  const solved = shards.filter((s) => s.solved);
  const failed = shards.find((s) => s.certificate === 'failed');
  return {
    pairs: shards.flatMap((s) => s.pairs),
    unassigned: shards.flatMap((s) => s.unassigned),
    objective: sum(shards.map((s) => s.objective)),
    solved: solved.length > 0,
    warmStart: solved.length > 0 && solved.every((s) => s.warmStart),
    cooledDown: sum(shards.map((s) => s.cooledDown)),
    estimated: {
      ready: sum(shards.map((s) => s.estimated.ready)),
      pairs: sum(shards.map((s) => s.estimated.pairs)),
      model: sum(shards.map((s) => s.estimated.model)),
      readyEvents: sum(shards.map((s) => s.estimated.readyEvents)),
    },
    ...(failed
      ? { certificate: 'failed', certificateError: failed.certificateError }
      : { certificate: solved.length > 0 && solved.every((s) => s.certificate === 'checked') ? 'checked' : 'none' }),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * Solves the snapshot with the pairs in their decline cooldown excluded: they are not
 * eligible, so the result is the optimum over every other pair. A city that neither bundles nor
 * brings its own costs is solved exactly as a snapshot file would be (the solver prices positions).
 */
async function solveWithCooldowns(
  context: DispatchContext,
  bundling: BundlingParams,
  snapshot: CitySnapshot,
  cooldowns: readonly Assignment[],
  { signal, warm }: DispatchCycleOptions,
  featureReady: ReadonlyMap<string, ReadyEstimate> | undefined,
): Promise<Solved> {
  if (snapshot.orderIds.length === 0 || snapshot.courierIds.length === 0) {
    return {
      pairs: [],
      unassigned: [...snapshot.orderIds],
      objective: 0,
      solved: false,
      warmStart: false,
      certificate: 'none',
      cooledDown: 0,
      estimated: { ...NOTHING_ESTIMATED },
    };
  }
  const certify = context.certify !== false;
  const excluded = excludedPairs(snapshot, cooldowns);
  const estimates = applyEstimates(snapshot, featureReady);
  // Pair estimates price through the edges path; the caller's own costs, when given, price every pair.
  const pairs: PairEstimates = context.costs ? new Map() : estimates.pairs;
  const positions = !context.costs && bundling.maxBundleSize === 1 && pairs.size === 0;
  // The pickups path solves cold: its rows are pickups, not orders, and change with the proposal.
  if (!positions && warm) warm.previous = undefined;
  const solved = positions
    ? { ...(await solveOrders(context.solver, estimates.snapshot, excluded, signal, estimates.readySources, certify, warm)), pairsEstimated: 0 }
    : { ...(await solvePickups(context, bundling, estimates.snapshot, excluded, signal, pairs, estimates.readySources, certify)), warmStart: false };
  const { pairsEstimated, ...rest } = solved;
  return { ...rest, solved: true, estimated: { ready: estimates.ready, pairs: pairsEstimated, model: estimates.model, readyEvents: estimates.readyEvents } };
}

async function solveOrders(
  solver: DispatchSolver,
  snapshot: CitySnapshot,
  excluded: ExcludedPairs,
  signal: AbortSignal | undefined,
  readySources: readonly ReadySource[],
  certify: boolean,
  warm: CityWarmState | undefined,
): Promise<Omit<Solved, 'estimated' | 'solved'>> {
  const problem: PositionsProblem = { ...snapshot.problem, excluded };
  const previous = warm?.previous;
  const solution = await solver.solve(problem, {
    signal,
    certify,
    duals: warm !== undefined,
    warmGraph: warm !== undefined,
    ...(previous ? { warm: warmStartFor(previous, snapshot.orderIds, snapshot.courierIds) } : {}),
  });
  // A refuted solve is not started from: its duals prove nothing.
  if (warm) warm.previous = solution.certificate?.certificate === 'failed' ? undefined : previousSolveOf(snapshot, solution);
  const pairs: Solved['pairs'] = [];
  const unassigned: string[] = [];
  for (let o = 0; o < snapshot.orderIds.length; o++) {
    const c = solution.orderCourier[o];
    if (c < 0) unassigned.push(snapshot.orderIds[o]);
    else pairs.push(offeredPair(snapshot, o, c, solution.orderCost[o], false, readySources[o]));
  }
  return {
    pairs,
    unassigned,
    objective: solution.objective,
    warmStart: solution.stats.warmStart,
    ...verdictOf(solution, certify),
    cooledDown: excluded.order.length,
  };
}

interface CertificateVerdict {
  certificate: Certificate;
  /** With 'failed': the first violation found. */
  certificateError?: string;
}

/** What the decision records of the solve's certificate, checked where it was solved (src/solver/certified-solve.ts). */
function verdictOf(solution: Solution, certify: boolean): CertificateVerdict {
  if (!certify) return { certificate: 'none' };
  return solution.certificate ?? { certificate: 'failed', certificateError: 'the solver returned no certificate' };
}

/** Orders grouped into pickups, courier × pickup pairs priced, then the exact assignment of couriers to pickups. */
async function solvePickups(
  context: DispatchContext,
  bundling: BundlingParams,
  snapshot: CitySnapshot,
  excluded: ExcludedPairs,
  signal: AbortSignal | undefined,
  estimates: PairEstimates,
  readySources: readonly ReadySource[],
  certify: boolean,
): Promise<Omit<Solved, 'estimated' | 'solved' | 'warmStart'> & { pairsEstimated: number }> {
  const problem = snapshot.problem;
  const pickups = proposeBundles(bundleOrdersOf(problem), {
    maxSize: bundling.maxBundleSize,
    readyWindowS: bundling.bundleWindowS,
    targetBundles: problem.courierCount,
    travelS: context.costs ? context.costs.travelS : referenceTravelS(problem),
  });
  const priced = context.costs ? { edges: context.costs.edges(snapshot, pickups), estimated: new Set<number>() } : estimatedEdges(problem, pickups, estimates);
  let edges = priced.edges;
  if (excluded.order.length > 0) {
    const cooled = new Set(Array.from(excluded.order, (o, i) => o * problem.courierCount + excluded.courier[i]));
    edges = edges.filter((e) => !pickups[e.bundle].orders.some((o) => cooled.has(o * problem.courierCount + e.courier)));
  }
  const solved = await solveBundles(
    { solve: (p, o) => context.solver.solve(p, { ...o, signal }) },
    {
      bundles: pickups,
      courierCount: problem.courierCount,
      orderCount: problem.orderCount,
      edges,
      penaltyPerOrderDs: context.costs?.penaltiesDs?.(snapshot) ?? Math.floor(problem.params.unassignedPenaltyS * 10 + 0.5),
      certify,
    },
  );
  const pairs: Solved['pairs'] = [];
  const unassigned: string[] = [];
  pickups.forEach((pickup, b) => {
    const c = solved.bundleCourier[b];
    for (const o of pickup.orders) {
      if (c < 0) unassigned.push(snapshot.orderIds[o]);
      else pairs.push(offeredPair(snapshot, o, c, solved.bundleCost[b], priced.estimated.has(b * problem.courierCount + c), readySources[o]));
    }
  });
  return {
    pairs,
    unassigned,
    objective: solved.objective,
    // The core's certificate of the problem it solved (bundle-assignment.ts: one that certifies the
    // transformed problem certifies the original, whose objective differs by a constant).
    ...verdictOf(solved.solution, certify),
    cooledDown: excluded.order.length,
    pairsEstimated: priced.estimated.size,
  };
}

/** The engine's travel model at the snapshot's median courier speed: pickups are sequenced before a courier is chosen. */
function referenceTravelS(problem: PositionsProblem): (aLat: number, aLng: number, bLat: number, bLng: number) => number {
  const speeds = Float64Array.from(problem.courierSpeedMps).sort();
  return specTravelS(problem.params.detourFactor, speeds[speeds.length >> 1]);
}

function offeredPair(snapshot: CitySnapshot, o: number, c: number, cost: number, estimated: boolean, readySource: ReadySource): OfferedPair {
  const problem = snapshot.problem;
  return {
    order: snapshot.orderIds[o],
    courier: snapshot.courierIds[c],
    pickup: '',
    cost,
    estimated,
    readySource,
    courierLat: problem.courierLat[c],
    courierLng: problem.courierLng[c],
    pickupLat: problem.orderPickupLat[o],
    pickupLng: problem.orderPickupLng[o],
  };
}

/** The cooldown pairs whose order and courier are both in the snapshot, as indices. */
function excludedPairs(snapshot: CitySnapshot, cooldowns: readonly Assignment[]): ExcludedPairs {
  // Most ticks have no cooldowns: skip indexing every id of the city.
  if (cooldowns.length === 0) return { order: new Int32Array(0), courier: new Int32Array(0) };
  const orderIndex = new Map(snapshot.orderIds.map((id, i) => [id, i]));
  const courierIndex = new Map(snapshot.courierIds.map((id, i) => [id, i]));
  const order: number[] = [];
  const courier: number[] = [];
  for (const pair of cooldowns) {
    const o = orderIndex.get(pair.order);
    const c = courierIndex.get(pair.courier);
    if (o === undefined || c === undefined) continue;
    order.push(o);
    courier.push(c);
  }
  return { order: Int32Array.from(order), courier: Int32Array.from(courier) };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
