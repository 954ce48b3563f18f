#!/usr/bin/env node
/**
 * The dispatchd command line. Each subcommand lives in its own module under src/cli/, which
 * declares its options and imports what it runs only when it runs; this file wires them, and
 * run-program.ts turns every failure into one stderr line and an exit code.
 *
 * A command line naming a subcommand loads that subcommand's module alone (`solve` then loads
 * neither the host's option defaults nor the simulator's); anything else (--help, --version,
 * `help`, no or an unknown command) loads them all, so help and usage errors read as they
 * always did. `solve --out-dir` starts its worker threads before Commander is even imported
 * (cli/file-pool.ts), so their start runs beside the main thread's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { earlyThreads } from './cli/early-threads.js';
import { packageRoot } from './package-root.js';

type Register = (program: Command) => void;

/** In the order --help lists them. */
const SUBCOMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  solve: async () => (await import('./cli/solve-command.js')).registerSolveCommand,
  demo: async () => (await import('./cli/demo-command.js')).registerDemoCommand,
  serve: async () => (await import('./cli/serve-command.js')).registerServeCommand,
  migrate: async () => (await import('./cli/migrate-command.js')).registerMigrateCommand,
  simulate: async () => (await import('./cli/simulate-command.js')).registerSimulateCommand,
  features: async () => (await import('./cli/features-command.js')).registerFeaturesCommand,
};

const named = process.argv[2];
const threads = named === 'solve' ? earlyThreads(process.argv.slice(3)) : undefined;
if (threads !== undefined) (await import('./cli/file-pool.js')).startFilePoolEarly(threads);
const { quietProgram, runProgram } = await import('./cli/run-program.js');

const program = quietProgram('dispatchd')
  .description('Dispatch optimiser: exact assignment of orders to couriers')
  .version(packageVersion(), '-V, --version', 'print the version of dispatchd');

const loaded = Object.hasOwn(SUBCOMMANDS, named) ? [SUBCOMMANDS[named]] : Object.values(SUBCOMMANDS);
for (const register of await Promise.all(loaded.map((load) => load()))) register(program);

await runProgram(program);

function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return version;
}
