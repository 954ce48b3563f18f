import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding dispatchd's package.json. Modules run both from src/ (tests)
 * and from dist/src/ (the built CLI), so assets are found from the root, not relatively.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('dispatchd package root not found');
    dir = parent;
  }
  return dir;
}
