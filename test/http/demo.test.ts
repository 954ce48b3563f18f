import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoFeed } from '../../src/demo/demo-feed.js';
import type { Host } from '../../src/host/host.js';
import { startTestHost, waitFor } from './support/host.js';

describe('the demo city feed', () => {
  let host: Host;
  let demo: DemoFeed;
  beforeAll(async () => {
    host = await startTestHost({ token: 'demo-token' });
    demo = new DemoFeed(host.app, { token: 'demo-token', couriers: 60, maxOpenOrders: 40, ordersPerStep: 3, stepMs: 200, tickMs: 300, timeScale: 60 });
    await demo.start();
  });
  afterAll(async () => {
    await demo.stop();
    await host.close();
  });

  it('runs for a few seconds: decisions are committed, offers answered, orders delivered', async () => {
    await waitFor(() => demo.stats.delivered >= 3 && demo.stats.lastVersion >= 3, 15_000, 'deliveries in the demo city');
    expect(demo.stats.accepted).toBeGreaterThan(0);
    const { decisions } = (await host.app.inject('/v1/cities/demo/decisions')).json();
    expect(decisions.length).toBeGreaterThanOrEqual(3);
    expect(decisions.map((d: { version: number }) => d.version)).toEqual(decisions.map((_: unknown, i: number) => i + 1));
    const map = (await host.app.inject('/v1/cities/demo/map')).json();
    expect(map.couriers.length).toBeGreaterThan(0);
    expect(map.kpis.last_solve_ms).toBeGreaterThan(0);
    const metrics = (await host.app.inject('/metrics')).body;
    expect(metrics).toMatch(/dispatchd_ticks_total\{city="demo",outcome="committed"\} [1-9]/);
    expect(metrics).toMatch(/dispatchd_order_events_total\{city="demo",event="delivered",result="ok"\} [1-9]/);
  });
});
