import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStores } from '../../src/coordination/stores.js';
import { DemoCity } from '../../src/demo/demo-city.js';
import { startHost, type Host } from '../../src/host/host.js';
import { SimClock } from '../../src/sim/sim-clock.js';
import { testConfig } from './support/host.js';

const CHROMIUM = process.env.DISPATCHD_CHROMIUM ?? '/usr/bin/chromium';
/** The demo city fast enough that the rush (couriers short, pickups of several orders) comes within seconds. */
const SCALE = 400;
/** The map's colours (public/index.html) and which state each stands for. */
const COLOURS = {
  free: [0x2b, 0x7d, 0xe9],
  offered: [0xf0, 0xa2, 0x02],
  carrying: [0x8e, 0x44, 0xad],
  order: [0xe8, 0x54, 0x2f],
  line: [0x18, 0xa0, 0x58],
} as const;

describe('the map page in headless Chromium', () => {
  let host: Host;
  let demo: DemoCity;
  let browser: BrowserContext | undefined;
  let profile: string;
  let page: Page;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set DISPATCHD_CHROMIUM)`);
    const clock = new SimClock(SCALE);
    host = await startHost(testConfig({ port: 0, listen: '127.0.0.1', offerTtlMs: 300_000 }), { stores: openEmbeddedStores({ now: () => clock.now() }) });
    demo = new DemoCity(host.app, { clock, stepMs: 100 });
    await demo.start();
    profile = mkdtempSync(join(tmpdir(), 'dispatchd-chromium-'));
    // A persistent context is how Playwright takes a fresh --user-data-dir.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${host.url}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await host?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('draws couriers of every state, orders as squares and the latest offers, in the colours of the legend', async () => {
    // Offered couriers are few and brief, and waiting orders sit under the couriers at their
    // restaurant: no one refresh need show every kind, so sample refreshes and keep the most pixels
    // of each colour seen, until every colour has been drawn (or the time is up).
    const sample = () =>
      page.evaluate((wanted) => {
        const canvas = document.getElementById('map') as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const seen: Record<string, number> = Object.fromEntries(Object.keys(wanted).map((k) => [k, 0]));
        for (let i = 0; i < data.length; i += 4) {
          for (const [name, [r, g, b]] of Object.entries(wanted)) {
            if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30) seen[name]++;
          }
        }
        return seen;
      }, COLOURS);
    const colours: Record<keyof typeof COLOURS, number> = { free: 0, offered: 0, carrying: 0, order: 0, line: 0 };
    const enough = () => colours.free > 10 && colours.offered > 5 && colours.carrying > 10 && colours.order > 10 && colours.line > 3;
    for (const deadline = Date.now() + 40_000; !enough() && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      const seen = await sample();
      for (const name of Object.keys(colours) as (keyof typeof COLOURS)[]) colours[name] = Math.max(colours[name], seen[name]);
    }
    expect(colours.free).toBeGreaterThan(10);
    expect(colours.offered).toBeGreaterThan(5);
    expect(colours.carrying).toBeGreaterThan(10);
    expect(colours.order).toBeGreaterThan(10);
    expect(colours.line).toBeGreaterThan(3);

    // The legend names every kind, each with the shape and colour the canvas uses.
    const legend = await page.$$eval('#legend [data-legend]', (items) =>
      items.map((i) => {
        const shape = i.querySelector('svg')!.firstElementChild!;
        const fill = shape.getAttribute('fill');
        return { key: (i as HTMLElement).dataset.legend, shape: shape.tagName, colour: fill && fill !== 'none' ? fill : shape.getAttribute('stroke') };
      }),
    );
    expect(legend).toEqual([
      { key: 'free', shape: 'circle', colour: '#2b7de9' },
      { key: 'offered', shape: 'circle', colour: '#f0a202' },
      { key: 'carrying', shape: 'circle', colour: '#8e44ad' },
      { key: 'waiting', shape: 'rect', colour: '#e8542f' },
      { key: 'offered-order', shape: 'rect', colour: '#e8542f' },
      { key: 'line', shape: 'line', colour: '#18a058' },
    ]);
    expect(await page.locator('#city').inputValue()).toBe('demo');
    expect(await page.locator('#kpi-couriers').textContent()).toMatch(/^\d+ · \d+ · \d+$/);
    expect(await page.locator('#kpi-solve').textContent()).toMatch(/ms$/);
  });

  it('has a scale bar of a round distance', async () => {
    expect(await page.locator('#scale-label').textContent()).toMatch(/^(1|2|5)(0{0,3}) m$|^(1|2|5)(0*) km$/);
    const width = await page.locator('#scale-bar').evaluate((bar) => bar.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(30);
    expect(width).toBeLessThanOrEqual(160 + 4);
  });

  it('shows KPIs that change over time, with sparklines', async () => {
    const read = () =>
      page.evaluate(() => ({
        wait: document.getElementById('kpi-wait')!.textContent,
        rate: document.getElementById('kpi-rate')!.textContent,
        waitPoints: Number(document.getElementById('spark-wait')!.dataset.points),
        ratePoints: Number(document.getElementById('spark-rate')!.dataset.points),
      }));
    const seen = { wait: new Set<string | null>(), rate: new Set<string | null>() };
    await expect
      .poll(
        async () => {
          const k = await read();
          seen.wait.add(k.wait);
          seen.rate.add(k.rate);
          return seen.wait.size >= 3 && seen.rate.size >= 3 && k.waitPoints >= 3 && k.ratePoints >= 3;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    expect([...seen.wait].some((w) => /^\d+(\.\d)? (s|min)$/.test(w ?? ''))).toBe(true);
    expect([...seen.rate].some((r) => /^\d+\.\d$/.test(r ?? '') && Number(r) > 0)).toBe(true);
    expect(await page.locator('#spark-rate polyline').getAttribute('points')).toMatch(/^[\d.]+,[\d.]+( [\d.]+,[\d.]+){2,}/);
    expect(pageErrors).toEqual([]);
    if (process.env.DISPATCHD_MAP_SCREENSHOT) await page.screenshot({ path: process.env.DISPATCHD_MAP_SCREENSHOT });
  });

  it('serves its favicon', async () => {
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toBe('/favicon.svg');
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const response = await fetch(`${host.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(await response.text()).toMatch(/^<svg /);
    }
  });
});
