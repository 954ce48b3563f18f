import { Version } from '../domain/limits.js';
import { numberRule } from '../domain/schema-rules.js';
import { assertCityId } from './city-id.js';
import { assertDecisionAudit, assertHolderName, assertToken, type CommittedDecision } from './decision.js';

/** The durable record of committed decisions, keyed by (city, version); MySQL in production. */
export interface DecisionLog {
  /**
   * Records decisions. Appending one that is already recorded, identical, is a success (retries
   * and the copy at takeover are safe); a (city, version) already recorded with other content
   * throws DecisionVersionConflictError after every other decision of the call is recorded.
   */
  append(decisions: readonly CommittedDecision[]): Promise<void>;
  /** The versions recorded for the city between `from` and `to`, inclusive, ascending. */
  recordedVersions(city: string, from: number, to: number): Promise<number[]>;
  /** The highest version recorded for the city, 0 when none. */
  lastVersion(city: string): Promise<number>;
  /** Up to `limit` decisions with version > `afterVersion`, ascending. */
  read(city: string, afterVersion: number, limit: number): Promise<CommittedDecision[]>;
}

/** A log that changes how appends are made (grouped, observed) and reads through to the log it wraps. */
export abstract class WrappedDecisionLog implements DecisionLog {
  constructor(protected readonly log: DecisionLog) {}

  abstract append(decisions: readonly CommittedDecision[]): Promise<void>;

  recordedVersions(city: string, from: number, to: number): Promise<number[]> {
    return this.log.recordedVersions(city, from, to);
  }

  lastVersion(city: string): Promise<number> {
    return this.log.lastVersion(city);
  }

  read(city: string, afterVersion: number, limit: number): Promise<CommittedDecision[]> {
    return this.log.read(city, afterVersion, limit);
  }
}

const VERSION = numberRule(Version);

export function assertCommittedDecision(d: CommittedDecision): void {
  assertCityId(d.city);
  assertToken(d.token);
  assertHolderName(d.holder);
  if (!Number.isSafeInteger(d.version) || d.version < 1) throw new RangeError(`decision version must be ≥ 1, got ${d.version}`);
  if (!Number.isSafeInteger(d.committedAt)) throw new RangeError(`committedAt must be epoch ms, got ${d.committedAt}`);
  assertDecisionAudit(d);
}

export function assertVersionRange(from: number, to: number): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
    throw new RangeError(`invalid version range [${from}, ${to}]`);
  }
}

export function assertReadWindow(afterVersion: number, limit: number): void {
  if (!VERSION.accepts(afterVersion)) throw new RangeError(`afterVersion ${VERSION.reason}, got ${afterVersion}`);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
}

/** Two different decisions claim one (city, version): a safety alarm, never silently ignored. */
export class DecisionVersionConflictError extends Error {
  constructor(readonly conflicts: readonly { city: string; version: number }[]) {
    super(`decision log already holds different decisions at ${conflicts.map((c) => `${c.city} version ${c.version}`).join(', ')}`);
    this.name = 'DecisionVersionConflictError';
  }
}

/** Whether two records of one (city, version) are the same decision. */
export function sameDecision(a: CommittedDecision, b: CommittedDecision): boolean {
  return (
    a.token === b.token &&
    a.holder === b.holder &&
    a.committedAt === b.committedAt &&
    a.objective === b.objective &&
    a.certificate === b.certificate &&
    a.assignments.length === b.assignments.length &&
    a.assignments.every((x, i) => x.order === b.assignments[i].order && x.courier === b.assignments[i].courier)
  );
}
