/**
 * Bad input from the caller, pinned to the field that is wrong.
 *
 * The CLI prints it as one line and exits 2; the HTTP routes will answer 400 with it.
 */
export class InputError extends Error {
  /** Where the problem is, as a path into the input, e.g. `orders[17].pickup_lat`. */
  readonly field: string;
  /** What is wrong with it, e.g. `must be a number in [-90, 90]`. */
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'InputError';
    this.field = field;
    this.reason = reason;
  }

  override toString(): string {
    return this.message;
  }
}
