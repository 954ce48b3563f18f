/**
 * Feeds the DecisionPublisher from the durable log for the cities this host leases: every
 * durable decision, in version order, from where the broker's stream stands. The broker's last
 * version per city is the only cursor, read again after any failure, so a restart of the host
 * or an outage of the broker resumes exactly there: nothing acknowledged is lost, nothing is
 * published twice. A city's relay starts when its lease is acquired (after the takeover has
 * copied the stream into the log) and stops when it is lost; the next holder takes over from
 * the broker's cursor, and racing publishers are kept in order by the publisher itself.
 *
 * The decisions this host has just made durable come with the watch's wake-up: while they follow
 * the broker's cursor without a gap they are published as they are, so a city-tick costs no read
 * of the log (for MySQL, a query and the JSON of every assignment); the log is read after a
 * gap, a restart or a failure, and only up to the last durable version known.
 */
import type { CommittedDecision } from '../state/decision.js';
import type { DecisionLog } from '../state/decision-log.js';
import type { DecisionPublisher } from '../state/decision-publisher.js';
import type { DecisionWatch } from './decision-watch.js';

/** Decisions read from the log and handed to the publisher at once. */
const RELAY_BATCH = 100;
/** Longest wait between two attempts while the broker keeps failing. */
export const RELAY_MAX_BACKOFF_MS = 30_000;

export interface DecisionRelayOptions {
  log: DecisionLog;
  publisher: DecisionPublisher;
  watch: DecisionWatch;
  /** The message body of a decision. */
  encode(decision: CommittedDecision): string;
  /** Wait before retrying after a failure; doubled after each further failure. */
  retryMs: number;
  maxBackoffMs?: number;
  /** `count` decisions were stored by the broker through this host; the city's last version is `version`. */
  onPublished?: (city: string, count: number, version: number) => void;
  /** An attempt failed; it is retried after the backoff. */
  onFailed?: (city: string, error: unknown) => void;
}

interface CityRelay {
  stopWatching: () => void;
  /** The broker's last version of the city as last seen (undefined: never asked yet). */
  published: number | undefined;
  /** Whether `published` must be asked of the broker again before publishing (after a failure). */
  stale: boolean;
  /** The highest durable version known. */
  durable: number;
  /** Decisions this host recorded after `published`, ascending, as told by the watch (at most RELAY_BATCH). */
  told: CommittedDecision[];
  running: Promise<void> | undefined;
  again: boolean;
  retry: NodeJS.Timeout | undefined;
  delayMs: number;
}

export class DecisionRelay {
  private readonly cities = new Map<string, CityRelay>();
  private closed = false;

  constructor(private readonly options: DecisionRelayOptions) {}

  /** Starts relaying the city (idempotent) and catches up with the log now. */
  cityAcquired(city: string): void {
    if (this.closed || this.cities.has(city)) return;
    const run: CityRelay = {
      stopWatching: () => undefined,
      published: undefined,
      stale: true,
      durable: 0,
      told: [],
      running: undefined,
      again: false,
      retry: undefined,
      delayMs: this.options.retryMs,
    };
    this.cities.set(city, run);
    run.stopWatching = this.options.watch.follow(city, (version, recorded) => {
      run.durable = Math.max(run.durable, version);
      // Past the bound (a broker down for long) the log is read instead.
      for (const d of recorded) if (run.told.length < RELAY_BATCH && d.version > (run.told.at(-1)?.version ?? 0)) run.told.push(d);
      this.drain(city, run);
    });
    this.drain(city, run);
  }

  /** Stops relaying the city; a publish in flight finishes. */
  cityLost(city: string): void {
    const run = this.cities.get(city);
    if (!run) return;
    this.cities.delete(city);
    run.stopWatching();
    clearTimeout(run.retry);
  }

  /** Versions durable but not yet on the broker, per relayed city whose broker position is known. */
  lag(): Map<string, number> {
    const lag = new Map<string, number>();
    for (const [city, run] of this.cities) if (run.published !== undefined) lag.set(city, Math.max(0, run.durable - run.published));
    return lag;
  }

  /** Stops relaying and closes the publisher (which ends a publish in flight). */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.cities.values()].map((run) => run.running);
    for (const city of [...this.cities.keys()]) this.cityLost(city);
    await this.options.publisher.close();
    await Promise.all(running);
  }

  /** Catches the city up; while an attempt runs, a request for another is folded into one rerun. */
  private drain(city: string, run: CityRelay): void {
    if (run.running) {
      run.again = true;
      return;
    }
    clearTimeout(run.retry);
    run.running = (async () => {
      do {
        run.again = false;
        try {
          await this.catchUp(city, run);
          run.delayMs = this.options.retryMs;
        } catch (error) {
          run.stale = true;
          if (this.cities.get(city) !== run) return;
          this.options.onFailed?.(city, error);
          run.retry = setTimeout(() => this.drain(city, run), run.delayMs);
          run.retry.unref?.();
          run.delayMs = Math.min(run.delayMs * 2, this.options.maxBackoffMs ?? RELAY_MAX_BACKOFF_MS);
          return;
        }
      } while (run.again && this.cities.get(city) === run);
    })().finally(() => (run.running = undefined));
  }

  private async catchUp(city: string, run: CityRelay): Promise<void> {
    const { log, publisher, encode } = this.options;
    if (run.stale || run.published === undefined) {
      // Known before the broker answers, so lag() is right while the broker is down.
      run.durable = Math.max(run.durable, await log.lastVersion(city));
      run.published = await publisher.lastPublished(city);
      run.stale = false;
    }
    while (this.cities.get(city) === run && run.published < run.durable) {
      const batch = this.toldBatch(run) ?? (await log.read(city, run.published, RELAY_BATCH));
      if (batch.length === 0) return;
      run.durable = Math.max(run.durable, batch.at(-1)!.version);
      const before = run.published;
      const { last, stored } = await publisher.publish(
        city,
        batch.map((d) => ({ version: d.version, data: encode(d) })),
      );
      if (last <= before) throw new Error(`the broker took none of ${city} versions ${batch[0].version}-${batch.at(-1)!.version} after ${before}`);
      run.published = last;
      if (stored > 0) this.options.onPublished?.(city, stored, last);
    }
  }

  /** The told decisions that follow the broker's cursor without a gap, taken; undefined when there are none. */
  private toldBatch(run: CityRelay): CommittedDecision[] | undefined {
    const published = run.published ?? 0;
    run.told = run.told.filter((d) => d.version > published);
    let n = 0;
    while (n < run.told.length && run.told[n].version === published + n + 1) n++;
    return n === 0 ? undefined : run.told.splice(0, n);
  }
}
