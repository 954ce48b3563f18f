import { Bundling, Params, Shards, TickMs } from '../domain/limits.js';
import { DEFAULT_BUNDLING, DEFAULT_PARAMS, type BundlingParams, type DispatchParams } from '../domain/problem.js';
import { numberRule, type NumberRule } from '../domain/schema-rules.js';
import { etaModelProblem, type EtaModel } from '../features/eta-model.js';
import { assertCityId } from '../state/city-id.js';

/** A city as the lease store keeps it: whether it is dispatched, and how. */
export interface CityConfig {
  id: string;
  enabled: boolean;
  params: DispatchParams;
  /** How orders of one restaurant are grouped into pickups. */
  bundling: BundlingParams;
  /** Interval between dispatch ticks, milliseconds. */
  tickMs: number;
  /** Turns the city's features into ready estimates at every tick (src/features/eta.ts); null: caller-given ready times. */
  etaModel: EtaModel | null;
  /** Area shards (docs/scaling.md, "Area shards"); fixed once the city exists (ShardsFixedError). */
  shards: number;
}

/** What a caller gives: unset parameters take the spec's defaults (DEFAULT_PARAMS), unset tick DEFAULT_TICK_MS. */
export interface CityInput {
  id: string;
  enabled?: boolean;
  params?: Partial<DispatchParams>;
  bundling?: Partial<BundlingParams>;
  tickMs?: number;
  /** null removes the city's model. */
  etaModel?: EtaModel | null;
  /** Only at creation; a change of an existing city's shards is refused (ShardsFixedError). */
  shards?: number;
}

export const DEFAULT_TICK_MS = 1000;

/** Only the overrides a caller set; stores keep these so defaults live in one place. */
export interface CityOverrides {
  id: string;
  enabled: boolean;
  params: Partial<DispatchParams>;
  bundling: Partial<BundlingParams>;
  tickMs: number | undefined;
  etaModel: EtaModel | null;
  shards: number | undefined;
}

/** The HTTP API's and the snapshot's rules (limits.ts), checked again by every lease store. */
const PARAM_RULES: Record<keyof DispatchParams, NumberRule> = {
  maxPickupS: numberRule(Params.max_pickup_s),
  maxCandidates: numberRule(Params.max_candidates),
  unassignedPenaltyS: numberRule(Params.unassigned_penalty_s),
  detourFactor: numberRule(Params.detour_factor),
  waitWeight: numberRule(Params.wait_weight),
  handoverS: numberRule(Params.handover_s),
};
const BUNDLING_RULES: Record<keyof BundlingParams, NumberRule> = {
  maxBundleSize: numberRule(Bundling.max_bundle_size),
  bundleWindowS: numberRule(Bundling.bundle_window_s),
};
const TICK_MS = numberRule(TickMs);
const SHARDS = numberRule(Shards);
/** One shard: the city in one slot, as before shards. */
export const DEFAULT_SHARDS = 1;

export const PARAM_NAMES = Object.keys(PARAM_RULES) as (keyof DispatchParams)[];
export const BUNDLING_NAMES = Object.keys(BUNDLING_RULES) as (keyof BundlingParams)[];

/** Checks a city input and keeps only what it sets. */
export function cityOverrides(input: CityInput): CityOverrides {
  assertCityId(input.id);
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
    throw new TypeError(`city ${input.id}: enabled must be a boolean`);
  }
  if (input.tickMs !== undefined && !TICK_MS.accepts(input.tickMs)) {
    throw new RangeError(`city ${input.id}: tickMs ${TICK_MS.reason}, got ${input.tickMs}`);
  }
  if (input.shards !== undefined && !SHARDS.accepts(input.shards)) {
    throw new RangeError(`city ${input.id}: shards ${SHARDS.reason}, got ${input.shards}`);
  }
  const etaProblem = input.etaModel ? etaModelProblem(input.etaModel) : null;
  if (etaProblem !== null) throw new RangeError(`city ${input.id}: eta model: ${etaProblem}`);
  return {
    id: input.id,
    enabled: input.enabled ?? true,
    params: checkedNumbers(input.id, 'dispatch parameter', PARAM_RULES, input.params),
    bundling: checkedNumbers(input.id, 'bundling parameter', BUNDLING_RULES, input.bundling),
    tickMs: input.tickMs,
    etaModel: input.etaModel ?? null,
    shards: input.shards,
  };
}

/** The set values of `values`, each checked against its rule; an unknown name is an error. */
function checkedNumbers<K extends string>(
  city: string,
  what: string,
  rules: Record<K, NumberRule>,
  values: Partial<Record<K, number>> | undefined,
): Partial<Record<K, number>> {
  const checked: Partial<Record<K, number>> = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    const rule = rules[name as K] as NumberRule | undefined;
    if (!rule) throw new RangeError(`city ${city}: unknown ${what} ${name}`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !rule.accepts(value)) {
      throw new RangeError(`city ${city}: ${name} ${rule.reason}, got ${String(value)}`);
    }
    checked[name as K] = value;
  }
  return checked;
}

export function cityConfig(overrides: CityOverrides): CityConfig {
  return {
    id: overrides.id,
    enabled: overrides.enabled,
    params: { ...DEFAULT_PARAMS, ...overrides.params },
    bundling: { ...DEFAULT_BUNDLING, ...overrides.bundling },
    tickMs: overrides.tickMs ?? DEFAULT_TICK_MS,
    etaModel: overrides.etaModel,
    shards: overrides.shards ?? DEFAULT_SHARDS,
  };
}

/**
 * A change of an existing city's shard count: refused, because its couriers, orders, offers and
 * fences sit in the slots of the old count, and hosts keep the config cached with the lease.
 */
export class ShardsFixedError extends Error {
  constructor(
    readonly city: string,
    readonly shards: number,
    readonly wanted: number,
  ) {
    super(`city ${city} has ${shards} shard${shards === 1 ? '' : 's'}; its shard count is fixed once it exists (asked for ${wanted})`);
    this.name = 'ShardsFixedError';
  }
}

/** Refuses a change of shards (see ShardsFixedError); the existing count otherwise. */
export function keptShards(existing: CityConfig, wanted: number | undefined): number {
  if (wanted !== undefined && wanted !== existing.shards) throw new ShardsFixedError(existing.id, existing.shards, wanted);
  return existing.shards;
}
