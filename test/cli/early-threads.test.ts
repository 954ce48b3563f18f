/** The look at a raw `solve` command line that sizes the file workers cli.ts starts before Commander. */
import { describe, expect, it } from 'vitest';
import { defaultThreads, earlyThreads } from '../../src/cli/early-threads.js';

describe('earlyThreads', () => {
  it('starts no worker without --out-dir', () => {
    expect(earlyThreads(['city.json'])).toBeUndefined();
    expect(earlyThreads(['city.json', '--out', 'x.json', '--threads', '2'])).toBeUndefined();
  });

  it('starts no worker for a help flag, which only prints (one after -- is a file name)', () => {
    expect(earlyThreads(['a.json', '--out-dir', 'out', '--help'])).toBeUndefined();
    expect(earlyThreads(['-h', '--out-dir', 'out'])).toBeUndefined();
    expect(earlyThreads(['--out-dir', 'out', '--', '--help'])).toBe(defaultThreads());
  });

  it('takes --threads in both of the forms Commander accepts', () => {
    expect(earlyThreads(['a.json', 'b.json', '--out-dir', 'out', '--threads', '3'])).toBe(3);
    expect(earlyThreads(['a.json', '--threads=1', '--out-dir=out'])).toBe(1);
  });

  it('falls back to the default for a missing or bad --threads (Commander then refuses a bad one)', () => {
    for (const threads of [[], ['--threads'], ['--threads', '0'], ['--threads', '1.5'], ['--threads=x']]) {
      expect(earlyThreads(['a.json', '--out-dir', 'out', ...threads])).toBe(defaultThreads());
    }
  });
});
