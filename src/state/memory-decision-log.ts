import { assertCityId } from './city-id.js';
import type { CommittedDecision } from './decision.js';
import { decisionOf, recordOf, type RecordedDecision } from './recorded-decision.js';
import { assertCommittedDecision, assertReadWindow, assertVersionRange, DecisionVersionConflictError, sameDecision, type DecisionLog } from './decision-log.js';

/** The embedded decision log: kept for the life of the process. */
export class MemoryDecisionLog implements DecisionLog {
  private readonly byCity = new Map<string, Map<number, RecordedDecision>>();

  async append(decisions: readonly CommittedDecision[]): Promise<void> {
    decisions.forEach(assertCommittedDecision);
    const conflicts: { city: string; version: number }[] = [];
    for (const d of decisions) {
      const city = this.city(d.city);
      const recorded = city.get(d.version);
      if (!recorded) city.set(d.version, recordOf(d));
      else if (!sameDecision(decisionOf(recorded), d)) conflicts.push({ city: d.city, version: d.version });
    }
    if (conflicts.length > 0) throw new DecisionVersionConflictError(conflicts);
  }

  async recordedVersions(city: string, from: number, to: number): Promise<number[]> {
    assertVersionRange(from, to);
    return this.sortedVersions(city).filter((v) => v >= from && v <= to);
  }

  async lastVersion(city: string): Promise<number> {
    return this.sortedVersions(city).at(-1) ?? 0;
  }

  async read(city: string, afterVersion: number, limit: number): Promise<CommittedDecision[]> {
    assertReadWindow(afterVersion, limit);
    const decisions = this.city(city);
    return this.sortedVersions(city)
      .filter((v) => v > afterVersion)
      .slice(0, limit)
      .map((v) => decisionOf(decisions.get(v)!));
  }

  private sortedVersions(city: string): number[] {
    return [...this.city(city).keys()].sort((a, b) => a - b);
  }

  private city(city: string): Map<number, RecordedDecision> {
    assertCityId(city);
    let decisions = this.byCity.get(city);
    if (!decisions) this.byCity.set(city, (decisions = new Map()));
    return decisions;
  }
}
