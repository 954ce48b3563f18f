/**
 * `dispatchd serve` as a user runs it (the built bin): configuration errors are one line before
 * anything listens; a running host answers, and SIGTERM shuts it down with exit code 0.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI_PATH as CLI, runCli } from '../support/cli.js';

function serveSync(args: string[], env: Record<string, string> = {}) {
  return runCli(['serve', ...args], { env: { ...process.env, ...env } });
}

describe('dispatchd serve', () => {
  it.each([
    [['--mysql', 'mysql://root@127.0.0.1:3306/db'], {}, /^dispatchd: --mysql and --redis go together .*\n$/],
    [[], { DISPATCHD_REDIS_URL: 'redis://127.0.0.1:6379' }, /^dispatchd: --mysql and --redis go together .*got only --redis/],
    [['--port', 'eighty'], {}, /^dispatchd: --port must be an integer in \[0, 65535\], got "eighty"\n$/],
    [['--threads', '0'], {}, /^dispatchd: --threads must be an integer in \[1, 256\]/],
    [[], { DISPATCHD_MYSQL_URL: 'postgres://x/y', DISPATCHD_REDIS_URL: 'redis://127.0.0.1:6379' }, /^dispatchd: --mysql must be a mysql:\/\/ URL/],
    [['--nats', 'http://127.0.0.1:4222'], {}, /^dispatchd: --nats must be a nats:\/\/ URL, got http:\/\/\n$/],
    [[], { DISPATCHD_NATS_STREAM: 'decisions.eu' }, /^dispatchd: DISPATCHD_NATS_STREAM must be 1-64 of A-Z a-z 0-9 _ -, got "decisions.eu"\n$/],
  ])('refuses %j %j in one line, exit 2', (args, env, line) => {
    const run = serveSync(args, env);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(line);
  });

  it('serves the demo and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--demo', '--port', '0', '--listen', '127.0.0.1', '--threads', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${stdout}`)), 20_000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const cities = (await (await fetch(`${url}/v1/cities`)).json()) as { cities: { id: string }[] };
      expect(cities.cities.map((c) => c.id)).toEqual(['demo']);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/SIGTERM, shutting down/);
  });
});
