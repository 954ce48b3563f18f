/**
 * How a JSON schema reads to a caller, without the schema library: an Ajv error as the
 * InputError a caller is shown, and a number schema as a test on plain numbers with the same
 * wording. Kept apart from the TypeBox definitions (snapshot-schema.ts, limits.ts) so that the
 * CLI's solve, whose validator is compiled at build time, never loads TypeBox.
 */
import type { AnySchemaObject, ErrorObject } from 'ajv';
import { InputError } from './errors.js';

/**
 * An Ajv error (from a validator compiled with `verbose: true`, which gives the failing
 * schema) as an InputError: `/orders/17/pickup_lat` becomes `orders[17].pickup_lat`,
 * and the reason states the whole constraint rather than the one keyword that failed.
 */
export function inputErrorFromSchemaError(error: ErrorObject): InputError {
  const field = fieldPath(error.instancePath);
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return new InputError(field === '' ? missing : `${field}.${missing}`, 'is required');
  }
  if (error.keyword === 'additionalProperties') {
    const unknown = (error.params as { additionalProperty: string }).additionalProperty;
    return new InputError(field === '' ? unknown : `${field}.${unknown}`, 'is not a known field');
  }
  const wanted = describe(error.parentSchema);
  return new InputError(field === '' ? 'snapshot' : field, wanted === undefined ? (error.message ?? 'is invalid') : `must be ${wanted}`);
}

function fieldPath(instancePath: string): string {
  let path = '';
  for (const token of instancePath.split('/').slice(1)) {
    path += /^\d+$/.test(token) ? `[${token}]` : path === '' ? token : `.${token}`;
  }
  return path;
}

/** A number schema as a test on plain numbers, with the reason a failing value is given. */
export interface NumberRule {
  accepts(value: number): boolean;
  /** As the JSON reader words it: "must be a number in [-90, 90]". */
  reason: string;
}

/**
 * The rule of a `number` or `integer` schema, for values that never were JSON (columns of
 * a Problem): the same constraints, and the same wording as inputErrorFromSchemaError.
 */
export function numberRule(schema: AnySchemaObject): NumberRule {
  const integer = schema.type === 'integer';
  const low: number = schema.minimum ?? schema.exclusiveMinimum ?? -Infinity;
  const high: number = schema.maximum ?? schema.exclusiveMaximum ?? Infinity;
  const lowOpen = schema.exclusiveMinimum !== undefined;
  const highOpen = schema.exclusiveMaximum !== undefined;
  return {
    // JSON numbers are finite: NaN and ±Infinity fail every number schema.
    accepts: (value) =>
      Number.isFinite(value) && (!integer || Number.isInteger(value)) && (lowOpen ? value > low : value >= low) && (highOpen ? value < high : value <= high),
    reason: `must be ${describe(schema)}`,
  };
}

/** What a value must be to satisfy `schema`, as a noun phrase: "a number in [-90, 90]". */
function describe(schema: AnySchemaObject | undefined): string | undefined {
  switch (schema?.type) {
    case 'number':
    case 'integer':
      return `${schema.type === 'integer' ? 'an integer' : 'a number'}${describeRange(schema)}`;
    case 'string':
      // A pattern says more than a length: its schema's description words it (limits.ts).
      return schema.description ?? (schema.minLength ? 'a non-empty string' : 'a string');
    case 'array':
      return Array.isArray(schema.items) ? `an array of ${schema.items.length} items` : 'an array';
    case 'object':
      return 'an object';
    default:
      return undefined;
  }
}

function describeRange(schema: AnySchemaObject): string {
  const low = schema.minimum ?? schema.exclusiveMinimum;
  const high = schema.maximum ?? schema.exclusiveMaximum;
  const open = schema.minimum !== undefined ? '[' : '(';
  const close = schema.maximum !== undefined ? ']' : ')';
  if (low !== undefined && high !== undefined) return ` in ${open}${low}, ${high}${close}`;
  if (low !== undefined) return ` ${open === '[' ? '>=' : '>'} ${low}`;
  if (high !== undefined) return ` ${close === ']' ? '<=' : '<'} ${high}`;
  return '';
}
