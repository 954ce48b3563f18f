import type { CommittedDecision } from './decision.js';
import { assertCommittedDecision, DecisionVersionConflictError, WrappedDecisionLog } from './decision-log.js';

interface Waiting {
  decisions: readonly CommittedDecision[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit of the durable log: appends that arrive while one is in flight wait for it and
 * then go to the log together, as one append (for MySQL one INSERT and one read-back for every
 * city of the host instead of two round trips per city-tick). An append with nothing in flight
 * goes at once, so an idle host waits for nothing. Each caller's promise settles as its own
 * append would have: resolved once its decisions are recorded, rejected with the conflicts among
 * its own decisions only, or with the log's error when the grouped append failed.
 */
export class GroupCommitDecisionLog extends WrappedDecisionLog {
  private waiting: Waiting[] = [];
  private flushing = false;

  append(decisions: readonly CommittedDecision[]): Promise<void> {
    return new Promise((resolve, reject) => {
      // A malformed decision fails its own caller, not the group it would have joined.
      decisions.forEach(assertCommittedDecision);
      this.waiting.push({ decisions, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.waiting.length > 0) {
      const group = this.waiting;
      this.waiting = [];
      try {
        await this.log.append(group.flatMap((w) => w.decisions));
        for (const w of group) w.resolve();
      } catch (error) {
        for (const w of group) settle(w, error);
      }
    }
    this.flushing = false;
  }
}

/** A caller of a failed group: only the conflicts among its own decisions reject it. */
function settle(caller: Waiting, error: unknown): void {
  if (!(error instanceof DecisionVersionConflictError)) return caller.reject(error);
  const mine = error.conflicts.filter((c) => caller.decisions.some((d) => d.city === c.city && d.version === c.version));
  if (mine.length > 0) caller.reject(new DecisionVersionConflictError(mine));
  else caller.resolve();
}
