/** The pipeline every solving command shares: snapshot file → result JSON object. */
import { formatResult, type DispatchResult } from '../domain/result.js';
import { parseSnapshot } from '../domain/snapshot.js';
import { readInputFile } from './files.js';

export async function solveSnapshotFile(
  path: string,
  options: { duals?: boolean } = {},
): Promise<DispatchResult> {
  const text = await readInputFile(path);
  const parseStart = performance.now();
  const snapshot = parseSnapshot(text);
  const parseMs = performance.now() - parseStart;
  // Loaded only once there is a valid problem: bad input, --help and commands that
  // never solve neither wait for nor depend on the WebAssembly module.
  const { loadSolver } = await import('../solver/index.js');
  const solution = loadSolver().solve(snapshot.problem, { duals: options.duals });
  return formatResult(snapshot, solution, { duals: options.duals, parseMs });
}
