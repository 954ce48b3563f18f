/** Runs the built `dispatchd` bin (dist/src/cli.js, built by `npm test`'s pretest) as a user does. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const { status, stdout, stderr } = spawnSync(process.execPath, [CLI_PATH, ...args], { ...options, encoding: 'utf8' });
  return { status, stdout, stderr };
}
