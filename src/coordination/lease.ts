import { performance } from 'node:perf_hooks';

/** Milliseconds from an arbitrary origin that never jump (performance.now). */
export type MonotonicClock = () => number;
export const monotonicNow: MonotonicClock = () => performance.now();

/**
 * A city lease as its holder sees it. Validity is judged on the holder's own monotonic clock,
 * counted from when the acquire or renew request was *sent* — never later than the database set
 * the expiry — so the holder stops before the database could hand the city to someone else.
 * Once invalid it stays invalid, whatever the database says later: a lapsed holder re-acquires
 * (with a new token) instead of resuming.
 */
export class Lease {
  private validUntil: number;
  private ended = false;

  constructor(
    readonly city: string,
    readonly token: number,
    private readonly ttlMs: number,
    requestedAt: number,
    private readonly clock: MonotonicClock = monotonicNow,
  ) {
    this.validUntil = requestedAt + ttlMs;
  }

  isValid(): boolean {
    if (!this.ended && this.clock() >= this.validUntil) this.ended = true;
    return !this.ended;
  }

  /** Milliseconds left on the local clock; 0 once invalid. */
  remainingMs(): number {
    return this.isValid() ? this.validUntil - this.clock() : 0;
  }

  /** Records a successful renewal sent at `requestedAt`; false (and no effect) if the lease has already lapsed. */
  renewed(requestedAt: number): boolean {
    if (!this.isValid()) return false;
    this.validUntil = Math.max(this.validUntil, requestedAt + this.ttlMs);
    return true;
  }

  /** Ends the lease now (released, lost, or handed over). */
  end(): void {
    this.ended = true;
  }
}
