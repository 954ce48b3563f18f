/**
 * A host's mirror of a city's feature panes (src/state/redis-feature-mirror.ts) reads what a
 * whole read reads: while events keep coming across many panes, after the city's keys are lost,
 * and when a pane comes back shorter than what was read of it (a failover to a lagging replica).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_RULES, type FeatureRules } from '../../src/features/definitions.js';
import type { FeatureEvent } from '../../src/features/events.js';
import { RedisCityStateStore } from '../../src/state/redis-city-state-store.js';
import { cityKeys } from '../../src/state/redis-keys.js';
import { Rng } from '../../src/sim/rng.js';
import { createTestRedis, type TestRedis } from './support/redis.js';
import { sleep } from './support/state-stores.js';

/** Panes of 40 ms under windows of 20 s: many panes, and nothing leaves a window during a test. */
const RULES: FeatureRules = {
  ...DEFAULT_FEATURE_RULES,
  features: DEFAULT_FEATURE_RULES.features.map((f) => ({ ...f, windowMs: 20_000 })),
  paneMs: 40,
  speedSampleMs: 1,
  openOrderHorizonMs: 20_000,
};
const CITY = 'bcn';

describe('the feature mirror on Redis', () => {
  let redis: TestRedis;
  let store: RedisCityStateStore;
  const whole = () => new RedisCityStateStore(redis.redis, { keyPrefix: redis.prefix, featureRules: RULES }).readFeatureState(CITY);
  const signalsOf = async (read: Promise<{ signals: unknown; waiting: unknown }>) => {
    const { signals, waiting } = await read;
    return { signals, waiting };
  };
  beforeEach(async () => {
    redis = await createTestRedis();
    store = new RedisCityStateStore(redis.redis, { keyPrefix: redis.prefix, featureRules: RULES });
  });
  afterEach(() => redis.cleanup());

  let n = 0;
  const rng = new Rng(5);
  const batch = (size: number): FeatureEvent[] =>
    Array.from({ length: size }, (): FeatureEvent => {
      const order = `o${rng.int(1, 80)}`;
      switch (rng.int(0, 3)) {
        case 0:
          return { id: `e${++n}`, type: 'order_created', order, restaurant: `r${rng.int(1, 6)}`, zone: 'z1', quotedPrepS: 0.05 };
        case 1:
          return { id: `e${++n}`, type: 'order_ready', order };
        case 2:
          return { id: `e${++n}`, type: 'order_picked_up', order };
        default:
          return { id: `e${++n}`, type: 'courier_position', courier: `c${rng.int(1, 5)}`, lat: 41.39 + rng.next() / 100, lng: 2.17 };
      }
    });

  it('reads, tick after tick across many panes, exactly what a whole read does', async () => {
    for (let tick = 0; tick < 15; tick++) {
      await store.ingestFeatureEvents(CITY, batch(20));
      if (tick % 2 === 0) await store.ingestFeatureEvents(CITY, batch(5));
      await sleep(rng.int(5, 60));
      expect(await signalsOf(store.readFeatureState(CITY)), `tick ${tick}`).toEqual(await signalsOf(whole()));
    }
  });

  it('starts again when the city’s keys are lost, and when a pane is shorter than what it read of it', async () => {
    await store.ingestFeatureEvents(CITY, batch(40));
    await store.readFeatureState(CITY);
    // A Redis restart without persistence: every key goes; the next batch starts a new epoch.
    const keys = await redis.redis.keys(`${redis.prefix}*`);
    await redis.redis.del(...keys);
    await store.ingestFeatureEvents(CITY, batch(10));
    expect(await signalsOf(store.readFeatureState(CITY))).toEqual(await signalsOf(whole()));
    // A pane that lost its last appends (the epoch survives a failover).
    const panes = (await redis.redis.keys(`${cityKeys(redis.prefix, CITY).featurePanes}created:*`)).sort();
    const last = panes.at(-1)!;
    const text = (await redis.redis.get(last))!;
    const records = text.split('|');
    await redis.redis.set(last, `${records.slice(0, 4).join('|')}|`, 'KEEPTTL');
    expect(await signalsOf(store.readFeatureState(CITY))).toEqual(await signalsOf(whole()));
  });
});
