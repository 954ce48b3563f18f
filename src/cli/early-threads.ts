/**
 * How many file workers a `solve` command line will ask for, read before Commander is imported
 * so that cli.ts can start them early (file-pool.ts). Commander still parses and checks the
 * command line; a wrong guess costs only a worker started for nothing.
 */
import { availableParallelism } from 'node:os';

/** Worker threads when --threads is not given. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** Commander's help flags: they print and exit, so no file is solved. */
const HELP_FLAGS = new Set(['-h', '--help']);

/**
 * For the arguments after `solve`: undefined without --out-dir or with a help flag (waiting for
 * workers to start would only delay the help), else --threads or the default.
 */
export function earlyThreads(args: readonly string[]): number | undefined {
  const options = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (options.some((arg) => HELP_FLAGS.has(arg))) return undefined;
  if (!options.some((arg) => arg === '--out-dir' || arg.startsWith('--out-dir='))) return undefined;
  const at = args.indexOf('--threads');
  const threads = Number(at >= 0 ? args[at + 1] : args.find((arg) => arg.startsWith('--threads='))?.slice('--threads='.length));
  return Number.isInteger(threads) && threads >= 1 ? threads : defaultThreads();
}
