/**
 * What every value a caller gives may be, written once. The HTTP schemas (src/http/schemas.ts),
 * the snapshot schema (snapshot-schema.ts), the stores' own checks (src/state, city-config.ts:
 * defence in depth, with these same rules) and docs/host.md all read them from here.
 *
 * Every number has a minimum and a maximum, so what passes a schema also passes every store:
 * JSON's 1e309 (Infinity) fails every number schema (Ajv's strictNumbers), and a bound such as
 * ready_at's keeps a value inside what a safe integer, a Lua double and an i32 cost can carry.
 */
import { Type } from '@sinclair/typebox';
import { DEFAULT_BUNDLING, DEFAULT_PARAMS, MAX_BUNDLE_SIZE, MAX_COST } from './problem.js';

/** Longest order or courier id, in Unicode code points (the unit Ajv's maxLength counts). */
export const ITEM_ID_MAX_CODE_POINTS = 128;

/**
 * Order and courier ids: 1-128 code points, no `|` (it separates the fields of the Redis
 * records), well-formed Unicode only. Under the `u` flag (Ajv compiles patterns with it) a
 * surrogate pair is one code point and `\p{Cs}` matches only a lone surrogate, which Redis would
 * store as U+FFFD, so `s\ud800` and `s\udbff` would be one order.
 */
export const ItemId = Type.String({
  pattern: `^[^|\\p{Cs}]{1,${ITEM_ID_MAX_CODE_POINTS}}$`,
  description: `1-${ITEM_ID_MAX_CODE_POINTS} Unicode characters (code points) of well-formed Unicode, without |`,
});
const ITEM_ID = new RegExp(ItemId.pattern!, 'u');

/** Feature-engine event ids: as item ids but longer, so the host can derive one from an item id (`order:<id>:created`). */
export const EVENT_ID_MAX_CODE_POINTS = 256;
export const EventId = Type.String({
  pattern: `^[^|\\p{Cs}]{1,${EVENT_ID_MAX_CODE_POINTS}}$`,
  description: `1-${EVENT_ID_MAX_CODE_POINTS} Unicode characters (code points) of well-formed Unicode, without |`,
});
const EVENT_ID = new RegExp(EventId.pattern!, 'u');

export function isEventId(id: unknown): id is string {
  return typeof id === 'string' && EVENT_ID.test(id);
}

/** The store-side test of ItemId. */
export function isItemId(id: unknown): id is string {
  return typeof id === 'string' && ITEM_ID.test(id);
}

/**
 * Pickup ids are derived, never stored in the log: `p<version>.<n>` is the n-th pickup of the
 * decision with that version (src/state/decision.ts). At most 15 digits each, so both numbers
 * are exact in a double and in Lua: what the pattern accepts, every store takes.
 */
export const PickupId = Type.String({
  pattern: '^p[1-9][0-9]{0,14}\\.[1-9][0-9]{0,14}$',
  description: 'pickup id p<decision version>.<n>: the n-th pickup (1-based) of that decision, e.g. p23.1',
});
const PICKUP_ID = new RegExp(PickupId.pattern!);

/** The store-side test of PickupId. */
export function isPickupId(id: unknown): id is string {
  return typeof id === 'string' && PICKUP_ID.test(id);
}

/** City ids name Redis keys (inside a `{city}` hash tag) and MySQL rows: a safe alphabet, no braces. */
export const CityId = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,64}$',
  description: 'city id: 1-64 of A-Z a-z 0-9 _ . -',
});

/**
 * The longest path parameter any route must take, as find-my-way measures it (the raw,
 * percent-encoded text, before decoding): a code point is at most 4 UTF-8 bytes, each `%XX`.
 * Fastify's default of 100 answered 414 for ids the schema accepted.
 */
export const MAX_PATH_PARAM_LENGTH = ITEM_ID_MAX_CODE_POINTS * 4 * 3;

