/** report.svg: one SVG with the three charts, labelled; degenerate runs still render. */
import { describe, expect, it } from 'vitest';
import { renderReportSvg, renderSummarySvg, type PolicyRun } from '../../src/sim/report-svg.js';

const AXIS_TITLES = ['click to door (minutes)', 'share of delivered orders', 'time since the start of the day (minutes)', 'orders waiting', 'couriers idle'];

/** A made-up day: click-to-door times spread around `meanMin`, a sample every 10 minutes. */
function run(policy: string, meanMin: number): PolicyRun {
  const minute = Array.from({ length: 73 }, (_, i) => i * 10);
  return {
    policy,
    clickToDoorMin: Array.from({ length: 200 }, (_, i) => meanMin + ((i * 37) % 41) - 20),
    timeline: {
      minute,
      ordersWaiting: minute.map((m) => Math.round(20 + 15 * Math.sin(m / 60))),
      couriersIdle: minute.map((m) => Math.round(60 - 25 * Math.sin(m / 60))),
    },
  };
}

function expectSvg(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
}

describe('renderReportSvg', () => {
  it('draws every policy with the titled charts', async () => {
    const svg = await renderReportSvg('Simulated day, seed 1', [run('dispatchd', 30), run('greedy', 42)]);
    expectSvg(svg);
    for (const text of ['Simulated day, seed 1', 'dispatchd', 'greedy', ...AXIS_TITLES]) expect(svg).toContain(text);
    // Vega labels every mark for screen readers: histogram bars and a median rule per policy,
    // and one line per policy in each of the two timelines.
    for (const policy of ['dispatchd', 'greedy']) {
      expect(svg).toMatch(new RegExp(`aria-label="click to door \\(minutes\\): [^"]*policy: ${policy}"[^>]*aria-roledescription="bar"`));
      expect(svg).toMatch(new RegExp(`aria-label="Median of minutes: [^"]*policy: ${policy}"[^>]*aria-roledescription="rule mark"`));
    }
    expect(svg.match(/aria-roledescription="line mark"/g) ?? []).toHaveLength(4);
  });

  it('renders with no runs at all', async () => {
    const svg = await renderReportSvg('nothing simulated', []);
    expectSvg(svg);
    expect(svg).toContain('click to door (minutes)');
  });

  it('renders a run that delivered nothing', async () => {
    const idle: PolicyRun = { policy: 'idle', clickToDoorMin: [], timeline: { minute: [0, 10], ordersWaiting: [3, 4], couriersIdle: [5, 5] } };
    expectSvg(await renderReportSvg('no deliveries', [idle]));
    expectSvg(await renderReportSvg('one of two delivered', [idle, run('dispatchd', 30)]));
  });

  it('refuses a timeline whose arrays differ in length', async () => {
    const broken: PolicyRun = { policy: 'broken', clickToDoorMin: [], timeline: { minute: [0, 10], ordersWaiting: [1], couriersIdle: [1, 2] } };
    await expect(renderReportSvg('broken', [broken])).rejects.toThrow(/broken: timeline arrays differ in length/);
  });
});

describe('renderSummarySvg', () => {
  it('plots each instance under each policy against its lower bound', async () => {
    const points = ['a', 'b', 'c'].flatMap((instance, i) => [
      { instance, policy: 'dispatchd', excessMin: 1 + i, clickToDoorMin: 31 + i, boundMin: 30 },
      { instance, policy: 'greedy', excessMin: 10 + i, clickToDoorMin: 40 + i, boundMin: 30 },
    ]);
    const svg = await renderSummarySvg('3 instances', points);
    expectSvg(svg);
    for (const text of ['3 instances', 'instances ranked by dispatchd', 'lower bound, mean (minutes)', 'excess click to door (minutes)'])
      expect(svg).toContain(text);
    expect(svg.match(/aria-roledescription="point"/g) ?? []).toHaveLength(2 * points.length);
    expect(svg.match(/aria-roledescription="line mark"/g) ?? []).toHaveLength(1);
  });
});
