/** `npm run cluster` as a developer runs it (the built tool): a short run with --check, and a usage error. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLUSTER_CLI_PATH = fileURLToPath(new URL('../../dist/tools/cluster/cli.js', import.meta.url));

describe('the cluster runner (tools/cluster)', () => {
  it('refuses a bad --hosts in one line, exit 2', () => {
    const run = spawnSync(process.execPath, [CLUSTER_CLI_PATH, '--hosts', 'many'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('dispatchd-cluster: --hosts: must be an integer in [1, 32], got "many"\n');
  });

  // Real processes and load: skipped with the fault suite (DISPATCHD_FAULTS=0).
  it.skipIf(process.env.DISPATCHD_FAULTS === '0')('runs one host and a feeder for a few seconds, checks the log and cleans up', async () => {
    const child = spawn(process.execPath, [CLUSTER_CLI_PATH, '--hosts', '1', '--cities', '2', '--base-port', '0', '--duration', '4', '--check'], {
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
