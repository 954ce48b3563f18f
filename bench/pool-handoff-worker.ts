/**
 * Piscina worker for the hand-off benchmark (bench/pool.ts): receives a snapshot, makes
 * the problem's column views as the solve worker would, and answers at once, so the round
 * trip is the hand-off alone. Also receives snapshot JSON objects, cloned, for comparison.
 */
import { unpackProblem, type PackedProblem } from '../src/domain/packed-problem.js';
import type { SnapshotJson } from '../src/sim/city.js';

export type HandoffTask = { problem: PackedProblem } | { json: SnapshotJson };

export default function receive(task: HandoffTask): number {
  return 'problem' in task ? unpackProblem(task.problem).orderCount : task.json.orders.length;
}
