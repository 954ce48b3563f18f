import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newHolder } from '../../src/coordination/holder.js';
import { LeaseKeeper, type LeaseKeeperOptions } from '../../src/coordination/lease-keeper.js';
import type { LeaseStore } from '../../src/coordination/lease-store.js';
import { LEASE_STORES, type LeaseFixture } from './support/lease-stores.js';
import { waitFor } from './support/wait.js';

/** Short but roomy timings: the machine is shared with other test files. */
const TIMING = { ttlMs: 1_500, renewIntervalMs: 300, acquireIntervalMs: 150 };

describe.each(LEASE_STORES)('LeaseKeeper on $name', ({ create }) => {
  let fixture: LeaseFixture;
  const keepers: LeaseKeeper[] = [];
  const errors: unknown[] = [];

  beforeEach(async () => {
    fixture = await create();
    errors.length = 0;
  });
  afterEach(async () => {
    await Promise.all(keepers.splice(0).map((k) => k.stop({ release: false })));
    await fixture.close();
  });

  const keeper = (options: Partial<LeaseKeeperOptions> & { hostId?: string } = {}) => {
    const k = new LeaseKeeper({
      store: fixture.store,
      holder: newHolder(options.hostId ?? `host-${keepers.length}`),
      onError: (error) => errors.push(error),
      ...TIMING,
      ...options,
    });
    keepers.push(k);
    return k;
  };
  const cities = async (n: number) => {
    for (let i = 0; i < n; i += 1) await fixture.store.putCity({ id: `city-${i}` });
  };
  const held = (k: LeaseKeeper) =>
    k
      .leases()
      .map((l) => l.city)
      .sort();
  const tokens = (k: LeaseKeeper) => new Map(k.leases().map((l) => [l.city, l.token]));

  it('takes every enabled city when alone, and releases a city once it is disabled', async () => {
    await cities(4);
    const a = keeper();
    await a.start();
    expect(held(a)).toEqual(['city-0', 'city-1', 'city-2', 'city-3']);
    expect(a.lease('city-0')?.isValid()).toBe(true);

    await fixture.store.putCity({ id: 'city-2', enabled: false });
    await waitFor('city-2 released', () => !held(a).includes('city-2'));
    expect(await fixture.store.currentToken('city-2')).toBe(2);
    expect(errors).toEqual([]);
  });

  it('hands cities over to a joining host at its next renewals, until shares are even', async () => {
    await cities(7);
    const a = keeper();
    await a.start();
    expect(held(a)).toHaveLength(7);
    const b = keeper();
    await b.start();
    await waitFor('4/3 split', () => held(a).length + held(b).length === 7 && Math.abs(held(a).length - held(b).length) === 1);
    expect(held(a).filter((c) => held(b).includes(c))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('gives a dead host’s cities to the others once its leases expire, with higher tokens', async () => {
    await cities(6);
    const [a, b] = [keeper(), keeper()];
    await a.start();
    await b.start();
    await waitFor('3/3 split', () => held(a).length === 3 && held(b).length === 3);
    const before = tokens(a);
    const died = Date.now();
    await a.stop({ release: false });

    await waitFor('b holds all', () => held(b).length === 6);
    // Nobody may take a city before its lease has expired on the store's clock.
    expect(Date.now() - died).toBeGreaterThanOrEqual(TIMING.ttlMs - TIMING.renewIntervalMs - 100);
    for (const [city, token] of before) expect(b.lease(city)!.token).toBeGreaterThan(token);
  });

  it('releases every lease on graceful stop, bumping the token at once', async () => {
    await cities(4);
    const released: [string, number][] = [];
    const a = keeper({ onReleased: async (city, token) => void released.push([city, token]) });
    await a.start();
    const before = tokens(a);
    await a.stop();

    expect(a.leases()).toEqual([]);
    expect(new Map(released)).toEqual(new Map([...before].map(([city, token]) => [city, token + 1])));
    expect((await fixture.store.census(TIMING.ttlMs)).liveHosts).toEqual([]);
    const b = keeper();
    await b.start();
    // At once: no waiting for expiry.
    expect(held(b)).toHaveLength(4);
  });

  it('never shares a city between two processes started with the same host id', async () => {
    await cities(4);
    const [first, second] = [keeper({ hostId: 'same' }), keeper({ hostId: 'same' })];
    await Promise.all([first.start(), second.start()]);
    await waitFor('2/2 split', () => held(first).length === 2 && held(second).length === 2);
    expect(held(first).filter((c) => held(second).includes(c))).toEqual([]);
  });

  it('stops using its leases when its own clock says the TTL has passed without a renewal', async () => {
    await cities(2);
    let reachable = true;
    const flaky = new Proxy(fixture.store, {
      get(store, name: keyof LeaseStore) {
        const method = store[name] as (...args: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]) => {
          if (!reachable) throw new Error('store unreachable');
          return method.apply(store, args);
        };
      },
    });
    const lost: string[] = [];
    const a = keeper({ store: flaky, onLost: (city) => lost.push(city) });
    await a.start();
    const held = a.leases();
    expect(held.map((l) => l.city).sort()).toEqual(['city-0', 'city-1']);
    reachable = false;
    const cut = performance.now();

    // Every lease was last renewed before the cut, so by the holder's own clock none may be
    // used once the TTL has passed since then, whatever the store would say.
    await waitFor('the TTL passed since the cut', () => performance.now() - cut >= TIMING.ttlMs);
    for (const lease of held) expect(lease.isValid()).toBe(false);
    await waitFor('no lease held', () => a.leases().length === 0);
    await waitFor('reported lost', () => lost.length === 2);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('releases a city whose preparation fails, so another host can take it', async () => {
    await cities(2);
    const a = keeper({
      onAcquired: async (lease) => {
        if (lease.city === 'city-1') throw new Error('cannot fence city-1');
      },
    });
    await a.start();
    expect(held(a)).toEqual(['city-0']);
    expect(await fixture.store.currentToken('city-1')).toBeGreaterThanOrEqual(2);
    expect(errors.map(String)).toContain('Error: cannot fence city-1');
  });

  it('gives its cities up after failed state-store checks, acquires none while unhealthy, and takes a share on recovery', async () => {
    await cities(4);
    let stateDown = false;
    const givenUp: string[] = [];
    const stateCheck = async () => {
      if (stateDown) throw new Error('state store unreachable');
    };
    const lost: string[] = [];
    const a = keeper({ stateCheck, unhealthyRounds: 2, onGivenUp: (city) => givenUp.push(city), onLost: (city) => lost.push(city) });
    await a.start();
    const b = keeper();
    await b.start();
    await waitFor('2/2 split', () => held(a).length === 2 && held(b).length === 2);
    const before = tokens(a);

    stateDown = true;
    await waitFor('a holds nothing', () => held(a).length === 0);
    // Given up and released, not lapsed.
    expect(givenUp.sort()).toEqual([...before.keys()].sort());
    expect(lost).toEqual([]);
    // Released, not lapsed: b takes them at once, with tokens past the release.
    await waitFor('b holds all', () => held(b).length === 4);
    for (const [city, token] of before) expect(b.lease(city)!.token).toBeGreaterThan(token + 1);
    await new Promise((r) => setTimeout(r, 3 * TIMING.renewIntervalMs));
    expect(held(a)).toEqual([]); // nothing acquired while unhealthy

    stateDown = false;
    await waitFor('a takes a share again', () => held(a).length === 2 && held(b).length === 2);
    expect(errors).toEqual([]);
  });

  it('refuses timings that cannot keep a lease', () => {
    expect(() => keeper({ ttlMs: 1_000, renewIntervalMs: 600 })).toThrow(/at most half/);
    expect(() => keeper({ acquireIntervalMs: 0 })).toThrow(/acquireIntervalMs/);
  });
});
