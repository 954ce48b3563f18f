/**
 * The JSON of the HTTP API as TypeBox schemas: request validation, response serialisation and
 * the OpenAPI document at /docs all come from these. Every field's rule comes from
 * src/domain/limits.ts, which the stores check with too; every object a caller sends is closed,
 * so an unknown field is a 400 naming it rather than silently ignored.
 */
import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { Bundling, CityId, DecisionsLimit, EpochMs, ItemId, Latitude, Longitude, PickupId, SpeedMps, TickMs, Version } from '../domain/limits.js';
import { ParamsSchema } from '../domain/snapshot-schema.js';

/** Bulk upserts are sized for this many couriers; a larger batch is refused with 413. */
export const MAX_BULK_COURIERS = 50_000;
export const MAX_BULK_ORDERS = 50_000;

/** An object a caller sends: no fields beyond these. */
function Input<T extends TProperties>(properties: T, options: { description?: string } = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

const Position = Input({ lat: Latitude, lng: Longitude });

export const CityParams = Type.Object({ city: CityId });
export const CourierParams = Type.Object({ city: CityId, id: ItemId });
export const OrderParams = Type.Object({ city: CityId, id: ItemId });
export const OfferParams = Type.Object({ city: CityId, order: ItemId });
export const PickupParams = Type.Object({ city: CityId, pickup: PickupId });

export const ErrorBody = Type.Object({
  error: Type.String(),
  code: Type.Optional(
    Type.Union(
      [
        Type.Literal('invalid_field'),
        Type.Literal('unknown_field'),
        Type.Literal('order_exists'),
        Type.Literal('unknown_pickup'),
        Type.Literal('no_offer'),
        Type.Literal('wrong_state'),
        Type.Literal('store_unavailable'),
      ],
      {
        description:
          'invalid_field / unknown_field: a 400 naming a field (the value breaks its rule, or the field does not exist); order_exists: a 409, nothing of the batch created; unknown_pickup: a 404 (never committed, or ended); no_offer / wrong_state: a 409 refusing an offer answer or an event; store_unavailable: a 503',
      },
    ),
  ),
  field: Type.Optional(Type.String()),
  holder: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

export const CityBody = Input({
  enabled: Type.Optional(Type.Boolean()),
  tick_ms: Type.Optional(TickMs),
  params: Type.Optional(
    Input(ParamsSchema.properties, {
      description: "replaces the city's whole params object: a parameter left out takes its default",
    }),
  ),
  bundling: Type.Optional(
    Input(Bundling, {
      description: "replaces the city's whole bundling object: a knob left out takes its default",
    }),
  ),
});
export type CityBody = Static<typeof CityBody>;

export const City = Type.Object({
  id: Type.String(),
  enabled: Type.Boolean(),
  tick_ms: Type.Integer(),
  params: Type.Object({
    max_pickup_s: Type.Number(),
    max_candidates: Type.Integer(),
    unassigned_penalty_s: Type.Number(),
    detour_factor: Type.Number(),
    wait_weight: Type.Number(),
    handover_s: Type.Number(),
  }),
  bundling: Type.Object({ max_bundle_size: Type.Integer(), bundle_window_s: Type.Number() }),
});
export type City = Static<typeof City>;
export const CityList = Type.Object({ cities: Type.Array(City) });

export const CourierInput = Input({
  id: ItemId,
  lat: Latitude,
  lng: Longitude,
  speed_mps: SpeedMps,
  status: Type.Union([Type.Literal('on_shift'), Type.Literal('off_shift')], { description: 'on_shift: may be dispatched' }),
});
export const CouriersBody = Input({
  couriers: Type.Array(CourierInput, { maxItems: MAX_BULK_COURIERS }),
});
export type CouriersBody = Static<typeof CouriersBody>;
export const Upserted = Type.Object({ upserted: Type.Integer() });

export const OrderInput = Input({
  id: ItemId,
  pickup: Position,
  dropoff: Position,
  ready_at: Type.Optional(
    Type.Integer({ ...EpochMs, description: 'when the kitchen has it ready, epoch milliseconds (1970 to 2100) on the caller’s clock; default: now on the state store’s clock' }),
  ),
});
export const OrdersBody = Input({ orders: Type.Array(OrderInput, { maxItems: MAX_BULK_ORDERS }) });
export type OrdersBody = Static<typeof OrdersBody>;
export const Created = Type.Object({ created: Type.Integer() });

export const OfferAnswerBody = Type.Union([
  Input({ courier: Type.Optional(ItemId) }),
  Type.Null(),
]);
const PickupOrders = Type.Array(Type.String(), { description: "the pickup's orders not yet delivered or cancelled, in delivery sequence" });
export const OrderEventReply = Type.Object({
  order: Type.String(),
  status: Type.String(),
  courier: Type.Union([Type.String(), Type.Null()]),
  pickup_id: Type.Optional(Type.String({ description: 'only for an order in a pickup of several orders: accept, decline and picked-up acted on all of them' })),
  pickup_orders: Type.Optional(Type.Array(Type.String(), { description: "with pickup_id: the pickup's orders when the event came, in delivery sequence" })),
});

export const Pickup = Type.Object({
  pickup_id: Type.String(),
  courier: Type.String(),
  orders: PickupOrders,
  status: Type.Union([Type.Literal('offered'), Type.Literal('assigned'), Type.Literal('picked_up')]),
  expires_at: Type.Integer({ description: "when the offer lapses (lapsed, once accepted), epoch ms on the state store's clock" }),
});
export const PickupEventReply = Type.Object({
  pickup_id: Type.String(),
  status: Type.String({ description: "the status of the pickup's orders after the event (pending after a decline)" }),
  courier: Type.String(),
  orders: Type.Array(Type.String(), { description: 'the orders the event acted on, in delivery sequence' }),
});
/** A decision's pickups (decision.ts pickupsOf), each with its id. */
const Pickups = Type.Array(
  Type.Object({
    pickup_id: Type.Union([Type.String(), Type.Null()], { description: 'p<version>.<n>; null when nothing was committed' }),
    courier: Type.String(),
    orders: Type.Array(Type.String(), { description: 'in delivery sequence' }),
  }),
);

const Pair = Type.Object({
  order: Type.String(),
  courier: Type.String(),
  cost: Type.Integer({ description: 'deciseconds' }),
  pickup_id: Type.Union([Type.String(), Type.Null()], { description: 'the pickup the order is in; null when nothing was committed' }),
});
export const DispatchReply = Type.Object({
  city: Type.String(),
  committed: Type.Boolean({ description: 'the decision is committed in the state store: its offers are live' }),
  durable: Type.Boolean({
    description:
      'the committed decision is recorded in the durable log: only then is it acknowledged (it survives the loss of Redis and of any host). committed without durable: it is recorded as soon as the log answers, and appears in GET /decisions then',
  }),
  reason: Type.Optional(Type.String({ description: 'why nothing was committed: nothing_to_assign, stale_token, conflict, lease_lapsed, fence_missing, not_durable (an earlier decision is not durable yet)' })),
  version: Type.Integer(),
  token: Type.Integer(),
  assignments: Type.Array(Pair),
  pickups: Pickups,
  unassigned: Type.Array(Type.String()),
  objective: Type.Number({ description: 'deciseconds' }),
  couriers: Type.Integer(),
  orders: Type.Integer(),
  cooled_down: Type.Integer(),
  timings: Type.Object({
    snapshot_ms: Type.Number(),
    solve_ms: Type.Number(),
    commit_ms: Type.Number(),
    total_ms: Type.Number(),
  }),
});

export const DecisionsQuery = Input({
  after: Type.Optional(Type.Integer({ ...Version, default: 0 })),
  limit: Type.Optional(Type.Integer({ ...DecisionsLimit, default: 100 })),
});
/** The query string of a route that takes none: any parameter is unknown. */
export const NoQuery = Input({});
/** The body of a route that takes none: absent (Fastify validates it as null) or `{}`. */
export const NoBody = Type.Union([Input({}), Type.Null()]);
export const Decisions = Type.Object({
  durable_version: Type.Integer({ description: 'the highest version recorded in the durable log' }),
  committed_version: Type.Union([Type.Integer(), Type.Null()], {
    description: 'the highest version committed in the state store (null when it cannot be read); above durable_version, decisions are committed but not durable yet',
  }),
  decisions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      token: Type.Integer(),
      holder: Type.String(),
      committed_at: Type.Integer({ description: 'epoch ms, state store clock' }),
      assignments: Type.Array(Type.Object({ order: Type.String(), courier: Type.String() })),
      pickups: Pickups,
    }),
  ),
});

