/**
 * The JSON of the HTTP API as TypeBox schemas: request validation, response serialisation and
 * the OpenAPI document at /docs all come from these. Every field's rule comes from
 * src/domain/limits.ts, which the stores check with too; every object a caller sends is closed,
 * so an unknown field is a 400 naming it rather than silently ignored.
 *
 * The schemas with an `$id` are the OpenAPI document's named components (`components.schemas`):
 * app.ts registers every one of SHARED_SCHEMAS and routes name them with ref(), which keeps the
 * static type for the TypeBox type provider. Each carries an example.
 */
import { Type, type Static, type TObject, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { ErrorBody } from './errors.js';
import {
  Bundling,
  CityId,
  DecisionsLimit,
  EpochMs,
  EstimateCostS,
  EstimateTravelS,
  EstimateTtlS,
  EventId,
  ItemId,
  Latitude,
  Longitude,
  MAX_ESTIMATE_PAIRS,
  MAX_ESTIMATE_READY,
  PickupId,
  Shards,
  SpeedMps,
  TickMs,
  Version,
} from '../domain/limits.js';
import { DEFAULT_BUNDLING, DEFAULT_PARAMS } from '../domain/problem.js';
import { ParamsSchema } from '../domain/snapshot-schema.js';
import { ETA_INPUTS } from '../features/eta-model.js';
import { COURIER_FEATURE_STATUSES, FEATURE_EVENT_TYPES, MAX_EVENTS_PER_BATCH, QuotedPrepS } from '../features/events.js';
import { paramsToJson } from '../domain/snapshot.js';

/** Bulk upserts are sized for this many couriers; a larger batch is refused with 413. */
export const MAX_BULK_COURIERS = 50_000;
export const MAX_BULK_ORDERS = 50_000;

/** An object a caller sends: no fields beyond these. */
function Input<T extends TProperties>(properties: T, options: { $id?: string; description?: string; examples?: unknown[] } = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A reference to a named component, typed as the schema it names. */
export function ref<T extends TSchema & { $id?: string }>(schema: T, options: { description?: string } = {}): TUnsafe<Static<T>> {
  if (schema.$id === undefined) throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id, options));
}

const Position = Input({ lat: Latitude, lng: Longitude }, { $id: 'Position', examples: [{ lat: 41.3874, lng: 2.1686 }] });
const POSITION = ref(Position);

export const CityParams = Type.Object({ city: CityId });
export const CourierParams = Type.Object({ city: CityId, id: ItemId });
export const OrderParams = Type.Object({ city: CityId, order: ItemId });
export const PickupParams = Type.Object({ city: CityId, pickup: PickupId });

export const EtaModel = Input(
  {
    kind: Type.Literal('prep-ratio-linear'),
    inputs: Type.Array(Type.Union(ETA_INPUTS.map((name) => Type.Literal(name))), { maxItems: ETA_INPUTS.length, uniqueItems: true }),
    weights: Type.Array(Type.Number(), {
      minItems: 1,
      maxItems: ETA_INPUTS.length + 1,
      description: 'of the ratio to the quote: the intercept, then one weight per input',
    }),
    defaults: Type.Array(Type.Number(), { maxItems: ETA_INPUTS.length, description: 'per input, the value taken when the restaurant has none' }),
    fit: Input({ rows: Type.Integer({ minimum: 0 }), quote_mae_s: Type.Number({ minimum: 0 }), model_mae_s: Type.Number({ minimum: 0 }) }),
  },
  {
    $id: 'EtaModel',
    description:
      "ready estimate = creation + quoted preparation × (weights[0] + Σ weights[i+1] × the restaurant's feature inputs[i] now) (docs/features.md); what `dispatchd features fit` writes",
    examples: [
      {
        kind: 'prep-ratio-linear',
        inputs: ['restaurant_prep_ratio_mean_30m', 'restaurant_orders_overdue'],
        weights: [0.21, 0.79, 0.12],
        defaults: [1.04, 0],
        fit: { rows: 1840, quote_mae_s: 212.4, model_mae_s: 61.7 },
      },
    ],
  },
);

