/**
 * Nothing is acknowledged as committed that is not durable: with the decision log failing, a
 * dispatch answers `committed: true, durable: false`, the city commits nothing new, GET
 * /decisions shows the gap between committed and durable versions, and the outbox records the
 * decision as soon as the log answers, after which dispatch resumes where it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedStores, type CoordinationStores } from '../../src/coordination/stores.js';
import type { Host } from '../../src/host/host.js';
import type { CommittedDecision } from '../../src/state/decision.js';
import type { DecisionLog } from '../../src/state/decision-log.js';
import { couriers, orders, startTestHost, waitFor } from '../http/support/host.js';

/** The embedded log, failing every append while `down`. */
function failingLog(log: DecisionLog): DecisionLog & { down: boolean; failedAppends: number } {
  const wrapper = {
    down: false,
    failedAppends: 0,
    append: async (decisions: readonly CommittedDecision[]) => {
      if (wrapper.down) {
        wrapper.failedAppends++;
        throw new Error('connect ECONNREFUSED (test)');
      }
      return log.append(decisions);
    },
    recordedVersions: log.recordedVersions.bind(log),
    lastVersion: log.lastVersion.bind(log),
    read: log.read.bind(log),
  };
  return wrapper;
}

describe('durable acknowledgement', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('answers durable: false while the log fails, holds the city, and records the decision when the log is back', async () => {
    const embedded = openEmbeddedStores();
    const decisions = failingLog(embedded.decisions);
    const stores: CoordinationStores = { ...embedded, decisions };
    host = await startTestHost({ renewIntervalMs: 200 }, { stores });
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/bcn', payload: { tick_ms: 3_600_000 } });
    await app.inject({ method: 'PUT', url: '/v1/cities/bcn/couriers', payload: { couriers: couriers(4) } });
    await app.inject({ method: 'POST', url: '/v1/cities/bcn/orders', payload: { orders: orders(2) } });
    await waitFor(() => host!.keeper.lease('bcn'), 5_000, 'the lease');

    decisions.down = true;
    const first = (await app.inject({ method: 'POST', url: '/v1/cities/bcn/dispatch' })).json();
    expect(first).toMatchObject({ committed: true, durable: false, version: 1 });
    expect(decisions.failedAppends).toBe(3); // the append and its two in-cycle retries
    expect((await app.inject('/v1/cities/bcn/decisions')).json()).toEqual({ durable_version: 0, committed_version: 1, decisions: [] });
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(/dispatchd_durable_append_failures_total\{city="bcn"\} 1/);
    expect(metrics).toMatch(/dispatchd_decisions_not_durable\{city="bcn"\} 1/);

    // More orders: the city still commits nothing while version 1 is not durable.
    await app.inject({ method: 'POST', url: '/v1/cities/bcn/orders', payload: { orders: orders(1, 'late') } });
    const held = (await app.inject({ method: 'POST', url: '/v1/cities/bcn/dispatch' })).json();
    expect(held).toMatchObject({ committed: false, durable: false, reason: 'not_durable' });

    // The log is back: the outbox records version 1 on its own, then dispatch resumes at version 2.
    decisions.down = false;
    await waitFor(async () => (await app.inject('/v1/cities/bcn/decisions')).json().durable_version === 1, 5_000, 'the catch-up');
    expect((await app.inject('/metrics')).body).not.toMatch(/dispatchd_decisions_not_durable\{city="bcn"\} [1-9]/);
    const next = (await app.inject({ method: 'POST', url: '/v1/cities/bcn/dispatch' })).json();
    expect(next).toMatchObject({ committed: true, durable: true, version: 2 });
    const log = (await app.inject('/v1/cities/bcn/decisions')).json();
    expect(log.decisions.map((d: { version: number }) => d.version)).toEqual([1, 2]);
    expect(log).toMatchObject({ durable_version: 2, committed_version: 2 });
    expect(log.decisions[0].assignments).toEqual(first.assignments.map(({ order, courier }: { order: string; courier: string }) => ({ order, courier })));
  });
});
