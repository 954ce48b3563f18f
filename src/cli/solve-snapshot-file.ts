/** The pipeline every solving command shares: snapshot file → result JSON object. */
import type { Snapshot } from '../domain/problem.js';
import { formatResult, type DispatchResult } from '../domain/result.js';
import { parseSnapshot } from '../domain/snapshot.js';
import { readInputFile } from './files.js';

export interface ReadSnapshot {
  snapshot: Snapshot;
  /** Time spent parsing and validating the text. */
  parseMs: number;
}

/** Reads and checks a snapshot file; bad content throws its InputError. */
export async function readSnapshotFile(path: string): Promise<ReadSnapshot> {
  const text = await readInputFile(path);
  const parseStart = performance.now();
  const snapshot = parseSnapshot(text);
  return { snapshot, parseMs: performance.now() - parseStart };
}

export async function solveSnapshotFile(path: string, options: { duals?: boolean } = {}): Promise<DispatchResult> {
  const { snapshot, parseMs } = await readSnapshotFile(path);
  // Loaded only once there is a valid problem: bad input, --help and commands that
  // never solve neither wait for nor depend on the WebAssembly module.
  const { loadSolver } = await import('../solver/index.js');
  const solution = loadSolver().solve(snapshot.problem, { duals: options.duals });
  return formatResult(snapshot, solution, { duals: options.duals, parseMs });
}
