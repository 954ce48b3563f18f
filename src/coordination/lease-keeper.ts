import type { BaseLogger } from 'pino';
import { planLeases, type FairSharePolicy } from './fair-share.js';
import { assertHolder, type Holder } from './holder.js';
import { Lease, monotonicNow, type MonotonicClock } from './lease.js';
import type { LeaseStore } from './lease-store.js';

/** Where lease and dispatch events are logged (the host's JSON logger). */
export type EventLog = Pick<BaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

/** Defaults in the spirit of Kubernetes leases: 15 s duration, renew every 5 s, retry every 2 s. */
export const DEFAULT_LEASE_TIMING = Object.freeze({ ttlMs: 15_000, renewIntervalMs: 5_000, acquireIntervalMs: 2_000 });
export const DEFAULT_SLACK = 1;
/**
 * Consecutive failed state-store checks (one per renewal round) after which a host gives its
 * cities up: it cannot dispatch them, and renewing would keep everyone else off them.
 */
export const DEFAULT_UNHEALTHY_ROUNDS = 2;

export interface LeaseKeeperOptions {
  store: LeaseStore;
  holder: Holder;
  ttlMs?: number;
  renewIntervalMs?: number;
  acquireIntervalMs?: number;
  /** Cities above the fair share a host may pick up when nobody else did (see planLeases). */
  slack?: number;
  clock?: MonotonicClock;
  /**
   * Prepares a newly acquired city before the lease is exposed (fence the old holder, copy
   * decisions to the durable log). If it throws, the city is released again.
   */
  onAcquired?: (lease: Lease) => Promise<void>;
  /** After a release: `token` is the bumped token, which fences the previous holder (this one). */
  onReleased?: (city: string, token: number) => Promise<void>;
  /** A lease ended without a release: lapsed on the local clock, or renewal refused. */
  onLost?: (city: string) => void;
  /**
   * Checks the store the cities are dispatched from (the city state), once per renewal round;
   * must settle in bounded time. Throwing counts as a failed check.
   */
  stateCheck?: () => Promise<unknown>;
  /** Consecutive failed checks before giving every city up (default DEFAULT_UNHEALTHY_ROUNDS). */
  unhealthyRounds?: number;
  /** A city released because the state store failed its checks (before the release itself). */
  onGivenUp?: (city: string, error: unknown) => void;
  onError?: (error: unknown) => void;
  /** Lease acquired, lost and released lines, with city and token. */
  log?: EventLog;
}

/**
 * Keeps this host's share of city leases: heartbeats and renews every renew interval (handing
 * cities over when the host holds more than its share), acquires every acquisition interval.
 * Rounds never overlap. The dispatch loop asks lease(city) and checks isValid() before each tick
 * and again right before committing.
 *
 * While the state store fails `unhealthyRounds` checks in a row the host cannot dispatch: it
 * releases every city (bumping the tokens, so others take them at their next acquisition round),
 * stops counting as live, and acquires nothing until a check passes again.
 */
export class LeaseKeeper {
  private readonly store: LeaseStore;
  private readonly holder: Holder;
  private readonly ttlMs: number;
  private readonly renewIntervalMs: number;
  private readonly acquireIntervalMs: number;
  private readonly slack: number;
  private readonly unhealthyRounds: number;
  private failedChecks = 0;
  private readonly clock: MonotonicClock;
  private readonly options: LeaseKeeperOptions;
  private readonly held = new Map<string, Lease>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private rounds: Promise<void> = Promise.resolve();
  private running = false;

