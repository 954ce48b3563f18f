/**
 * The dispatch loop: for every city this host leases, one cycle (dispatchCity) every tick of the
 * city's interval. A tick that finds the previous cycle still running is skipped, never queued,
 * so a slow solve delays nothing but its own city. Lease renewal and HTTP never wait behind a
 * cycle: the solve runs in the worker pool and the rest is I/O.
 *
 * The LeaseKeeper drives it: cityAcquired() from onAcquired, cityLost() from onLost / onReleased.
 * Every tick also asks the keeper for the lease, so a city whose lease has lapsed on the local
 * clock stops at its next tick even before the keeper notices.
 *
 * A city's configuration is read with its lease and again once per `configRefreshMs` (the
 * keeper's renewal interval), not at every tick: a host with many cities on 1 s ticks would
 * otherwise read MySQL once per city per second. A change made through this host applies at once
 * (cityChanged); one made through another host within a refresh interval.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { CityConfig } from '../coordination/city-config.js';
import type { Lease } from '../coordination/lease.js';
import type { EventLog } from '../coordination/lease-keeper.js';
import { dispatchCity, type CityWarmState, type DispatchContext, type DispatchOutcome } from './dispatch-city.js';

export interface LeaseSource {
  lease(city: string): Lease | undefined;
  leases(): Lease[];
}

export interface DispatchLoopOptions extends DispatchContext {
  keeper: LeaseSource;
  /** Called with every cycle's outcome (the publish step: the map page, logs). */
  onOutcome?: (outcome: DispatchOutcome) => void;
  onError?: (city: string, error: unknown) => void;
  /** A line per cycle: committed or rejected (info), nothing to assign (debug), with city, token and version. */
  log?: EventLog;
  /** How long a city's configuration is used before it is read again. */
  configRefreshMs: number;
}

/** The city's lease is not held by this host. */
export class NotLeasedError extends Error {
  constructor(readonly city: string) {
    super(`this host does not hold the lease of city ${city}`);
    this.name = 'NotLeasedError';
  }
}

interface CityRun {
  timer: NodeJS.Timeout | undefined;
  tickMs: number;
  inFlight: Promise<DispatchOutcome> | undefined;
  config: CityConfig;
  /** performance.now() when config was read. */
  configReadAt: number;
  /** The city's last solve, which the next one starts from; it goes with the run when the lease does. */
  warm: CityWarmState;
}

export class DispatchLoop {
  private readonly runs = new Map<string, CityRun>();
  private readonly latestOutcomes = new Map<string, DispatchOutcome>();
  private readonly latestCommits = new Map<string, DispatchOutcome>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(private readonly options: DispatchLoopOptions) {
    // Every solve in flight listens on the one shutdown signal: a host solving many cities has more than the default 10.
    setMaxListeners(0, this.abort.signal);
  }

  /** Starts ticking the city (idempotent); the first tick comes one interval from now. */
  async cityAcquired(city: string): Promise<void> {
    if (this.closed || this.runs.has(city)) return;
    const config = await this.options.stores.leases.getCity(city);
    if (!config || this.closed || this.runs.has(city)) return;
    const run: CityRun = { timer: undefined, tickMs: config.tickMs, inFlight: undefined, config, configReadAt: performance.now(), warm: {} };
    this.runs.set(city, run);
    this.schedule(city, run);
  }

  /** The city's configuration changed through this host: the next cycle uses it. */
  cityChanged(config: CityConfig): void {
    const run = this.runs.get(config.id);
    if (run) Object.assign(run, { config, configReadAt: performance.now() });
  }

  /** Stops ticking the city; a cycle in flight finishes, and its commit is refused if the lease is gone. */
  cityLost(city: string): void {
    const run = this.runs.get(city);
    if (!run) return;
    clearInterval(run.timer);
    this.runs.delete(city);
  }

  /** Cities being ticked. */
  cities(): string[] {
    return [...this.runs.keys()];
  }

  /** The outcome of the city's latest cycle on this host. */
  latest(city: string): DispatchOutcome | undefined {
    return this.latestOutcomes.get(city);
  }

  /** The outcome of the city's latest committed cycle on this host. */
  latestCommitted(city: string): DispatchOutcome | undefined {
    return this.latestCommits.get(city);
  }

  /**
   * One cycle now (POST /dispatch): waits for a cycle in flight, then runs its own; the ticks
   * skip while it runs. Throws NotLeasedError when this host does not hold the city.
   */
  async dispatchNow(city: string): Promise<DispatchOutcome> {
    const run = this.runs.get(city);
    for (;;) {
      const inFlight = run?.inFlight;
      if (!inFlight) break;
      await inFlight.catch(() => undefined);
    }
    return this.cycle(city, run);
  }

