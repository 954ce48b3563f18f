/**
 * `dispatchd serve` as a user runs it (the built bin): configuration errors are one line before
 * anything listens, naming the flag or variable as given; a running host answers, listens where
 * --port, DISPATCHD_PORT or PORT say (in that order), and SIGTERM shuts it down with exit code 0.
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveHostConfig } from '../../src/host/config.js';
import { CLI_PATH as CLI, runCli } from '../support/cli.js';

function serveSync(args: string[], env: Record<string, string> = {}) {
  return runCli(['serve', ...args], { env: { ...process.env, ...env } });
}

describe('dispatchd serve', () => {
  it.each([
    [['--mysql', 'mysql://root@127.0.0.1:3306/db'], {}, /^dispatchd: --mysql and --redis go together .*\n$/],
    [[], { DISPATCHD_REDIS_URL: 'redis://127.0.0.1:6379' }, /^dispatchd: --mysql and --redis go together .*got only DISPATCHD_REDIS_URL;/],
    [['--port', 'eighty'], {}, /^dispatchd: --port must be an integer in \[0, 65535\], got "eighty"\n$/],
    [['--threads', '0'], {}, /^dispatchd: --threads must be an integer in \[1, 256\]/],
    [[], { DISPATCHD_MYSQL_URL: 'postgres://x/y', DISPATCHD_REDIS_URL: 'redis://127.0.0.1:6379' }, /^dispatchd: DISPATCHD_MYSQL_URL must be a mysql:\/\/ URL/],
    // A variable is named as itself, not as the flag it stands for (more cases in-process below).
    [[], { DISPATCHD_PORT: '80a' }, /^dispatchd: DISPATCHD_PORT must be an integer in \[0, 65535\], got "80a"\n$/],
    [[], { DISPATCHD_DEMO: 'maybe' }, /^dispatchd: DISPATCHD_DEMO must be one of 1, true, yes, on, 0, false, no, off, got "maybe"\n$/],
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
    const { url, stdout, stop } = await startServe(['--demo', '--port', '0']);
    try {
      const cities = (await (await fetch(`${url}/v1/cities`)).json()) as { cities: { id: string }[] };
      expect(cities.cities.map((c) => c.id)).toEqual(['demo']);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      expect(await stop()).toBe(0);
    }
    expect(stdout()).toMatch(/SIGTERM, shutting down/);
  });

  it.each(['1', 'YES'])('DISPATCHD_DEMO=%s turns the demo city on', async (word) => {
    const { url, stop } = await startServe(['--port', '0'], { DISPATCHD_DEMO: word });
    try {
      const cities = (await (await fetch(`${url}/v1/cities`)).json()) as { cities: { id: string }[] };
      expect(cities.cities.map((c) => c.id)).toEqual(['demo']);
    } finally {
      await stop();
    }
  });

  it('listens on PORT, below DISPATCHD_PORT, below --port', async () => {
    const [a, b, c] = await freePorts(3);
    const cases: [string[], Record<string, string>, number][] = [
      [[], { PORT: String(a) }, a],
      [[], { PORT: String(a), DISPATCHD_PORT: String(b) }, b],
      [['--port', String(c)], { PORT: String(a), DISPATCHD_PORT: String(b) }, c],
    ];
    for (const [args, env, port] of cases) {
      const { url, stop } = await startServe(args, env);
      try {
        expect(new URL(url).port).toBe(String(port));
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
      } finally {
        await stop();
      }
    }
  });
});

describe('resolveHostConfig: every variable checked strictly, named in its error', () => {
  it.each([
    [{ DISPATCHD_PORT: '80a' }, /^DISPATCHD_PORT must be an integer in \[0, 65535\], got "80a"$/],
    [{ PORT: '65536' }, /^PORT must be an integer in \[0, 65535\], got "65536"$/],
    [{ DISPATCHD_PORT: ' 80' }, /^DISPATCHD_PORT must be an integer/],
    [{ DISPATCHD_THREADS: 'many' }, /^DISPATCHD_THREADS must be an integer in \[1, 256\]/],
    [{ DISPATCHD_DEMO: 'maybe' }, /^DISPATCHD_DEMO must be one of 1, true, yes, on, 0, false, no, off, got "maybe"$/],
    [{ DISPATCHD_LOG: 'quiet' }, /^DISPATCHD_LOG must be one of 1, true, yes, on, 0, false, no, off/],
    [{ DISPATCHD_LOG_LEVEL: 'loud' }, /^DISPATCHD_LOG_LEVEL must be one of fatal, error/],
    [{ DISPATCHD_HOST_ID: 'a b' }, /^DISPATCHD_HOST_ID must be 1-64 characters/],
    [{ DISPATCHD_LISTEN: 'local host' }, /^DISPATCHD_LISTEN must be an IP address or a host name/],
    [{ DISPATCHD_OFFER_TTL_MS: '1e3' }, /^DISPATCHD_OFFER_TTL_MS must be an integer/],
    [{ DISPATCHD_TOKEN: 'two words' }, /^DISPATCHD_TOKEN must be printable ASCII without spaces$/],
    [{ DISPATCHD_REDIS_URL: 'redis://127.0.0.1:6379', DISPATCHD_MYSQL_URL: 'mysql://127.0.0.1/' }, /^DISPATCHD_MYSQL_URL must name a database/],
  ])('refuses %j', (env, message) => {
    expect(() => resolveHostConfig({}, env)).toThrow(ConfigError);
    expect(() => resolveHostConfig({}, env)).toThrow(message);
  });

  it.each([
    [{}, {}, 3000],
    [{}, { PORT: '8080' }, 8080],
    [{}, { PORT: '8080', DISPATCHD_PORT: '9090' }, 9090],
    [{ port: '7070' }, { PORT: '8080', DISPATCHD_PORT: '9090' }, 7070],
    [{}, { PORT: '', DISPATCHD_PORT: '' }, 3000],
  ])('port from flags %j and variables %j: %i', (flags, env, port) => {
    expect(resolveHostConfig(flags, env).port).toBe(port);
  });

  it.each([
    ['1', true],
    ['TRUE', true],
    ['yes', true],
    ['On', true],
    ['0', false],
    ['false', false],
    ['NO', false],
    ['off', false],
    ['', false],
  ])('DISPATCHD_DEMO=%j is %s', (word, demo) => {
    expect(resolveHostConfig({}, { DISPATCHD_DEMO: word }).demo).toBe(demo);
  });
});

/** Ports free right now (bound to 0 and released). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** `dispatchd serve ARGS` on 127.0.0.1 with one solver thread, once it says where it listens. */
async function startServe(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--listen', '127.0.0.1', '--threads', '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${stdout}`)), 20_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  const stop = () => {
    child.kill('SIGTERM');
    return exited;
  };
  return { url, stdout: () => stdout, stop };
}
