/**
 * Coordination benchmarks: lease operations per second (MySQL and memory), commit latency of a
 * 4,000-assignment decision (Redis and memory, plus its durable write to MySQL) and snapshot read
 * time for 40,000 couriers + 12,000 orders (Redis and memory).
 *
 *   npm run build:ts && node dist/bench/coordination.js
 *
 * Prints each figure and writes them as the coordination section of bench/RESULTS.md.
 * Uses its own database and key prefix on the local servers (DISPATCHD_BENCH_MYSQL_URL, default
 * mysql://root@127.0.0.1:3306/; DISPATCHD_BENCH_REDIS_URL, default redis://127.0.0.1:6379) and removes them.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import type { Holder } from '../src/coordination/holder.js';
import type { LeaseStore } from '../src/coordination/lease-store.js';
import { MemoryLeaseStore } from '../src/coordination/memory-lease-store.js';
import { migrate } from '../src/coordination/migrations.js';
import { createMysqlPool } from '../src/coordination/mysql.js';
import { MysqlLeaseStore } from '../src/coordination/mysql-lease-store.js';
import { DEFAULT_PARAMS } from '../src/domain/problem.js';
import type { CityStateStore, CourierState, OrderState } from '../src/state/city-state-store.js';
import type { Assignment } from '../src/state/decision.js';
import { MemoryCityStateStore } from '../src/state/memory-city-state-store.js';
import { MysqlDecisionLog } from '../src/state/mysql-decision-log.js';
import { RedisCityStateStore } from '../src/state/redis-city-state-store.js';
import { cityKeys } from '../src/state/redis-keys.js';
import { machineInfo } from './results.js';
import { writeResultsSection } from './results-sections.js';
import { deleteKeysUnder } from '../src/state/redis-prefix.js';

const MYSQL_URL = process.env.DISPATCHD_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
const REDIS_URL = process.env.DISPATCHD_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const COURIERS = 40_000;
const ORDERS = 12_000;
const ASSIGNMENTS = 4_000;
const CITY = 'bench';

interface Timing {
  p50: number;
  p95: number;
  max: number;
}

/** Runs `fn` `runs` times after `setup` each time (untimed); returns percentiles in ms. */
async function time(runs: number, fn: () => Promise<unknown>, setup: () => Promise<unknown> = async () => {}): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    await setup();
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { p50: at(0.5), p95: at(0.95), max: samples[samples.length - 1] };
}

/** The figures measured so far, in the order printed. */
const figures: string[] = [];

function report(line: string): void {
  console.log(line);
  figures.push(line);
}

const ms = (t: Timing) => `p50 ${t.p50.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms, max ${t.max.toFixed(1)} ms`;

/** Deterministic positions around Barcelona. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fleet(now: number): { couriers: CourierState[]; orders: OrderState[] } {
  const r = random(42);
  const lat = () => 41.35 + r() * 0.1;
  const lng = () => 2.1 + r() * 0.12;
  const couriers = Array.from({ length: COURIERS }, (_, i) => ({
    id: `courier-${i}`,
    lat: lat(),
    lng: lng(),
    speedMps: 3 + r() * 3,
    freeAt: r() < 0.5 ? 0 : now + Math.floor(r() * 600_000),
    status: (i % 10 === 9 ? 'busy' : 'free') as CourierState['status'],
  }));
  const orders = Array.from({ length: ORDERS }, (_, i) => ({
    id: `order-${i}`,
    pickupLat: lat(),
    pickupLng: lng(),
    dropoffLat: lat(),
    dropoffLng: lng(),
    readyAt: now + Math.floor((r() - 0.3) * 900_000),
    status: 'pending' as const,
  }));
  return { couriers, orders };
}

/** 4,000 free couriers matched to 4,000 pending orders. */
const decisionPairs: Assignment[] = Array.from({ length: ASSIGNMENTS }, (_, i) => ({
  order: `order-${i}`,
  courier: `courier-${i + Math.floor(i / 9)}`, // skips every tenth (busy) courier
}));

async function leaseOps(name: string, store: LeaseStore, workers: number): Promise<void> {
  const cities = Array.from({ length: workers }, (_, i) => `lease-${i}`);
  for (const id of cities) await store.putCity({ id });
  const counts = { acquire: 0, renew: 0, release: 0 };
  const cycles = (durationMs: number) => {
    const deadline = performance.now() + durationMs;
    return Promise.all(
      cities.map(async (city, w) => {
        const holder: Holder = { hostId: `bench-${w}`, bootId: 'boot' };
        while (performance.now() < deadline) {
          const token = (await store.acquire(city, holder, 15_000))!;
          counts.acquire += 1;
          await store.renew(city, holder, token, 15_000);
          counts.renew += 1;
          await store.release(city, holder, token);
          counts.release += 1;
        }
      }),
    );
  };
  await cycles(500); // warm-up: connections, prepared statements, JIT
  Object.assign(counts, { acquire: 0, renew: 0, release: 0 });
  const durationMs = 3_000;
  await cycles(durationMs);
  const perSecond = (n: number) => Math.round((n * 1000) / durationMs);
  const total = counts.acquire + counts.renew + counts.release;
  report(
    `lease ops, ${name}, ${workers} concurrent holder(s): ${perSecond(total)} ops/s ` +
      `(acquire ${perSecond(counts.acquire)}/s, renew ${perSecond(counts.renew)}/s, release ${perSecond(counts.release)}/s)`,
  );
}

