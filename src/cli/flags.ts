/** Checks of command-line values shared by the subcommands: a bad one is an InputError (exit 2). */
import { InputError } from '../domain/errors.js';

export function int(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new InputError(`--${name}`, `must be an integer in [${min}, ${max}], got ${JSON.stringify(text)}`);
  return value;
}

export function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!allowed.includes(text as T)) throw new InputError(`--${name}`, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}
