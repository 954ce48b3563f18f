/** The Piscina worker of `simulate --mdrp-all`: one policy on one instance per task. */
import { readMdrpInstance } from './mdrp/instance.js';
import type { PolicyReport } from './report.js';
import { runPolicy } from './run-instance.js';
import type { SimulationOptions } from './simulator.js';

export interface SimulateTask {
  instanceDir: string;
  /** Where this run's three solution files go. */
  outDir: string;
  options: Omit<SimulationOptions, 'solver'>;
}

export default async function simulateTask(task: SimulateTask): Promise<{ instance: string; report: PolicyReport }> {
  const instance = readMdrpInstance(task.instanceDir);
  const { report } = await runPolicy(instance, task.options, task.outDir);
  return { instance: instance.name, report };
}
