/**
 * The feature engine's performance goals (docs/features.md), run by `npm run bench -- --only
 * features` (bench/run.ts) against the local Redis, on a key prefix of its own removed afterwards:
 *
 *  1. ingest: an XL city's event stream (bench/feature-stream.ts) through
 *     RedisCityStateStore.ingestFeatureEvents, per batch size and batches in flight, events/s
 *     (goal: 50,000), next to the memory store's rate;
 *  2. read: the steady state of an XL city — every sample its horizons hold — read for a tick:
 *     readFeatureState (round trip and decoding), then evaluateFeatures and readyEstimates with
 *     an ETA model, each timed and together (goal: under 20 ms).
 *
 * Every batch of a city goes through the one connection, so Redis runs them in the order they
 * were sent even with several in flight: the stream's order (an order's steps after its creation) holds.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { evaluateFeatures } from '../src/features/aggregate.js';
import { DEFAULT_FEATURE_RULES, SIGNAL_NAMES, type FeatureRules, type SignalName } from '../src/features/definitions.js';
import { ETA_INPUTS, type EtaModel } from '../src/features/eta-model.js';
import { readyEstimates, TICK_SIGNALS } from '../src/features/eta.js';
import type { FeatureEvent } from '../src/features/events.js';
import type { CityStateStore } from '../src/state/city-state-store.js';
import { MemoryCityStateStore } from '../src/state/memory-city-state-store.js';
import { registerLuaScripts } from '../src/state/lua-scripts.js';
import { RedisCityStateStore } from '../src/state/redis-city-state-store.js';
import { FeatureMirror } from '../src/state/redis-feature-mirror.js';
import { cityKeys } from '../src/state/redis-keys.js';
import { percentiles, type Percentiles } from './host-results.js';
import { batches, featureStream, XL_STREAM } from './feature-stream.js';
import { machineInfo, type MachineInfo } from './results.js';
import { deleteKeysUnder } from '../src/state/redis-prefix.js';

const REDIS_URL = process.env.DISPATCHD_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SEED = 1;
export const INGEST_GOAL_PER_S = 50_000;
export const READ_GOAL_MS = 20;
const INGEST_SETTINGS: readonly { batch: number; inFlight: number }[] = [1, 4, 8].flatMap((inFlight) => [1_000, 5_000].map((batch) => ({ batch, inFlight })));
const READS = 30;
/** Events a steady XL city takes between two 1 s ticks, roughly (orders' lives and couriers' positions). */
export const TICK_EVENTS = 1_000;
/**
 * The steady state holds a courier's speed once a minute for the 5-minute window: six positions
 * a courier, each taken as a sample (the bench ingests in seconds, not minutes, so the interval
 * between samples is shortened to 1 ms; every other rule is the default).
 */
const STEADY_POSITIONS_PER_COURIER = 6;
const STEADY_RULES: FeatureRules = { ...DEFAULT_FEATURE_RULES, speedSampleMs: 1 };
/** A model of the shape `features fit` writes, weights of plausible size: what is timed is its evaluation. */
const BENCH_MODEL: EtaModel = {
  kind: 'prep-ratio-linear',
  inputs: [...ETA_INPUTS],
  weights: [0.2, 0.5, 0.2, 0.05, 0.3, 0.1, 0.01, 0.001],
  defaults: [1, 1.2, 0, 0, 0, 1, 5],
  fit: { rows: 0, quoteMaeS: 0, modelMaeS: 0 },
};

export interface IngestRow {
  store: 'redis' | 'memory';
  batch: number;
  inFlight: number;
  events: number;
  seconds: number;
  perSecond: number;
}

export interface ReadFigures {
  /** Samples of the state read, per signal, and restaurants with orders waiting. */
  samples: Record<SignalName, number>;
  waiting: number;
  /** Bytes of the pane strings the read returns. */
  payloadBytes: number;
  orderEstimates: number;
  /** Every signal, as GET /features reads them (the tick reads only the restaurants'). */
  fullRead: Percentiles;
  read: Percentiles;
  /** readFeatureState's two halves, timed apart over as many reads: the script's round trip and the reply's decoding. */
  roundTrip: Percentiles;
  decode: Percentiles;
  /** Of the round trip, the script's own time in Redis (INFO commandstats), mean µs. */
  scriptUs: number;
  evaluate: Percentiles;
  estimate: Percentiles;
  total: Percentiles;
}

