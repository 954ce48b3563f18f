/**
 * `dispatchd solve FILE... --out-dir DIR [--threads N]` through the built bin (dist/src/cli.js,
 * built by `npm test`'s pretest): one result file per snapshot, each what the one-file
 * `solve` prints, and bad input refused before any result is written.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DispatchResult } from '../../src/domain/result.js';
import { generateCity } from '../../src/sim/city.js';
import { runCli } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'dispatchd-solve-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function dispatchd(args: string[]) {
  return runCli(args, { cwd: work });
}

/** Snapshot files in a fresh directory: S cities of the given seeds, named city-SEED.json. */
function snapshotFiles(seeds: number[]): string[] {
  const dir = mkdtempSync(join(work, 'case-'));
  return seeds.map((seed) => {
    const path = join(dir, `city-${seed}.json`);
    writeFileSync(path, JSON.stringify(generateCity({ preset: 'S', seed, maxCandidates: seed % 2 === 0 ? 64 : 0 }).json));
    return path;
  });
}

/** The result without its timings. */
function solved(result: DispatchResult) {
  const { stats, ...rest } = result;
  const { parse_ms, edge_build_ms, matching_ms, solve_ms, ...counts } = stats;
  return { ...rest, counts };
}

describe('dispatchd solve with several snapshots', () => {
  it('writes DIR/NAME.result.json for each, equal to what solve prints for it alone', () => {
    const inputs = snapshotFiles([1, 2, 3, 4, 5]);
    const outDir = join(work, 'results-many');
    const run = dispatchd(['solve', ...inputs, '--out-dir', outDir, '--threads', '2', '--duals']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(readdirSync(outDir).sort()).toEqual([1, 2, 3, 4, 5].map((seed) => `city-${seed}.result.json`));
    for (const [i, input] of inputs.entries()) {
      const alone = dispatchd(['solve', input, '--duals']);
      expect(alone.status).toBe(0);
      const written = JSON.parse(readFileSync(join(outDir, `city-${i + 1}.result.json`), 'utf8')) as DispatchResult;
      expect(solved(written)).toEqual(solved(JSON.parse(alone.stdout) as DispatchResult));
    }
  });

  it('writes one snapshot to --out-dir too', () => {
    const [input] = snapshotFiles([6]);
    const outDir = join(work, 'results-one');
    expect(dispatchd(['solve', input, '--out-dir', outDir]).status).toBe(0);
    expect(readdirSync(outDir)).toEqual(['city-6.result.json']);
  });

  it('refuses a bad snapshot among several, naming file and field, before writing any result', () => {
    const inputs = snapshotFiles([1, 2, 3]);
    const broken = JSON.parse(readFileSync(inputs[1], 'utf8'));
    broken.couriers[4].lat = 141;
    writeFileSync(inputs[1], JSON.stringify(broken));
    const outDir = join(work, 'results-bad');
    const run = dispatchd(['solve', ...inputs, '--out-dir', outDir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`dispatchd: ${inputs[1]}: couriers[4].lat: must be a number in [-90, 90]\n`);
    expect(existsSync(outDir)).toBe(false);
  });

  it('leaves an existing --out-dir as it was after a bad snapshot, without temporary files', () => {
    const inputs = snapshotFiles([1, 2, 3, 4]);
    writeFileSync(inputs[3], '{"couriers": [');
    const outDir = mkdtempSync(join(work, 'results-kept-'));
    writeFileSync(join(outDir, 'city-1.result.json'), 'previous result\n');
    const run = dispatchd(['solve', ...inputs, '--out-dir', outDir, '--threads', '2']);
    expect(run.status).toBe(2);
    expect(readdirSync(outDir)).toEqual(['city-1.result.json']);
    expect(readFileSync(join(outDir, 'city-1.result.json'), 'utf8')).toBe('previous result\n');
  });

  it('removes the folders it made for --out-dir after a bad snapshot', () => {
    const [good, bad] = snapshotFiles([1, 2]);
    writeFileSync(bad, '[]');
    const parent = mkdtempSync(join(work, 'results-nested-'));
    const run = dispatchd(['solve', good, bad, '--out-dir', join(parent, 'a', 'b')]);
    expect(run.status).toBe(2);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses an unreadable snapshot among several (read in a worker), naming it', () => {
    const [first, second] = snapshotFiles([1, 2]);
    const missing = join(work, 'no-such-city.json');
    const outDir = join(work, 'results-missing');
    const run = dispatchd(['solve', first, missing, second, '--out-dir', outDir, '--threads', '2']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`dispatchd: ${missing}: ${missing}: cannot read (no such file or directory)\n`);
    expect(existsSync(outDir)).toBe(false);
  });

  it.each([
    ['several snapshots without --out-dir', (f: string[]) => ['solve', ...f], 'too many arguments: several snapshots need --out-dir'],
    ['--out with --out-dir', (f: string[]) => ['solve', ...f, '--out-dir', 'x', '--out', 'y'], '--out and --out-dir cannot be used together'],
    [
      '--threads 0',
      (f: string[]) => ['solve', ...f, '--out-dir', 'x', '--threads', '0'],
      "option '--threads <n>' argument '0' is invalid. must be a positive integer",
    ],
  ])('refuses %s (exit 2, one line)', (_name, args, message) => {
    const run = dispatchd(args(snapshotFiles([1, 2])));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`dispatchd: ${message}\n`);
  });

  it('refuses two snapshots whose results would share a file', () => {
    const [first] = snapshotFiles([1]);
    const [second] = snapshotFiles([1]); // same name, another directory
    const run = dispatchd(['solve', first, second, '--out-dir', join(work, 'results-clash')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`dispatchd: ${second}: its result would overwrite that of ${first} (both ${join(work, 'results-clash', 'city-1.result.json')})\n`);
  });
});
