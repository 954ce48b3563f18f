/**
 * libfaketime (Debian's `faketime` package, installed by .ci/run) for a child process whose wall
 * clock must run off: Date.now() shifted, the monotonic clock (leases) left alone.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function libfaketime(): string | undefined {
  for (const dir of ['/usr/lib', ...readdirSync('/usr/lib').map((d) => join('/usr/lib', d))]) {
    const lib = join(dir, 'faketime', 'libfaketime.so.1');
    if (existsSync(lib)) return lib;
  }
  return undefined;
}

/** Environment that makes a process's wall clock run `offset` (libfaketime syntax, e.g. "+1h") off. */
export function skewedClockEnv(offset: string): NodeJS.ProcessEnv {
  const lib = libfaketime();
  if (!lib) throw new Error('libfaketime is not installed (Debian package faketime)');
  return { LD_PRELOAD: lib, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_NO_CACHE: '1' };
}
