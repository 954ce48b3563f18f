import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory above this module with a package.json, so the
 * scripts find it both from bench/ (vitest) and from dist/bench/ (compiled). */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

export function repoPath(...segments: string[]): string {
  return join(REPO_ROOT, ...segments);
}

function findRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) throw new Error(`no package.json above ${dir}`);
  }
}
