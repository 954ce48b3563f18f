import type { FeatureRules } from '../../../src/features/definitions.js';
import type { FeatureEvent } from '../../../src/features/events.js';
import type { CourierState, OrderState } from '../../../src/state/city-state-store.js';
import { MemoryCityStateStore } from '../../../src/state/memory-city-state-store.js';
import { RedisCityStateStore } from '../../../src/state/redis-city-state-store.js';
import { cityKeys } from '../../../src/state/redis-keys.js';
import type { ShardableCityStateStore } from '../../../src/state/shard-base.js';
import { onServers } from '../../support/servers.js';
import { createTestRedis, createTestRedisCluster } from './redis.js';

export interface StateFixture {
  store: ShardableCityStateStore;
  /** Another client of the same data (its own connection for Redis), for concurrent commits. */
  peer(): ShardableCityStateStore;
  /** What a Redis restart without persistence, or a failover, does to a city's fence. */
  loseFence(city: string): Promise<void>;
  close(): Promise<void>;
}

/** `featureRules`: the feature engine's rules, for tests that watch short windows expire. */
type StateStoreEntry = { name: string; create(options?: { featureRules?: FeatureRules }): Promise<StateFixture> };

export const STATE_STORES: StateStoreEntry[] = [
  {
    name: 'memory',
    async create(options = {}) {
      const store = new MemoryCityStateStore(options);
      return { store, peer: () => store, loseFence: async (city) => store.loseFence(city), close: async () => {} };
    },
  },
  ...onServers<StateStoreEntry>(redisEntry('redis', createTestRedis), redisEntry('redis-cluster', createTestRedisCluster)),
];

/** A Redis-backed store on a fresh key prefix of a single server or of the run's local cluster. */
function redisEntry(name: string, connect: typeof createTestRedis | typeof createTestRedisCluster): StateStoreEntry {
  return {
    name,
    async create(options = {}) {
      const redis = await connect();
      return {
        store: new RedisCityStateStore(redis.redis, { keyPrefix: redis.prefix, ...options }),
        peer: () => new RedisCityStateStore(redis.connect(), { keyPrefix: redis.prefix, ...options }),
        loseFence: async (city) => {
          await redis.redis.del(cityKeys(redis.prefix, city).fence);
        },
        close: () => redis.cleanup(),
      };
    },
  };
}

export function courier(id: string, fields: Partial<CourierState> = {}): CourierState {
  return { id, lat: 41.3902, lng: 2.154, speedMps: 4.2, freeAt: 0, status: 'free', ...fields };
}

export function order(id: string, fields: Partial<OrderState> = {}): OrderState {
  return {
    id,
    pickupLat: 41.387,
    pickupLng: 2.17,
    dropoffLat: 41.4012,
    dropoffLng: 2.1605,
    readyAt: Date.now() + 300_000,
    status: 'pending',
    ...fields,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A feature-engine batch that writes every kind of feature key: records, gauge, anchors, and panes of five signals. */
export const FEATURE_EVENTS: FeatureEvent[] = [
  { id: 'f1', type: 'order_created', order: 'o-9', restaurant: 'r1', zone: 'z1', quotedPrepS: 600 },
  { id: 'f2', type: 'order_ready', order: 'o-9' },
  { id: 'f3', type: 'courier_position', courier: 'c-1', lat: 41.39, lng: 2.17 },
];
