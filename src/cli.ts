#!/usr/bin/env node
/**
 * The dispatchd command line. Each subcommand lives in its own module under src/cli/, which
 * declares its options and imports what it runs only when it runs (so `--version`, `--help`
 * and `solve` do not load Fastify, the stores or the drivers); this file wires them, and
 * run-program.ts turns every failure into one stderr line and an exit code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerDemoCommand } from './cli/demo-command.js';
import { registerFeaturesCommand } from './cli/features-command.js';
import { registerMigrateCommand } from './cli/migrate-command.js';
import { quietProgram, runProgram } from './cli/run-program.js';
import { registerServeCommand } from './cli/serve-command.js';
import { registerSimulateCommand } from './cli/simulate-command.js';
import { registerSolveCommand } from './cli/solve-command.js';
import { packageRoot } from './package-root.js';

const program = quietProgram('dispatchd')
  .description('Dispatch optimiser: exact assignment of orders to couriers')
  .version(packageVersion(), '-V, --version', 'print the version of dispatchd');

registerSolveCommand(program);
registerDemoCommand(program);
registerServeCommand(program);
registerMigrateCommand(program);
registerSimulateCommand(program);
registerFeaturesCommand(program);

await runProgram(program);

function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return version;
}
