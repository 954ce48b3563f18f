import type { ShardCount } from '../state/sharded-city-state-store.js';
import type { LeaseStore } from './lease-store.js';

/**
 * Each city's shard count as its config gives it, read once per city and process: the count is
 * fixed once the city exists (ShardsFixedError), so it never goes stale. A city nobody created
 * has one (its state calls are refused before they reach the store: unknown_city).
 */
export function configuredShards(leases: Pick<LeaseStore, 'getCity'>): ShardCount {
  const known = new Map<string, number>();
  return async (city) => {
    const cached = known.get(city);
    if (cached !== undefined) return cached;
    const config = await leases.getCity(city);
    if (config) known.set(city, config.shards);
    return config?.shards ?? 1;
  };
}
