/**
 * How every dispatchd command line ends: Commander throws instead of exiting and prints nothing
 * to stderr (help on stdout stays); every failure is then one stderr line and an exit code,
 * 2 for bad input or usage, 1 for anything else. Used by the dispatchd bin and the dev tools.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../domain/errors.js';

const EXIT_FAILURE = 1;
const EXIT_BAD_INPUT = 2;

/** A program that throws instead of exiting: configure it, then runProgram() it. */
export function quietProgram(name: string): Command {
  // Set before the subcommands, which inherit it.
  return new Command(name).exitOverride().configureOutput({ writeErr: () => {}, outputError: () => {} });
}

/** Parses the process's arguments and runs; any failure sets process.exitCode after its one line. */
export async function runProgram(program: Command, errorPrefix = program.name()): Promise<void> {
  try {
    await program.parseAsync();
  } catch (error) {
    process.exitCode = reportFailure(error, errorPrefix);
  }
}

function reportFailure(error: unknown, prefix: string): number {
  const print = (message: string) => process.stderr.write(`${prefix}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0; // --help, `help` or --version, already printed
    // 'commander.help' with a non-zero code: no subcommand given (its help was muted).
    print(error.code === 'commander.help' ? `missing command (see ${prefix} --help)` : error.message.replace(/^error: /, ''));
    return EXIT_BAD_INPUT;
  }
  if (error instanceof InputError) {
    print(error.message);
    return EXIT_BAD_INPUT;
  }
  print(error instanceof Error ? error.message : String(error));
  return EXIT_FAILURE;
}
