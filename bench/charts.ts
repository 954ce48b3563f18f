/**
 * One SVG chart per benchmark section of RESULTS.md, drawn from the section's JSON with
 * Vega-Lite (rendered by src/vega-lite-svg.ts) into `dir`/charts/NAME.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLiteSvg } from '../src/vega-lite-svg.js';
import type { FailoverResults } from './failover-results.js';
import type { HostResults } from './host-results.js';
import { skippedShare, type CitiesResults } from './many-cities-results.js';
import type { PoolBenchResults } from './pool.js';
import type { BenchResults } from './results.js';

const WIDTH = 560;
const HEIGHT = 300;

const frame = (title: string, subtitle: string | string[]) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: { text: title, subtitle, anchor: 'start' as const, fontSize: 15 },
  background: 'white',
  padding: 16,
  width: WIDTH,
  height: HEIGHT,
});

/** Writes the chart and returns its path relative to `dir`, for the section's image link. */
export async function writeChart(dir: string, name: string, spec: TopLevelSpec): Promise<string> {
  mkdirSync(join(dir, 'charts'), { recursive: true });
  const path = `charts/${name}.svg`;
  writeFileSync(join(dir, path), await renderVegaLiteSvg(spec));
  return path;
}

/** Median solve time per city size, dispatchd beside javascript-lp-solver, one line per (solver, K). */
export function solverChart(results: BenchResults): TopLevelSpec {
  const points = results.rows.flatMap((row) => {
    const city = { city: row.preset, couriers: row.couriers };
    const out = [];
    if (row.wasm.status === 'done') out.push({ ...city, series: `dispatchd, K = ${row.maxCandidates}`, ms: row.wasm.totalMs });
    if (row.lp.status === 'done') out.push({ ...city, series: `javascript-lp-solver, K = ${row.maxCandidates}`, ms: row.lp.edgeBuildMs + row.lp.solveMs });
    return out;
  });
  const lpCities = [...new Set(results.rows.filter((row) => row.lp.status === 'done').map((row) => row.preset))];
  return {
    ...frame('Solve time against city size', [
      'median solve time; K = max_candidates (0 = every eligible pair)',
      `javascript-lp-solver ran on ${lpCities.join(', ') || 'no city'}: its dense tableau does not fit in memory beyond`,
    ]),
    data: { values: points },
    mark: { type: 'line', point: { size: 60 } },
    encoding: {
      x: {
        field: 'couriers',
        type: 'quantitative',
        scale: { type: 'log' },
        axis: { values: [...new Set(points.map((p) => p.couriers))], format: ',' },
        title: 'couriers (city S, M, L, XL)',
      },
      y: {
        field: 'ms',
        type: 'quantitative',
        scale: { type: 'log' },
        axis: { values: [0.1, 1, 10, 100, 1000, 10000], format: ',' },
        title: 'solve time (ms, log scale)',
      },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 300 } },
      tooltip: [{ field: 'city' }, { field: 'series' }, { field: 'ms', format: '.1f' }],
    },
  };
}

/** Throughput of the pool with 1 and 2 workers: each round as a point, the fastest as the bar. */
export function poolChart(results: PoolBenchResults): TopLevelSpec {
  const c = results.concurrency;
  const rounds = c.rounds.map((round, i) => ({ workers: String(round.workers), round: Math.floor(i / 2) + 1, perSecond: (c.cities / round.wallMs) * 1000 }));
  return {
    ...frame(
      `Worker pool scaling: ${c.speedup.toFixed(2)}× with 2 workers (target ≥ ${c.target}×)`,
      `${c.cities} cities ${c.city} solved through the pool; bars: fastest of ${c.rounds.length / 2} rounds, dots: each round; ${results.machine.cores} cores`,
    ),
    data: { values: rounds },
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.5 }, opacity: 0.7 },
        encoding: {
          x: { field: 'workers', type: 'ordinal', title: 'worker threads', axis: { labelAngle: 0 } },
          y: { aggregate: 'max', field: 'perSecond', type: 'quantitative', title: 'cities solved per second' },
        },
      },
      {
        mark: { type: 'point', filled: true, color: 'black', size: 50 },
        encoding: { x: { field: 'workers', type: 'ordinal' }, y: { field: 'perSecond', type: 'quantitative' } },
      },
    ],
  };
}

