import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../src/domain/problem.js';
import { MemoryCityStateStore } from '../../src/state/memory-city-state-store.js';
import { courier, order } from './support/state-stores.js';

describe('MemoryCityStateStore clock', () => {
  it('times offers, commits and snapshots on the injected clock', async () => {
    let now = 1_790_000_000_000;
    const store = new MemoryCityStateStore({ now: () => now });
    await store.putCouriers('bcn', [courier('c-1', { freeAt: now + 10_000 })]);
    await store.putOrders('bcn', [order('o-1', { readyAt: now + 60_000 })]);
    await store.raiseFence('bcn', { token: 1, version: 0 });

    const snapshot = await store.readSnapshot('bcn', DEFAULT_PARAMS);
    expect([snapshot.takenAt, snapshot.problem.courierFreeInS[0], snapshot.problem.orderReadyInS[0]]).toEqual([now, 10, 60]);

    const result = await store.commit({ city: 'bcn', token: 1, holder: 'h/b', assignments: [{ order: 'o-1', courier: 'c-1' }], offerTtlMs: 1_000 });
    expect(result.ok && result.decision.committedAt).toBe(now);
    now += 999;
    expect((await store.readCourier('bcn', 'c-1'))?.offer).not.toBeNull();
    now += 1;
    expect((await store.readCourier('bcn', 'c-1'))?.offer).toBeNull();
  });

  it('keeps only the newest decisions in the stream', async () => {
    const store = new MemoryCityStateStore({ streamMaxLen: 2 });
    await store.putCouriers('bcn', [courier('c-1'), courier('c-2'), courier('c-3')]);
    await store.putOrders('bcn', [order('o-1'), order('o-2'), order('o-3')]);
    await store.raiseFence('bcn', { token: 1, version: 0 });
    for (const i of [1, 2, 3]) {
      await store.commit({ city: 'bcn', token: 1, holder: 'h/b', assignments: [{ order: `o-${i}`, courier: `c-${i}` }] });
    }
    expect((await store.readDecisionStream('bcn')).map((d) => d.version)).toEqual([2, 3]);
  });

  it('does not take an ended pickup of an item for a later pickup of the same id', async () => {
    let now = 1_790_000_000_000;
    const store = new MemoryCityStateStore({ now: () => now });
    await store.putCouriers('bcn', [courier('c-1'), courier('c-2')]);
    await store.putOrders('bcn', [order('o-1'), order('o-2')]);
    await store.raiseFence('bcn', { token: 1, version: 0 });
    await store.commit({ city: 'bcn', token: 1, holder: 'h/b', assignments: [{ order: 'o-1', courier: 'c-1' }], offerTtlMs: 1_000 });
    now += 1_000;
    await store.purgeLapsedOffers('bcn');
    // A fence lost and raised again from a lower floor numbers the next pickup p1.1 again.
    store.loseFence('bcn');
    await store.raiseFence('bcn', { token: 2, version: 0 });
    const result = await store.commit({ city: 'bcn', token: 2, holder: 'h/b', assignments: [{ order: 'o-2', courier: 'c-2' }], offerTtlMs: 1_000 });
    expect(result.ok && result.decision.version).toBe(1);

    expect((await store.readOrder('bcn', 'o-1'))?.offer).toBeNull();
    expect((await store.readCourier('bcn', 'c-1'))?.offer).toBeNull();
    expect((await store.readOrder('bcn', 'o-2'))?.offer?.pickup).toBe('p1.1');
    const snapshot = await store.readSnapshot('bcn', DEFAULT_PARAMS);
    expect([snapshot.orderIds, snapshot.courierIds]).toEqual([['o-1'], ['c-1']]);
  });
});
