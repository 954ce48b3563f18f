#!/usr/bin/env node
/**
 * Exit 0 when build/solver.wasm is newer than every input of its build (assembly/**,
 * asconfig.json and the installed AssemblyScript compiler), 1 otherwise: `npm run build:wasm`
 * runs asc only in the second case, so `npm start` and `npm test` skip an unchanged solver.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'build', 'solver.wasm');

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

const inputs = [...filesUnder(join(root, 'assembly')), join(root, 'asconfig.json'), join(root, 'node_modules', 'assemblyscript', 'package.json')];

let built;
try {
  built = statSync(output).mtimeMs;
} catch {
  process.exit(1);
}
const stale = inputs.find((input) => statSync(input).mtimeMs >= built);
if (stale !== undefined) process.exit(1);
process.stderr.write('build/solver.wasm is up to date (newer than assembly/, asconfig.json and asc)\n');
