import type { CommittedDecision } from './decision.js';
import { DecisionVersionConflictError, WrappedDecisionLog } from './decision-log.js';

/**
 * Told the highest version of a city that one append has just recorded, and the decisions of the
 * city it recorded as given, ascending by version (a conflicting one, whose record differs, left out).
 */
export type AppendListener = (city: string, version: number, recorded: readonly CommittedDecision[]) => void;

/**
 * The durable log, telling listeners after each append which cities it recorded decisions of:
 * everything this host makes durable (a commit, the outbox catching up, the copy at takeover)
 * goes through append, so followers of a city wake at once instead of polling the log.
 */
export class ObservedDecisionLog extends WrappedDecisionLog {
  private readonly listeners = new Set<AppendListener>();

  /** Calls `listener` after every append; returns the function that stops it. */
  onAppended(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async append(decisions: readonly CommittedDecision[]): Promise<void> {
    try {
      await this.log.append(decisions);
    } catch (error) {
      // A conflict still recorded every other decision of the call (the DecisionLog contract).
      if (error instanceof DecisionVersionConflictError) {
        this.tell(decisions, (d) => !error.conflicts.some((c) => c.city === d.city && c.version === d.version));
      }
      throw error;
    }
    this.tell(decisions, () => true);
  }

  private tell(decisions: readonly CommittedDecision[], asGiven: (d: CommittedDecision) => boolean): void {
    const highest = new Map<string, number>();
    const recorded = new Map<string, CommittedDecision[]>();
    for (const d of decisions) {
      highest.set(d.city, Math.max(d.version, highest.get(d.city) ?? 0));
      if (!recorded.has(d.city)) recorded.set(d.city, []);
      if (asGiven(d)) recorded.get(d.city)!.push(d);
    }
    for (const [city, version] of highest) {
      const ofCity = recorded.get(city)!.sort((a, b) => a.version - b.version);
      for (const listener of this.listeners) listener(city, version, ofCity);
    }
  }
}
