/**
 * One `dispatchd serve` as a child process (the built CLI), for `npm run cluster` and the fault
 * suite: started on a loopback port, waited for until it prints its listening line, then
 * signalled like an operator would (kill -9, SIGSTOP/SIGCONT, SIGTERM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI beside this module's build (dist/tools/cluster/ -> dist/src/cli.js). */
export const DEFAULT_CLI_PATH = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export interface HostProcessOptions {
  hostId: string;
  /** 0 picks a free port. */
  port: number;
  mysqlUrl: string;
  redisUrl: string;
  keyPrefix: string;
  threads?: number;
  leaseTtlMs?: number;
  renewIntervalMs?: number;
  acquireIntervalMs?: number;
  offerTtlMs?: number;
  /** Path of dist/src/cli.js when this module runs from src/ (tests). */
  cliPath?: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

export class HostProcess {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  private output = '';

  private constructor(
    readonly hostId: string,
    private readonly child: ChildProcess,
    url: string,
    exited: Promise<number | null>,
    output: string,
  ) {
    this.url = url;
    this.exited = exited.then((code) => (this.exitCode = code));
    this.output = output;
    const keep = (chunk: string) => (this.output = (this.output + chunk).slice(-8_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(options: HostProcessOptions): Promise<HostProcess> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DISPATCHD_LOG_LEVEL: 'error',
      DISPATCHD_REDIS_PREFIX: options.keyPrefix,
      ...(options.leaseTtlMs ? { DISPATCHD_LEASE_TTL_MS: String(options.leaseTtlMs) } : {}),
      ...(options.renewIntervalMs ? { DISPATCHD_LEASE_RENEW_MS: String(options.renewIntervalMs) } : {}),
      ...(options.acquireIntervalMs ? { DISPATCHD_LEASE_ACQUIRE_MS: String(options.acquireIntervalMs) } : {}),
      ...options.env,
    };
    const args = [
      options.cliPath ?? DEFAULT_CLI_PATH,
      'serve',
      '--port',
      String(options.port),
      '--listen',
      '127.0.0.1',
      '--host-id',
      options.hostId,
      '--mysql',
      options.mysqlUrl,
      '--redis',
      options.redisUrl,
      '--threads',
      String(options.threads ?? 1),
      ...(options.offerTtlMs ? ['--offer-ttl-ms', String(options.offerTtlMs)] : []),
    ];
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`host ${options.hostId} did not start within ${options.startTimeoutMs ?? 30_000} ms: ${output.slice(-2_000)}`)),
        options.startTimeoutMs ?? 30_000,
      );
      const onData = (chunk: string) => {
        output += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match) {
          cleanup();
          resolve(match[1]);
        }
      };
      const onExit = (code: number | null) => fail(new Error(`host ${options.hostId} exited (${code}) before listening: ${output.slice(-2_000)}`));
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        child.off('exit', onExit);
      };
      const fail = (error: Error) => {
        cleanup();
        child.kill('SIGKILL');
        reject(error);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', onExit);
    });
    return new HostProcess(options.hostId, child, url, exited, output);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** The last few kB of stdout and stderr. */
  get recentOutput(): string {
    return this.output;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  /** kill -9, and wait until it is gone. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGCONT'); // a stopped process still dies on SIGKILL, but be explicit
    this.child.kill('SIGKILL');
    await this.exited;
  }

  pause(): void {
    this.signal('SIGSTOP');
  }

  resume(): void {
    this.signal('SIGCONT');
  }

  /** SIGTERM (a deploy): resolves with the exit code; kill -9 after `timeoutMs`. */
  async terminate(timeoutMs = 15_000): Promise<number | null> {
    if (!this.alive) return this.exitCode ?? null;
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The figures of one host's /metrics the cluster table shows, summed over cities. */
export interface HostFigures {
  leasesHeld: number;
  ticks: number;
  commits: number;
  rejections: Record<string, number>;
}

export function parseMetrics(text: string): HostFigures {
  const figures: HostFigures = { leasesHeld: 0, ticks: 0, commits: 0, rejections: {} };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue;
    const match = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, name, labels = '', raw] = match;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    if (name === 'dispatchd_leases_held') figures.leasesHeld = value;
    else if (name === 'dispatchd_ticks_total') figures.ticks += value;
    else if (name === 'dispatchd_commits_total') figures.commits += value;
    else if (name === 'dispatchd_commit_rejections_total') {
      const reason = /reason="([^"]*)"/.exec(labels)?.[1] ?? 'unknown';
      figures.rejections[reason] = (figures.rejections[reason] ?? 0) + value;
    }
  }
  return figures;
}

export async function scrapeMetrics(url: string, timeoutMs = 2_000): Promise<HostFigures> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url}/metrics answered ${response.status}`);
  return parseMetrics(await response.text());
}
