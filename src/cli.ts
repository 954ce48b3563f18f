#!/usr/bin/env node
/**
 * The dispatchd command line. Each subcommand lives in its own module under src/cli/, which
 * declares its options and imports what it runs only when it runs (so `--version`, `--help`
 * and `solve` do not load Fastify, the stores or the drivers); this file wires them and turns
 * every failure into one stderr line and an exit code: 2 for bad input or usage, 1 for anything else.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerClusterCommand } from './cli/cluster-command.js';
import { registerDemoCommand } from './cli/demo-command.js';
import { registerMigrateCommand } from './cli/migrate-command.js';
import { registerServeCommand } from './cli/serve-command.js';
import { registerSimulateCommand } from './cli/simulate-command.js';
import { registerSolveCommand } from './cli/solve-command.js';
import { InputError } from './domain/errors.js';
import { packageRoot } from './package-root.js';

const EXIT_FAILURE = 1;
const EXIT_BAD_INPUT = 2;

const program = new Command('dispatchd')
  .description('Dispatch optimiser: exact assignment of orders to couriers')
  .version(packageVersion(), '-V, --version', 'print the version of dispatchd')
  // Commander throws instead of exiting and prints nothing to stderr (help on stdout
  // stays): the one error line is ours. Set before the subcommands, which inherit it.
  .exitOverride()
  .configureOutput({ writeErr: () => {}, outputError: () => {} });

registerSolveCommand(program);
registerDemoCommand(program);
registerServeCommand(program);
registerMigrateCommand(program);
registerClusterCommand(program);
registerSimulateCommand(program);

try {
  await program.parseAsync();
} catch (error) {
  process.exitCode = reportFailure(error);
}

function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return version;
}

/** Prints the one line for `error` and returns the exit code. */
function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0; // --help, `help` or --version, already printed
    // 'commander.help' with a non-zero code: no subcommand given (its help was muted).
    const message =
      error.code === 'commander.help'
        ? 'missing command (see dispatchd --help)'
        : error.message.replace(/^error: /, '');
    printError(message);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof InputError) {
    printError(error.message);
    return EXIT_BAD_INPUT;
  }
  printError(error instanceof Error ? error.message : String(error));
  return EXIT_FAILURE;
}

function printError(message: string): void {
  process.stderr.write(`dispatchd: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
}
