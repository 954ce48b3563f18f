/**
 * The host's configuration from command-line flags and environment variables (flags win).
 * Every problem is reported as one ConfigError line before anything opens or listens.
 */
import { availableParallelism, hostname } from 'node:os';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_DECLINE_COOLDOWN_MS } from '../http/context.js';
import { DEFAULT_LEASE_TIMING, DEFAULT_UNHEALTHY_ROUNDS } from '../coordination/lease-keeper.js';
import { redisNodeUrls } from '../coordination/stores.js';
import { DEFAULT_OFFER_TTL_MS } from '../state/decision.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface HostConfig {
  port: number;
  /** Address to listen on. */
  listen: string;
  hostId: string;
  /** Both or neither: the server stores, or the embedded in-memory ones. */
  mysqlUrl?: string;
  /** One server, or a Redis Cluster's seed nodes, comma-separated (coordination/stores.ts redisNodeUrls). */
  redisUrl?: string;
  /** Redis key prefix. */
  keyPrefix: string;
  /** Solver worker threads. */
  threads: number;
  token?: string;
  /** With a token: the API's reads (GET /v1/..., /metrics) need it too (DISPATCHD_TOKEN_READS=1). */
  tokenReads: boolean;
  demo: boolean;
  offerTtlMs: number;
  declineCooldownMs: number;
  bodyLimitBytes: number;
  leaseTtlMs: number;
  renewIntervalMs: number;
  acquireIntervalMs: number;
  /** Consecutive failed state-store checks (one per renewal) before the host gives its cities up. */
  unhealthyRounds: number;
  /** The whole shutdown's budget: cycles in flight get half, then connections are cut (Host.close). */
  shutdownGraceMs: number;
  logger: boolean;
  /** pino level (DISPATCHD_LOG_LEVEL): info by default, which logs every request. */
  logLevel: string;
}

/** Flags as commander gives them (strings), all optional. */
export interface HostFlags {
  port?: string;
  listen?: string;
  hostId?: string;
  mysql?: string;
  redis?: string;
  threads?: string;
  demo?: boolean;
  offerTtlMs?: string;
  declineCooldownMs?: string;
}

/** The environment variable behind each flag. */
export const ENV = {
  port: 'DISPATCHD_PORT',
  listen: 'DISPATCHD_LISTEN',
  hostId: 'DISPATCHD_HOST_ID',
  mysql: 'DISPATCHD_MYSQL_URL',
  redis: 'DISPATCHD_REDIS_URL',
  threads: 'DISPATCHD_THREADS',
  demo: 'DISPATCHD_DEMO',
  offerTtlMs: 'DISPATCHD_OFFER_TTL_MS',
  declineCooldownMs: 'DISPATCHD_DECLINE_COOLDOWN_MS',
  token: 'DISPATCHD_TOKEN',
  tokenReads: 'DISPATCHD_TOKEN_READS',
  keyPrefix: 'DISPATCHD_REDIS_PREFIX',
  log: 'DISPATCHD_LOG',
  logLevel: 'DISPATCHD_LOG_LEVEL',
  leaseTtlMs: 'DISPATCHD_LEASE_TTL_MS',
  renewIntervalMs: 'DISPATCHD_LEASE_RENEW_MS',
  acquireIntervalMs: 'DISPATCHD_LEASE_ACQUIRE_MS',
  unhealthyRounds: 'DISPATCHD_UNHEALTHY_ROUNDS',
} as const;

