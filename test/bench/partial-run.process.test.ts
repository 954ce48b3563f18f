/**
 * A partial benchmark run never destroys published figures: `bench/run.js --sizes S --only
 * solver`, pointed at a copy of bench/'s results, replaces the S rows of results.json and of
 * the solver table, redraws charts/solver.svg, and leaves every other row, file and section of
 * RESULTS.md as it was. (The run is real: the S city, both K, wasm and javascript-lp-solver.)
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/results.js';

const BENCH = fileURLToPath(new URL('../../bench/', import.meta.url));
const RUN = fileURLToPath(new URL('../../dist/bench/run.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'dispatchd-bench-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const published = ['RESULTS.md', ...readdirSync(BENCH).filter((name) => name.endsWith('.json')), 'charts'];
for (const name of published) cpSync(join(BENCH, name), join(work, name), { recursive: true });
rmSync(join(work, 'charts', 'solver.svg'));

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');
const sections = (markdown: string) => Object.fromEntries([...markdown.matchAll(/<!-- (\S+):begin -->[\s\S]*?<!-- \1:end -->/g)].map((m) => [m[1], m[0]]));
const outside = (markdown: string) => markdown.replace(/<!-- (\S+):begin -->[\s\S]*?<!-- \1:end -->/g, '<!-- $1 -->');
const tableRows = (section: string) => section.split('\n').filter((line) => /^\| (S|M|L|XL) \|/.test(line));

describe('npm run bench -- --sizes S --only solver', () => {
  let run: SpawnSyncReturns<string>;
  beforeAll(() => {
    run = spawnSync(process.execPath, [RUN, '--sizes', 'S', '--only', 'solver', '--results-dir', work], { encoding: 'utf8' });
  }, 300_000);

  it('runs', () => {
    expect(run.stderr).toMatch(/updated the rows S K=0, S K=64 of results\.json/);
    expect(run.status).toBe(0);
  });

  it('replaces the S rows of results.json and keeps the others as they were', () => {
    const before = JSON.parse(read(BENCH, 'results.json')) as BenchResults;
    const after = JSON.parse(read(work, 'results.json')) as BenchResults;
    expect(after.rows.map((row) => `${row.preset}/${row.maxCandidates}`)).toEqual(before.rows.map((row) => `${row.preset}/${row.maxCandidates}`));
    expect(after.rows.filter((row) => row.preset !== 'S')).toEqual(before.rows.filter((row) => row.preset !== 'S'));
    for (const row of after.rows.filter((r) => r.preset === 'S')) {
      expect(Date.parse(row.run.date)).toBeGreaterThan(Math.max(...before.rows.map((r) => Date.parse(r.run.date))));
      expect(row.wasm.status).toBe('done');
    }
  });

  it('rewrites only the solver section of RESULTS.md, and in it only the S rows', () => {
    const before = read(BENCH, 'RESULTS.md');
    const after = read(work, 'RESULTS.md');
    expect(outside(after)).toBe(outside(before));
    const [old, fresh] = [sections(before), sections(after)];
    expect(Object.keys(fresh)).toEqual(Object.keys(old));
    for (const name of Object.keys(old).filter((n) => n !== 'solver-bench')) expect(fresh[name]).toBe(old[name]);
    const keep = (rows: string[]) => rows.filter((line) => !line.startsWith('| S |'));
    expect(keep(tableRows(fresh['solver-bench']))).toEqual(keep(tableRows(old['solver-bench'])));
    expect(tableRows(fresh['solver-bench'])).toHaveLength(tableRows(old['solver-bench']).length);
    expect(fresh['solver-bench']).toMatch(/^- S: \d{4}-\d\d-\d\dT/m);
    expect(fresh['solver-bench']).toMatch(/^- M, L, XL: /m);
  });

  it('redraws the solver chart and leaves the other files alone', () => {
    expect(read(work, 'charts/solver.svg')).toMatch(/^<svg[\s\S]*couriers[\s\S]*<\/svg>$/);
    for (const name of published.filter((n) => n.endsWith('.json') && n !== 'results.json')) expect(read(work, name)).toBe(read(BENCH, name));
    for (const chart of readdirSync(join(BENCH, 'charts')).filter((n) => n !== 'solver.svg')) {
      expect(read(join(work, 'charts'), chart)).toBe(read(join(BENCH, 'charts'), chart));
    }
    expect(existsSync(join(work, 'charts', 'solver.svg'))).toBe(true);
  });
});
