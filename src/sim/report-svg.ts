/**
 * report.svg for a simulated day: how the dispatch policies compare, as one picture (and
 * summary.svg for many instances, below).
 *
 * Three charts, one colour per policy throughout: the click-to-door distribution (share of each
 * policy's delivered orders per bin, so policies that delivered different numbers of orders
 * compare fairly, with a dashed line at each median), then orders waiting and couriers idle over
 * the day. The charts are Vega-Lite specs, rendered headless by src/vega-lite-svg.ts.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLiteSvg as renderSvg } from '../vega-lite-svg.js';

export interface PolicyRun {
  /** Name shown in the legend, e.g. 'dispatchd', 'greedy'. */
  policy: string;
  /** Click-to-door time of each delivered order, minutes. */
  clickToDoorMin: number[];
  /** Sampled over the simulated day; the three arrays are parallel. */
  timeline: { minute: number[]; ordersWaiting: number[]; couriersIdle: number[] };
}

const CHART_WIDTH = 640;
const CHART_HEIGHT = 180;
/** Bins stay 2 minutes wide while that leaves at most 30 of them, 5 minutes beyond. */
const FINE_BIN_MIN = 2;
const COARSE_BIN_MIN = 5;
const MAX_FINE_BINS = 30;

export async function renderReportSvg(title: string, runs: readonly PolicyRun[]): Promise<string> {
  return renderSvg(reportSpec(title, runs));
}

/** One instance under one policy, as summary.svg plots it (means over the instance's delivered orders). */
export interface InstancePoint {
  instance: string;
  policy: string;
  excessMin: number;
  clickToDoorMin: number;
  /** The mean of the lower bound per order: no policy can do better. */
  boundMin: number;
}

/**
 * summary.svg over many instances: each instance's excess click-to-door per policy (instances
 * ranked by the first policy's excess), and each instance's mean click-to-door against its lower
 * bound, with the bound itself as a line (a policy on it could not be beaten).
 */
export async function renderSummarySvg(title: string, points: readonly InstancePoint[]): Promise<string> {
  const policies = [...new Set(points.map((p) => p.policy))];
  const rank = new Map(
    points
      .filter((p) => p.policy === policies[0])
      .sort((a, b) => a.excessMin - b.excessMin || a.instance.localeCompare(b.instance))
      .map((p, i) => [p.instance, i + 1]),
  );
  const values = points.map((p) => ({ ...p, rank: rank.get(p.instance) ?? 0 }));
  const bounds = points.map((p) => p.boundMin);
  const boundLine = bounds.length === 0 ? [] : [Math.min(...bounds), Math.max(...bounds)].map((m) => ({ bound: m, ctd: m }));
  const color = { field: 'policy', type: 'nominal', title: 'policy', scale: { domain: policies } } as const;
  return renderSvg({
    ...page(title),
    vconcat: [
      {
        title: `Excess click to door per instance (instances ranked by ${policies[0] ?? 'policy'})`,
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        data: { values },
        mark: { type: 'point', filled: true, size: 28 },
        encoding: {
          x: { field: 'rank', type: 'quantitative', title: 'instance rank', scale: { nice: false } },
          y: { field: 'excessMin', type: 'quantitative', title: 'excess click to door (minutes)' },
          color,
          tooltip: [{ field: 'instance' }, { field: 'policy' }, { field: 'excessMin', format: '.2f' }],
        },
      },
      {
        title: 'Mean click to door against the lower bound (line: the bound)',
        width: CHART_WIDTH,
        height: CHART_HEIGHT * 1.5,
        layer: [
          {
            data: { values: boundLine },
            mark: { type: 'line', color: '#888', strokeDash: [6, 4] },
            encoding: { x: { field: 'bound', type: 'quantitative' }, y: { field: 'ctd', type: 'quantitative' } },
          },
          {
            data: { values },
            mark: { type: 'point', filled: true, size: 28 },
            encoding: {
              x: { field: 'boundMin', type: 'quantitative', title: 'lower bound, mean (minutes)', scale: { zero: false } },
              y: { field: 'clickToDoorMin', type: 'quantitative', title: 'click to door, mean (minutes)', scale: { zero: false } },
              color,
            },
          },
        ],
      },
    ],
  });
}

/** What every picture of the simulator shares: its title, a white page, room around the charts. */
function page(title: string) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start' as const, fontSize: 16 },
    background: 'white',
    padding: 16,
    spacing: 32,
  };
}

function reportSpec(title: string, runs: readonly PolicyRun[]): TopLevelSpec {
  const deliveries = runs.flatMap((run) => run.clickToDoorMin.map((minutes) => ({ policy: run.policy, minutes })));
  const samples = runs.flatMap(timelineRows);
  const longest = deliveries.reduce((max, d) => Math.max(max, d.minutes), 0);
  const binMin = longest <= FINE_BIN_MIN * MAX_FINE_BINS ? FINE_BIN_MIN : COARSE_BIN_MIN;
  const color = {
    field: 'policy',
    type: 'nominal',
    title: 'policy',
    scale: { domain: runs.map((run) => run.policy) },
  } as const;
  const overDay = (field: 'ordersWaiting' | 'couriersIdle', heading: string, yTitle: string) =>
    ({
      title: heading,
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      data: { values: samples },
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'minute', type: 'quantitative', scale: { nice: false }, title: 'time since the start of the day (minutes)' },
        y: { field, type: 'quantitative', title: yTitle },
        color,
      },
    }) as const;

  return {
    ...page(title),
    vconcat: [
      {
        title: `Click to door, ${binMin}-minute bins (dashed: median)`,
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        data: { values: deliveries },
        layer: [
          {
            transform: [
              { bin: { step: binMin }, field: 'minutes', as: ['binStart', 'binEnd'] },
              { aggregate: [{ op: 'count', as: 'orders' }], groupby: ['policy', 'binStart', 'binEnd'] },
              { joinaggregate: [{ op: 'sum', field: 'orders', as: 'delivered' }], groupby: ['policy'] },
              { calculate: 'datum.orders / datum.delivered', as: 'share' },
            ],
            mark: { type: 'bar', opacity: 0.55, binSpacing: 0 },
            encoding: {
              x: { field: 'binStart', bin: { binned: true, step: binMin }, type: 'quantitative', title: 'click to door (minutes)' },
              x2: { field: 'binEnd' },
              y: { field: 'share', type: 'quantitative', stack: null, axis: { format: '%' }, title: 'share of delivered orders' },
              color,
            },
          },
          {
            mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 2 },
            encoding: { x: { aggregate: 'median', field: 'minutes', type: 'quantitative' }, color },
          },
        ],
      },
      overDay('ordersWaiting', 'Orders waiting for a courier', 'orders waiting'),
      overDay('couriersIdle', 'Couriers idle', 'couriers idle'),
    ],
  };
}

function timelineRows(run: PolicyRun) {
  const { minute, ordersWaiting, couriersIdle } = run.timeline;
  if (ordersWaiting.length !== minute.length || couriersIdle.length !== minute.length) {
    throw new RangeError(
      `${run.policy}: timeline arrays differ in length (minute ${minute.length}, ordersWaiting ${ordersWaiting.length}, couriersIdle ${couriersIdle.length})`,
    );
  }
  return minute.map((m, i) => ({ policy: run.policy, minute: m, ordersWaiting: ordersWaiting[i], couriersIdle: couriersIdle[i] }));
}