export function resolveHostConfig(flags: HostFlags, env: NodeJS.ProcessEnv = process.env): HostConfig {
  const pick = (flag: keyof HostFlags & keyof typeof ENV) => {
    const value = flags[flag];
    return typeof value === 'string' ? value : env[ENV[flag]] || undefined;
  };
  const port = integer('--port', pick('port') ?? '3000', 0, 65_535);
  const threads = integer('--threads', pick('threads') ?? String(Math.max(1, availableParallelism() - 1)), 1, 256);
  const mysqlUrl = serviceUrl('--mysql', pick('mysql'), ['mysql:']);
  const redisUrl = pick('redis');
  if (redisUrl !== undefined) for (const url of redisNodeUrls(redisUrl)) serviceUrl('--redis', url, ['redis:', 'rediss:']);
  if ((mysqlUrl === undefined) !== (redisUrl === undefined)) {
    throw new ConfigError(
      `--mysql and --redis go together (${ENV.mysql} / ${ENV.redis}): got only ${mysqlUrl ? '--mysql' : '--redis'}; give both for the server stores or neither for the embedded ones`,
    );
  }
  const hostId = pick('hostId') ?? hostname().replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 64);
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(hostId)) throw new ConfigError(`--host-id must be 1-64 characters of A-Z a-z 0-9 _ . : -, got ${JSON.stringify(hostId)}`);
  const token = env[ENV.token] || undefined;
  const tokenReads = onOff(ENV.tokenReads, env[ENV.tokenReads]);
  if (tokenReads && token === undefined) throw new ConfigError(`${ENV.tokenReads}=1 needs ${ENV.token}`);
  const demoEnv = env[ENV.demo];
  const keyPrefix = env[ENV.keyPrefix] ?? 'dispatchd:';
  const leaseTtlMs = integer(ENV.leaseTtlMs, env[ENV.leaseTtlMs] || String(DEFAULT_LEASE_TIMING.ttlMs), 100, 3_600_000);
  const renewIntervalMs = integer(ENV.renewIntervalMs, env[ENV.renewIntervalMs] || String(DEFAULT_LEASE_TIMING.renewIntervalMs), 10, 3_600_000);
  const acquireIntervalMs = integer(ENV.acquireIntervalMs, env[ENV.acquireIntervalMs] || String(DEFAULT_LEASE_TIMING.acquireIntervalMs), 10, 3_600_000);
  if (renewIntervalMs * 2 > leaseTtlMs) {
    throw new ConfigError(`${ENV.renewIntervalMs} (${renewIntervalMs}) must be at most half of ${ENV.leaseTtlMs} (${leaseTtlMs})`);
  }
  if (/[{}]/.test(keyPrefix)) throw new ConfigError(`${ENV.keyPrefix} must not contain braces`);
  return {
    port,
    listen: pick('listen') ?? '0.0.0.0',
    hostId,
    mysqlUrl,
    redisUrl,
    keyPrefix,
    threads,
    token,
    tokenReads,
    demo: flags.demo === true || demoEnv === '1' || demoEnv === 'true',
    offerTtlMs: integer('--offer-ttl-ms', pick('offerTtlMs') ?? String(DEFAULT_OFFER_TTL_MS), 1, 86_400_000),
    declineCooldownMs: integer('--decline-cooldown-ms', pick('declineCooldownMs') ?? String(DEFAULT_DECLINE_COOLDOWN_MS), 0, 86_400_000),
    bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    leaseTtlMs,
    renewIntervalMs,
    acquireIntervalMs,
    unhealthyRounds: integer(ENV.unhealthyRounds, env[ENV.unhealthyRounds] || String(DEFAULT_UNHEALTHY_ROUNDS), 1, 1_000),
    shutdownGraceMs: 5_000,
    logger: env[ENV.log] !== '0',
    logLevel: logLevel(env[ENV.logLevel] ?? 'info'),
  };
}

/** An on/off environment variable: 1/true, 0/false, or unset (off). */
function onOff(name: string, text: string | undefined): boolean {
  if (text === undefined || text === '' || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  throw new ConfigError(`${name} must be 1, true, 0 or false, got ${JSON.stringify(text)}`);
}

function logLevel(level: string): string {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(level)) throw new ConfigError(`${ENV.logLevel} must be one of ${levels.join(', ')}, got ${JSON.stringify(level)}`);
  return level;
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A --mysql or --redis URL, checked for its protocol (and for MySQL, a database). */
export function serviceUrl(name: string, text: string | undefined, protocols: string[]): string | undefined {
  if (text === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ConfigError(`${name} is not a URL: ${JSON.stringify(text)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL, got ${parsed.protocol}//`);
  }
  if (parsed.protocol === 'mysql:' && parsed.pathname.length <= 1) {
    throw new ConfigError(`${name} must name a database: mysql://user:password@host:port/database`);
  }
  return text;
}
