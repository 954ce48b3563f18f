import { assertCityId } from './city-id.js';
import type { CommittedDecision } from './decision.js';
import { decisionOf, recordOf, type RecordedDecision } from './recorded-decision.js';
import { assertCommittedDecision, assertReadWindow, assertVersionRange, DecisionVersionConflictError, sameDecision, type DecisionLog } from './decision-log.js';

/** A city's decisions by version, with the versions in ascending order beside them. */
interface CityLog {
  byVersion: Map<number, RecordedDecision>;
  versions: number[];
}

/** The index of the first of the ascending `versions` above `version`. */
function firstAbove(versions: readonly number[], version: number): number {
  let low = 0;
  let high = versions.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (versions[mid] <= version) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The embedded decision log: kept for the life of the process. Versions come mostly in order, so
 * each city keeps them sorted as they come and a read finds its window by binary search instead
 * of sorting the city's whole history.
 */
export class MemoryDecisionLog implements DecisionLog {
  private readonly byCity = new Map<string, CityLog>();

  async append(decisions: readonly CommittedDecision[]): Promise<void> {
    decisions.forEach(assertCommittedDecision);
    const conflicts: { city: string; version: number }[] = [];
    for (const d of decisions) {
      const city = this.city(d.city);
      const recorded = city.byVersion.get(d.version);
      if (!recorded) {
        city.byVersion.set(d.version, recordOf(d));
        city.versions.splice(firstAbove(city.versions, d.version), 0, d.version);
      } else if (!sameDecision(decisionOf(recorded), d)) conflicts.push({ city: d.city, version: d.version });
    }
    if (conflicts.length > 0) throw new DecisionVersionConflictError(conflicts);
  }

  async recordedVersions(city: string, from: number, to: number): Promise<number[]> {
    assertVersionRange(from, to);
    const { versions } = this.city(city);
    return versions.slice(firstAbove(versions, from - 1), firstAbove(versions, to));
  }

  async lastVersion(city: string): Promise<number> {
    return this.city(city).versions.at(-1) ?? 0;
  }

  async read(city: string, afterVersion: number, limit: number): Promise<CommittedDecision[]> {
    assertReadWindow(afterVersion, limit);
    const { byVersion, versions } = this.city(city);
    const from = firstAbove(versions, afterVersion);
    return versions.slice(from, from + limit).map((v) => decisionOf(byVersion.get(v)!));
  }

  private city(city: string): CityLog {
    assertCityId(city);
    let log = this.byCity.get(city);
    if (!log) this.byCity.set(city, (log = { byVersion: new Map(), versions: [] }));
    return log;
  }
}
