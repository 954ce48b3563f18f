#!/usr/bin/env node
/**
 * Deletes compiled files under dist/ whose TypeScript source is gone (a module moved or
 * removed): tsc's incremental build never deletes outputs, and a stale module would still
 * be importable and would be packed.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const OUTPUT = /\.(js|js\.map)$/;

if (existsSync(dist)) {
  for (const entry of readdirSync(dist, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !OUTPUT.test(entry.name)) continue;
    const output = join(entry.parentPath ?? entry.path, entry.name);
    const source = join(root, relative(dist, output).replace(OUTPUT, '.ts'));
    if (!existsSync(source)) {
      rmSync(output);
      process.stderr.write(`removed ${relative(root, output)} (its source is gone)\n`);
    }
  }
}
