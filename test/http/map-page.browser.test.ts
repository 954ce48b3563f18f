import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoFeed } from '../../src/demo/demo-feed.js';
import { startHost, type Host } from '../../src/host/host.js';
import { testConfig } from './support/host.js';

const CHROMIUM = process.env.DISPATCHD_CHROMIUM ?? '/usr/bin/chromium';

describe('the map page in headless Chromium', () => {
  let host: Host;
  let demo: DemoFeed;
  let browser: BrowserContext | undefined;
  let profile: string;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set DISPATCHD_CHROMIUM)`);
    host = await startHost(testConfig({ port: 0, listen: '127.0.0.1' }));
    demo = new DemoFeed(host.app, { couriers: 80, stepMs: 250, tickMs: 400, timeScale: 40 });
    await demo.start();
    profile = mkdtempSync(join(tmpdir(), 'dispatchd-chromium-'));
    // A persistent context is how Playwright takes a fresh --user-data-dir.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1000, height: 700 },
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
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await host?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('draws couriers, pending orders and the latest offers, with the KPIs', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${host.url}/`);
    await page.waitForFunction(
      () => {
        const canvas = document.getElementById('map') as HTMLCanvasElement;
        return Number(canvas.dataset.couriers) > 0 && Number(canvas.dataset.orders) > 0 && Number(canvas.dataset.lines) > 0;
      },
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.locator('#city').inputValue()).toBe('demo');
    expect(Number(await page.locator('#kpi-pending').textContent())).toBeGreaterThan(0);
    expect(await page.locator('#kpi-solve').textContent()).toMatch(/ms$/);
    expect(await page.locator('#kpi-wait').textContent()).toMatch(/s$/);
    // The canvas really has the three colours on it: couriers (blue), orders (red), lines (green).
    const colours = await page.evaluate(() => {
      const canvas = document.getElementById('map') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = { blue: 0, red: 0, green: 0 };
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (b > 180 && r < 100) seen.blue++;
        else if (r > 200 && g < 120 && b < 100) seen.red++;
        else if (g > 130 && r < 120 && b < 140) seen.green++;
      }
      return seen;
    });
    expect(colours.blue).toBeGreaterThan(10);
    expect(colours.red).toBeGreaterThan(10);
    expect(colours.green).toBeGreaterThan(5);
    expect(errors).toEqual([]);
    if (process.env.DISPATCHD_MAP_SCREENSHOT) await page.screenshot({ path: process.env.DISPATCHD_MAP_SCREENSHOT });
  });
});
