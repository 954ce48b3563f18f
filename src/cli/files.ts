/**
 * File access for the CLI commands: an unreadable input is the caller's mistake
 * (InputError, exit 2); an output is replaced atomically or not at all.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { getSystemErrorMap } from 'node:util';
import { InputError } from '../domain/errors.js';

export async function readInputFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(path, `cannot read (${systemReason(error)})`);
  }
}

/**
 * Writes `data` to a temporary file beside `path`, flushes it, then renames it over
 * `path`: readers see the old file or the whole new one, and a failure leaves the old
 * one as it was.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await moveOver(await writeBeside(path, data), path);
}

/** The first half of writeFileAtomic: a new, flushed temporary file beside `path`, named by the promise. */
export async function writeBeside(path: string, data: string): Promise<string> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const file = await open(temporary, 'wx');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    return temporary;
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`cannot write ${path} (${systemReason(error)})`);
  }
}

/** The second half: renames a temporary file from writeBeside over `path`. */
export async function moveOver(temporary: string, path: string): Promise<void> {
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`cannot write ${path} (${systemReason(error)})`);
  }
}

/** "no such file or directory" rather than Node's "ENOENT: ..., open '<path>'". */
function systemReason(error: unknown): string {
  const { errno, message } = error as NodeJS.ErrnoException;
  return (errno !== undefined && getSystemErrorMap().get(errno)?.[1]) || message;
}
