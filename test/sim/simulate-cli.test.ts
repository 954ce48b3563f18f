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
    for (const f of ['solution_info_assignments.txt', 'solution_info_orders.txt', 'solution_info_couriers.txt', 'report.svg']) expect(existsSync(join(out, f))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.policies.map((p: { policy: string; feasible: boolean }) => [p.policy, p.feasible])).toEqual([['dispatchd', true], ['greedy', true]]);
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
});
