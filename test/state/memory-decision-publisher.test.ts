/** The embedded publisher's retention: a city's newest messages only, its cursor never lost. */
import { describe, expect, it } from 'vitest';
import { MemoryDecisionPublisher } from '../../src/state/memory-decision-publisher.js';

const messages = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ version: from + i, data: `{"v":${from + i}}` }));

describe('MemoryDecisionPublisher retention', () => {
  it('keeps each city its newest messages, and still refuses what it has dropped', async () => {
    const publisher = new MemoryDecisionPublisher(10);
    for (let v = 1; v <= 250; v += 7) await publisher.publish('bcn', messages(v, Math.min(v + 6, 250)));
    await publisher.publish('mad', messages(1, 3));
    expect(publisher.messages('bcn').map((m) => m.version)).toEqual(messages(241, 250).map((m) => m.version));
    expect(publisher.messages('mad').map((m) => m.id)).toEqual(['mad:1', 'mad:2', 'mad:3']);
    expect(await publisher.lastPublished('bcn')).toBe(250);
    expect(await publisher.publish('bcn', messages(1, 250))).toEqual({ last: 250, stored: 0 });
    expect(await publisher.publish('bcn', messages(250, 251))).toEqual({ last: 251, stored: 1 });
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const keep of [0, -1, 1.5, Number.NaN]) expect(() => new MemoryDecisionPublisher(keep)).toThrow(/keepPerCity/);
  });
});
