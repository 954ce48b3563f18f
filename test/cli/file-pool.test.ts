/** The file pool's scheduling and its answer to workers that die, with stand-in workers (test/fixtures/file-pool/). */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FilePool } from '../../src/cli/file-pool.js';
import type { FileOutcome } from '../../src/cli/solve-file-worker.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/file-pool/${name}`, import.meta.url));
const tasks = (...paths: string[]) => paths.map((path) => ({ path, duals: false }));

async function run(threads: number, worker: string, paths: string[]): Promise<FileOutcome[]> {
  const pool = new FilePool(threads, fixture(worker));
  try {
    return await pool.run(tasks(...paths));
  } finally {
    await pool.close();
  }
}

describe('FilePool', () => {
  it('answers every task once, in the tasks’ order, also as each comes', async () => {
    const paths = Array.from({ length: 20 }, (_, i) => `f${i}`);
    const seen: number[] = [];
    const pool = new FilePool(2, fixture('worker.mjs'));
    const outcomes = await pool.run(tasks(...paths), (index) => seen.push(index));
    await pool.close();
    expect(outcomes.map((outcome) => (outcome as { resultJson: string }).resultJson.split(' ')[0])).toEqual(paths);
    expect(seen.sort((a, b) => a - b)).toEqual(paths.map((_, i) => i));
  });

  it('fails the task a dying worker held, and goes on with a replacement', async () => {
    const outcomes = await run(1, 'worker.mjs', ['a', 'exit', 'b', 'throw', 'c']);
    expect(outcomes.map((outcome) => ('failure' in outcome ? outcome.failure : 'ok'))).toEqual([
      'ok',
      'the worker thread stopped (exit code 3)',
      'ok',
      'boom',
      'ok',
    ]);
  });

  it('fails every task with the error of workers that cannot start, rather than restarting them', async () => {
    expect(await run(2, 'load-fails.mjs', ['a', 'b', 'c'])).toEqual(Array(3).fill({ failure: 'cannot load' }));
  });

  it('answers no tasks at once', async () => {
    expect(await run(1, 'worker.mjs', [])).toEqual([]);
  });
});
