/**
 * The host's configuration from command-line flags and environment variables (flags win).
 * Each value is checked strictly and a bad one is named as the user gave it (`--port`,
 * `DISPATCHD_PORT` or `PORT`). Every problem is reported as one ConfigError line before anything opens or listens.
 */
import { isIP } from 'node:net';
import { availableParallelism, hostname } from 'node:os';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_DECLINE_COOLDOWN_MS } from '../http/context.js';
import { DEFAULT_LEASE_TIMING, DEFAULT_UNHEALTHY_ROUNDS } from '../coordination/lease-keeper.js';
import { redisNodeUrls } from '../coordination/redis-urls.js';
import { DEFAULT_OFFER_TTL_MS } from '../state/decision.js';
import { DEFAULT_NATS_STREAM, STREAM_NAME } from '../state/decision-publisher.js';
import { DEFAULT_STREAM_KEEPALIVE_MS } from '../http/routes/decision-stream.js';

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
  /** NATS JetStream that durable decisions are published to; without it they go to an in-memory publisher. */
  natsUrl?: string;
  natsStream: string;
  /** Between two keep-alive comments of an idle decision stream. */
  streamKeepAliveMs: number;
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
  nats?: string;
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
  nats: 'DISPATCHD_NATS_URL',
  natsStream: 'DISPATCHD_NATS_STREAM',
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

/** The port variable hosting platforms set; below DISPATCHD_PORT and --port. */
export const PLATFORM_PORT_ENV = 'PORT';

export const DEFAULT_PORT = 3000;
export const DEFAULT_LISTEN = '0.0.0.0';

/** A setting's text and the name it was given under (a flag or a variable), which its error names. */
interface Setting {
  text: string;
  name: string;
}

/**
 * The host's configuration. Each flag wins over its variable; the port is `--port`, then
 * DISPATCHD_PORT, then PORT (the platform's), then 3000. An empty variable counts as unset.
 */