/** Failover per fault and lease timing: how long a host's cities went without a commit. */
export function failoverChart(results: FailoverResults): TopLevelSpec {
  const bars = results.runs.flatMap((run) => {
    const timing = `TTL ${run.timing.ttl / 1000} s, renew ${run.timing.renew / 1000} s, acquire ${run.timing.acquire / 1000} s, tick ${run.timing.tick / 1000} s`;
    return [
      { timing, scenario: 'kill -9', seconds: run.kill9.longestMs / 1000 },
      { timing, scenario: 'SIGTERM', seconds: run.sigterm.longestMs / 1000 },
    ];
  });
  return {
    ...frame(
      'Failover per scenario and lease timing',
      `3 hosts, ${results.cities} cities; time from the signal to the last of the host's cities committed by another host`,
    ),
    data: { values: bars },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'scenario', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'timing', sort: null },
      y: { field: 'seconds', type: 'quantitative', title: 'longest failover (s)' },
      color: { field: 'timing', type: 'nominal', sort: null, title: 'lease timing', legend: { orient: 'bottom', direction: 'vertical', labelLimit: 400 } },
    },
  };
}

/** Where a city's tick goes (p50 of snapshot, pool solve, commit), beside the pure solve, per city and K. */
export function hostChart(results: HostResults): TopLevelSpec {
  const parts = ['snapshot', 'pool solve', 'commit', 'pure solve'];
  const bars = results.ticks.flatMap((row) => [
    { bar: `${row.preset} tick, K = ${row.k}`, part: 'snapshot', ms: row.snapshot.p50 },
    { bar: `${row.preset} tick, K = ${row.k}`, part: 'pool solve', ms: row.poolSolve.p50 },
    { bar: `${row.preset} tick, K = ${row.k}`, part: 'commit', ms: row.commit.p50 },
    { bar: `${row.preset} pure solve, K = ${row.k}`, part: 'pure solve', ms: row.pureSolve.p50 },
  ]);
  return {
    ...frame('Dispatch tick of a city against the pure solve', [
      `${results.ticks
        .map((row) => `${row.preset} ${row.couriers.toLocaleString('en')} couriers × ${row.orders.toLocaleString('en')} orders`)
        .filter((v, i, all) => all.indexOf(v) === i)
        .join(', ')}; medians of ${results.ticks[0]?.tick.runs ?? 0} ticks; the parts of a tick, stacked`,
      `tick ÷ pure solve: ${results.ticks.map((row) => `${row.preset} K = ${row.k} ${row.ratioP50.toFixed(2)}×`).join(', ')} (target ≤ 1.5× L, ≤ 1.15× XL)`,
    ]),
    height: (60 * bars.length) / 2,
    data: { values: bars },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'bar', type: 'nominal', sort: null, title: null },
      x: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'ms (p50)' },
      color: { field: 'part', type: 'nominal', scale: { domain: parts }, title: null, legend: { orient: 'bottom' } },
    },
  };
}

/** Skipped ticks by cities per host, one line per (stores, threads). */
export function citiesChart(results: CitiesResults): TopLevelSpec {
  const points = results.rows.map((row) => ({
    setup: `${row.stores}, ${row.threads} thread${row.threads === 1 ? '' : 's'}`,
    cities: row.cities,
    skipped: skippedShare(row),
  }));
  return {
    ...frame('Cities one host dispatches every second', 'M cities (3,000 couriers × 1,000 orders), 1 s ticks, each re-solved whole; share of ticks skipped'),
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'cities', type: 'quantitative', title: 'cities on the host' },
      y: { field: 'skipped', type: 'quantitative', title: 'ticks skipped', axis: { format: '%' } },
      color: { field: 'setup', type: 'nominal', title: null, legend: { orient: 'bottom' } },
    },
  };
}
