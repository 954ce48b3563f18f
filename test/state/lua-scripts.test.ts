import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { luaDirectory, readLuaScripts } from '../../src/state/lua-scripts.js';

describe('Lua scripts', () => {
  const scratch: string[] = [];
  afterEach(() => scratch.splice(0).forEach((dir) => rmSync(dir, { recursive: true })));

  const dirWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'dispatchd-lua-'));
    scratch.push(dir);
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
    return dir;
  };

  it('are found under the package root and take their key counts from their headers', () => {
    expect(luaDirectory()).toMatch(/src[/\\]state[/\\]lua$/);
    const scripts = readLuaScripts();
    expect(scripts.map((s) => [s.name, s.numberOfKeys])).toEqual([
      ['commit_decision', 12],
      ['purge_lapsed_offers', 5],
      ['raise_fence', 1],
      ['order_event', 11],
      ['update_couriers', 3],
      ['remove_courier', 10],
      ['create_orders', 3],
      ['read_offer', 3],
      ['read_pickup', 2],
      ['read_snapshot', 9],
      ['put_records', 5],
      ['ingest_events', 5],
      ['read_features', 2],
      ['open_decision', 2],
      ['claim_shards', 1],
      ['release_shards', 1],
    ]);
    for (const s of scripts) {
      expect(s.source).not.toMatch(/^-- include:/m);
      expect(s.source).toMatch(/^--\[\[/);
      expect(s.source).toMatch(/^(ARGV\[1\]|No ARGV)/m);
      expect(s.source).toMatch(/^Returns/m);
    }
    // Every script that writes a courier or order record logs it (the snapshot mirror reads the log).
    expect(scripts.filter((s) => s.source.includes('local function log_changes')).map((s) => s.name)).toEqual([
      'order_event',
      'update_couriers',
      'remove_courier',
      'create_orders',
      'put_records',
    ]);
  });

  it('refuse a script without a header, or a missing or unexpected file', () => {
    const good = Object.fromEntries(readLuaScripts().map((s) => [`${s.name}.lua`, s.source]));
    expect(() => readLuaScripts(dirWith({ ...good, 'raise_fence.lua': 'return 1' }))).toThrow(/header/);
    expect(() => readLuaScripts(dirWith({ 'raise_fence.lua': good['raise_fence.lua'] }))).toThrow(/expected/);
    expect(() => readLuaScripts(dirWith({ ...good, 'extra.lua': good['raise_fence.lua'] }))).toThrow(/expected/);
    const skipped = good['raise_fence.lua'].replace('KEYS[1]', 'KEYS[2]');
    expect(() => readLuaScripts(dirWith({ ...good, 'raise_fence.lua': skipped }))).toThrow(/in order/);
  });
});