export const CityBody = Input(
  {
    enabled: Type.Optional(Type.Boolean()),
    eta_model: Type.Optional(Type.Union([ref(EtaModel), Type.Null()], { description: "the city's ETA model; null removes it" })),
    tick_ms: Type.Optional(TickMs),
    shards: Type.Optional(Shards),
    params: Type.Optional(
      Input(ParamsSchema.properties, {
        description: "replaces the city's whole params object: a parameter left out takes its default",
      }),
    ),
    bundling: Type.Optional(
      Input(
        { max_bundle_size: Type.Optional(Bundling.max_bundle_size), bundle_window_s: Type.Optional(Bundling.bundle_window_s) },
        {
          description: "replaces the city's whole bundling object: a knob left out takes its default",
        },
      ),
    ),
  },
  { $id: 'CityUpdate', examples: [{ enabled: true, tick_ms: 1000, params: { max_pickup_s: 900 }, bundling: { max_bundle_size: 2 } }] },
);
export type CityBody = Static<typeof CityBody>;

export const City = Type.Object(
  {
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
    eta_model: Type.Union([ref(EtaModel), Type.Null()]),
    shards: Type.Integer(),
  },
  {
    $id: 'City',
    examples: [
      {
        id: 'bcn',
        enabled: true,
        tick_ms: 1000,
        params: paramsToJson(DEFAULT_PARAMS),
        bundling: { max_bundle_size: DEFAULT_BUNDLING.maxBundleSize, bundle_window_s: DEFAULT_BUNDLING.bundleWindowS },
        eta_model: null,
        shards: 1,
      },
    ],
  },
);
export type City = Static<typeof City>;
export const CityList = Type.Object({ cities: Type.Array(ref(City)) }, { $id: 'CityList', examples: [{ cities: [] }] });

export const CourierInput = Input(
  {
    id: ItemId,
    lat: Latitude,
    lng: Longitude,
    speed_mps: SpeedMps,
    status: Type.Union([Type.Literal('on_shift'), Type.Literal('off_shift')], { description: 'on_shift: may be dispatched' }),
  },
  { $id: 'Courier', examples: [{ id: 'c1', lat: 41.3874, lng: 2.1686, speed_mps: 4.5, status: 'on_shift' }] },
);
export const CouriersBody = Input(
  { couriers: Type.Array(ref(CourierInput), { maxItems: MAX_BULK_COURIERS }) },
  { $id: 'CourierBatch', examples: [{ couriers: [{ id: 'c1', lat: 41.3874, lng: 2.1686, speed_mps: 4.5, status: 'on_shift' }] }] },
);
export type CouriersBody = Static<typeof CouriersBody>;
export const Upserted = Type.Object({ upserted: Type.Integer() }, { $id: 'Upserted', examples: [{ upserted: 1 }] });

const ORDER_EXAMPLE = { id: 'o1', pickup: { lat: 41.3874, lng: 2.1686 }, dropoff: { lat: 41.4036, lng: 2.1744 }, ready_at: 1767225600000 };
export const OrderInput = Input(
  {
    id: ItemId,
    pickup: POSITION,
    dropoff: POSITION,
    ready_at: Type.Optional(
      Type.Integer({
        ...EpochMs,
        description:
          'when the kitchen has it ready, epoch milliseconds (1970 to 2100) on the caller’s clock; default: now on the state store’s clock. The feature engine takes it as the kitchen’s quote',
      }),
    ),
    restaurant: Type.Optional(
      Type.Unsafe<string>({ ...ItemId, description: 'the kitchen, for the feature engine (docs/features.md); default: the pickup position' }),
    ),
    zone: Type.Optional(Type.Unsafe<string>({ ...ItemId, description: 'where it was ordered, for the feature engine' })),
  },
  { $id: 'Order', examples: [ORDER_EXAMPLE] },
);
export const OrdersBody = Input(
  { orders: Type.Array(ref(OrderInput), { maxItems: MAX_BULK_ORDERS }) },
  { $id: 'OrderBatch', examples: [{ orders: [ORDER_EXAMPLE] }] },
);
export type OrdersBody = Static<typeof OrdersBody>;
export const Created = Type.Object({ created: Type.Integer() }, { $id: 'Created', examples: [{ created: 1 }] });

