import { DEFAULT_PARAMS, type DispatchParams } from '../domain/problem.js';
import { assertCityId } from '../state/city-id.js';

/** A city as the lease store keeps it: whether it is dispatched, and how. */
export interface CityConfig {
  id: string;
  enabled: boolean;
  params: DispatchParams;
  /** Interval between dispatch ticks, milliseconds. */
  tickMs: number;
}

/** What a caller gives: unset parameters take the spec's defaults (DEFAULT_PARAMS), unset tick DEFAULT_TICK_MS. */
export interface CityInput {
  id: string;
  enabled?: boolean;
  params?: Partial<DispatchParams>;
  tickMs?: number;
}

export const DEFAULT_TICK_MS = 1000;

/** Only the overrides a caller set; stores keep these so defaults live in one place. */
export interface CityOverrides {
  id: string;
  enabled: boolean;
  params: Partial<DispatchParams>;
  tickMs: number | undefined;
}

const PARAM_RULES: Record<keyof DispatchParams, { integer: boolean; min: number; exclusiveMin: boolean }> = {
  maxPickupS: { integer: false, min: 0, exclusiveMin: false },
  maxCandidates: { integer: true, min: 0, exclusiveMin: false },
  unassignedPenaltyS: { integer: false, min: 0, exclusiveMin: false },
  detourFactor: { integer: false, min: 0, exclusiveMin: true },
  waitWeight: { integer: false, min: 0, exclusiveMin: false },
  handoverS: { integer: false, min: 0, exclusiveMin: false },
};

export const PARAM_NAMES = Object.keys(PARAM_RULES) as (keyof DispatchParams)[];

/** Checks a city input and keeps only what it sets. */
export function cityOverrides(input: CityInput): CityOverrides {
  assertCityId(input.id);
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
    throw new TypeError(`city ${input.id}: enabled must be a boolean`);
  }
  if (input.tickMs !== undefined && (!Number.isSafeInteger(input.tickMs) || input.tickMs < 1)) {
    throw new RangeError(`city ${input.id}: tickMs must be a positive integer, got ${input.tickMs}`);
  }
  const params: Partial<DispatchParams> = {};
  for (const [name, value] of Object.entries(input.params ?? {})) {
    const rule = PARAM_RULES[name as keyof DispatchParams];
    if (!rule) throw new RangeError(`city ${input.id}: unknown dispatch parameter ${name}`);
    if (value === undefined) continue;
    const valid =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (!rule.integer || Number.isInteger(value)) &&
      (rule.exclusiveMin ? value > rule.min : value >= rule.min);
    if (!valid) {
      const kind = rule.integer ? 'an integer' : 'a number';
      throw new RangeError(`city ${input.id}: ${name} must be ${kind} ${rule.exclusiveMin ? '>' : '≥'} ${rule.min}, got ${value}`);
    }
    params[name as keyof DispatchParams] = value;
  }
  return { id: input.id, enabled: input.enabled ?? true, params, tickMs: input.tickMs };
}

export function cityConfig(overrides: CityOverrides): CityConfig {
  return {
    id: overrides.id,
    enabled: overrides.enabled,
    params: { ...DEFAULT_PARAMS, ...overrides.params },
    tickMs: overrides.tickMs ?? DEFAULT_TICK_MS,
  };
}
