/**
 * Wakes whoever follows a city's durable decisions (an SSE stream, the publisher's relay) when
 * the log may hold new ones. Decisions this host makes durable are told at once by the log
 * itself (ObservedDecisionLog). Those another host makes durable (a consumer connected to a
 * host that does not hold the city's lease) have no such signal here, so for followed cities
 * leased elsewhere, and only those, the log's last version is read every pollMs: one indexed
 * MAX(version) per such city per interval, shared by every follower of the city on this host.
 */
import type { CommittedDecision } from '../state/decision.js';
import type { ObservedDecisionLog } from '../state/observed-decision-log.js';

/** How often the last version of a followed city leased by another host is read. */
export const FOREIGN_DECISION_POLL_MS = 1_000;

/**
 * Told that the city's log holds decisions up to at least `version`; `recorded` are the decisions
 * this host's append has just recorded (ascending), none when the news came from polling.
 */
export type Wake = (version: number, recorded: readonly CommittedDecision[]) => void;

export interface DecisionWatchOptions {
  log: ObservedDecisionLog;
  /** Whether this host holds the city's lease, so its decisions become durable through this host's log. */
  isLocal(city: string): boolean;
  pollMs?: number;
}

export class DecisionWatch {
  private readonly followers = new Map<string, Set<Wake>>();
  /** The highest version known per followed city (to wake only on news when polling). */
  private readonly known = new Map<string, number>();
  private readonly stopListening: () => void;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly options: DecisionWatchOptions) {
    this.pollMs = options.pollMs ?? FOREIGN_DECISION_POLL_MS;
    this.stopListening = options.log.onAppended((city, version, recorded) => this.advance(city, version, recorded));
  }

  /** Calls `wake` whenever the city's log may have grown; returns the function that stops it. */
  follow(city: string, wake: Wake): () => void {
    let wakes = this.followers.get(city);
    if (!wakes) this.followers.set(city, (wakes = new Set()));
    wakes.add(wake);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.pollMs);
      this.timer.unref?.();
    }
    return () => {
      wakes.delete(wake);
      if (wakes.size > 0 || this.followers.get(city) !== wakes) return;
      this.followers.delete(city);
      this.known.delete(city);
      if (this.followers.size === 0) this.stopPolling();
    };
  }

  close(): void {
    this.stopListening();
    this.followers.clear();
    this.stopPolling();
  }

  private advance(city: string, version: number, recorded: readonly CommittedDecision[]): void {
    const wakes = this.followers.get(city);
    if (!wakes) return;
    this.known.set(city, Math.max(version, this.known.get(city) ?? 0));
    for (const wake of [...wakes]) wake(version, recorded);
  }

  private async poll(): Promise<void> {
    // A poll slower than the interval (a slow log) is not stacked on.
    if (this.polling) return;
    this.polling = true;
    try {
      const foreign = [...this.followers.keys()].filter((city) => !this.options.isLocal(city));
      await Promise.all(
        foreign.map(async (city) => {
          // A log that does not answer is asked again next interval.
          const version = await this.options.log.lastVersion(city).catch(() => undefined);
          if (version !== undefined && version > (this.known.get(city) ?? 0)) this.advance(city, version, []);
        }),
      );
    } finally {
      this.polling = false;
    }
  }

  private stopPolling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
