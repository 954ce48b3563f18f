/**
 * Every MDRP instance under a folder, both policies, in parallel worker threads (one
 * simulation per task); then the summary over instances, as markdown, JSON and a plot (summary.svg).
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { packageRoot } from '../package-root.js';
import { aggregate, formatSummaryMarkdown, type InstanceReport, type PolicyAggregate } from './report.js';
import { renderSummarySvg } from './report-svg.js';
import type { SimulateTask } from './simulate-worker.js';
import { SIM_POLICIES, type SimulationOptions } from './simulator.js';

/** The built worker (workers load plain JavaScript, also under vitest). */
const SIMULATE_WORKER_PATH = join(packageRoot(), 'dist', 'src', 'sim', 'simulate-worker.js');

export interface RunAllOptions {
  root: string;
  outDir: string;
  options: Omit<SimulationOptions, 'policy' | 'solver'>;
  threads?: number;
  /** Called after each finished simulation. */
  onProgress?: (done: number, total: number, instance: string, policy: string) => void;
}

export interface RunAllResult {
  reports: InstanceReport[];
  aggregates: PolicyAggregate[];
  markdown: string;
}

/** Instance folders directly under `root`, by name. */
export function instanceDirs(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'orders.txt')))
    .map((d) => join(root, d.name))
    .sort();
}

export async function runAll(run: RunAllOptions): Promise<RunAllResult> {
  const dirs = instanceDirs(run.root);
  if (dirs.length === 0) throw new Error(`no MDRP instance (a folder with orders.txt) under ${run.root}`);
  if (!existsSync(SIMULATE_WORKER_PATH)) throw new Error(`simulation worker not built: ${SIMULATE_WORKER_PATH} is missing (run npm run build)`);
  const threads = run.threads ?? Math.max(1, availableParallelism());
  const pool = new Piscina<SimulateTask, Awaited<ReturnType<typeof import('./simulate-worker.js').default>>>({
    filename: SIMULATE_WORKER_PATH,
    minThreads: threads,
    maxThreads: threads,
  });
  const byInstance = new Map<string, InstanceReport>();
  const total = dirs.length * SIM_POLICIES.length;
  let done = 0;
  try {
    await Promise.all(
      dirs.flatMap((dir) =>
        SIM_POLICIES.map(async (policy) => {
          const name = dir.split(/[\\/]/).pop()!;
          const { instance, report } = await pool.run({ instanceDir: dir, outDir: join(run.outDir, name, policy), options: { ...run.options, policy } });
          const entry = byInstance.get(instance) ?? { instance, options: run.options, policies: [] };
          entry.policies.push(report);
          byInstance.set(instance, entry);
          run.onProgress?.(++done, total, instance, policy);
        }),
      ),
    );
  } finally {
    await pool.destroy();
  }
  const reports = [...byInstance.values()].sort((a, b) => a.instance.localeCompare(b.instance));
  for (const r of reports) r.policies.sort((a, b) => SIM_POLICIES.indexOf(a.policy) - SIM_POLICIES.indexOf(b.policy));
  const aggregates = aggregate(reports);
  const pickups = run.options.maxBundleSize === 1 ? 'one order per pickup (no bundling)' : `pickups of up to ${run.options.maxBundleSize} orders`;
  const title = `${reports.length} MDRP instances, decisions every ${run.options.epochMin} min, ${pickups}`;
  const markdown = formatSummaryMarkdown(title, aggregates);
  writeFileSync(join(run.outDir, 'summary.md'), markdown);
  const points = reports.flatMap((r) =>
    r.policies.map(({ policy, metrics: m }) => ({
      instance: r.instance,
      policy,
      excessMin: m.excessMean,
      clickToDoorMin: m.clickToDoorMean,
      boundMin: m.boundMean,
    })),
  );
  writeFileSync(join(run.outDir, 'summary.svg'), await renderSummarySvg(title, points));
  writeFileSync(join(run.outDir, 'summary.json'), `${JSON.stringify({ options: run.options, aggregates, instances: reports }, null, 2)}\n`);
  return { reports, aggregates, markdown };
}
