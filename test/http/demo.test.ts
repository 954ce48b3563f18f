/**
 * The demo city end to end: the simulator's fleet on a generated city, at speed, dispatched by a
 * host's own loop (the embedded stores on the demo's simulated clock) and reporting through its
 * HTTP API. Orders get delivered, pickups of several orders are accepted, nothing is given out
 * twice, and the map sees couriers in every state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStores } from '../../src/coordination/stores.js';
import { DemoCity } from '../../src/demo/demo-city.js';
import type { Host } from '../../src/host/host.js';
import { SimClock } from '../../src/sim/sim-clock.js';
import { startTestHost, waitFor } from './support/host.js';

/** Fast enough for deliveries within seconds; offers wait 5 simulated minutes (0.5 s) for an answer. */
const SCALE = 600;

describe('the demo city', () => {
  let host: Host;
  let demo: DemoCity;
  const errors: unknown[] = [];
  beforeAll(async () => {
    const clock = new SimClock(SCALE);
    host = await startTestHost({ token: 'demo-token', offerTtlMs: 300_000 }, { stores: openEmbeddedStores({ now: () => clock.now() }) });
    demo = new DemoCity(host.app, { clock, token: 'demo-token', stepMs: 100, onError: (error) => errors.push(error) });
    await demo.start();
  });
  afterAll(async () => {
    await demo.stop();
    await host.close();
  });

  it('delivers orders, bundles pickups, answers offers, and never gives an order out twice', async () => {
    await waitFor(() => demo.stats.delivered >= 20 && demo.stats.multiOrderPickups >= 1, 45_000, 'deliveries and a multi-order pickup in the demo city');
    const s = demo.stats;
    expect(errors).toEqual([]);
    expect(s.givenTwice).toBe(0);
    expect(s.accepted).toBeGreaterThan(0);
    expect(s.pickedUp).toBeGreaterThan(0);
    expect(s.offersSeen).toBeGreaterThanOrEqual(s.accepted + s.declined);

    const { decisions } = (await host.app.inject('/v1/cities/demo/decisions?limit=1000')).json();
    expect(decisions.map((d: { version: number }) => d.version)).toEqual(decisions.map((_: unknown, i: number) => i + 1));
    const pickups = decisions.flatMap((d: { pickups: { orders: string[] }[] }) => d.pickups);
    expect(pickups.some((p: { orders: string[] }) => p.orders.length > 1)).toBe(true);
    expect(Math.max(...pickups.map((p: { orders: string[] }) => p.orders.length))).toBeLessThanOrEqual(3);
    // Within one decision an order and a courier appear at most once.
    for (const d of decisions as { pickups: { courier: string; orders: string[] }[] }[]) {
      const orders = d.pickups.flatMap((p) => p.orders);
      expect(new Set(orders).size).toBe(orders.length);
      expect(new Set(d.pickups.map((p) => p.courier)).size).toBe(d.pickups.length);
    }

    const metrics = (await host.app.inject('/metrics')).body;
    expect(metrics).toMatch(/dispatchd_ticks_total\{city="demo",outcome="committed"\} [1-9]/);
    expect(metrics).toMatch(/dispatchd_order_events_total\{city="demo",event="delivered",result="ok"\} [1-9]/);
    // Every delivery the fleet reported, the host took once (a second report would be a 409).
    expect(metrics).not.toMatch(/event="delivered",result="wrong_state"/);
  });

  it('shows couriers in every state on the map, and KPIs that move', async () => {
    const states = new Set<string>();
    const rates = new Set<number | null>();
    await waitFor(
      async () => {
        const map = (await host.app.inject('/v1/cities/demo/map')).json();
        for (const c of map.couriers) states.add(c.state);
        rates.add(map.kpis.deliveries_per_min);
        return states.size === 3 && rates.size >= 3;
      },
      30_000,
      'free, offered and carrying couriers, and a moving delivery rate',
    );
    const map = (await host.app.inject('/v1/cities/demo/map')).json();
    expect(map.series.at.length).toBeGreaterThan(2);
    expect(map.series.at.length).toBe(map.series.deliveries_per_min.length);
    expect(map.kpis.couriers.free + map.kpis.couriers.offered + map.kpis.couriers.carrying).toBe(map.couriers.length);
  });
});
