import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { packageRoot } from '../package-root.js';

/**
 * The one place Redis Lua scripts are loaded. Each script lives in src/state/lua/<name>.lua with
 * a header naming its KEYS, ARGV and result; the number of keys is read from that header, so
 * the file is the single source of truth. A line `-- include: <name>` is replaced by
 * lua/include/<name>.lua: code several scripts run (a script cannot call another). The .lua files
 * are not compiled, so they are found relative to the package root, which works from src/ (tests)
 * and dist/src/ (built) alike.
 */

export type ScriptName =
  | 'commit_decision'
  | 'purge_lapsed_offers'
  | 'raise_fence'
  | 'order_event'
  | 'update_couriers'
  | 'remove_courier'
  | 'create_orders'
  | 'read_offer'
  | 'read_pickup'
  | 'read_snapshot'
  | 'put_records'
  | 'ingest_events'
  | 'read_features'
  | 'open_decision'
  | 'claim_shards'
  | 'release_shards';
const SCRIPT_NAMES: readonly ScriptName[] = [
  'commit_decision',
  'purge_lapsed_offers',
  'raise_fence',
  'order_event',
  'update_couriers',
  'remove_courier',
  'create_orders',
  'read_offer',
  'read_pickup',
  'read_snapshot',
  'put_records',
  'ingest_events',
  'read_features',
  'open_decision',
  'claim_shards',
  'release_shards',
];

export interface LuaScript {
  name: ScriptName;
  source: string;
  numberOfKeys: number;
}

export function luaDirectory(): string {
  return join(packageRoot(), 'src', 'state', 'lua');
}

/** Reads and checks every script: a missing or headerless script fails at start-up, not mid-commit. */
export function readLuaScripts(dir = luaDirectory()): LuaScript[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .sort();
  const expected = SCRIPT_NAMES.map((n) => `${n}.lua`).sort();
  if (files.join() !== expected.join()) {
    throw new Error(`Lua scripts in ${dir} are [${files.join(', ')}], expected [${expected.join(', ')}]`);
  }
  return SCRIPT_NAMES.map((name) => {
    const source = withIncludes(dir, readFileSync(join(dir, `${name}.lua`), 'utf8'));
    return { name, source, numberOfKeys: keysInHeader(name, source) };
  });
}

function withIncludes(dir: string, source: string): string {
  return source.replace(/^-- include: ([a-z_]+)$/gm, (_, name: string) => readFileSync(join(dir, 'include', `${name}.lua`), 'utf8').trimEnd());
}

function keysInHeader(name: string, source: string): number {
  const header = /^--\[\[([\s\S]*?)\]\]/.exec(source)?.[1];
  if (!header || !/^(ARGV\[1\]|No ARGV)/m.test(header) || !/^Returns/m.test(header)) {
    throw new Error(`${name}.lua must open with a --[[ ]] header naming KEYS, ARGV (or No ARGV) and what it Returns`);
  }
  const keys = [...header.matchAll(/^KEYS\[(\d+)\]/gm)].map((m) => Number(m[1]));
  if (keys.length === 0 || keys.some((k, i) => k !== i + 1)) {
    throw new Error(`${name}.lua header must list KEYS[1]..KEYS[n] in order`);
  }
  return keys.length;
}

type ScriptCall = (...keysAndArgs: (string | number)[]) => Promise<unknown>;
export type CityScripts = Record<ScriptName, ScriptCall>;

/**
 * Registers every script on the client (EVALSHA with EVAL fallback) and returns typed callers.
 * A Cluster client sends each call to the master of its first key's slot (the script loads there
 * on first use), so every key a script is given must share that slot: one city's hash tag.
 */
export function registerLuaScripts(redis: Redis | Cluster, scripts: readonly LuaScript[] = readLuaScripts()): CityScripts {
  const callers = {} as CityScripts;
  for (const { name, source, numberOfKeys } of scripts) {
    redis.defineCommand(name, { lua: source, numberOfKeys });
    const command = (redis as unknown as Record<ScriptName, ScriptCall>)[name];
    callers[name] = (...keysAndArgs) => command.apply(redis, keysAndArgs);
  }
  return callers;
}