  constructor(options: LeaseKeeperOptions) {
    assertHolder(options.holder);
    this.options = options;
    this.store = options.store;
    this.holder = options.holder;
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TIMING.ttlMs;
    this.renewIntervalMs = options.renewIntervalMs ?? DEFAULT_LEASE_TIMING.renewIntervalMs;
    this.acquireIntervalMs = options.acquireIntervalMs ?? DEFAULT_LEASE_TIMING.acquireIntervalMs;
    this.slack = options.slack ?? DEFAULT_SLACK;
    this.unhealthyRounds = options.unhealthyRounds ?? DEFAULT_UNHEALTHY_ROUNDS;
    if (!Number.isSafeInteger(this.unhealthyRounds) || this.unhealthyRounds < 1) {
      throw new RangeError(`unhealthyRounds must be a positive integer, got ${this.unhealthyRounds}`);
    }
    this.clock = options.clock ?? monotonicNow;
    assertTiming(this.ttlMs, this.renewIntervalMs, this.acquireIntervalMs);
  }

  /** Announces the host, takes a first share of cities, then keeps renewing and acquiring. */
  async start(): Promise<void> {
    if (this.running) throw new Error('lease keeper already started');
    this.running = true;
    await this.serialise(async () => {
      await this.store.heartbeat(this.holder);
      await this.acquireRound();
    });
    this.every(this.renewIntervalMs, () => this.renewRound());
    this.every(this.acquireIntervalMs, () => this.acquireRound());
  }

  /**
   * Stops the rounds. With `release` (the default, graceful shutdown) every lease is released —
   * bumping its token — and the host stops counting as live; without it the leases simply expire.
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.serialise(async () => {
      if (release) {
        await Promise.all([...this.held.values()].map((lease) => this.release(lease, 'shutdown')));
        await this.store.forgetHost(this.holder);
      } else {
        for (const lease of this.held.values()) lease.end();
        this.held.clear();
      }
    });
  }

  /** The city's lease while it is valid on this host's clock. */
  lease(city: string): Lease | undefined {
    const lease = this.held.get(city);
    return lease?.isValid() ? lease : undefined;
  }

  leases(): Lease[] {
    return [...this.held.values()].filter((l) => l.isValid());
  }

