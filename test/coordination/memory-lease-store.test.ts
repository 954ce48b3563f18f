import { describe, expect, it } from 'vitest';
import { MemoryLeaseStore } from '../../src/coordination/memory-lease-store.js';

describe('MemoryLeaseStore clock', () => {
  it('computes expiry and liveness on the injected "database clock" only', async () => {
    let now = 1_000;
    const store = new MemoryLeaseStore({ now: () => now });
    const [a, b] = [
      { hostId: 'a', bootId: '1' },
      { hostId: 'b', bootId: '1' },
    ];
    await store.putCity({ id: 'bcn' });
    await store.heartbeat(a);
    expect(await store.acquire('bcn', a, 15_000)).toBe(1);

    now += 14_999;
    expect(await store.acquire('bcn', b, 15_000)).toBeNull();
    expect((await store.census(15_000)).liveHosts).toEqual([a]);
    now += 1;
    expect((await store.census(15_000)).liveHosts).toEqual([]);
    expect(await store.renew('bcn', a, 1, 15_000)).toBe(false);
    expect(await store.acquire('bcn', b, 15_000)).toBe(2);
    now += 7;
    expect(await store.release('bcn', b, 2)).toBe(3);
    now += 5;
    expect((await store.census(15_000)).leases[0]).toMatchObject({ holder: null, unheldForMs: 5 });
  });
});
