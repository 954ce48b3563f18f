/**
 * Decisions the state store has committed but the durable log has not recorded yet, because
 * the append failed (MySQL cut or stalled). They are appended again, oldest first, every
 * interval (the lease renewal interval), backing off exponentially while the log keeps failing,
 * until they land. Nothing here is acknowledged as durable: the dispatch reply said
 * `durable: false`, and a city with decisions waiting commits nothing new until they land
 * (dispatchCity), so the log never has a gap behind a durable version.
 */
import type { CommittedDecision } from '../state/decision.js';
import { DecisionVersionConflictError, type DecisionLog } from '../state/decision-log.js';

/** Longest wait between two catch-up attempts while the log keeps failing. */
export const OUTBOX_MAX_BACKOFF_MS = 30_000;

export interface DecisionOutboxOptions {
  log: DecisionLog;
  /** Time between catch-up attempts while the log answers; doubled after each failure. */
  intervalMs: number;
  maxBackoffMs?: number;
  /** A decision starts waiting (its append failed). */
  onWaiting?: (decision: CommittedDecision, error: unknown) => void;
  /** A waiting decision is recorded at last. */
  onLanded?: (decision: CommittedDecision) => void;
  /** The log holds a different decision at this version: this one can never land and is dropped. */
  onConflict?: (decision: CommittedDecision, error: DecisionVersionConflictError) => void;
  /** A catch-up attempt failed; the decisions keep waiting. */
  onRetryFailed?: (error: unknown) => void;
}

export class DecisionOutbox {
  private readonly waitingByCity = new Map<string, CommittedDecision[]>();
  private readonly maxBackoffMs: number;
  private timer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private flushing: Promise<boolean> = Promise.resolve(true);

  constructor(private readonly options: DecisionOutboxOptions) {
    this.maxBackoffMs = options.maxBackoffMs ?? OUTBOX_MAX_BACKOFF_MS;
    this.delayMs = options.intervalMs;
  }

  /** Keeps a committed decision whose durable append failed with `error`. */
  add(decision: CommittedDecision, error: unknown): void {
    const list = this.waitingByCity.get(decision.city) ?? [];
    list.push(decision);
    list.sort((a, b) => a.version - b.version);
    this.waitingByCity.set(decision.city, list);
    this.options.onWaiting?.(decision, error);
  }

  /** Decisions waiting, for one city or all. */
  waiting(city?: string): number {
    if (city !== undefined) return this.waitingByCity.get(city)?.length ?? 0;
    let total = 0;
    for (const list of this.waitingByCity.values()) total += list.length;
    return total;
  }

  /** Decisions waiting per city (only cities with some). */
  waitingByCities(): Map<string, number> {
    return new Map([...this.waitingByCity].map(([city, list]) => [city, list.length]));
  }

  /**
   * Appends what waits (one city's, or every city's) now; true when nothing of it waits any more.
   * Attempts are serialised: a flush never runs beside another.
   */
  flush(city?: string): Promise<boolean> {
    const run = this.flushing.then(() => this.appendWaiting(city));
    this.flushing = run.catch(() => false);
    return run;
  }

  /** Starts the catch-up attempts. */
  start(): void {
    if (this.timer) return;
    this.schedule();
  }

  /** Stops the catch-up attempts; what still waits stays (a last flush() may follow). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(async () => {
      const landed = this.waiting() === 0 || (await this.flush());
      this.delayMs = landed ? this.options.intervalMs : Math.min(this.delayMs * 2, this.maxBackoffMs);
      if (this.timer) this.schedule();
    }, this.delayMs);
    this.timer.unref?.();
  }

  private async appendWaiting(city: string | undefined): Promise<boolean> {
    const cities = city === undefined ? [...this.waitingByCity.keys()] : [city];
    const batch = cities.flatMap((c) => this.waitingByCity.get(c) ?? []);
    if (batch.length === 0) return true;
    let conflict: DecisionVersionConflictError | undefined;
    try {
      await this.options.log.append(batch);
    } catch (error) {
      if (!(error instanceof DecisionVersionConflictError)) {
        this.options.onRetryFailed?.(error);
        return false;
      }
      // Every other decision of the batch was recorded (the DecisionLog contract).
      conflict = error;
    }
    for (const d of batch) {
      const rest = this.waitingByCity.get(d.city)!.filter((w) => w !== d);
      if (rest.length === 0) this.waitingByCity.delete(d.city);
      else this.waitingByCity.set(d.city, rest);
      if (conflict?.conflicts.some((c) => c.city === d.city && c.version === d.version)) this.options.onConflict?.(d, conflict);
      else this.options.onLanded?.(d);
    }
    return true;
  }
}