const READY_ESTIMATE_EXAMPLE = { order: 'o1', ready_at: 1767225900000 };
const PAIR_ESTIMATE_EXAMPLE = { order: 'o1', courier: 'c1', travel_s: 240 };
export const ReadyEstimateInput = Input(
  {
    order: ItemId,
    ready_at: Type.Integer({ ...EpochMs, description: "when the kitchen will have it ready, epoch ms: replaces the order's ready_at for dispatch" }),
  },
  { $id: 'ReadyEstimate', examples: [READY_ESTIMATE_EXAMPLE] },
);
export const PairEstimateInput = Input(
  {
    order: ItemId,
    courier: ItemId,
    travel_s: Type.Optional({
      ...EstimateTravelS,
      description: "seconds from the courier (once free) to the order's pickup: replaces the geographic approach",
    }),
    cost_s: Type.Optional({ ...EstimateCostS, description: "the pair's whole cost in seconds: replaces its geographic price (docs/problem.md)" }),
  },
  { $id: 'PairEstimate', description: 'a courier × order pair: exactly one of travel_s and cost_s', examples: [PAIR_ESTIMATE_EXAMPLE] },
);
export const EstimatesBody = Input(
  {
    ready: Type.Optional(Type.Array(ref(ReadyEstimateInput), { maxItems: MAX_ESTIMATE_READY, description: 'per order: its ready time' })),
    pairs: Type.Optional(
      Type.Array(ref(PairEstimateInput), { maxItems: MAX_ESTIMATE_PAIRS, description: 'per courier × order pair: its travel time or whole cost' }),
    ),
    ttl_s: EstimateTtlS,
  },
  {
    $id: 'EstimateSet',
    description:
      "replaces the city's estimates whole; they lapse ttl_s after on the state store's clock. Estimates of orders or couriers the city does not dispatch are not used; of one order (or pair) given twice, the last counts",
    examples: [{ ready: [READY_ESTIMATE_EXAMPLE], pairs: [PAIR_ESTIMATE_EXAMPLE], ttl_s: 30 }],
  },
);
export type EstimatesBody = Static<typeof EstimatesBody>;
export const EstimatesAccepted = Type.Object(
  {
    ready: Type.Integer({ description: 'ready estimates taken' }),
    pairs: Type.Integer({ description: 'pair estimates taken' }),
    expires_at: Type.Integer({ description: "when they lapse, epoch ms on the state store's clock" }),
  },
  { $id: 'EstimatesAccepted', examples: [{ ready: 1, pairs: 1, expires_at: 1767225630000 }] },
);

export const OfferAnswerBody = Type.Union([Input({ courier: Type.Optional(ItemId) }), Type.Null()], {
  $id: 'OfferAnswer',
  description: 'optional: `{ courier }` makes the answer count only when the offer is to that courier',
  examples: [{ courier: 'c1' }],
});
const PickupOrders = Type.Array(Type.String(), { description: "the pickup's orders not yet delivered or cancelled, in delivery sequence" });
export const OrderEventReply = Type.Object(
  {
    order: Type.String(),
    status: Type.String(),
    courier: Type.Union([Type.String(), Type.Null()]),
    pickup_id: Type.Optional(
      Type.String({ description: 'only for an order in a pickup of several orders: accept, decline and picked-up acted on all of them' }),
    ),
    pickup_orders: Type.Optional(Type.Array(Type.String(), { description: "with pickup_id: the pickup's orders when the event came, in delivery sequence" })),
  },
  { $id: 'OrderEventReply', examples: [{ order: 'o1', status: 'assigned', courier: 'c1' }] },
);

export const Pickup = Type.Object(
  {
    pickup_id: Type.String(),
    courier: Type.String(),
    orders: PickupOrders,
    status: Type.Union([Type.Literal('offered'), Type.Literal('assigned'), Type.Literal('picked_up')]),
    expires_at: Type.Integer({ description: "when the offer lapses (lapsed, once accepted), epoch ms on the state store's clock" }),
  },
  { $id: 'Pickup', examples: [{ pickup_id: 'p23.1', courier: 'c1', orders: ['o1', 'o2'], status: 'offered', expires_at: 1767225630000 }] },
);
export const PickupEventReply = Type.Object(
  {
    pickup_id: Type.String(),
    status: Type.String({ description: "the status of the pickup's orders after the event (pending after a decline)" }),
    courier: Type.String(),
    orders: Type.Array(Type.String(), { description: 'the orders the event acted on, in delivery sequence' }),
  },
  { $id: 'PickupEventReply', examples: [{ pickup_id: 'p23.1', status: 'assigned', courier: 'c1', orders: ['o1', 'o2'] }] },
);
/** A decision's pickups (decision.ts pickupsOf), each with its id. */
const DecisionPickup = Type.Object(
  {
    pickup_id: Type.Union([Type.String(), Type.Null()], { description: 'p<version>.<n>; null when nothing was committed' }),
    courier: Type.String(),
    orders: Type.Array(Type.String(), { description: 'in delivery sequence' }),
  },
  {
    $id: 'DecisionPickup',
    description: "one courier's orders at one restaurant in a decision",
    examples: [{ pickup_id: 'p23.1', courier: 'c1', orders: ['o1'] }],
  },
);
const Pickups = Type.Array(ref(DecisionPickup));
const CertificateState = Type.Union([Type.Literal('checked'), Type.Literal('failed'), Type.Literal('none')], {
  description:
    "whether the solve's dual certificate proved the assignment optimal over its candidate edges: checked; failed (such a decision is never committed); none (not asked for: a decision recorded before decisions carried one)",
});