export const Leases = Type.Object({
  host: Type.String({ description: 'this host (host id / boot id)' }),
  live_hosts: Type.Array(Type.String()),
  leases: Type.Array(
    Type.Object({
      city: Type.String(),
      enabled: Type.Boolean(),
      token: Type.Integer(),
      holder: Type.Union([Type.String(), Type.Null()]),
      expires_in_ms: Type.Union([Type.Number(), Type.Null()], { description: "this host's leases only, on its own clock" }),
      unheld_for_ms: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

export const Health = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

const MapPosition = { lat: Type.Number(), lng: Type.Number() };
const Nullable = (schema: TSchema, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {});
export const CityMap = Type.Object({
  city: Type.String(),
  couriers: Type.Array(
    Type.Object({ id: Type.String(), ...MapPosition, state: Type.Union([Type.Literal('free'), Type.Literal('offered'), Type.Literal('carrying')]) }),
    { description: 'couriers on shift: free, offered a pickup (waiting for their answer), or carrying one (accepted, on their way)' },
  ),
  orders: Type.Array(Type.Object({ id: Type.String(), ...MapPosition, state: Type.Union([Type.Literal('waiting'), Type.Literal('offered')]) }), {
    description: 'orders not yet accepted by a courier, at their pickup: waiting for a dispatch, or offered',
  }),
  lines: Type.Array(Type.Object({ courier: Type.Object(MapPosition), pickup: Type.Object(MapPosition) }), {
    description: "the latest committed decision's offers: courier → pickup",
  }),
  kpis: Type.Object({
    pending_orders: Type.Integer({ description: 'orders waiting for a dispatch (pending, no outstanding offer)' }),
    couriers: Type.Object({ free: Type.Integer(), offered: Type.Integer(), carrying: Type.Integer() }),
    mean_wait_s: Nullable(Type.Number(), 'food waiting for its courier (now − ready, of ready orders not picked up), mean over the last window_s; null before any'),
    deliveries_per_min: Nullable(Type.Number(), 'deliveries reported to this host per minute over the last window_s; null until two samples'),
    window_s: Type.Integer({ description: "the KPIs' window, seconds of the state store's clock" }),
    last_solve_ms: Nullable(Type.Number()),
    version: Type.Integer(),
    last_assigned: Type.Integer(),
  }),
  series: Type.Object(
    {
      at: Type.Array(Type.Integer(), { description: "sample times, epoch ms on the state store's clock" }),
      mean_wait_s: Type.Array(Nullable(Type.Number())),
      deliveries_per_min: Type.Array(Nullable(Type.Number())),
    },
    { description: 'the two KPIs at each sample of the recent past (taken while the map is watched), oldest first' },
  ),
});

/** Standard error responses every route may give. */
export function errors(...codes: number[]): Record<number, TSchema> {
  return Object.fromEntries(codes.map((c) => [c, ErrorBody]));
}
