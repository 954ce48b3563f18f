/**
 * Prometheus metrics of one host (prom-client), in a registry of its own so that several
 * hosts (tests) in one process never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SolverPoolStats } from '../solver/solver-pool.js';

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type TickOutcome = 'committed' | 'idle' | 'rejected' | 'failed';

export class DispatchMetrics {
  readonly registry = new Registry();
  readonly ticks: Counter<'city' | 'outcome'>;
  readonly ticksSkipped: Counter<'city'>;
  readonly tickDuration: Histogram<'city'>;
  readonly snapshotDuration: Histogram<'city'>;
  readonly solveDuration: Histogram<'city'>;
  readonly commitDuration: Histogram<'city'>;
  readonly commits: Counter<'city'>;
  readonly partialCommits: Counter<'city'>;
  readonly droppedOrders: Counter<'city'>;
  readonly assignments: Counter<'city'>;
  readonly estimatesUsed: Counter<'city' | 'kind'>;
  readonly rejections: Counter<'city' | 'reason'>;
  readonly ingested: Counter<'city' | 'kind'>;
  readonly orderEvents: Counter<'city' | 'event' | 'result'>;
  readonly citiesGivenUp: Counter<'city'>;
  readonly durableAppendFailures: Counter<'city'>;
  readonly decisionLogConflicts: Counter<'city'>;
  readonly certificateFailures: Counter<'city'>;
  readonly solveStarts: Counter<'city' | 'start'>;
  readonly decisionsPublished: Counter<'city'>;
  readonly publishFailures: Counter<'city'>;

  constructor(
    sources: {
      leasesHeld?: () => number;
      poolStats?: () => SolverPoolStats;
      notDurable?: () => Map<string, number>;
      publishLag?: () => Map<string, number>;
    } = {},
    options: { defaultMetrics?: boolean } = {},
  ) {
    const registers = [this.registry];
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    this.ticks = new Counter({ name: 'dispatchd_ticks_total', help: 'Dispatch cycles run, by outcome', labelNames: ['city', 'outcome'], registers });
    this.ticksSkipped = new Counter({
      name: 'dispatchd_ticks_skipped_total',
      help: 'Ticks skipped because the previous one was still running',
      labelNames: ['city'],
      registers,
    });
    const histogram = (name: string, help: string) => new Histogram({ name, help, labelNames: ['city'], buckets: DURATION_BUCKETS, registers });
    this.tickDuration = histogram('dispatchd_tick_duration_seconds', 'One dispatch cycle: snapshot, solve, commit');
    this.snapshotDuration = histogram('dispatchd_snapshot_duration_seconds', 'Reading the city snapshot from the state store');
    this.solveDuration = histogram('dispatchd_solve_duration_seconds', 'Solving in the worker pool, queueing included');
    this.commitDuration = histogram('dispatchd_commit_duration_seconds', 'The fenced commit, durable log write included');
    this.estimatesUsed = new Counter({
      name: 'dispatchd_estimates_used_total',
      help: "The city's live estimates a dispatch used: kind ready (an order's ready time), pair (a courier × pickup price)",
      labelNames: ['city', 'kind'],
      registers,
    });
    this.commits = new Counter({ name: 'dispatchd_commits_total', help: 'Decisions committed', labelNames: ['city'], registers });
    this.partialCommits = new Counter({
      name: 'dispatchd_partial_commits_total',
      help: 'Decisions committed without some of their pickups (an order or courier changed since the snapshot)',
      labelNames: ['city'],
      registers,
    });
    this.droppedOrders = new Counter({
      name: 'dispatchd_dropped_orders_total',
      help: 'Orders a partial commit left to the next tick with their pickups',
      labelNames: ['city'],
      registers,
    });
    this.assignments = new Counter({ name: 'dispatchd_assignments_total', help: 'Offers made by committed decisions', labelNames: ['city'], registers });
    this.rejections = new Counter({
      name: 'dispatchd_commit_rejections_total',
      help: 'Commits refused, by reason (stale_token, conflict, lease_lapsed, fence_missing)',
      labelNames: ['city', 'reason'],
      registers,
    });
    this.ingested = new Counter({
      name: 'dispatchd_ingested_total',
      help: 'Couriers, orders, estimates and feature events (taken, not ignored) received through the API',
      labelNames: ['city', 'kind'],
      registers,
    });
    this.orderEvents = new Counter({
      name: 'dispatchd_order_events_total',
      help: 'Accept, decline, picked-up, delivered and cancel events of orders, and pickup_accept, pickup_decline, pickup_picked_up of pickups, by result',
      labelNames: ['city', 'event', 'result'],
      registers,
    });
    this.citiesGivenUp = new Counter({
      name: 'dispatchd_cities_given_up_total',
      help: 'Leases released because the state store failed its checks',
      labelNames: ['city'],
      registers,
    });
    this.durableAppendFailures = new Counter({
      name: 'dispatchd_durable_append_failures_total',
      help: 'Committed decisions whose durable log append failed (they wait in the outbox)',
      labelNames: ['city'],
      registers,
    });
    this.decisionLogConflicts = new Counter({
      name: 'dispatchd_decision_log_conflicts_total',
      help: 'Committed decisions refused by the log because it holds another decision at their version (alert)',
      labelNames: ['city'],
      registers,
    });
    this.certificateFailures = new Counter({
      name: 'dispatchd_certificate_failures_total',
      help: "Solves whose dual certificate did not check: their decision was not committed (alert: the solver's answer is wrong)",
      labelNames: ['city'],
      registers,
    });
    this.solveStarts = new Counter({
      name: 'dispatchd_solve_starts_total',
      help: "Dispatch solves by start: warm (from the city's previous solve on this host) or cold",
      labelNames: ['city', 'start'],
      registers,
    });
    this.decisionsPublished = new Counter({
      name: 'dispatchd_decisions_published_total',
      help: 'Durable decisions stored by the broker through this host (one per city and version)',
      labelNames: ['city'],
      registers,
    });
    this.publishFailures = new Counter({
      name: 'dispatchd_decision_publish_failures_total',
      help: 'Attempts to deliver durable decisions to the broker that failed (retried with backoff)',
      labelNames: ['city'],
      registers,
    });
    new Gauge({
      name: 'dispatchd_decisions_publish_lag',
      help: 'Versions durable but not yet on the broker, per city this host relays',
      labelNames: ['city'],
      registers,
      collect() {
        this.reset();
        for (const [city, lag] of sources.publishLag?.() ?? []) this.set({ city }, lag);
      },
    });
    new Gauge({
      name: 'dispatchd_decisions_not_durable',
      help: 'Committed decisions waiting to be recorded in the durable log',
      labelNames: ['city'],
      registers,
      collect() {
        this.reset();
        for (const [city, waiting] of sources.notDurable?.() ?? []) this.set({ city }, waiting);
      },
    });
    new Gauge({
      name: 'dispatchd_leases_held',
      help: 'City leases this host holds',
      registers,
      collect() {
        this.set(sources.leasesHeld?.() ?? 0);
      },
    });
    const poolGauge = (name: string, help: string, pick: (s: SolverPoolStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const stats = sources.poolStats?.();
          this.set(stats ? pick(stats) : 0);
        },
      });
    poolGauge('dispatchd_pool_queue', 'Solves waiting for a free worker', (s) => s.queued);
    poolGauge('dispatchd_pool_pending', 'Solves submitted and not settled', (s) => s.pending);
    poolGauge('dispatchd_pool_threads', 'Solver worker threads', (s) => s.threads);
    poolGauge(
      'dispatchd_pool_busy_seconds',
      'Time the solver workers spent solving, summed over workers (its rate / threads is their busy share)',
      (s) => s.busyMs / 1000,
    );
  }
}
