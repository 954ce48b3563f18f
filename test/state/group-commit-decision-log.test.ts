import { describe, expect, it } from 'vitest';
import { DecisionVersionConflictError, type DecisionLog } from '../../src/state/decision-log.js';
import { GroupCommitDecisionLog } from '../../src/state/group-commit-decision-log.js';
import { MemoryDecisionLog } from '../../src/state/memory-decision-log.js';
import { committedDecision } from '../support/decisions.js';

/** A log whose appends wait until released, recording what each carried; `failWith` fails the next one. */
function gatedLog() {
  const log = new MemoryDecisionLog();
  const calls: string[][] = [];
  const gates: (() => void)[] = [];
  let failWith: Error | undefined;
  const gated: DecisionLog & { calls: string[][]; release(): void; fail(error: Error): void } = {
    calls,
    release: () => gates.shift()?.(),
    fail: (error) => (failWith = error),
    async append(decisions) {
      calls.push(decisions.map((d) => `${d.city}@${d.version}`));
      await new Promise<void>((resolve) => gates.push(resolve));
      const error = failWith;
      failWith = undefined;
      if (error) throw error;
      return log.append(decisions);
    },
    recordedVersions: (city, from, to) => log.recordedVersions(city, from, to),
    lastVersion: (city) => log.lastVersion(city),
    read: (city, after, limit) => log.read(city, after, limit),
  };
  return gated;
}

const settled = (promise: Promise<void>) =>
  promise.then(
    () => 'recorded',
    (error: unknown) => error,
  );
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommitDecisionLog', () => {
  it('sends an append at once, and the appends that arrive while it is in flight together as one', async () => {
    const log = gatedLog();
    const grouped = new GroupCommitDecisionLog(log);
    const first = grouped.append([committedDecision('a', 1)]);
    await tick();
    expect(log.calls).toEqual([['a@1']]);
    const rest = [
      grouped.append([committedDecision('b', 1)]),
      grouped.append([committedDecision('c', 1), committedDecision('c', 2)]),
      grouped.append([committedDecision('a', 2)]),
    ];
    await tick();
    expect(log.calls).toHaveLength(1);
    log.release();
    await first;
    await tick();
    expect(log.calls).toEqual([['a@1'], ['b@1', 'c@1', 'c@2', 'a@2']]);
    log.release();
    await Promise.all(rest);
    expect(await grouped.read('c', 0, 10)).toEqual([committedDecision('c', 1), committedDecision('c', 2)]);
    expect(await grouped.lastVersion('a')).toBe(2);
  });

  it('rejects only the callers whose own decisions conflict; the others of the group are recorded', async () => {
    const log = gatedLog();
    const grouped = new GroupCommitDecisionLog(log);
    const first = grouped.append([committedDecision('a', 1)]);
    const mine = settled(grouped.append([committedDecision('a', 1, { token: 9 }), committedDecision('a', 2)]));
    const other = settled(grouped.append([committedDecision('b', 1)]));
    log.release();
    await first;
    await tick();
    log.release();
    const error = await mine;
    expect(error).toBeInstanceOf(DecisionVersionConflictError);
    expect((error as DecisionVersionConflictError).conflicts).toEqual([{ city: 'a', version: 1 }]);
    expect(await other).toBe('recorded');
    expect(await grouped.recordedVersions('a', 1, 2)).toEqual([1, 2]);
    expect(await grouped.lastVersion('b')).toBe(1);
  });

  it('rejects every caller of a group the log failed, and sends the next append on its own', async () => {
    const log = gatedLog();
    const grouped = new GroupCommitDecisionLog(log);
    const first = grouped.append([committedDecision('a', 1)]);
    const group = [settled(grouped.append([committedDecision('b', 1)])), settled(grouped.append([committedDecision('c', 1)]))];
    log.release();
    await first;
    await tick();
    log.fail(new Error('connection lost'));
    log.release();
    expect((await Promise.all(group)).map((e) => (e as Error).message)).toEqual(['connection lost', 'connection lost']);
    const retry = grouped.append([committedDecision('b', 1)]);
    await tick();
    expect(log.calls.at(-1)).toEqual(['b@1']);
    log.release();
    await retry;
    expect(await grouped.lastVersion('c')).toBe(0);
    expect(await grouped.lastVersion('b')).toBe(1);
  });

  it('fails a malformed decision in its own caller without holding up the group', async () => {
    const log = gatedLog();
    const grouped = new GroupCommitDecisionLog(log);
    const first = grouped.append([committedDecision('a', 1)]);
    await expect(grouped.append([committedDecision('b', 0)])).rejects.toThrow(RangeError);
    const good = grouped.append([committedDecision('b', 1)]);
    log.release();
    await first;
    await tick();
    expect(log.calls).toEqual([['a@1'], ['b@1']]);
    log.release();
    await good;
  });
});