const Pair = Type.Object({
  order: Type.String(),
  courier: Type.String(),
  cost: Type.Integer({ description: 'deciseconds' }),
  estimated: Type.Boolean({ description: "the cost came from the city's pair estimates (PUT /estimates), not the geographic price" }),
  ready_source: Type.Union(
    (['caller', 'estimate', 'ready_event', 'model'] as const).map((s) => Type.Literal(s)),
    {
      description:
        "where the order's ready time came from: the caller's ready_at, the fleet's estimate (PUT /estimates), the kitchen's ready event (POST /events), or the city's ETA model",
    },
  ),
  pickup_id: Type.Union([Type.String(), Type.Null()], { description: 'the pickup the order is in; null when nothing was committed' }),
});
export const DispatchReply = Type.Object(
  {
    city: Type.String(),
    committed: Type.Boolean({ description: 'the decision is committed in the state store: its offers are live' }),
    durable: Type.Boolean({
      description:
        'the committed decision is recorded in the durable log: only then is it acknowledged (it survives the loss of Redis and of any host). committed without durable: it is recorded as soon as the log answers, and appears in GET /decisions then',
    }),
    reason: Type.Optional(
      Type.String({
        description:
          "why nothing was committed: nothing_to_assign, stale_token, conflict, lease_lapsed, fence_missing, not_durable (an earlier decision is not durable yet), certificate_failed (the solve's dual certificate did not check)",
      }),
    ),
    version: Type.Integer(),
    token: Type.Integer(),
    assignments: Type.Array(Pair),
    pickups: Pickups,
    unassigned: Type.Array(Type.String()),
    dropped: Type.Array(Type.String(), {
      description:
        'orders of pickups the commit left out because one of their items (an order, or the courier) changed since the snapshot: they are pending again at the next tick',
    }),
    objective: Type.Number({ description: 'deciseconds' }),
    certificate: CertificateState,
    couriers: Type.Integer(),
    orders: Type.Integer(),
    cooled_down: Type.Integer(),
    estimated: Type.Object(
      {
        ready: Type.Integer({ description: "orders whose ready time came from the city's estimates" }),
        pairs: Type.Integer({ description: "courier × pickup pairs priced from the city's estimates" }),
        model: Type.Integer({ description: "orders whose ready time came from the city's ETA model and its features" }),
        ready_events: Type.Integer({ description: "orders whose ready time is the kitchen's ready event" }),
      },
      { description: 'what the live estimates (PUT /estimates) and the feature engine changed in this dispatch' },
    ),
    timings: Type.Object({
      snapshot_ms: Type.Number(),
      solve_ms: Type.Number(),
      commit_ms: Type.Number(),
      total_ms: Type.Number(),
    }),
  },
  {
    $id: 'DispatchOutcome',
    examples: [
      {
        city: 'bcn',
        committed: true,
        durable: true,
        version: 23,
        token: 4,
        assignments: [{ order: 'o1', courier: 'c1', cost: 1830, estimated: false, ready_source: 'caller', pickup_id: 'p23.1' }],
        pickups: [{ pickup_id: 'p23.1', courier: 'c1', orders: ['o1'] }],
        unassigned: [],
        dropped: [],
        objective: 1830,
        certificate: 'checked',
        couriers: 5,
        orders: 1,
        cooled_down: 0,
        estimated: { ready: 0, pairs: 0, model: 0, ready_events: 0 },
        timings: { snapshot_ms: 1.2, solve_ms: 0.8, commit_ms: 2.1, total_ms: 4.3 },
      },
    ],
  },
);