async function stateBench(name: string, store: CityStateStore, clearOffers: () => Promise<void>): Promise<void> {
  const { couriers, orders } = fleet(Date.now());
  const load = await time(1, async () => {
    await store.putCouriers(CITY, couriers);
    await store.putOrders(CITY, orders);
  });
  report(`state load, ${name}: ${COURIERS} couriers + ${ORDERS} orders in ${load.p50.toFixed(0)} ms`);

  const snapshot = await store.readSnapshot(CITY, DEFAULT_PARAMS);
  const read = await time(20, () => store.readSnapshot(CITY, DEFAULT_PARAMS));
  report(
    `snapshot read, ${name} (${snapshot.courierIds.length} free couriers, ${snapshot.orderIds.length} pending orders of ${COURIERS} + ${ORDERS}): ${ms(read)}`,
  );

  await store.raiseFence(CITY, { token: 1, version: 0 });
  const commit = await time(
    20,
    async () => {
      const result = await store.commit({ city: CITY, token: 1, holder: 'bench/boot', assignments: decisionPairs });
      if (!result.ok) throw new Error(`commit failed: ${JSON.stringify(result)}`);
    },
    clearOffers,
  );
  report(`commit, ${name}, ${ASSIGNMENTS} assignments: ${ms(commit)}`);

  const offered = await time(20, () => store.readSnapshot(CITY, DEFAULT_PARAMS));
  report(`snapshot read, ${name}, with ${ASSIGNMENTS} outstanding offers: ${ms(offered)}`);
}

async function main(): Promise<void> {
  const database = `dispatchd_bench_${randomBytes(6).toString('hex')}`;
  const prefix = `dispatchd_bench_${randomBytes(6).toString('hex')}:`;
  const admin = await createConnection({ uri: MYSQL_URL });
  await admin.query(`CREATE DATABASE ${database}`);
  const pool = createMysqlPool(new URL(database, MYSQL_URL).href);
  const redis = new Redis(REDIS_URL);
  try {
    await migrate(pool);
    const [[server]] = (await admin.query('SELECT VERSION() AS version')) as unknown as [[{ version: string }]];
    report(`node ${process.version}, MySQL server ${server.version}, Redis ${await redisVersion(redis)}`);
    await leaseOps('MySQL', new MysqlLeaseStore(pool), 1);
    await leaseOps('MySQL', new MysqlLeaseStore(pool), 8);
    await leaseOps('memory', new MemoryLeaseStore(), 1);

    const keys = cityKeys(prefix, CITY);
    await stateBench('Redis', new RedisCityStateStore(redis, { keyPrefix: prefix }), async () => {
      await redis.del(keys.courierOffers, keys.orderOffers, keys.courierOfferExpiry, keys.orderOfferExpiry);
    });
    // Offers lapse after their TTL: between commits, move the memory store's clock on instead of waiting.
    let clockOffset = 0;
    const memory = new MemoryCityStateStore({ now: () => Date.now() + clockOffset });
    await stateBench('memory', memory, async () => {
      clockOffset += 60_000;
    });

    const log = new MysqlDecisionLog(pool);
    let version = 0;
    const append = await time(20, () =>
      log.append([
        {
          city: CITY,
          version: ++version,
          token: 1,
          holder: 'bench/boot',
          committedAt: Date.now(),
          assignments: decisionPairs,
          objective: 0,
          certificate: 'checked',
        },
      ]),
    );
    report(`durable log append, MySQL, ${ASSIGNMENTS} assignments: ${ms(append)}`);
    writeSection();
  } finally {
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
  }
}

function writeSection(): void {
  const machine = machineInfo();
  writeResultsSection(
    'coordination-bench',
    [
      '## Coordination: leases, fenced commit, snapshot read (bench/coordination.ts)',
      '',
      `Generated by \`node dist/bench/coordination.js\`, ${new Date().toISOString()}, on ${machine.cpu}, ${machine.cores} cores; MariaDB and Redis on the same machine. Lease operations run for 3 s after a warm-up; commit and snapshot timings are over 20 runs.`,
      '',
      ...figures.map((line) => `- ${line}`),
    ].join('\n'),
  );
}

async function redisVersion(redis: Redis): Promise<string> {
  return /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
}

await main();
