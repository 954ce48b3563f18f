import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyMissingDecisions, fencingHooks, takeOverCity } from '../../src/coordination/city-takeover.js';
import { commitFenced } from '../../src/coordination/fenced-commit.js';
import { holderName, type Holder } from '../../src/coordination/holder.js';
import { Lease, monotonicNow } from '../../src/coordination/lease.js';
import { LeaseKeeper } from '../../src/coordination/lease-keeper.js';
import type { Assignment } from '../../src/state/decision.js';
import { courier, order, sleep } from '../state/support/state-stores.js';
import { BACKENDS, type Backend } from './support/backends.js';

const CITY = 'bcn';
const A: Holder = { hostId: 'host-a', bootId: 'boot-1' };
const B: Holder = { hostId: 'host-b', bootId: 'boot-1' };
const TTL = 300;
const HELD = 60_000;

/** A holder whose own clock did not notice a pause (e.g. a suspended VM): only fencing can stop it. */
const unaware = (city: string, token: number) => new Lease(city, token, HELD, 0, () => 0);

describe.each(BACKENDS)('fencing across lease and state stores: $name', ({ create }) => {
  let backend: Backend;
  beforeEach(async () => {
    backend = await create();
    await backend.leases.putCity({ id: CITY });
    await backend.state.putCouriers(
      CITY,
      Array.from({ length: 8 }, (_, i) => courier(`c-${i}`)),
    );
    await backend.state.putOrders(
      CITY,
      Array.from({ length: 8 }, (_, i) => order(`o-${i}`)),
    );
  });
  afterEach(() => backend.close());

  const pairs = (...indices: number[]): Assignment[] => indices.map((i) => ({ order: `o-${i}`, courier: `c-${i}` }));
  const acquire = async (holder: Holder, ttlMs: number) => {
    const requestedAt = monotonicNow();
    const token = await backend.leases.acquire(CITY, holder, ttlMs);
    if (token === null) throw new Error(`${holderName(holder)} could not acquire ${CITY}`);
    await takeOverCity(backend, CITY, token);
    return new Lease(CITY, token, ttlMs, requestedAt);
  };

  it('a holder paused past its TTL cannot commit after the next holder has committed', async () => {
    const leaseA = await acquire(A, TTL);
    await sleep(TTL + 150); // A is paused; its lease expires on the database clock and on its own

    const leaseB = await acquire(B, HELD);
    const byB = await commitFenced(backend, leaseB, B, pairs(0, 1));
    expect(byB.ok).toBe(true);

    // A resumes: its own clock stops it...
    expect(await commitFenced(backend, leaseA, A, pairs(2))).toEqual({ ok: false, reason: 'lease_lapsed' });
    // ...and were it not to, the fence would, whatever items it asks for.
    expect(await commitFenced(backend, unaware(CITY, leaseA.token), A, pairs(2))).toEqual({
      ok: false,
      reason: 'stale_token',
      fence: leaseB.token,
    });
    expect((await backend.state.readOrder(CITY, 'o-2'))?.offer).toBeNull();
    expect((await backend.decisions.read(CITY, 0, 10)).map((d) => d.token)).toEqual([leaseB.token]);
  });

  it('fences the previous holder as soon as the next one takes over, before it commits anything', async () => {
    const leaseA = await acquire(A, TTL);
    await sleep(TTL + 150);
    await acquire(B, HELD);
    expect(await commitFenced(backend, unaware(CITY, leaseA.token), A, pairs(0))).toMatchObject({ ok: false, reason: 'stale_token' });
  });

  it('refuses a stale commit after the fence key is lost, and re-seeds it from the lease store', async () => {
    const leaseA = await acquire(A, TTL);
    await sleep(TTL + 150);
    const leaseB = await acquire(B, HELD);
    expect((await commitFenced(backend, leaseB, B, pairs(0))).ok).toBe(true);

    await backend.loseFence(CITY);
    // In the window before anyone re-seeds, nothing commits.
    expect(await backend.state.commit({ city: CITY, token: leaseA.token, holder: holderName(A), assignments: pairs(1) })).toEqual({
      ok: false,
      reason: 'fence_missing',
    });
    // The stale holder's own attempt re-seeds from the lease store's token — B's, not its own.
    expect(await commitFenced(backend, unaware(CITY, leaseA.token), A, pairs(1))).toEqual({
      ok: false,
      reason: 'stale_token',
      fence: leaseB.token,
    });
    // The current holder goes on, and versions continue where the durable log left off.
    const next = await commitFenced(backend, leaseB, B, pairs(2));
    expect(next.ok && next.decision.version).toBe(2);
    expect((await backend.decisions.read(CITY, 0, 10)).map((d) => [d.version, d.token])).toEqual([
      [1, leaseB.token],
      [2, leaseB.token],
    ]);
  });

  it('fences the old holder at once when a lease is released gracefully', async () => {
    await backend.leases.putCity({ id: 'ams' });
    const keeper = new LeaseKeeper({ store: backend.leases, holder: A, ...fencingHooks(backend), onError: (e) => expect.fail(String(e)) });
    await keeper.start();
    const lease = keeper.lease(CITY)!;
    const frozen = unaware(CITY, lease.token);
    await keeper.stop();

    expect(await backend.state.readFence(CITY)).toMatchObject({ token: lease.token + 1 });
    expect(await commitFenced(backend, frozen, A, pairs(0))).toEqual({ ok: false, reason: 'stale_token', fence: lease.token + 1 });
  });

  it('copies decisions the durable log lacks when a city is taken over', async () => {
    const leaseA = await acquire(A, TTL);
    // Committed to the state store, but the host died before writing them to the log.
    for (const i of [0, 1, 2]) {
      const r = await backend.state.commit({ city: CITY, token: leaseA.token, holder: holderName(A), assignments: pairs(i) });
      expect(r.ok).toBe(true);
    }
    expect((await commitFenced(backend, leaseA, A, pairs(3))).ok).toBe(true);
    expect(await backend.decisions.recordedVersions(CITY, 1, 10)).toEqual([4]);
    await sleep(TTL + 150);

    const token = await backend.leases.acquire(CITY, B, HELD);
    expect(await takeOverCity(backend, CITY, token!)).toBe(3);
    expect(await backend.decisions.read(CITY, 0, 10)).toEqual(await backend.state.readDecisionStream(CITY));
    expect(await copyMissingDecisions(backend.state, backend.decisions, CITY)).toBe(0);
  });
});
