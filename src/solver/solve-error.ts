/** Why a solve through the SolverPool did not produce a solution. */
export type SolveFailure =
  /** Its timeoutMs passed. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** The solver trapped (or ran out of memory), or its worker died. */
  | 'failed';

export class SolveError extends Error {
  readonly failure: SolveFailure;

  constructor(failure: SolveFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SolveError';
    this.failure = failure;
  }
}
