/**
 * The host's group commit through the real host: many cities ticking at once against a slow
 * durable log share its appends, and nothing committed is lost — after a graceful shutdown the
 * log holds exactly the decisions the state store committed, identical, in every city.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedStores, type CoordinationStores } from '../../src/coordination/stores.js';
import type { Host } from '../../src/host/host.js';
import type { CommittedDecision } from '../../src/state/decision.js';
import type { DecisionLog } from '../../src/state/decision-log.js';
import { couriers, orders, startTestHost, waitFor } from '../http/support/host.js';

/** The embedded log taking `delayMs` per append (a log across a network), counting appends and the decisions they carried. */
function slowLog(log: DecisionLog, delayMs: number): DecisionLog & { appends: number; decisions: number } {
  const wrapper = {
    appends: 0,
    decisions: 0,
    append: async (decisions: readonly CommittedDecision[]) => {
      wrapper.appends++;
      wrapper.decisions += decisions.length;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return log.append(decisions);
    },
    recordedVersions: log.recordedVersions.bind(log),
    lastVersion: log.lastVersion.bind(log),
    read: log.read.bind(log),
  };
  return wrapper;
}

describe('group commit in the host', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('shares the slow log between cities ticking at once and loses no committed decision', async () => {
    const embedded = openEmbeddedStores();
    const log = slowLog(embedded.decisions, 40);
    const stores: CoordinationStores = { ...embedded, decisions: log };
    // Offers live 1 ms: every tick of every city commits a decision again.
    host = await startTestHost({ offerTtlMs: 1 }, { stores });
    const app = host.app;
    const cities = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    for (const city of cities) {
      await app.inject({ method: 'PUT', url: `/v1/cities/${city}`, payload: { tick_ms: 50 } });
      await app.inject({ method: 'PUT', url: `/v1/cities/${city}/couriers`, payload: { couriers: couriers(4) } });
      await app.inject({ method: 'POST', url: `/v1/cities/${city}/orders`, payload: { orders: orders(3) } });
    }
    await waitFor(() => log.decisions >= 60, 20_000, '60 durable appends');
    await host.close();
    host = undefined;

    // Appends met in flight and went together.
    expect(log.appends).toBeLessThan(log.decisions);
    for (const city of cities) {
      const committed = await embedded.state.readDecisionStream(city);
      expect(committed.length).toBeGreaterThan(0);
      expect(await embedded.decisions.read(city, 0, 10_000)).toEqual(committed);
    }
  });
});
