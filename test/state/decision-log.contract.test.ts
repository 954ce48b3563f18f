import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommittedDecision } from '../../src/state/decision.js';
import { DecisionVersionConflictError, type DecisionLog } from '../../src/state/decision-log.js';
import { DECISION_LOGS } from './support/decision-logs.js';
import { committedDecision } from '../support/decisions.js';

const decision = (city: string, version: number, fields: Partial<CommittedDecision> = {}) => committedDecision(city, version, { token: 3, ...fields });

describe.each(DECISION_LOGS)('DecisionLog contract: $name', ({ create }) => {
  let log: DecisionLog;
  let close: () => Promise<void>;
  // Each test uses its own city, so one database serves the file.
  beforeAll(async () => ({ log, close } = await create()));
  afterAll(() => close());

  it('records decisions and reads them back in version order', async () => {
    await log.append([decision('a', 2), decision('a', 1), decision('b', 1)]);
    expect(await log.read('a', 0, 10)).toEqual([decision('a', 1), decision('a', 2)]);
    expect(await log.read('a', 1, 10)).toEqual([decision('a', 2)]);
    expect(await log.read('a', 0, 1)).toEqual([decision('a', 1)]);
    expect(await log.lastVersion('a')).toBe(2);
    expect(await log.lastVersion('never')).toBe(0);
  });

  it('is idempotent per (city, version): an identical repeat is a success', async () => {
    await log.append([decision('idem', 1)]);
    await log.append([decision('idem', 1), decision('idem', 2)]);
    expect(await log.read('idem', 0, 10)).toEqual([decision('idem', 1), decision('idem', 2)]);
  });

  it('refuses a different decision at a recorded version, keeping the record and the rest of the batch', async () => {
    await log.append([decision('reuse', 1), decision('reuse', 2)]);
    const others: Partial<CommittedDecision>[] = [
      { token: 9 },
      { holder: 'host-b/boot-1' },
      { committedAt: 1 },
      { assignments: [{ order: 'o-1', courier: 'c-other' }] },
      { objective: 1 },
      { objective: null },
      { certificate: 'none' },
    ];
    for (const other of others) {
      const error = await log.append([decision('reuse', 1, other), decision('reuse', 3)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecisionVersionConflictError);
      expect((error as DecisionVersionConflictError).conflicts).toEqual([{ city: 'reuse', version: 1 }]);
    }
    // The repeat alone, and after a new decision in its batch.
    for (const batch of [[decision('reuse', 2, { token: 9 })], [decision('reuse', 4), decision('reuse', 2, { token: 9 })]]) {
      const error = await log.append(batch).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecisionVersionConflictError);
      expect((error as DecisionVersionConflictError).conflicts).toEqual([{ city: 'reuse', version: 2 }]);
    }
    expect(await log.read('reuse', 0, 10)).toEqual([decision('reuse', 1), decision('reuse', 2), decision('reuse', 3), decision('reuse', 4)]);
  });

  it('keeps what an auditor needs: the objective (or null) and the certificate', async () => {
    const recorded = [decision('audit', 1), decision('audit', 2, { objective: null, certificate: 'none' }), decision('audit', 3, { objective: 0 })];
    await log.append(recorded);
    expect(await log.read('audit', 0, 10)).toEqual(recorded);
    for (const bad of [{ objective: -1 }, { objective: 1.5 }, { certificate: 'maybe' as never }]) {
      await expect(log.append([decision('audit', 4, bad)])).rejects.toThrow(/objective|certificate/);
    }
    expect(await log.lastVersion('audit')).toBe(3);
  });

  it('lists the recorded versions of a range, so gaps can be filled', async () => {
    await log.append([1, 2, 4, 7].map((v) => decision('gaps', v)));
    expect(await log.recordedVersions('gaps', 2, 6)).toEqual([2, 4]);
    expect(await log.recordedVersions('gaps', 8, 9)).toEqual([]);
  });

  it('keeps large decisions and large batches intact', async () => {
    const assignments = Array.from({ length: 4_000 }, (_, i) => ({ order: `order-${i}`, courier: `courier-${i}` }));
    const batch = Array.from({ length: 30 }, (_, i) => decision('big', i + 1, { assignments }));
    await log.append(batch);
    expect(await log.recordedVersions('big', 1, 30)).toHaveLength(30);
    expect((await log.read('big', 29, 1))[0]).toEqual(batch[29]);
  });

  it('rejects malformed input', async () => {
    await expect(log.append([decision('bad', 0)])).rejects.toThrow(/version/);
    await expect(log.append([decision('bad', 1, { token: 0 })])).rejects.toThrow(/token/);
    await expect(log.append([decision('b{a}d', 1)])).rejects.toThrow(/city id/);
    await expect(log.recordedVersions('bad', 5, 2)).rejects.toThrow(/range/);
    await expect(log.read('bad', 0, 0)).rejects.toThrow(/limit/);
    expect(await log.lastVersion('bad')).toBe(0);
  });
});