export function resolveHostConfig(flags: HostFlags, env: NodeJS.ProcessEnv = process.env): HostConfig {
  const variable = (name: string): Setting | undefined => {
    const text = env[name];
    return text === undefined || text === '' ? undefined : { text, name };
  };
  const pick = (flag: keyof HostFlags & keyof typeof ENV): Setting | undefined => {
    const value = flags[flag];
    return typeof value === 'string' ? { text: value, name: flagName(flag) } : variable(ENV[flag]);
  };
  const port = integer(pick('port') ?? variable(PLATFORM_PORT_ENV), DEFAULT_PORT, 0, 65_535);
  // Every core: the event loop's share (I/O, lease renewal, HTTP) is small beside the solves, and
  // an idle worker costs nothing (2 threads dispatched 40 M cities a second on 2 cores, 1 thread 20).
  const threads = integer(pick('threads'), availableParallelism(), 1, 256);
  const mysql = pick('mysql');
  const redis = pick('redis');
  const mysqlUrl = mysql && serviceUrl(mysql.name, mysql.text, ['mysql:']);
  // One URL is a single server; a comma-separated list, a Redis Cluster's seed nodes.
  if (redis !== undefined) for (const url of redisNodeUrls(redis.text)) serviceUrl(redis.name, url, ['redis:', 'rediss:']);
  const redisUrl = redis?.text;
  if ((mysqlUrl === undefined) !== (redisUrl === undefined)) {
    throw new ConfigError(
      `--mysql and --redis go together (${ENV.mysql} / ${ENV.redis}): got only ${mysql?.name ?? redis?.name}; give both for the server stores or neither for the embedded ones`,
    );
  }
  const hostIdSetting = pick('hostId');
  const hostId =
    hostIdSetting?.text ??
    hostname()
      .replace(/[^A-Za-z0-9_.:-]/g, '-')
      .slice(0, 64);
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(hostId)) {
    throw new ConfigError(`${hostIdSetting?.name ?? 'the machine name'} must be 1-64 characters of A-Z a-z 0-9 _ . : -, got ${JSON.stringify(hostId)}`);
  }
  const listen = pick('listen');
  if (listen !== undefined && isIP(listen.text) === 0 && !/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$/.test(listen.text)) {
    throw new ConfigError(`${listen.name} must be an IP address or a host name, got ${JSON.stringify(listen.text)}`);
  }
  const token = variable(ENV.token);
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token.text)) {
    throw new ConfigError(`${ENV.token} must be printable ASCII without spaces`);
  }
  const tokenReads = boolean(variable(ENV.tokenReads), false);
  if (tokenReads && token === undefined) throw new ConfigError(`${ENV.tokenReads}=1 needs ${ENV.token}`);
  const keyPrefix = env[ENV.keyPrefix] ?? 'dispatchd:';
  if (/[{}]/.test(keyPrefix)) throw new ConfigError(`${ENV.keyPrefix} must not contain braces`);
  const leaseTtlMs = integer(variable(ENV.leaseTtlMs), DEFAULT_LEASE_TIMING.ttlMs, 100, 3_600_000);
  const renewIntervalMs = integer(variable(ENV.renewIntervalMs), DEFAULT_LEASE_TIMING.renewIntervalMs, 10, 3_600_000);
  const acquireIntervalMs = integer(variable(ENV.acquireIntervalMs), DEFAULT_LEASE_TIMING.acquireIntervalMs, 10, 3_600_000);
  if (renewIntervalMs * 2 > leaseTtlMs) {
    throw new ConfigError(`${ENV.renewIntervalMs} (${renewIntervalMs}) must be at most half of ${ENV.leaseTtlMs} (${leaseTtlMs})`);
  }
  const natsStream = variable(ENV.natsStream)?.text ?? DEFAULT_NATS_STREAM;
  if (!STREAM_NAME.test(natsStream)) throw new ConfigError(`${ENV.natsStream} must be 1-64 of A-Z a-z 0-9 _ -, got ${JSON.stringify(natsStream)}`);
  const nats = pick('nats');
  return {
    port,
    listen: listen?.text ?? DEFAULT_LISTEN,
    hostId,
    mysqlUrl,
    redisUrl,
    keyPrefix,
    natsUrl: nats && serviceUrl(nats.name, nats.text, ['nats:']),
    natsStream,
    streamKeepAliveMs: DEFAULT_STREAM_KEEPALIVE_MS,
    threads,
    token: token?.text,
    tokenReads,
    demo: flags.demo === true || boolean(variable(ENV.demo), false),
    offerTtlMs: integer(pick('offerTtlMs'), DEFAULT_OFFER_TTL_MS, 1, 86_400_000),
    declineCooldownMs: integer(pick('declineCooldownMs'), DEFAULT_DECLINE_COOLDOWN_MS, 0, 86_400_000),
    bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
    leaseTtlMs,
    renewIntervalMs,
    acquireIntervalMs,
    unhealthyRounds: integer(variable(ENV.unhealthyRounds), DEFAULT_UNHEALTHY_ROUNDS, 1, 1_000),
    shutdownGraceMs: 5_000,
    logger: boolean(variable(ENV.log), true),
    logLevel: logLevel(variable(ENV.logLevel)),
  };
}

/** `hostId` → `--host-id`. */
function flagName(flag: string): string {
  return `--${flag.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(setting: Setting | undefined): string {
  if (setting === undefined) return 'info';
  if (!LOG_LEVELS.includes(setting.text)) throw new ConfigError(`${setting.name} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(setting.text)}`);
  return setting.text;
}

function integer(setting: Setting | undefined, fallback: number, min: number, max: number): number {
  if (setting === undefined) return fallback;
  const value = Number(setting.text);
  if (!/^\d+$/.test(setting.text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${setting.name} must be an integer in [${min}, ${max}], got ${JSON.stringify(setting.text)}`);
  }
  return value;
}

/** The words a switch variable (DISPATCHD_DEMO, DISPATCHD_LOG) may say, in any case. */
export const SWITCH_WORDS = { on: ['1', 'true', 'yes', 'on'], off: ['0', 'false', 'no', 'off'] } as const;

function boolean(setting: Setting | undefined, fallback: boolean): boolean {
  if (setting === undefined) return fallback;
  const word = setting.text.toLowerCase();
  if ((SWITCH_WORDS.on as readonly string[]).includes(word)) return true;
  if ((SWITCH_WORDS.off as readonly string[]).includes(word)) return false;
  throw new ConfigError(`${setting.name} must be one of ${[...SWITCH_WORDS.on, ...SWITCH_WORDS.off].join(', ')}, got ${JSON.stringify(setting.text)}`);
}

/** A --mysql or --redis URL, checked for its protocol (and for MySQL, a database). */
export function serviceUrl(name: string, text: string, protocols: string[]): string {
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
