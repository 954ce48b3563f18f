import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planLeases, type FairSharePolicy } from '../../src/coordination/fair-share.js';
import { holderName, type Holder } from '../../src/coordination/holder.js';
import type { Census } from '../../src/coordination/lease-store.js';

const host = (i: number): Holder => ({ hostId: `host-${i}`, bootId: 'boot' });
const POLICY: FairSharePolicy = { slack: 1, graceMs: 2 };

/** A model fleet: each step, every live host runs a renewal round (shedding) then an acquisition round. */
class Fleet {
  private time = 0;
  readonly hosts: Holder[] = [];
  /** Per city: its holder, or since when it has been free. */
  readonly leases = new Map<string, { holder: Holder | null; freeSince: number }>();

  constructor(cities: number) {
    for (let i = 0; i < cities; i += 1) this.leases.set(`city-${i}`, { holder: null, freeSince: -Infinity });
  }

  census(): Census {
    return {
      liveHosts: [...this.hosts],
      leases: [...this.leases].map(([city, l]) => ({
        city,
        enabled: true,
        token: 0,
        holder: l.holder,
        unheldForMs: l.holder ? 0 : this.time - l.freeSince,
      })),
    };
  }

  counts(): number[] {
    return this.hosts.map((h) => this.citiesOf(h).length);
  }

  citiesOf(h: Holder): string[] {
    return [...this.leases].filter(([, l]) => l.holder && holderName(l.holder) === holderName(h)).map(([city]) => city);
  }

  free(city: string): void {
    this.leases.set(city, { holder: null, freeSince: this.time });
  }

  /** Runs steps until nothing changes for a few steps; returns how many it took. */
  settle(maxSteps = 60): number {
    let quiet = 0;
    for (let step = 1; step <= maxSteps; step += 1) {
      const before = JSON.stringify([...this.leases].map(([, l]) => l.holder));
      for (const h of this.hosts) {
        const { shed } = planLeases(this.census(), h, POLICY);
        if (shed > 0)
          this.citiesOf(h)
            .slice(-shed)
            .forEach((city) => this.free(city));
        for (const city of planLeases(this.census(), h, POLICY).acquire) {
          if (this.leases.get(city)!.holder === null) this.leases.set(city, { holder: h, freeSince: 0 });
        }
      }
      this.time += 1;
      quiet = JSON.stringify([...this.leases].map(([, l]) => l.holder)) === before ? quiet + 1 : 0;
      if (quiet === POLICY.graceMs + 2) return step;
    }
    throw new Error(`no steady state after ${maxSteps} steps: ${this.counts().join(',')}`);
  }
}

function expectBalanced(fleet: Fleet, cities: number): void {
  const counts = fleet.counts();
  expect(counts.reduce((a, b) => a + b, 0)).toBe(cities);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  expect(Math.max(...counts)).toBe(Math.ceil(cities / fleet.hosts.length));
}

describe('fair share', () => {
  it('gives a lone host every city', () => {
    const census: Census = {
      liveHosts: [host(0)],
      leases: ['a', 'b', 'c'].map((city) => ({ city, enabled: true, token: 0, holder: null, unheldForMs: Infinity })),
    };
    expect(planLeases(census, host(0), POLICY)).toMatchObject({ share: 3, cap: 4, held: 0, shed: 0, acquire: expect.arrayContaining(['a', 'b', 'c']) });
  });

  it('hands half of its lead over when a host joins, and the joiner alone takes the handed-over cities', () => {
    const leases = Array.from({ length: 10 }, (_, i) => ({ city: `c${i}`, enabled: true, token: 1, holder: host(0), unheldForMs: 0 }));
    const joined: Census = { liveHosts: [host(0), host(1)], leases };
    expect(planLeases(joined, host(0), POLICY)).toMatchObject({ share: 5, held: 10, shed: 5 });

    const handedOver = leases.map((l, i) => (i < 5 ? { ...l, holder: null, token: 2, unheldForMs: 0 } : l));
    const after: Census = { liveHosts: [host(0), host(1)], leases: handedOver };
    expect(planLeases(after, host(0), POLICY).acquire).toEqual([]);
    expect(planLeases(after, host(1), POLICY).acquire).toHaveLength(5);
  });

  it('lets hosts above their share take cities free for the grace period, up to share + slack', () => {
    const held = (i: number, by: number) => ({ city: `c${i}`, enabled: true, token: 1, holder: host(by), unheldForMs: 0 });
    const free = (i: number, unheldForMs: number) => ({ city: `c${i}`, enabled: true, token: 2, holder: null, unheldForMs });
    // Host 2 counts as live but took nothing (e.g. it just died): its cities are free.
    const census = (unheldForMs: number): Census => ({
      liveHosts: [host(0), host(1), host(2)],
      leases: [held(0, 0), held(1, 0), held(2, 1), held(3, 1), free(4, unheldForMs), free(5, unheldForMs)],
    });
    expect(planLeases(census(0), host(0), POLICY).acquire).toEqual([]);
    expect(planLeases(census(POLICY.graceMs), host(0), POLICY).acquire).toHaveLength(1);
  });

  it('releases disabled cities', () => {
    const census: Census = {
      liveHosts: [host(0)],
      leases: [{ city: 'off', enabled: false, token: 3, holder: host(0), unheldForMs: 0 }],
    };
    expect(planLeases(census, host(0), POLICY)).toMatchObject({ share: 0, disabled: ['off'], acquire: [] });
  });

  it('rejects a bad policy', () => {
    const census: Census = { liveHosts: [], leases: [] };
    expect(() => planLeases(census, host(0), { slack: -1, graceMs: 0 })).toThrow(/slack/);
    expect(() => planLeases(census, host(0), { slack: 1, graceMs: Number.NaN })).toThrow(/graceMs/);
  });

  it('converges, from any history of hosts joining, leaving and dying, to every city held and shares within one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.oneof(fc.constant('join' as const), fc.constant('leave' as const), fc.constant('die' as const)), {
          minLength: 1,
          maxLength: 8,
        }),
        (cities, events) => {
          const fleet = new Fleet(cities);
          let next = 0;
          fleet.hosts.push(host(next++));
          fleet.settle();
          expectBalanced(fleet, cities);
          for (const event of events) {
            if (event === 'join') {
              const joiner = host(next++);
              fleet.hosts.push(joiner);
              fleet.settle();
              if (cities >= fleet.hosts.length) expect(fleet.citiesOf(joiner).length).toBeGreaterThan(0);
            } else if (fleet.hosts.length > 1) {
              // Leaving releases at once; dying frees the cities too (after expiry, which this model skips).
              const gone = fleet.hosts.splice(event === 'leave' ? 0 : fleet.hosts.length - 1, 1)[0];
              fleet.citiesOf(gone).forEach((city) => fleet.free(city));
              fleet.settle();
            }
            expectBalanced(fleet, cities);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
