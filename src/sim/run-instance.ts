/**
 * One policy on one MDRP instance, end to end: simulate the day, write the three solution
 * files, and judge them with the evaluator (which re-derives everything from the instance and
 * the files, not from the simulator).
 */
import { mkdirSync } from 'node:fs';
import type { LoggedEvent } from '../features/events.js';
import { evaluateMdrp } from './mdrp/evaluator.js';
import type { MdrpInstance } from './mdrp/instance.js';
import { readMdrpSolution, writeMdrpSolution } from './mdrp/solution.js';
import { policyReport, type PolicyReport, type PolicyRunData } from './report.js';
import { simulateMdrp, type SimulationOptions } from './simulator.js';

export interface PolicyRun {
  report: PolicyReport;
  data: PolicyRunData;
  /** The feature-engine event log of the run (SimulationOptions.feedFeatures). */
  events: LoggedEvent[];
}

/** Writes the solution under `outDir` (when given) and evaluates what was written. */
export async function runPolicy(instance: MdrpInstance, options: SimulationOptions, outDir?: string): Promise<PolicyRun> {
  const result = await simulateMdrp(instance, options);
  let solution = result.solution;
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeMdrpSolution(outDir, solution);
    solution = readMdrpSolution(outDir);
  }
  const evaluation = evaluateMdrp(instance, solution);
  return {
    report: policyReport(options.policy, evaluation, result.decisions, result.wallMs, result.readyErrorsS),
    data: { policy: options.policy, clickToDoorMin: evaluation.clickToDoorMin, timeline: result.timeline },
    events: result.events,
  };
}