export interface FeatureBenchResults {
  at: string;
  machine: MachineInfo;
  /** The 1-minute load average (`uptime`) at the start and at the end of the run. */
  load: { start: number; end: number };
  stream: typeof XL_STREAM & { events: number };
  ingest: IngestRow[];
  goals: { ingestPerS: number; readMs: number };
  read: ReadFigures;
}

export async function runFeatureBenchmarks(progress: (line: string) => void): Promise<FeatureBenchResults | undefined> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch (error) {
    progress(`features: skipped, no Redis at ${REDIS_URL} (${error instanceof Error ? error.message : String(error)})`);
    redis.disconnect();
    return undefined;
  }
  const prefix = `dispatchd_fbench_${randomBytes(6).toString('hex')}:`;
  progress(`features: Redis key prefix ${prefix}`);
  const load = { start: loadavg()[0], end: 0 };
  try {
    const stream = featureStream(SEED);
    const ingest: IngestRow[] = [];
    // Warm-up (JIT, script cache) on a city of its own.
    await ingestRun('redis', new RedisCityStateStore(redis, { keyPrefix: prefix }), 'warm-up', stream.slice(0, 20_000), 5_000, 1);
    await deleteKeysUnder(redis, prefix);
    for (const { batch, inFlight } of INGEST_SETTINGS) {
      const row = await ingestRun('redis', new RedisCityStateStore(redis, { keyPrefix: prefix }), `ingest-${batch}-${inFlight}`, stream, batch, inFlight);
      ingest.push(row);
      progress(`features: ingest into Redis, batches of ${batch} x${inFlight} in flight: ${Math.round(row.perSecond).toLocaleString('en')} events/s`);
      await deleteKeysUnder(redis, prefix);
    }
    for (const batch of [1_000, 5_000]) {
      const row = await ingestRun('memory', new MemoryCityStateStore(), 'memory', stream, batch, 1);
      ingest.push(row);
      progress(`features: ingest into memory, batches of ${batch}: ${Math.round(row.perSecond).toLocaleString('en')} events/s`);
    }
    const read = await readBench(new RedisCityStateStore(redis, { keyPrefix: prefix, featureRules: STEADY_RULES }), redis, prefix, progress);
    load.end = loadavg()[0];
    return {
      at: new Date().toISOString(),
      machine: machineInfo(),
      load,
      stream: { ...XL_STREAM, events: stream.length },
      ingest,
      goals: { ingestPerS: INGEST_GOAL_PER_S, readMs: READ_GOAL_MS },
      read,
    };
  } finally {
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
  }
}

