/**
 * What a simulation run reports: per policy, the evaluator's verdict and metrics on the
 * solution the simulator wrote (never the simulator's own bookkeeping), as report.json, a short
 * KPI table for the terminal, and the summary over many instances with the change against greedy.
 */
import type { MdrpEvaluation, MdrpMetrics } from './mdrp/evaluator.js';
import type { SimPolicy, SimulationOptions, Timeline } from './simulator.js';

export interface PolicyReport {
  policy: SimPolicy;
  feasible: boolean;
  violations: { code: string; message: string }[];
  metrics: MdrpMetrics;
  decisions: number;
  /** Wall time of the simulation alone, ms. */
  simulationMs: number;
  /** Mean |ready time the engine priced an order on − when it was really ready|, seconds, over committed orders; null for greedy. */
  readyTimeMaeS: number | null;
}

export interface InstanceReport {
  instance: string;
  options: Omit<SimulationOptions, 'policy' | 'solver'>;
  policies: PolicyReport[];
}

export function policyReport(
  policy: SimPolicy,
  evaluation: MdrpEvaluation,
  decisions: number,
  simulationMs: number,
  readyErrorsS: readonly number[],
): PolicyReport {
  return {
    policy,
    feasible: evaluation.feasible,
    violations: evaluation.violations.slice(0, 20),
    metrics: evaluation.metrics,
    decisions,
    simulationMs: Math.round(simulationMs),
    readyTimeMaeS: policy === 'greedy' || readyErrorsS.length === 0 ? null : readyErrorsS.reduce((s, e) => s + e, 0) / readyErrorsS.length,
  };
}

/** The plots' input: per policy, the click-to-door of every delivered order and the day's timeline. */
export interface PolicyRunData {
  policy: SimPolicy;
  clickToDoorMin: number[];
  timeline: Timeline;
}

const COLUMNS: { title: string; value: (m: MdrpMetrics, r: PolicyReport) => string }[] = [
  { title: 'delivered', value: (m) => `${m.delivered}/${m.orders}` },
  { title: 'ctd mean', value: (m) => m.clickToDoorMean.toFixed(1) },
  { title: 'ctd p90', value: (m) => m.clickToDoorP90.toFixed(1) },
  { title: 'excess', value: (m) => m.excessMean.toFixed(2) },
  { title: 'ready→pickup', value: (m) => m.readyToPickupMean.toFixed(2) },
  { title: 'utilisation', value: (m) => `${(m.utilisation * 100).toFixed(1)} %` },
  { title: 'orders/courier-h', value: (m) => m.ordersPerCourierHour.toFixed(2) },
  { title: 'feasible', value: (_, r) => (r.feasible ? 'yes' : `NO (${r.violations.length})`) },
  { title: 'sim s', value: (_, r) => (r.simulationMs / 1000).toFixed(2) },
];

/** The terminal table: one row per policy, minutes unless said otherwise. */
export function formatKpiTable(report: InstanceReport): string {
  const header = ['policy', ...COLUMNS.map((c) => c.title)];
  const rows = report.policies.map((r) => [r.policy, ...COLUMNS.map((c) => c.value(r.metrics, r))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const m = report.policies[0]?.metrics;
  const bound = m ? `, lower bound mean ${m.boundMean.toFixed(1)} min, ${m.undeliverable} undeliverable` : '';
  return [`${report.instance}${bound} (times in minutes)`, line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Aggregates over instances, per policy: what the summary table shows. */
export interface PolicyAggregate {
  policy: SimPolicy;
  instances: number;
  feasible: number;
  orders: number;
  delivered: number;
  undeliverable: number;
  /** Means over instances of the per-instance means (each instance weighs the same), minutes. */
  clickToDoorMean: number;
  clickToDoorP90: number;
  boundMean: number;
  boundP90: number;
  excessMean: number;
  readyToPickupMean: number;
  utilisation: number;
  ordersPerCourierHour: number;
  simulationMsMax: number;
}

export function aggregate(reports: readonly InstanceReport[]): PolicyAggregate[] {
  const policies = [...new Set(reports.flatMap((r) => r.policies.map((p) => p.policy)))];
  return policies.map((policy) => {
    const runs = reports.flatMap((r) => r.policies.filter((p) => p.policy === policy));
    const mean = (f: (m: MdrpMetrics) => number) => runs.reduce((s, r) => s + f(r.metrics), 0) / Math.max(1, runs.length);
    const sum = (f: (m: MdrpMetrics) => number) => runs.reduce((s, r) => s + f(r.metrics), 0);
    return {
      policy,
      instances: runs.length,
      feasible: runs.filter((r) => r.feasible).length,
      orders: sum((m) => m.orders),
      delivered: sum((m) => m.delivered),
      undeliverable: sum((m) => m.undeliverable),
      clickToDoorMean: mean((m) => m.clickToDoorMean),
      clickToDoorP90: mean((m) => m.clickToDoorP90),
      boundMean: mean((m) => m.boundMean),
      boundP90: mean((m) => m.boundP90),
      excessMean: mean((m) => m.excessMean),
      readyToPickupMean: mean((m) => m.readyToPickupMean),
      utilisation: mean((m) => m.utilisation),
      ordersPerCourierHour: mean((m) => m.ordersPerCourierHour),
      simulationMsMax: Math.max(0, ...runs.map((r) => r.simulationMs)),
    };
  });
}

/** The summary as markdown: one row per policy, then the change of each against greedy. */
export function formatSummaryMarkdown(title: string, aggregates: readonly PolicyAggregate[]): string {
  const rows = aggregates.map((a) => [
    a.policy,
    `${a.feasible}/${a.instances}`,
    `${((a.delivered / Math.max(1, a.orders)) * 100).toFixed(2)} % (${a.delivered}/${a.orders}; ${a.undeliverable} undeliverable)`,
    a.clickToDoorMean.toFixed(1),
    a.clickToDoorP90.toFixed(1),
    `${a.excessMean.toFixed(2)}`,
    `${a.clickToDoorP90 - a.boundP90 >= 0 ? '+' : ''}${(a.clickToDoorP90 - a.boundP90).toFixed(1)}`,
    a.readyToPickupMean.toFixed(2),
    `${(a.utilisation * 100).toFixed(1)} %`,
    a.ordersPerCourierHour.toFixed(2),
    (a.simulationMsMax / 1000).toFixed(2),
  ]);
  const header = [
    'policy',
    'feasible',
    'delivered',
    'ctd mean',
    'ctd p90',
    'excess ctd',
    'p90 − bound p90',
    'ready→pickup',
    'utilisation',
    'orders/courier-h',
    'slowest sim s',
  ];
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const greedy = aggregates.find((a) => a.policy === 'greedy');
  const changes = greedy
    ? aggregates
        .filter((a) => a !== greedy)
        .map(
          (a) =>
            `- ${a.policy} vs greedy: excess click-to-door ${(a.excessMean - greedy.excessMean).toFixed(2)} min, ` +
            `mean click-to-door ${(a.clickToDoorMean - greedy.clickToDoorMean).toFixed(1)} min, ` +
            `delivered ${a.delivered - greedy.delivered >= 0 ? '+' : ''}${a.delivered - greedy.delivered} orders`,
        )
    : [];
  const bound = aggregates[0]
    ? `\nLower bound: mean ${aggregates[0].boundMean.toFixed(1)} min, p90 ${aggregates[0].boundP90.toFixed(1)} min (means over instances).\n`
    : '';
  return `## ${title}\n\nMinutes; means over instances of each instance's figure.\n\n${table}\n${bound}${changes.length ? `\n${changes.join('\n')}\n` : ''}`;
}