  private every(intervalMs: number, round: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.serialise(round).finally(() => {
        if (this.running) this.every(intervalMs, round);
      });
    }, intervalMs);
    this.timers.add(timer);
  }

  private serialise(round: () => Promise<void>): Promise<void> {
    const next = this.rounds.then(round).catch((error: unknown) => this.reportError(error));
    this.rounds = next;
    return next;
  }

  /** The state store has failed its last `unhealthyRounds` checks. */
  private get unhealthy(): boolean {
    return this.failedChecks >= this.unhealthyRounds;
  }

  // A host counts as live while its last heartbeat is within one lease TTL.
  private async renewRound(): Promise<void> {
    // The check runs beside the renewals so that a slow check never delays them.
    const [checkError] = await Promise.all([this.checkState(), this.renewAll()]);
    if (checkError === undefined) {
      const recovered = this.unhealthy;
      this.failedChecks = 0;
      // Live again at once; the next acquisition round takes a share.
      if (recovered) await this.store.heartbeat(this.holder);
    } else if (++this.failedChecks === this.unhealthyRounds) {
      await this.giveUp(checkError);
      return;
    }
    if (this.unhealthy) return;
    const plan = planLeases(await this.store.census(this.ttlMs), this.holder, this.policy());
    const disabled = [...this.held.values()].filter((l) => plan.disabled.includes(l.city));
    // Shed the most recently acquired first: their state is the least warmed up.
    const shed = [...this.held.values()]
      .filter((l) => !plan.disabled.includes(l.city))
      .reverse()
      .slice(0, plan.shed);
    await Promise.all([...disabled.map((lease) => this.release(lease, 'city disabled')), ...shed.map((lease) => this.release(lease, 'above the fair share'))]);
  }

  /** Resolves with the check's error, or undefined when it passed (or there is none). */
  private async checkState(): Promise<unknown> {
    try {
      await this.options.stateCheck?.();
      return undefined;
    } catch (error) {
      return error ?? new Error('state store check failed');
    }
  }

  private async renewAll(): Promise<void> {
    if (this.unhealthy) return; // nothing held, and not live: a heartbeat would draw cities here
    // Heartbeat before renewing: a host stops counting as live no later than its leases expire.
    // A failed heartbeat must not stop the renewals, which drop leases that have lapsed.
    await this.store.heartbeat(this.holder).catch((error: unknown) => this.reportError(error));
    await Promise.all([...this.held.values()].map((lease) => this.renew(lease)));
  }

  /** Releases every city and stops counting as live, so that the others take the cities at once. */
  private async giveUp(error: unknown): Promise<void> {
    const leases = [...this.held.values()];
    for (const lease of leases) this.options.onGivenUp?.(lease.city, error);
    await Promise.all(leases.map((lease) => this.release(lease, 'state store unhealthy')));
    await this.store.forgetHost(this.holder).catch((e: unknown) => this.reportError(e));
  }

  private async acquireRound(): Promise<void> {
    if (this.unhealthy) return;
    const plan = planLeases(await this.store.census(this.ttlMs), this.holder, this.policy());
    for (const city of plan.acquire) {
      if (!this.running) return;
      if (this.held.has(city)) continue;
      const requestedAt = this.clock();
      const token = await this.store.acquire(city, this.holder, this.ttlMs);
      if (token === null) continue;
      const lease = new Lease(city, token, this.ttlMs, requestedAt, this.clock);
      this.options.log?.info({ event: 'lease_acquired', city, token }, `lease of ${city} acquired with token ${token}`);
      try {
        await this.options.onAcquired?.(lease);
      } catch (error) {
        this.reportError(error);
        await this.release(lease, 'takeover failed');
        continue;
      }
      this.held.set(city, lease);
    }
  }

  private async renew(lease: Lease): Promise<void> {
    const requestedAt = this.clock();
    let renewed = false;
    try {
      renewed = lease.isValid() && (await this.store.renew(lease.city, this.holder, lease.token, this.ttlMs));
    } catch (error) {
      // Unreachable store: keep the lease until it lapses on the local clock.
      this.reportError(error);
      if (lease.isValid()) return;
    }
    if (renewed && lease.renewed(requestedAt)) return;
    const reason = renewed ? 'renewed too late' : lease.isValid() ? 'renewal refused' : 'lapsed';
    this.options.log?.warn(
      { event: 'lease_lost', city: lease.city, token: lease.token, reason },
      `lease of ${lease.city} (token ${lease.token}) lost: ${reason}`,
    );
    lease.end();
    this.held.delete(lease.city);
    this.options.onLost?.(lease.city);
  }

  /** Ends the lease locally first, so the dispatch loop stops before the token moves on. */
  private async release(lease: Lease, reason: string): Promise<void> {
    lease.end();
    this.held.delete(lease.city);
    try {
      const token = await this.store.release(lease.city, this.holder, lease.token);
      this.options.log?.info(
        { event: 'lease_released', city: lease.city, token: lease.token, next_token: token, reason },
        `lease of ${lease.city} (token ${lease.token}) released: ${reason}`,
      );
      if (token !== null) await this.options.onReleased?.(lease.city, token);
    } catch (error) {
      this.reportError(error);
    }
  }

  /** Hosts below their share look for free cities every acquisition interval; others wait two before taking one. */
  private policy(): FairSharePolicy {
    return { slack: this.slack, graceMs: 2 * this.acquireIntervalMs };
  }

  private reportError(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else console.error('lease keeper:', error);
  }
}

function assertTiming(ttlMs: number, renewIntervalMs: number, acquireIntervalMs: number): void {
  for (const [name, value] of Object.entries({ ttlMs, renewIntervalMs, acquireIntervalMs })) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer of ms, got ${value}`);
  }
  // Two renewal attempts must fit in a TTL, or one slow round loses every lease.
  if (renewIntervalMs * 2 > ttlMs) {
    throw new RangeError(`renewIntervalMs (${renewIntervalMs}) must be at most half of ttlMs (${ttlMs})`);
  }
}