async function ingestRun(
  name: IngestRow['store'],
  store: CityStateStore,
  city: string,
  stream: readonly FeatureEvent[],
  batch: number,
  inFlight: number,
): Promise<IngestRow> {
  const queue = batches(stream, batch).reverse();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
        const result = await store.ingestFeatureEvents(city, next);
        if (result.ignored.length > 0) throw new Error(`ingest ignored ${result.ignored.length} events, first ${JSON.stringify(result.ignored[0])}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { store: name, batch, inFlight, events: stream.length, seconds, perSecond: stream.length / seconds };
}

async function readBench(store: RedisCityStateStore, redis: Redis, prefix: string, progress: (line: string) => void): Promise<ReadFigures> {
  const city = 'steady';
  const stream = featureStream(SEED, { ...XL_STREAM, positionsPerCourier: STEADY_POSITIONS_PER_COURIER });
  await ingestRun('redis', store, city, stream, 5_000, 4);
  const sample = await store.readFeatureState(city);
  const samples = Object.fromEntries(SIGNAL_NAMES.map((s) => [s, [...sample.signals[s].values()].reduce((n, list) => n + list.length, 0)])) as Record<
    SignalName,
    number
  >;
  progress(`features: steady XL state loaded: ${SIGNAL_NAMES.map((s) => `${s} ${samples[s]}`).join(', ')}`);
  const read: number[] = [];
  const evaluate: number[] = [];
  const estimate: number[] = [];
  const total: number[] = [];
  let orderEstimates = 0;
  const fullRead: number[] = [];
  for (let i = 0; i <= READS; i++) {
    // A host reading the city for the first time: every sample of every horizon.
    const fresh = new RedisCityStateStore(redis, { keyPrefix: prefix, featureRules: STEADY_RULES });
    const t0 = performance.now();
    await fresh.readFeatureState(city);
    if (i > 0) fullRead.push(performance.now() - t0);
  }
  // Between two ticks the city keeps taking events (TICK_EVENTS, untimed): a tick reads what they appended.
  const traffic = batches(
    featureStream(SEED + 1, { ...XL_STREAM, orders: 4_000, positionsPerCourier: 1 }).map((e) => ({
      ...e,
      id: `n${e.id}`,
      ...('order' in e ? { order: `n${e.order}` } : {}),
    })),
    TICK_EVENTS,
  );
  for (let i = 0; i <= READS; i++) {
    await store.ingestFeatureEvents(city, traffic[i % traffic.length]);
    const t0 = performance.now();
    const state = await store.readFeatureState(city, TICK_SIGNALS);
    const t1 = performance.now();
    evaluateFeatures(state, STEADY_RULES.features);
    const t2 = performance.now();
    orderEstimates = readyEstimates(state, BENCH_MODEL, STEADY_RULES.features).size;
    const t3 = performance.now();
    if (i === 0) continue; // warm-up
    read.push(t1 - t0);
    evaluate.push(t2 - t1);
    estimate.push(t3 - t2);
    total.push(t3 - t0);
  }
  const halves = await readHalves(redis, prefix, city);
  const figures: ReadFigures = {
    samples,
    waiting: sample.waiting.size,
    payloadBytes: await paneBytes(redis, `${prefix}{${city}}`),
    orderEstimates,
    fullRead: percentiles(fullRead),
    read: percentiles(read),
    ...halves,
    evaluate: percentiles(evaluate),
    estimate: percentiles(estimate),
    total: percentiles(total),
  };
  progress(
    `features: XL read for a tick, p50/p99 ms: read ${ms(figures.read)} (round trip ${ms(figures.roundTrip)}, of it ${(figures.scriptUs / 1000).toFixed(1)} in Redis; decode ${ms(figures.decode)}), evaluate ${ms(figures.evaluate)}, estimates ${ms(figures.estimate)}, total ${ms(figures.total)}; ${figures.payloadBytes.toLocaleString('en')} pane bytes`,
  );
  return figures;
}

/** readFeatureState in its two halves, as the store calls them (redis-city-state-store.ts). */
async function readHalves(redis: Redis, prefix: string, city: string): Promise<Pick<ReadFigures, 'roundTrip' | 'decode' | 'scriptUs'>> {
  const scripts = registerLuaScripts(redis);
  const keys = cityKeys(prefix, city);
  // A whole read of the tick's signals (a fresh mirror), in its two halves.
  const args = () => [keys.featureWaiting, keys.featureEpoch, keys.featurePanes, STEADY_RULES.paneMs, ...new FeatureMirror(STEADY_RULES).args(TICK_SIGNALS)];
  await scripts.read_features(...args()); // loads the script
  const before = await scriptStats(redis);
  const roundTrip: number[] = [];
  const decode: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t0 = performance.now();
    const reply = await scripts.read_features(...args());
    const t1 = performance.now();
    new FeatureMirror(STEADY_RULES).apply(reply, TICK_SIGNALS);
    decode.push(performance.now() - t1);
    roundTrip.push(t1 - t0);
  }
  const after = await scriptStats(redis);
  return { roundTrip: percentiles(roundTrip), decode: percentiles(decode), scriptUs: (after.usec - before.usec) / (after.calls - before.calls) };
}

/** EVALSHA's calls and µs so far (INFO commandstats). */
async function scriptStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const line = (await redis.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha:'));
  const field = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(line ?? '')?.[1] ?? 0);
  return { calls: field('calls'), usec: field('usec') };
}

const ms = (p: Percentiles) => `${p.p50.toFixed(1)}/${p.p99.toFixed(1)}`;

/** The bytes of the city's pane strings: what read_features.lua returns, less the framing. */
async function paneBytes(redis: Redis, cityBase: string): Promise<number> {
  let bytes = 0;
  for await (const keys of redis.scanStream({ match: `${cityBase}*feature-pane:*`, count: 500 }) as AsyncIterable<string[]>) {
    for (const key of keys) bytes += await redis.strlen(key);
  }
  return bytes;
}
