/**
 * The snapshot JSON (docs/problem.md) as TypeBox schemas: one definition serves the
 * CLI's validation, the static types of the parsed JSON, and later the HTTP routes.
 *
 * Only what JSON Schema says well lives here; cross-field rules (unique ids, edge
 * indices in range, the penalty's rounding) are checked by hand in snapshot.ts.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { AnySchemaObject, ErrorObject } from 'ajv';
import { InputError } from './errors.js';
import { Latitude, Longitude, Params, SpeedMps } from './limits.js';
import { MAX_COST } from './problem.js';

const Id = Type.String({ minLength: 1 });
const NonNegative = Type.Number({ minimum: 0 });

/** The bounds are the host's too (limits.ts): a snapshot file takes what a city takes. */
export const ParamsSchema = Type.Object({
  max_pickup_s: Type.Optional(Params.max_pickup_s),
  max_candidates: Type.Optional(Params.max_candidates),
  unassigned_penalty_s: Type.Optional(Params.unassigned_penalty_s),
  detour_factor: Type.Optional(Params.detour_factor),
  wait_weight: Type.Optional(Params.wait_weight),
  handover_s: Type.Optional(Params.handover_s),
});

export const PositionedCourierSchema = Type.Object({
  id: Id,
  lat: Latitude,
  lng: Longitude,
  speed_mps: SpeedMps,
  free_in_s: NonNegative,
});

export const PositionedOrderSchema = Type.Object({
  id: Id,
  pickup_lat: Latitude,
  pickup_lng: Longitude,
  dropoff_lat: Latitude,
  dropoff_lng: Longitude,
  ready_in_s: Type.Number(),
});

/** A courier or order of a snapshot with caller-given costs: only its id matters. */
export const ListedItemSchema = Type.Object({ id: Id });

/** `[order_index, courier_index, cost]`; index ranges depend on the lists, checked by hand. */
export const EdgeSchema = Type.Tuple([Type.Integer(), Type.Integer(), Type.Integer({ minimum: 0, maximum: MAX_COST })]);

export const PositionsSnapshotSchema = Type.Object({
  city: Id,
  params: Type.Optional(ParamsSchema),
  couriers: Type.Array(PositionedCourierSchema),
  orders: Type.Array(PositionedOrderSchema),
});

export const EdgesSnapshotSchema = Type.Object({
  city: Id,
  params: Type.Optional(ParamsSchema),
  couriers: Type.Array(ListedItemSchema),
  orders: Type.Array(ListedItemSchema),
  edges: Type.Array(EdgeSchema),
});

export type ParamsJson = Static<typeof ParamsSchema>;
export type PositionsSnapshotJson = Static<typeof PositionsSnapshotSchema>;
export type EdgesSnapshotJson = Static<typeof EdgesSnapshotSchema>;
export type SnapshotJson = PositionsSnapshotJson | EdgesSnapshotJson;

/**
 * Either kind, told apart by the presence of `edges` (if/then/else rather than anyOf,
 * so a validator reports the error of the kind the caller meant, not of both).
 */
export const SnapshotSchema = Type.Unsafe<SnapshotJson>({
  if: { type: 'object', required: ['edges'] },
  then: EdgesSnapshotSchema,
  else: PositionsSnapshotSchema,
});

/** The same test as the schema's `if`, for code holding a validated snapshot. */
export function hasEdges(snapshot: SnapshotJson): snapshot is EdgesSnapshotJson {
  return (snapshot as Partial<EdgesSnapshotJson>).edges !== undefined;
}

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
