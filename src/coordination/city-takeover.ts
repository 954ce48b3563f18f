import type { CityStateStore, Fence } from '../state/city-state-store.js';
import type { DecisionLog } from '../state/decision-log.js';
import type { LeaseKeeperOptions } from './lease-keeper.js';
import type { LeaseStore } from './lease-store.js';

/**
 * What happens to a city's state store and decision log when its lease changes hands:
 * the new token is written into the fence before anything else (the previous holder cannot
 * commit any more), then the durable log catches up with the stream.
 */

/** Copies decisions that are in the city's stream but not in the durable log; returns how many. */
export async function copyMissingDecisions(state: CityStateStore, decisions: DecisionLog, city: string): Promise<number> {
  const streamed = await state.readDecisionStream(city);
  if (streamed.length === 0) return 0;
  const versions = streamed.map((d) => d.version);
  const recorded = new Set(await decisions.recordedVersions(city, Math.min(...versions), Math.max(...versions)));
  const missing = streamed.filter((d) => !recorded.has(d.version));
  await decisions.append(missing);
  return missing.length;
}

/**
 * Prepares a city just acquired with `token`: fence first, then copy the stream into the log,
 * then make sure the version continues after everything recorded (it may have been lost with the fence).
 */
export async function takeOverCity(stores: { state: CityStateStore; decisions: DecisionLog }, city: string, token: number): Promise<number> {
  const fence = await stores.state.raiseFence(city, { token, version: 0 });
  if (fence.token > token) {
    throw new Error(`city ${city}: fence token ${fence.token} is above the newly acquired token ${token}; stores disagree`);
  }
  const copied = await copyMissingDecisions(stores.state, stores.decisions, city);
  await stores.state.raiseFence(city, { token, version: await stores.decisions.lastVersion(city) });
  return copied;
}

/**
 * Re-seeds a lost fence from the lease store's current token (not the caller's: a stale holder
 * re-seeding still cannot commit) and the version from the durable log, after copying whatever
 * the stream still holds.
 */
export async function reseedFence(stores: { leases: LeaseStore; state: CityStateStore; decisions: DecisionLog }, city: string): Promise<Fence> {
  const token = await stores.leases.currentToken(city);
  if (token === 0) throw new Error(`city ${city} has never been leased; there is no token to seed its fence with`);
  await copyMissingDecisions(stores.state, stores.decisions, city);
  return stores.state.raiseFence(city, { token, version: await stores.decisions.lastVersion(city) });
}

/** Lease keeper hooks that keep the state store's fence in step with the lease store. */
export function fencingHooks(stores: { state: CityStateStore; decisions: DecisionLog }): Pick<LeaseKeeperOptions, 'onAcquired' | 'onReleased'> {
  return {
    onAcquired: async (lease) => {
      await takeOverCity(stores, lease.city, lease.token);
    },
    onReleased: async (city, token) => {
      await stores.state.raiseFence(city, { token, version: 0 });
    },
  };
}