export const Latitude = Type.Number({ minimum: -90, maximum: 90 });
export const Longitude = Type.Number({ minimum: -180, maximum: 180 });
/** 100 m/s is 360 km/h: above any courier. */
export const SpeedMps = Type.Number({ exclusiveMinimum: 0, maximum: 100 });

/** 2100-01-01T00:00:00Z. */
const EPOCH_MS_MAX = 4_102_444_800_000;
/** A moment given or kept as epoch milliseconds (ready_at, a courier's freeAt). */
export const EpochMs = Type.Integer({ minimum: 0, maximum: EPOCH_MS_MAX, description: 'epoch milliseconds, 1970 to 2100' });

/** Decision versions count commits from 1; they stay exact in a double and in Lua. */
export const Version = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const DecisionsLimit = Type.Integer({ minimum: 1, maximum: 1000 });
export const TickMs = Type.Integer({ minimum: 50, maximum: 3_600_000, description: 'milliseconds between dispatch ticks' });
/** Area shards of one city (docs/scaling.md, "Area shards"): 1 is one slot, as before shards. */
export const MAX_SHARDS = 16;
export const Shards = Type.Integer({
  minimum: 1,
  maximum: MAX_SHARDS,
  // No schema default: a PUT that leaves it out keeps the city's (a new city gets DEFAULT_SHARDS).
  description: "area shards the city's couriers and orders are split over (each its own Redis Cluster slot), default 1; fixed once the city exists",
});

/**
 * The dispatch parameters (docs/problem.md), each with its default. The penalty's maximum is
 * MAX_COST in deciseconds (rounded, docs/problem.md), so it crosses into the solver as an i32.
 */
export const Params = {
  max_pickup_s: Type.Number({ minimum: 0, maximum: 10_000_000, default: DEFAULT_PARAMS.maxPickupS }),
  max_candidates: Type.Integer({ minimum: 0, maximum: 10_000, default: DEFAULT_PARAMS.maxCandidates }),
  unassigned_penalty_s: Type.Number({ minimum: 0, maximum: MAX_COST / 10, default: DEFAULT_PARAMS.unassignedPenaltyS }),
  detour_factor: Type.Number({ exclusiveMinimum: 0, maximum: 10, default: DEFAULT_PARAMS.detourFactor }),
  wait_weight: Type.Number({ minimum: 0, maximum: 100, default: DEFAULT_PARAMS.waitWeight }),
  handover_s: Type.Number({ minimum: 0, maximum: 86_400, default: DEFAULT_PARAMS.handoverS }),
};

/** A city's bundling knobs (BundlingParams), each with its default. */
export const Bundling = {
  max_bundle_size: Type.Integer({
    minimum: 1,
    maximum: MAX_BUNDLE_SIZE,
    default: DEFAULT_BUNDLING.maxBundleSize,
    description: 'most orders of one restaurant one pickup may hold; 1 = no bundling',
  }),
  bundle_window_s: Type.Number({
    minimum: 0,
    maximum: 3600,
    default: DEFAULT_BUNDLING.bundleWindowS,
    description: "the ready times of one pickup's orders lie within this many seconds",
  }),
};

/**
 * A fleet's own estimates for a running city (PUT /v1/cities/:city/estimates, docs/host.md):
 * how many one request takes, how long they live, and what each number may be. The whole set of
 * a city is one value in the store, so these bound the memory it takes per city.
 */
export const MAX_ESTIMATE_READY = 50_000;
export const MAX_ESTIMATE_PAIRS = 100_000;
export const EstimateTtlS = Type.Integer({ minimum: 1, maximum: 3600, description: "seconds the estimates live, on the state store's clock" });
/** A courier's travel to a pickup, seconds: a day at most, as handover_s. */
export const EstimateTravelS = Type.Number({ minimum: 0, maximum: 86_400, description: 'seconds from the courier (once free) to the pickup' });
/** A pair's whole cost, seconds: at most the largest cost the solver carries (MAX_COST deciseconds). */
export const EstimateCostS = Type.Number({
  minimum: 0,
  maximum: MAX_COST / 10,
  description: "the pair's whole cost, seconds (as the built-in price counts it)",
});
