import { describe, expect, it } from 'vitest';
import { Lease } from '../../src/coordination/lease.js';

describe('Lease (the holder’s view)', () => {
  const clockAt = (start: number) => {
    const clock = { now: start, read: () => clock.now };
    return clock;
  };

  it('is valid for the TTL counted from when the request was sent', () => {
    const clock = clockAt(1_000);
    const lease = new Lease('bcn', 4, 15_000, 900, clock.read);
    expect(lease.isValid()).toBe(true);
    expect(lease.remainingMs()).toBe(14_900);
    clock.now = 15_899;
    expect(lease.isValid()).toBe(true);
    clock.now = 15_900;
    expect(lease.isValid()).toBe(false);
    expect(lease.remainingMs()).toBe(0);
  });

  it('is extended by a renewal sent while valid', () => {
    const clock = clockAt(0);
    const lease = new Lease('bcn', 4, 15_000, 0, clock.read);
    clock.now = 5_000;
    expect(lease.renewed(4_990)).toBe(true);
    clock.now = 19_000;
    expect(lease.isValid()).toBe(true);
    expect(lease.remainingMs()).toBe(990);
  });

  it('stays invalid once lapsed, whatever a later renewal says', () => {
    const clock = clockAt(0);
    const lease = new Lease('bcn', 4, 1_000, 0, clock.read);
    clock.now = 1_000;
    expect(lease.isValid()).toBe(false);
    clock.now = 500; // even if the clock could go back, a lapsed lease stays lapsed
    expect(lease.renewed(400)).toBe(false);
    expect(lease.isValid()).toBe(false);
  });

  it('ends at once when released or lost', () => {
    const lease = new Lease('bcn', 4, 15_000, 0, () => 0);
    lease.end();
    expect(lease.isValid()).toBe(false);
  });
});
