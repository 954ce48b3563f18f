/**
 * report.svg for a simulated day: how the dispatch policies compare, as one picture.
 *
 * Three charts, one colour per policy throughout: the click-to-door distribution (share of each
 * policy's delivered orders per bin, so policies that delivered different numbers of orders
 * compare fairly, with a dashed line at each median), then orders waiting and couriers idle over
 * the day. The charts are one Vega-Lite spec, rendered headless (src/vega-lite-svg.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLiteSvg } from '../vega-lite-svg.js';

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
  return renderVegaLiteSvg(reportSpec(title, runs));
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
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 16 },
    background: 'white',
    padding: 16,
    spacing: 32,
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
