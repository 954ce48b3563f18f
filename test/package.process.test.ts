/**
 * The npm package as a user gets it: `npm pack` (whose prepack builds the solver and the
 * TypeScript), the tarball installed into an empty folder with npm, then `npx dispatchd` run
 * from there. Also: the tarball holds only what users need, and nothing in it imports bench/,
 * test/ or a devDependency.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'dispatchd-package-'));
const app = join(work, 'app');
const installed = join(app, 'node_modules', 'dispatchd');
let packed: string[] = [];
let installLog = '';

/**
 * The environment without npm's own variables: run under `npm test`, they would point the
 * inner npm at this repository (npm_config_local_prefix) instead of the user's folder.
 */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  const [report] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })) as {
    filename: string;
    files: { path: string }[];
  }[];
  packed = report.files.map((file) => file.path);
  // A project of its own, so that npm installs here and not into a parent folder it takes for one.
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'a-user-project', private: true })}\n`);
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, report.filename)], {
    cwd: app,
    env: userEnv,
    encoding: 'utf8',
  });
  installLog = `${install.stdout}${install.stderr}`;
  if (install.status !== 0) throw new Error(`npm install failed: ${installLog}`);
}, 300_000);

function npx(args: string[]) {
  return execFileSync('npx', ['--no-install', 'dispatchd', ...args], { cwd: app, env: userEnv, encoding: 'utf8' });
}

describe('the npm package', () => {
  it("is installed in the user's folder, with its dependencies", () => {
    const project = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(project.dependencies.dispatchd).toMatch(/dispatchd-[\d.]+\.tgz$/);
    expect(readdirSync(join(app, 'node_modules'))).toEqual(expect.arrayContaining(['dispatchd', 'fastify', 'commander']));
  });

  it('installs on this Node without an engine warning (its dependencies are pinned to versions that run on Node 20)', () => {
    expect(installLog).not.toMatch(/EBADENGINE/);
  });

  it('ships the built CLI, the solver, the map page, the sample, the Lua scripts and the docs, and no tests, benchmarks or sources', () => {
    for (const path of [
      'dist/src/cli.js',
      'build/solver.wasm',
      'public/index.html',
      'samples/city.json',
      'src/state/lua/commit_decision.lua',
      'docs/problem.md',
      'README.md',
      'LICENSE',
      'package.json',
    ]) {
      expect(packed).toContain(path);
    }
    const stray = packed.filter((path) => /^(test|bench|\.ci|assembly|scripts|dist\/bench|dist\/test)\//.test(path) || /\.(ts|map|wat)$/.test(path));
    expect(stray).toEqual([]);
  });

  it('imports, from every shipped module, only its own modules, Node built-ins and its dependencies', () => {
    const { dependencies } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const dist = join(installed, 'dist', 'src');
    const modules = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.js'));
    expect(modules).toContain('cli.js');
    const wrong: string[] = [];
    for (const module of modules) {
      const { importedFiles } = ts.preProcessFile(readFileSync(join(dist, module), 'utf8'), true, true);
      for (const { fileName: specifier } of importedFiles) {
        if (specifier.startsWith('.')) {
          const target = relative(dist, resolve(dirname(join(dist, module)), specifier));
          if (target.startsWith('..')) wrong.push(`${module} → ${specifier}`);
        } else if (!isBuiltin(specifier)) {
          const name = specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/');
          if (!(name in dependencies)) wrong.push(`${module} → ${specifier}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('prints its version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(npx(['--version'])).toBe(`${version}\n`);
  });

  it('solves the bundled sample city with `dispatchd demo`', () => {
    const out = npx(['demo']);
    expect(out).toMatch(/^city +\S+$/m);
    expect(out).toMatch(/^assigned +[1-9]\d* \(\d+ unassigned\)$/m);
    expect(out).toMatch(/^objective +\d+ ds/m);
  });

  it('solves the sample snapshot it ships with `dispatchd solve`', () => {
    const sample = JSON.parse(readFileSync(join(installed, 'samples', 'city.json'), 'utf8')) as { city: string; orders: { id: string }[] };
    const result = JSON.parse(npx(['solve', join(installed, 'samples', 'city.json')])) as {
      city: string;
      assigned: { order: string; courier: string }[];
      unassigned: string[];
      objective: number;
    };
    expect(result.city).toBe(sample.city);
    expect(result.assigned.length + result.unassigned.length).toBe(sample.orders.length);
    expect(result.assigned.length).toBeGreaterThan(0);
    expect(Number.isInteger(result.objective)).toBe(true);
  });

  it('serves its map page and API with `dispatchd serve`, and stops on SIGTERM', async () => {
    // The bin npm linked, run directly: npx would stand between the signal and the host.
    const child = spawn(join(app, 'node_modules', '.bin', 'dispatchd'), ['serve', '--port', '0', '--listen', '127.0.0.1', '--threads', '1'], {
      cwd: app,
      env: userEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no listening line: ${stdout}`)), 30_000);
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/\S+)/.exec(stdout);
          if (match) {
            clearTimeout(timer);
            done(match[1]);
          }
        });
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const page = await fetch(`${url}/`);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toMatch(/<html/i);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