export const DecisionsQuery = Input({
  after: Type.Optional(Type.Integer({ ...Version, default: 0 })),
  limit: Type.Optional(Type.Integer({ ...DecisionsLimit, default: 100 })),
});
/** The query string of a route that takes none: any parameter is unknown. */
export const NoQuery = Input({});
/** The body of a route that takes none: absent (Fastify validates it as null) or `{}`. */
export const NoBody = Type.Union([Input({}), Type.Null()]);
const DECISION_EXAMPLE = {
  version: 23,
  token: 4,
  holder: 'host-a/5f0c',
  committed_at: 1767225600000,
  assignments: [{ order: 'o1', courier: 'c1' }],
  pickups: [{ pickup_id: 'p23.1', courier: 'c1', orders: ['o1'] }],
  objective: 1830,
  certificate: 'checked',
};
export const Decision = Type.Object(
  {
    version: Type.Integer(),
    token: Type.Integer({ description: 'the fencing token of the lease it was committed under' }),
    holder: Type.String(),
    committed_at: Type.Integer({ description: 'epoch ms, state store clock' }),
    assignments: Type.Array(Type.Object({ order: Type.String(), courier: Type.String() })),
    pickups: Pickups,
    objective: Type.Union([Type.Integer(), Type.Null()], {
      description:
        "deciseconds: the exact objective of the solve it came from (assigned costs plus each unassigned order's penalty, over the whole snapshot); null when not recorded",
    }),
    certificate: CertificateState,
  },
  { $id: 'Decision', description: 'a committed decision, as recorded in the durable log', examples: [DECISION_EXAMPLE] },
);
export const Decisions = Type.Object(
  {
    durable_version: Type.Integer({ description: 'the highest version recorded in the durable log' }),
    committed_version: Type.Union([Type.Integer(), Type.Null()], {
      description:
        'the highest version committed in the state store (null when it cannot be read); above durable_version, decisions are committed but not durable yet',
    }),
    decisions: Type.Array(ref(Decision)),
  },
  { $id: 'DecisionPage', examples: [{ durable_version: 23, committed_version: 23, decisions: [DECISION_EXAMPLE] }] },
);

const LEASE_EXAMPLE = { city: 'bcn', enabled: true, token: 4, holder: 'host-a/5f0c', expires_in_ms: 11800, unheld_for_ms: null };
export const Lease = Type.Object(
  {
    city: Type.String(),
    enabled: Type.Boolean(),
    token: Type.Integer({ description: 'the fencing token: raised by every acquisition and release' }),
    holder: Type.Union([Type.String(), Type.Null()]),
    expires_in_ms: Type.Union([Type.Number(), Type.Null()], { description: "this host's leases only, on its own clock" }),
    unheld_for_ms: Type.Union([Type.Number(), Type.Null()]),
  },
  { $id: 'Lease', examples: [LEASE_EXAMPLE] },
);
export const Leases = Type.Object(
  {
    host: Type.String({ description: 'this host (host id / boot id)' }),
    live_hosts: Type.Array(Type.String()),
    leases: Type.Array(ref(Lease)),
  },
  { $id: 'LeaseCensus', examples: [{ host: 'host-a/5f0c', live_hosts: ['host-a/5f0c'], leases: [LEASE_EXAMPLE] }] },
);

export const Health = Type.Object(
  {
    status: Type.String({ description: 'ok (healthz); ready or not ready (readyz)' }),
    checks: Type.Optional(Type.Record(Type.String(), Type.String(), { description: "readyz: each store's and the pool's check, `ok` or why not" })),
  },
  { $id: 'Health', examples: [{ status: 'ready', checks: { leases: 'ok', state: 'ok', decisions: 'ok', pool: 'ok' } }] },
);

