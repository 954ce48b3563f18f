/** `dispatchd simulate` as a user runs it: files written, KPIs printed, bad input in one line, exit 2. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/mdrp/0r50t100s1p100', import.meta.url));

describe('dispatchd simulate', () => {
  it('writes the solution files, report.json and report.svg, and prints both policies', () => {
    const out = mkdtempSync(join(tmpdir(), 'simulate-'));
    const run = runCli(['simulate', '--mdrp', FIXTURE, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^dispatchd\s+\d+\/242/m);
    expect(run.stdout).toMatch(/^greedy\s+\d+\/242/m);
    for (const f of ['solution_info_assignments.txt', 'solution_info_orders.txt', 'solution_info_couriers.txt', 'report.svg'])
      expect(existsSync(join(out, f))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.policies.map((p: { policy: string; feasible: boolean }) => [p.policy, p.feasible])).toEqual([
      ['dispatchd', true],
      ['greedy', true],
    ]);
  });

  it('names the file and line of a malformed instance: one line, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-bad-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const orders = readFileSync(join(dir, 'orders.txt'), 'utf8').split('\n');
    orders[3] = orders[3].replace(/\t\d+$/, '\tsoon');
    writeFileSync(join(dir, 'orders.txt'), orders.join('\n'));
    const run = runCli(['simulate', '--mdrp', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^dispatchd: --mdrp: .*orders\.txt:4: .*\n$/);
    expect(runCli(['simulate', '--mdrp', join(dir, 'missing')]).status).toBe(2);
    expect(runCli(['simulate', '--mdrp', dir, '--epoch-min', '0']).stderr).toMatch(/--epoch-min/);
  });

  it('--mdrp-all: every instance under the folder, both policies, a summary in markdown, JSON and a plot', () => {
    const root = mkdtempSync(join(tmpdir(), 'simulate-all-'));
    for (const name of ['0r50t100s1p100', '2r50t75s1p125'])
      cpSync(fileURLToPath(new URL(`../fixtures/mdrp/${name}`, import.meta.url)), join(root, name), { recursive: true });
    const out = join(root, 'out');
    const run = runCli(['simulate', '--mdrp-all', root, '--out', out, '--threads', '2']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\| dispatchd \| 2\/2 \|/m);
    expect(run.stdout).toMatch(/^\| greedy \| 2\/2 \|/m);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.instances.map((i: { instance: string }) => i.instance)).toEqual(['0r50t100s1p100', '2r50t75s1p125']);
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
    const svg = readFileSync(join(out, 'summary.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    // A point per instance and policy in each of the two charts.
    expect(svg.match(/aria-roledescription="point"/g) ?? []).toHaveLength(2 * 2 * 2);
    expect(existsSync(join(out, '2r50t75s1p125', 'greedy', 'solution_info_orders.txt'))).toBe(true);
    expect(runCli(['simulate', '--mdrp-all', root]).status).toBe(2);
  });

  it('--city S: a generated city through the same simulator and evaluator', () => {
    const run = runCli(['simulate', '--city', 'S', '--seed', '3']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^city-S-seed3/);
    expect(run.stdout).toMatch(/^dispatchd .* yes /m);
    expect(run.stdout).toMatch(/^greedy .* yes /m);
    expect(runCli(['simulate', '--city', 'XXL']).stderr).toMatch(/^dispatchd: --city: must be one of S, M, L, XL/);
  });
});
