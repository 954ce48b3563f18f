/** `dispatchd cluster` as a user runs it (the built bin): a short run with --check, and a usage error. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, runCli } from '../support/cli.js';

describe('dispatchd cluster', () => {
  it('refuses a bad --hosts in one line, exit 2', () => {
    const run = runCli(['cluster', '--hosts', 'many']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('dispatchd: --hosts: must be an integer in [1, 32], got "many"\n');
  });

  // Real processes and load: skipped with the fault suite (DISPATCHD_FAULTS=0).
  it.skipIf(process.env.DISPATCHD_FAULTS === '0')('runs one host and a feeder for a few seconds, checks the log and cleans up', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'cluster', '--hosts', '1', '--cities', '2', '--base-port', '0', '--duration', '4', '--check'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out).toMatch(/host-1 listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/leases\s+ticks\/s\s+commits\/s/);
    expect(out).toMatch(/checked [1-9]\d* decisions/);
    expect(out).toMatch(/no violation/);
    expect(code).toBe(0);
  });
});
