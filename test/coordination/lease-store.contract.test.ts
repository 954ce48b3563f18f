import { fitEtaModel } from '../../src/features/eta-model.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TICK_MS, ShardsFixedError } from '../../src/coordination/city-config.js';
import { MAX_SHARDS } from '../../src/domain/limits.js';
import type { Holder } from '../../src/coordination/holder.js';
import { UnknownCityError, type LeaseStore } from '../../src/coordination/lease-store.js';
import { DEFAULT_BUNDLING, DEFAULT_PARAMS } from '../../src/domain/problem.js';
import { sleep } from '../state/support/state-stores.js';
import { LEASE_STORES, type LeaseFixture } from './support/lease-stores.js';

const A: Holder = { hostId: 'host-a', bootId: 'boot-1' };
const B: Holder = { hostId: 'host-b', bootId: 'boot-1' };
/** Long enough never to expire during a test. */
const HELD = 60_000;

describe.each(LEASE_STORES)('LeaseStore contract: $name', ({ create }) => {
  let fixture: LeaseFixture;
  let store: LeaseStore;
  beforeEach(async () => {
    fixture = await create();
    store = fixture.store;
  });
  afterEach(() => fixture.close());

  describe('cities', () => {
    it('keeps per-city parameters, the spec defaults standing in for unset ones', async () => {
      const stored = await store.putCity({ id: 'bcn', params: { maxPickupS: 900, maxCandidates: 8 }, bundling: { maxBundleSize: 3 }, tickMs: 500 });
      expect(stored).toEqual({
        id: 'bcn',
        enabled: true,
        params: { ...DEFAULT_PARAMS, maxPickupS: 900, maxCandidates: 8 },
        bundling: { ...DEFAULT_BUNDLING, maxBundleSize: 3 },
        tickMs: 500,
        etaModel: null,
        shards: 1,
      });
      expect(await store.getCity('bcn')).toEqual(stored);

      await store.putCity({ id: 'bcn', enabled: false });
      expect(await store.getCity('bcn')).toEqual({
        id: 'bcn',
        enabled: false,
        params: DEFAULT_PARAMS,
        bundling: DEFAULT_BUNDLING,
        tickMs: DEFAULT_TICK_MS,
        etaModel: null,
        shards: 1,
      });
      await store.putCity({ id: 'ams' });
      expect((await store.listCities()).map((c) => c.id)).toEqual(['ams', 'bcn']);
      expect(await store.getCity('nowhere')).toBeUndefined();
    });

    it('changes a city in one step: what a change sets replaces, what it leaves out is kept', async () => {
      expect(await store.changeCity({ id: 'bcn', tickMs: 500 })).toEqual({
        id: 'bcn',
        enabled: true,
        params: DEFAULT_PARAMS,
        bundling: DEFAULT_BUNDLING,
        tickMs: 500,
        etaModel: null,
        shards: 1,
      });
      await store.changeCity({ id: 'bcn', params: { maxPickupS: 900 }, bundling: { maxBundleSize: 3 } });
      // A group replaces the whole group: maxCandidates is back to its default.
      await store.changeCity({ id: 'bcn', enabled: false, params: { maxCandidates: 8 } });
      const changed = {
        id: 'bcn',
        enabled: false,
        params: { ...DEFAULT_PARAMS, maxCandidates: 8 },
        bundling: { ...DEFAULT_BUNDLING, maxBundleSize: 3 },
        tickMs: 500,
        etaModel: null,
        shards: 1,
      };
      expect(await store.getCity('bcn')).toEqual(changed);
      expect(await store.changeCity({ id: 'bcn' })).toEqual(changed);
      await expect(store.changeCity({ id: 'bcn', bundling: { maxBundleSize: 5 } })).rejects.toThrow(/maxBundleSize/);
      expect(await store.getCity('bcn')).toEqual(changed);
    });

    it("keeps a city's ETA model until a change sets another or null, and refuses a malformed one", async () => {
      const model = fitEtaModel([
        { features: { restaurant_running_late: 1 }, quotedPrepS: 600, prepS: 1200 },
        { features: { restaurant_running_late: 0 }, quotedPrepS: 600, prepS: 600 },
      ]);
      expect((await store.putCity({ id: 'bcn', etaModel: model })).etaModel).toEqual(model);
      await store.changeCity({ id: 'bcn', tickMs: 700 });
      expect((await store.getCity('bcn'))!.etaModel).toEqual(model);
      await expect(store.changeCity({ id: 'bcn', etaModel: { ...model, weights: [1] } })).rejects.toThrow(/eta model: weights/);
      expect((await store.getCity('bcn'))!.etaModel).toEqual(model);
      expect((await store.changeCity({ id: 'bcn', etaModel: null })).etaModel).toBeNull();
    });

    it('lands every one of concurrent changes to different fields (the MySQL pool runs them on separate connections)', async () => {
      await store.putCity({ id: 'bcn' });
      for (let round = 1; round <= 10; round++) {
        await Promise.all([
          store.changeCity({ id: 'bcn', tickMs: 100 + round }),
          store.changeCity({ id: 'bcn', params: { maxPickupS: 1_000 + round } }),
          store.changeCity({ id: 'bcn', bundling: { maxBundleSize: 1 + (round % 4) } }),
        ]);
        expect(await store.getCity('bcn')).toMatchObject({
          tickMs: 100 + round,
          params: { maxPickupS: 1_000 + round },
          bundling: { maxBundleSize: 1 + (round % 4) },
        });
      }
    });

    it('sets the shard count when the city is created and refuses to change it after', async () => {
      expect((await store.changeCity({ id: 'bcn', shards: 3 })).shards).toBe(3);
      expect((await store.changeCity({ id: 'bcn', tickMs: 500 })).shards).toBe(3);
      expect((await store.putCity({ id: 'bcn', shards: 3, enabled: false })).shards).toBe(3);
      expect((await store.putCity({ id: 'bcn' })).shards).toBe(3);
      for (const change of [() => store.changeCity({ id: 'bcn', shards: 1, tickMs: 700 }), () => store.putCity({ id: 'bcn', shards: 4, tickMs: 700 })]) {
        const refused = await change().catch((e: unknown) => e);
        expect(refused).toBeInstanceOf(ShardsFixedError);
        expect(refused).toMatchObject({ city: 'bcn', shards: 3 });
      }
      // Nothing of a refused change is kept.
      expect(await store.getCity('bcn')).toMatchObject({ shards: 3, enabled: true, tickMs: DEFAULT_TICK_MS });
      expect((await store.changeCity({ id: 'ams' })).shards).toBe(1);
      await expect(store.changeCity({ id: 'ams', shards: 2 })).rejects.toThrow(ShardsFixedError);
    });

    it('rejects bad configuration', async () => {
      await expect(store.putCity({ id: 'b{cn}' })).rejects.toThrow(/city id/);
      await expect(store.putCity({ id: 'bcn', params: { maxCandidates: 1.5 } })).rejects.toThrow(/maxCandidates must be an integer/);
      await expect(store.putCity({ id: 'bcn', params: { detourFactor: 0 } })).rejects.toThrow(/detourFactor/);
      await expect(store.putCity({ id: 'bcn', bundling: { maxBundleSize: 5 } })).rejects.toThrow(/maxBundleSize/);
      await expect(store.putCity({ id: 'bcn', params: { waitWeight: Number.NaN } })).rejects.toThrow(/waitWeight/);
      await expect(store.putCity({ id: 'bcn', params: { speed: 3 } as never })).rejects.toThrow(/unknown dispatch parameter speed/);
      await expect(store.putCity({ id: 'bcn', tickMs: 0 })).rejects.toThrow(/tickMs/);
      for (const shards of [0, MAX_SHARDS + 1, 1.5]) await expect(store.putCity({ id: 'bcn', shards })).rejects.toThrow(/shards must be an integer/);
      expect(await store.listCities()).toEqual([]);
    });
  });

  describe('leases', () => {
    beforeEach(async () => {
      await store.putCity({ id: 'bcn' });
    });

    it('have one holder at a time, and every acquisition and release bumps the token', async () => {
      expect(await store.acquire('bcn', A, HELD)).toBe(1);
      expect(await store.acquire('bcn', B, HELD)).toBeNull();
      expect(await store.acquire('bcn', A, HELD)).toBeNull();
      expect(await store.renew('bcn', A, 1, HELD)).toBe(true);
      expect(await store.release('bcn', B, 1)).toBeNull();
      expect(await store.currentToken('bcn')).toBe(1);

      expect(await store.release('bcn', A, 1)).toBe(2);
      expect(await store.renew('bcn', A, 1, HELD)).toBe(false);
      expect(await store.release('bcn', A, 1)).toBeNull();
      expect(await store.acquire('bcn', B, HELD)).toBe(3);
      expect(await store.currentToken('bcn')).toBe(3);
    });

    it('are never shared by two processes with the same host id', async () => {
      const restarted: Holder = { hostId: A.hostId, bootId: 'boot-2' };
      expect(await store.acquire('bcn', A, HELD)).toBe(1);
      expect(await store.acquire('bcn', restarted, HELD)).toBeNull();
      expect(await store.renew('bcn', restarted, 1, HELD)).toBe(false);
      expect(await store.release('bcn', restarted, 1)).toBeNull();
    });

    it('need the current token to renew', async () => {
      const token = (await store.acquire('bcn', A, HELD))!;
      expect(await store.renew('bcn', A, token + 1, HELD)).toBe(false);
      expect(await store.renew('bcn', A, token, HELD)).toBe(true);
    });

    it('expire on the store clock: the next holder gets a higher token, the old one can neither renew nor release', async () => {
      expect(await store.acquire('bcn', A, 200)).toBe(1);
      await sleep(350);
      expect(await store.renew('bcn', A, 1, HELD)).toBe(false);
      expect(await store.acquire('bcn', B, HELD)).toBe(2);
      expect(await store.renew('bcn', A, 1, HELD)).toBe(false);
      expect(await store.release('bcn', A, 1)).toBeNull();
      expect(await store.currentToken('bcn')).toBe(2);
    });

    it('can be re-acquired by the holder whose lease expired, with a new token', async () => {
      expect(await store.acquire('bcn', A, 200)).toBe(1);
      await sleep(350);
      expect(await store.acquire('bcn', A, HELD)).toBe(2);
    });

    it('of disabled cities cannot be acquired', async () => {
      await store.putCity({ id: 'off', enabled: false });
      expect(await store.acquire('off', A, HELD)).toBeNull();
      expect(await store.currentToken('off')).toBe(0);
    });

    it('keep their token when the city is reconfigured', async () => {
      await store.acquire('bcn', A, HELD);
      await store.putCity({ id: 'bcn', params: { handoverS: 60 } });
      expect(await store.currentToken('bcn')).toBe(1);
      expect(await store.renew('bcn', A, 1, HELD)).toBe(true);
    });

    it('of unknown cities raise, and bad arguments are refused', async () => {
      await expect(store.acquire('nowhere', A, HELD)).rejects.toThrow(UnknownCityError);
      await expect(store.renew('nowhere', A, 1, HELD)).rejects.toThrow(UnknownCityError);
      await expect(store.release('nowhere', A, 1)).rejects.toThrow(UnknownCityError);
      await expect(store.currentToken('nowhere')).rejects.toThrow(UnknownCityError);
      await expect(store.acquire('bcn', A, 0)).rejects.toThrow(/TTL/);
      await expect(store.acquire('bcn', { hostId: 'a/b', bootId: 'x' }, HELD)).rejects.toThrow(/hostId/);
      await expect(store.renew('bcn', A, 0, HELD)).rejects.toThrow(/token/);
    });

    it('go to exactly one of many concurrent acquirers, once per token, tokens strictly increasing', async () => {
      const holders = Array.from({ length: 16 }, (_, i) => ({ hostId: `host-${i}`, bootId: 'boot' }));
      const tokens: number[] = [];
      for (let round = 0; round < 8; round += 1) {
        const results = await Promise.all(holders.map((h) => store.acquire('bcn', h, HELD)));
        const winners = results.flatMap((token, i) => (token === null ? [] : [{ token, holder: holders[i] }]));
        expect(winners).toHaveLength(1);
        tokens.push(winners[0].token);
        if (round % 2 === 0) {
          tokens.push((await store.release('bcn', winners[0].holder, winners[0].token))!);
        } else {
          // Let it expire instead: acquirers then race over an expired lease.
          expect(await store.renew('bcn', winners[0].holder, winners[0].token, 100)).toBe(true);
          await sleep(200);
        }
      }
      expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
      expect(new Set(tokens).size).toBe(tokens.length);
    });
  });

  describe('census', () => {
    it('lists live hosts and who holds what, on the store clock', async () => {
      await Promise.all(['free', 'held', 'released', 'off'].map((id) => store.putCity({ id, enabled: id !== 'off' })));
      await store.heartbeat(A);
      await store.heartbeat(B);
      await store.acquire('held', A, HELD);
      const token = (await store.acquire('released', B, HELD))!;
      await store.release('released', B, token);

      const census = await store.census(HELD);
      expect(census.liveHosts).toEqual(expect.arrayContaining([A, B]));
      expect(census.liveHosts).toHaveLength(2);
      const byCity = Object.fromEntries(census.leases.map((l) => [l.city, l]));
      expect(byCity.free).toEqual({ city: 'free', enabled: true, token: 0, holder: null, unheldForMs: Infinity });
      expect(byCity.held).toEqual({ city: 'held', enabled: true, token: 1, holder: A, unheldForMs: 0 });
      expect(byCity.released).toMatchObject({ enabled: true, token: 2, holder: null });
      expect(byCity.released.unheldForMs).toBeGreaterThanOrEqual(0);
      expect(byCity.released.unheldForMs).toBeLessThan(10_000);
      expect(byCity.off).toMatchObject({ enabled: false, holder: null });

      await store.forgetHost(A);
      expect((await store.census(HELD)).liveHosts).toEqual([B]);
    });

    it('counts a host as live only within the window since its last heartbeat', async () => {
      await store.heartbeat(A);
      await sleep(300);
      await store.heartbeat(B);
      expect((await store.census(200)).liveHosts).toEqual([B]);
    });
  });
});
