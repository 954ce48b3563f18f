import { describe, expect, it } from 'vitest';
import { DecisionOutbox } from '../../src/coordination/decision-outbox.js';
import type { CommittedDecision } from '../../src/state/decision.js';
import { MemoryDecisionLog } from '../../src/state/memory-decision-log.js';
import { committedDecision } from '../support/decisions.js';

const decision = (city: string, version: number, token = 3) => committedDecision(city, version, { token });

describe('DecisionOutbox', () => {
  it('keeps decisions until the log records them, oldest first, and drops one whose version holds another decision', async () => {
    const log = new MemoryDecisionLog();
    let down = true;
    const failing = Object.assign(Object.create(log) as MemoryDecisionLog, {
      append: (d: readonly CommittedDecision[]) => (down ? Promise.reject(new Error('down')) : log.append(d)),
    });
    const landed: number[] = [];
    const conflicts: number[] = [];
    const outbox = new DecisionOutbox({
      log: failing,
      intervalMs: 1_000,
      onLanded: (d) => landed.push(d.version),
      onConflict: (d) => conflicts.push(d.version),
    });
    outbox.add(decision('bcn', 3), new Error('down'));
    outbox.add(decision('bcn', 2), new Error('down'));
    outbox.add(decision('mad', 1), new Error('down'));
    expect(await outbox.flush('bcn')).toBe(false);
    expect(outbox.waitingByCities()).toEqual(
      new Map([
        ['bcn', 2],
        ['mad', 1],
      ]),
    );

    down = false;
    await log.append([decision('mad', 1, 7)]); // another holder's decision took version 1 of mad
    expect(await outbox.flush()).toBe(true);
    expect(landed).toEqual([2, 3]);
    expect(conflicts).toEqual([1]);
    expect(outbox.waiting()).toBe(0);
    expect((await log.read('bcn', 0, 10)).map((d) => d.version)).toEqual([2, 3]);
    expect((await log.read('mad', 0, 10))[0].token).toBe(7);
  });
});