  /**
   * Stops every timer and waits for cycles in flight; those still running after `graceMs` are
   * abandoned (their solves aborted). Nothing is committed after close() resolves.
   */
  async close({ graceMs = 5_000 }: { graceMs?: number } = {}): Promise<void> {
    this.closed = true;
    const inFlight: Promise<unknown>[] = [];
    for (const [city, run] of this.runs) {
      clearInterval(run.timer);
      if (run.inFlight) inFlight.push(run.inFlight.catch(() => undefined));
      this.runs.delete(city);
    }
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.abort.abort(new Error('host shutting down'));
        resolve();
      }, graceMs);
    });
    await Promise.race([Promise.all(inFlight), grace]);
    clearTimeout(timer);
    await Promise.all(inFlight);
  }

  private schedule(city: string, run: CityRun): void {
    clearInterval(run.timer);
    run.timer = setInterval(() => this.tick(city, run), run.tickMs);
    run.timer.unref?.();
  }

  private tick(city: string, run: CityRun): void {
    if (this.runs.get(city) !== run) return;
    if (run.inFlight) {
      this.options.metrics?.ticksSkipped.inc({ city });
      return;
    }
    if (!this.options.keeper.lease(city)) {
      this.cityLost(city);
      return;
    }
    this.cycle(city, run).catch(() => undefined);
  }

  private cycle(city: string, run: CityRun | undefined): Promise<DispatchOutcome> {
    const promise = this.runCycle(city, run);
    if (run) {
      run.inFlight = promise;
      const clear = () => {
        if (run.inFlight === promise) run.inFlight = undefined;
      };
      promise.then(clear, clear);
    }
    return promise;
  }

  private logOutcome(o: DispatchOutcome): void {
    const log = this.options.log;
    const fields = { city: o.city, token: o.token, version: o.version };
    if (o.committed) {
      log?.info(
        {
          event: 'dispatch_committed',
          ...fields,
          durable: o.durable,
          assignments: o.assignments.length,
          unassigned: o.unassigned.length,
          ms: o.timings.total_ms,
        },
        `dispatch of ${o.city} committed version ${o.version} (token ${o.token}): ${o.assignments.length} offers`,
      );
    } else if (o.reason === 'certificate_failed') {
      log?.error(
        { event: 'certificate_failed', ...fields, objective: o.objective, error: o.certificateError },
        `dispatch of ${o.city}: the solve's certificate did not check, nothing committed: ${o.certificateError}`,
      );
    } else if (o.reason === 'nothing_to_assign') {
      log?.debug({ event: 'dispatch_idle', ...fields }, `dispatch of ${o.city}: nothing to assign`);
    } else {
      log?.info({ event: 'dispatch_rejected', ...fields, reason: o.reason }, `dispatch of ${o.city} rejected (token ${o.token}): ${o.reason}`);
    }
  }

  private async runCycle(city: string, run: CityRun | undefined): Promise<DispatchOutcome> {
    const metrics = this.options.metrics;
    const lease = this.options.keeper.lease(city);
    if (!lease) throw new NotLeasedError(city);
    try {
      const config = await this.configOf(city, run);
      if (!config) throw new NotLeasedError(city);
      if (run && config.tickMs !== run.tickMs) {
        run.tickMs = config.tickMs;
        this.schedule(city, run);
      }
      const outcome = await dispatchCity(this.options, lease, config satisfies CityConfig, { signal: this.abort.signal, warm: run?.warm });
      metrics?.ticks.inc({ city, outcome: outcome.committed ? 'committed' : outcome.reason === 'nothing_to_assign' ? 'idle' : 'rejected' });
      this.logOutcome(outcome);
      this.latestOutcomes.set(city, outcome);
      if (outcome.committed) this.latestCommits.set(city, outcome);
      this.options.onOutcome?.(outcome);
      return outcome;
    } catch (error) {
      metrics?.ticks.inc({ city, outcome: 'failed' });
      this.options.onError?.(city, error);
      throw error;
    }
  }

  /** The run's configuration while it is fresh; read again once it is older than configRefreshMs. */
  private async configOf(city: string, run: CityRun | undefined): Promise<CityConfig | undefined> {
    if (run && performance.now() - run.configReadAt < this.options.configRefreshMs) return run.config;
    const config = await this.options.stores.leases.getCity(city);
    if (run && config) Object.assign(run, { config, configReadAt: performance.now() });
    return config;
  }
}
