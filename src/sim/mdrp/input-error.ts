/**
 * A bad MDRP instance or solution file, pinned to the file and line that is wrong.
 *
 * The message is one line, `path:line: what is wrong` (or `path: what is wrong` when the file or
 * folder itself is the problem), so a CLI can print it as it is and exit 2.
 */
export class MdrpInputError extends Error {
  readonly path: string;
  /** 1-based line number in `path`; absent when the whole file (or folder) is the problem. */
  readonly line: number | undefined;
  readonly reason: string;

  constructor(path: string, line: number | undefined, reason: string) {
    super(line === undefined ? `${path}: ${reason}` : `${path}:${line}: ${reason}`);
    this.name = 'MdrpInputError';
    this.path = path;
    this.line = line;
    this.reason = reason;
  }
}
