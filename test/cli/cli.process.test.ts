/**
 * The built `dispatchd` bin (dist/src/cli.js, built by `npm test`'s pretest), run as a
 * user runs it: exit codes, the one stderr line, output files, and the happy paths.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DispatchResult } from '../../src/domain/result.js';
import { CLI_PATH, runCli, type CliRun } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'dispatchd-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function dispatchd(args: string[], cwd = work): CliRun {
  return runCli(args, { cwd });
}

/** A fresh directory holding `files`, so each test sees only its own files. */
function directoryWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'case-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** What only `serve`, `migrate`, `cluster`, `simulate` or `solve --out-dir` need. */
const HEAVY_PACKAGES = [
  'fastify',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  'mysql2',
  'ioredis',
  'prom-client',
  'pino',
  'vega',
  'vega-lite',
  'piscina',
  'nats',
];

/**
 * The npm packages a run of the CLI imports, recorded by a module resolution hook: the hook
 * writes each resolved node_modules package to a file named by an environment variable.
 */
function packagesLoaded(args: string[]): string[] {
  const hooks = `
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(resolved.url);
      if (match) appendFileSync(process.env.LOADED_PACKAGES, match[1] + '\\n');
      return resolved;
    }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  const record = join(mkdtempSync(join(work, 'loaded-')), 'packages.txt');
  writeFileSync(record, '');
  const run = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, CLI_PATH, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, LOADED_PACKAGES: record },
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return [...new Set(readFileSync(record, 'utf8').split('\n').filter(Boolean))];
}

function expectBadInput(run: CliRun, line: string | RegExp): void {
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.split('\n')).toHaveLength(2); // one line and its newline
  if (typeof line === 'string') expect(run.stderr).toBe(`dispatchd: ${line}\n`);
  else expect(run.stderr).toMatch(line);
}

// o-1's pickup is its dropoff and c-1 stands there, free, when it is ready: cost is the
// handover alone, 120 s = 1200 ds. o-2 is out of everyone's reach: penalty 3600 s.
const positions = {
  city: 'tiny',
  couriers: [
    { id: 'c-1', lat: 41.39, lng: 2.17, speed_mps: 5, free_in_s: 0 },
    { id: 'c-2', lat: 41.0, lng: 2.0, speed_mps: 5, free_in_s: 0 },
  ],
  orders: [
    { id: 'o-1', pickup_lat: 41.39, pickup_lng: 2.17, dropoff_lat: 41.39, dropoff_lng: 2.17, ready_in_s: 0 },
    { id: 'o-2', pickup_lat: 42.5, pickup_lng: 3.0, dropoff_lat: 42.5, dropoff_lng: 3.0, ready_in_s: 0 },
  ],
};
const positionsSnapshot = JSON.stringify(positions);
const badLatSnapshot = JSON.stringify({
  ...positions,
  couriers: [positions.couriers[0], { ...positions.couriers[1], lat: 141 }],
});

// Optimum: o-1→c-1 (10) + o-2→c-2 (3) = 13, not o-1→c-2 (5) with o-2 unassigned.
const edgesSnapshot = JSON.stringify({
  city: 'custom',
  couriers: [{ id: 'c-1' }, { id: 'c-2' }, { id: 'c-3' }],
  orders: [{ id: 'o-1' }, { id: 'o-2' }],
  edges: [
    [0, 0, 10],
    [0, 1, 5],
    [1, 1, 3],
  ],
});

describe('dispatchd: bad input and usage exit 2 with one stderr line', () => {
  it('rejects invalid JSON on the field `snapshot`', () => {
    const dir = directoryWith({ 'snapshot.json': '{"city": "tiny", ' });
    expectBadInput(dispatchd(['solve', join(dir, 'snapshot.json')]), /^dispatchd: snapshot: \S.*\n$/);
  });

  it('names a bad field with its index', () => {
    const dir = directoryWith({ 'snapshot.json': badLatSnapshot });
    expectBadInput(dispatchd(['solve', join(dir, 'snapshot.json')]), 'couriers[1].lat: must be a number in [-90, 90]');
  });

  it('reports a missing file', () => {
    const missing = join(work, 'no-such-snapshot.json');
    expectBadInput(dispatchd(['solve', missing]), `${missing}: cannot read (no such file or directory)`);
  });

  it.each([
    ['an unknown option', ['solve', 'snapshot.json', '--bogus'], /^dispatchd: unknown option '--bogus'\n$/],
    ['a misspelt option', ['solve', 'snapshot.json', '--dual'], /^dispatchd: unknown option '--dual' \(Did you mean --duals\?\)\n$/],
    ['a missing argument', ['solve'], /^dispatchd: missing required argument 'snapshot'\n$/],
    ['an extra argument', ['solve', 'a.json', 'b.json'], /^dispatchd: too many arguments/],
    ['an unknown command', ['frobnicate'], /^dispatchd: unknown command 'frobnicate'\n$/],
    ['no command', [], 'missing command (see dispatchd --help)'],
  ])('rejects %s', (_name, args, line) => {
    expectBadInput(dispatchd(args), line);
  });

  it('prints help on --help and exits 0', () => {
    const run = dispatchd(['--help']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/Usage: dispatchd/);
    expect(run.stdout).toMatch(/solve/);
    expect(run.stdout).toMatch(/demo/);
    expect(dispatchd(['solve', '--help']).stdout).toMatch(/--out <file>/);
  });

  it('prints the package version on --version and -V', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = dispatchd([flag]);
      expect(run).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('loads no server, plotting or pool package for --version, --help or solve', () => {
    const dir = directoryWith({ 'snapshot.json': edgesSnapshot });
    for (const args of [['--version'], ['--help'], ['solve', join(dir, 'snapshot.json')]]) {
      const loaded = packagesLoaded(args);
      expect(loaded).toContain('commander');
      expect(loaded.filter((name) => HEAVY_PACKAGES.includes(name))).toEqual([]);
    }
  });

  it('solve imports no package but commander: neither the schema libraries nor the other subcommands', () => {
    // The snapshot validator is generated at build time (scripts/snapshot-validator.mjs).
    const dir = directoryWith({ 'snapshot.json': positionsSnapshot });
    expect([...new Set(packagesLoaded(['solve', join(dir, 'snapshot.json')]))]).toEqual(['commander']);
  });

  it('leaves an existing --out file untouched, and no temporary file, after a failure', () => {
    const dir = directoryWith({ 'snapshot.json': badLatSnapshot, 'result.json': 'previous result\n' });
    const out = join(dir, 'result.json');
    expectBadInput(dispatchd(['solve', join(dir, 'snapshot.json'), '--out', out]), /couriers\[1\]\.lat/);
    expect(readFileSync(out, 'utf8')).toBe('previous result\n');
    expect(readdirSync(dir).sort()).toEqual(['result.json', 'snapshot.json']);
  });

  it('exits 1 with one line when the output cannot be written', () => {
    const dir = directoryWith({ 'snapshot.json': edgesSnapshot });
    const out = join(dir, 'no-such-dir', 'result.json');
    const run = dispatchd(['solve', join(dir, 'snapshot.json'), '--out', out]);
    expect(run.stderr).toBe(`dispatchd: cannot write ${out} (no such file or directory)\n`);
    expect(run.status).toBe(1);
  });
});

describe('dispatchd: happy paths (need the solver)', () => {
  it('solves a positions snapshot to stdout', () => {
    const dir = directoryWith({ 'snapshot.json': positionsSnapshot });
    const run = dispatchd(['solve', join(dir, 'snapshot.json')]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as DispatchResult;
    expect(result).toMatchObject({
      city: 'tiny',
      objective: 1200 + 36000,
      assigned: [{ order: 'o-1', courier: 'c-1', cost: 1200 }],
      unassigned: ['o-2'],
      stats: { couriers: 2, orders: 2, assigned: 1, unassigned: 1 },
    });
    expect(result.duals).toBeUndefined();
    for (const key of ['edges', 'edges_kept', 'edges_priced', 'rounds', 'bids', 'parse_ms', 'edge_build_ms', 'matching_ms', 'solve_ms']) {
      expect(result.stats).toHaveProperty(key, expect.any(Number));
    }
  });

  it('writes an edges snapshot result with duals to --out, replacing the old file', () => {
    const dir = directoryWith({ 'snapshot.json': edgesSnapshot, 'result.json': 'previous result\n' });
    const out = join(dir, 'result.json');
    const run = dispatchd(['solve', join(dir, 'snapshot.json'), '--out', out, '--duals']);
    expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(readdirSync(dir).sort()).toEqual(['result.json', 'snapshot.json']);

    const result = JSON.parse(readFileSync(out, 'utf8')) as DispatchResult;
    expect(result).toMatchObject({
      city: 'custom',
      objective: 13,
      assigned: [
        { order: 'o-1', courier: 'c-1', cost: 10 },
        { order: 'o-2', courier: 'c-2', cost: 3 },
      ],
      unassigned: [],
      stats: { couriers: 3, orders: 2, edges: 3, assigned: 2, unassigned: 0 },
    });
    // A dual certificate: feasible on every edge, and its value is the objective.
    const { orders, couriers } = result.duals!;
    expect(orders).toHaveLength(2);
    expect(couriers).toHaveLength(3);
    for (const [o, c, cost] of [
      [0, 0, 10],
      [0, 1, 5],
      [1, 1, 3],
    ]) {
      expect(cost - orders[o] - couriers[c]).toBeGreaterThanOrEqual(-1e-9);
    }
    for (const dual of couriers) expect(dual).toBeLessThanOrEqual(0);
    const dualValue = [...orders, ...couriers].reduce((sum, dual) => sum + dual, 0);
    expect(dualValue).toBeCloseTo(13, 6);
  });

  it('demo solves the bundled sample city from any working directory', () => {
    const run = dispatchd(['demo'], directoryWith({}));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^city +\S+$/m);
    expect(run.stdout).toMatch(/^couriers +[1-9]\d*$/m);
    expect(run.stdout).toMatch(/^orders +[1-9]\d*$/m);
    expect(run.stdout).toMatch(/^candidate edges +\d+ \(\d+ kept, \d+ priced in \d+ rounds\)$/m);
    expect(run.stdout).toMatch(/^assigned +\d+ \(\d+ unassigned\)$/m);
    expect(run.stdout).toMatch(/^objective +\d+ ds \(mean cost \d+\.\d\d min per assigned order\)$/m);
    expect(run.stdout).toMatch(/^timings +parse [\d.]+ ms, edge build [\d.]+ ms, matching [\d.]+ ms, solve [\d.]+ ms$/m);
  });

  it('demo --snapshot summarises the given snapshot', () => {
    const dir = directoryWith({ 'snapshot.json': positionsSnapshot });
    const run = dispatchd(['demo', '--snapshot', join(dir, 'snapshot.json')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^city +tiny$/m);
    expect(run.stdout).toMatch(/^assigned +1 \(1 unassigned\)$/m);
    expect(run.stdout).toMatch(/^objective +37200 ds \(mean cost 2\.00 min per assigned order\)$/m);
  });
});
