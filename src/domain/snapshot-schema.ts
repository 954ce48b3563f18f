/**
 * The snapshot JSON (docs/problem.md) as TypeBox schemas: one definition serves the
 * CLI's validation, the static types of the parsed JSON, and later the HTTP routes.
 *
 * Only what JSON Schema says well lives here; cross-field rules (unique ids, edge
 * indices in range, the penalty's rounding) are checked by hand in snapshot.ts.
 */
import { Type, type Static } from '@sinclair/typebox';
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
