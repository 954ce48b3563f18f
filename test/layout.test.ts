/**
 * The shipped code stands on its own: no module under src/ imports from bench/, test/ or
 * tools/ (the dev tooling: cluster runner, feeder, log checker), which are not part of the
 * package's runtime (and the built CLI must not load them).
 * Specifiers are read with TypeScript's own pre-processor, so static imports, `import type`,
 * `export ... from` and literal `import()` calls are all seen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/package-root.js';

const ROOT = packageRoot();
const FORBIDDEN = ['bench', 'test', 'tools'].map((dir) => join(ROOT, dir));

/** The specifiers in `source` (a file at `path`) that resolve into bench/, test/ or tools/. */
function forbiddenImports(path: string, source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles
    .map((file) => file.fileName)
    .filter((specifier) => {
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) return false; // a package
      const target = resolve(dirname(path), specifier);
      return FORBIDDEN.some((dir) => target === dir || target.startsWith(dir + sep));
    });
}

describe('layout', () => {
  it('no module under src/ imports from bench/, test/ or tools/', () => {
    const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(ROOT, 'src', name));
    expect(sources.length).toBeGreaterThan(50);
    const offending = sources.flatMap((path) => forbiddenImports(path, readFileSync(path, 'utf8')).map((specifier) => `${relative(ROOT, path)}: ${specifier}`));
    expect(offending).toEqual([]);
  });

  it('sees every form of import, and only those leaving src/ for bench/, test/ or tools/', () => {
    const path = join(ROOT, 'src', 'cli', 'example.ts');
    const source = [
      "import { a } from '../../bench/a.js';",
      "import type { B } from '../../test/support/b.js';",
      "export { c } from '../../bench/c.js';",
      "export * from '../../test/d.js';",
      "const e = await import('../../bench/e.js');",
      "import { f } from '../domain/f.js';",
      "import { g } from '../../src/g.js';",
      "import { h } from 'bench';",
      "import { i } from '../../benchmarks/i.js';",
      "import { j } from '../../tools/cluster/j.js';",
    ].join('\n');
    expect(forbiddenImports(path, source)).toEqual([
      '../../bench/a.js',
      '../../test/support/b.js',
      '../../bench/c.js',
      '../../test/d.js',
      '../../bench/e.js',
      '../../tools/cluster/j.js',
    ]);
  });
});
