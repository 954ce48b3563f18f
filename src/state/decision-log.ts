import { Version } from '../domain/limits.js';
import { numberRule } from '../domain/snapshot-schema.js';
import { assertCityId } from './city-id.js';
import { assertHolderName, assertToken, type CommittedDecision } from './decision.js';

/** The durable record of committed decisions, keyed by (city, version); MySQL in production. */
export interface DecisionLog {
  /** Records decisions; a (city, version) already recorded is left as it is, so retries are safe. */
  append(decisions: readonly CommittedDecision[]): Promise<void>;
  /** The versions recorded for the city between `from` and `to`, inclusive, ascending. */
  recordedVersions(city: string, from: number, to: number): Promise<number[]>;
  /** The highest version recorded for the city, 0 when none. */
  lastVersion(city: string): Promise<number>;
  /** Up to `limit` decisions with version > `afterVersion`, ascending. */
  read(city: string, afterVersion: number, limit: number): Promise<CommittedDecision[]>;
}

const VERSION = numberRule(Version);

export function assertCommittedDecision(d: CommittedDecision): void {
  assertCityId(d.city);
  assertToken(d.token);
  assertHolderName(d.holder);
  if (!Number.isSafeInteger(d.version) || d.version < 1) throw new RangeError(`decision version must be ≥ 1, got ${d.version}`);
  if (!Number.isSafeInteger(d.committedAt)) throw new RangeError(`committedAt must be epoch ms, got ${d.committedAt}`);
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