const MapPosition = { lat: Type.Number(), lng: Type.Number() };
const Nullable = (schema: TSchema, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {});
export const CityMap = Type.Object(
  {
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
      mean_wait_s: Nullable(
        Type.Number(),
        'food waiting for its courier (now − ready, of ready orders not picked up), mean over the last window_s; null before any',
      ),
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
  },
  {
    $id: 'CityMap',
    examples: [
      {
        city: 'bcn',
        couriers: [{ id: 'c1', lat: 41.3874, lng: 2.1686, state: 'offered' }],
        orders: [{ id: 'o1', lat: 41.39, lng: 2.17, state: 'offered' }],
        lines: [{ courier: { lat: 41.3874, lng: 2.1686 }, pickup: { lat: 41.39, lng: 2.17 } }],
        kpis: {
          pending_orders: 0,
          couriers: { free: 0, offered: 1, carrying: 0 },
          mean_wait_s: 12.5,
          deliveries_per_min: 0.8,
          window_s: 300,
          last_solve_ms: 0.8,
          version: 23,
          last_assigned: 1,
        },
        series: { at: [1767225600000], mean_wait_s: [12.5], deliveries_per_min: [0.8] },
      },
    ],
  },
);

export const FeatureEventInput = Input(
  {
    id: Type.Unsafe<string>({ ...EventId, description: `unique per event: a repeat within the dedupe horizon is ignored; ${EventId.description}` }),
    type: Type.Union(FEATURE_EVENT_TYPES.map((t) => Type.Literal(t))),
    order: Type.Optional(ItemId),
    restaurant: Type.Optional(Type.Unsafe<string>({ ...ItemId, description: 'order_created: the kitchen' })),
    zone: Type.Optional(Type.Unsafe<string>({ ...ItemId, description: 'order_created: where it was ordered (optional)' })),
    quoted_prep_s: Type.Optional(QuotedPrepS),
    courier: Type.Optional(ItemId),
    lat: Type.Optional(Latitude),
    lng: Type.Optional(Longitude),
    status: Type.Optional(Type.Union(COURIER_FEATURE_STATUSES.map((s) => Type.Literal(s)))),
  },
  {
    $id: 'FeatureEvent',
    description:
      'order_created needs order and restaurant (zone, quoted_prep_s optional); the other order_* events need order; courier_position needs courier, lat and lng; courier_status needs courier and status',
    examples: [{ id: 'evt-1', type: 'order_created', order: 'o1', restaurant: 'r7', zone: 'eixample', quoted_prep_s: 600 }],
  },
);
export const EventsBody = Input(
  { events: Type.Array(ref(FeatureEventInput), { maxItems: MAX_EVENTS_PER_BATCH }) },
  { $id: 'EventsBody', examples: [{ events: [{ id: 'evt-2', type: 'order_ready', order: 'o1' }] }] },
);
export const EventsAccepted = Type.Object(
  {
    at: Type.Integer({ description: "the store time every event of the batch was taken at, epoch ms (an event log's `at`)" }),
    accepted: Type.Integer(),
    ignored: Type.Array(
      Type.Object({ id: Type.String(), reason: Type.Union([Type.Literal('duplicate'), Type.Literal('unknown_order'), Type.Literal('repeated_step')]) }),
    ),
  },
  { $id: 'EventsAccepted', examples: [{ at: 1767225600000, accepted: 1, ignored: [{ id: 'evt-1', reason: 'duplicate' }] }] },
);
export const Features = Type.Object(
  {
    at: Type.Integer({ description: "read time on the store's clock, epoch ms: every window ends here" }),
    features: Type.Record(Type.String(), Type.Record(Type.String(), Type.Number()), {
      description: 'feature name → key (restaurant, zone or courier id) → value; keys without samples in the window are left out',
    }),
  },
  { $id: 'Features', examples: [{ at: 1767225600000, features: { restaurant_prep_mean_30m: { r7: 684.5 }, restaurant_orders_waiting: { r7: 3 } } }] },
);

/** Every named component, registered once with the app (addSchema). */
export const SHARED_SCHEMAS: TSchema[] = [
  ErrorBody,
  Position,
  EtaModel,
  CityBody,
  City,
  CityList,
  CourierInput,
  CouriersBody,
  Upserted,
  OrderInput,
  OrdersBody,
  Created,
  ReadyEstimateInput,
  PairEstimateInput,
  EstimatesBody,
  EstimatesAccepted,
  FeatureEventInput,
  EventsBody,
  EventsAccepted,
  Features,
  OfferAnswerBody,
  OrderEventReply,
  Pickup,
  PickupEventReply,
  DecisionPickup,
  DispatchReply,
  Decision,
  Decisions,
  Lease,
  Leases,
  Health,
  CityMap,
];
