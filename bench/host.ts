/**
 * Host benchmarks against the local MariaDB and Redis:
 *
 *  1. ingest throughput — courier upserts per second through the bulk PUT over HTTP (real
 *     sockets, keep-alive, a few concurrent requests; Redis behind it), and the latency of one
 *     50,000-courier upsert;
 *  2. end-to-end tick latency for an L city (12,000 couriers / 4,000 orders) and an XL city (40,000 /
 *     12,000): one dispatch cycle
 *     as the loop runs it — snapshot from Redis, solve in the worker pool, fenced commit to Redis
 *     and the durable write to MySQL — next to the pure solve of the same snapshot (the wasm
 *     solver on this thread, warm). Offers live 1 ms, so every cycle sees the same city again.
 *
 *   npm run build && node dist/bench/host.js [--ticks 12] [--cities L,XL] [--k 0,64] [--note TEXT] [--report-only]
 *
 * Writes bench/host-results.json (the tick rows of the cities and K measured replace theirs, the others stay),
 * charts/host.svg and the "Host" section of bench/RESULTS.md (between markers; `--report-only`
 * re-renders them from the JSON, as `node dist/bench/render.js` does).
 * Uses its own database and key prefix (DISPATCHD_BENCH_MYSQL_URL, DISPATCHD_BENCH_REDIS_URL) and removes them.
 */
import { DecisionOutbox } from '../src/coordination/decision-outbox.js';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Lease } from '../src/coordination/lease.js';
import { newHolder } from '../src/coordination/holder.js';
import { takeOverCity } from '../src/coordination/city-takeover.js';
import { openServerStores } from '../src/coordination/stores.js';
import { dispatchCity } from '../src/dispatch/dispatch-city.js';
import { resolveHostConfig } from '../src/host/config.js';
import { startHost } from '../src/host/host.js';
import { generateCity, PRESETS, type PresetName } from '../src/sim/city.js';
import { SolverPool } from '../src/solver/solver-pool.js';
import { WasmSolver } from '../src/solver/wasm-solver.js';
import { machineInfo, solverBuild } from './results.js';
import { mergeTicks, percentiles, type HostResults, type TickRow } from './host-results.js';
import { publishHost, readResults, RESULT_FILES } from './publish.js';
import { BENCH_DIR, RESULTS_MD } from './results-sections.js';
import { runOnServer } from '../src/coordination/mysql.js';
import { seedGeneratedCity } from './seed-city.js';
import { deleteKeysUnder } from '../src/state/redis-prefix.js';

const MYSQL_SERVER = process.env.DISPATCHD_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
const REDIS_URL = process.env.DISPATCHD_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function parseArgs(argv: string[]) {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    ticks: Number(get('--ticks') ?? 12),
    cities: (get('--cities') ?? 'L,XL').split(',').map(presetName),
    ks: (get('--k') ?? '0,64').split(',').map(Number),
    reportOnly: argv.includes('--report-only'),
    note: get('--note'),
  };
}

function presetName(name: string): PresetName {
  if (!(name in PRESETS)) throw new Error(`--cities: ${name} is not one of ${Object.keys(PRESETS).join(', ')}`);
  return name as PresetName;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const saved = readResults<HostResults>(BENCH_DIR, RESULT_FILES.host);
  if (args.reportOnly) {
    if (!saved) throw new Error(`no ${RESULT_FILES.host} to report`);
    await publishHost(BENCH_DIR, args.note === undefined ? saved : { ...saved, note: args.note });
    return;
  }
  const database = `dispatchd_bench_${randomBytes(6).toString('hex')}`;
  const prefix = `${database}:`;
  const mysqlUrl = new URL(database, MYSQL_SERVER).href;
  await runOnServer(MYSQL_SERVER, `CREATE DATABASE ${database}`);
  console.error(`database ${database}, Redis key prefix ${prefix}`);
  const cleanUp = async () => {
    await runOnServer(MYSQL_SERVER, `DROP DATABASE IF EXISTS ${database}`);
    const redis = new Redis(REDIS_URL);
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
  };
  // Interrupted: still remove what this run made.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }
  try {
    const ingest = await ingestBench(mysqlUrl, prefix);
    const ticks: TickRow[] = [];
    for (const preset of args.cities) for (const k of args.ks) ticks.push(await tickBench(mysqlUrl, prefix, preset, k, args.ticks));
    const results: HostResults = {
      at: new Date().toISOString(),
      machine: machineInfo(),
      solver: solverBuild(),
      ingest: ingest.rows,
      bulk50k: ingest.bulk50k,
      ticks: mergeTicks(saved?.ticks ?? [], ticks),
      ...(args.note === undefined ? {} : { note: args.note }),
    };
    await publishHost(BENCH_DIR, results);
    console.error(
      `wrote ${RESULT_FILES.host} (tick rows ${args.cities.join(', ')} × K = ${args.ks.join(', ')}), charts/host.svg and the host section of ${RESULTS_MD}`,
    );
  } finally {
    await cleanUp();
  }
}

/** Courier upserts per second through PUT /v1/cities/:city/couriers over real sockets. */
async function ingestBench(mysqlUrl: string, prefix: string) {
  const config = {
    ...resolveHostConfig({ port: '0', listen: '127.0.0.1', threads: '1', mysql: mysqlUrl, redis: REDIS_URL }, { DISPATCHD_LOG: '0' }),
    keyPrefix: prefix,
  };
  const host = await startHost(config);
  try {
    const city = 'ingest';
    const put = (path: string, body: string) =>
      fetch(`${host.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body }).then(async (r) => {
        const text = await r.text();
        if (r.status !== 200) throw new Error(`PUT ${path}: ${r.status} ${text}`);
      });
    await put(`/v1/cities/${city}`, JSON.stringify({ tick_ms: 3_600_000 }));
    const generated = generateCity({ preset: { couriers: 50_000, orders: 1, radiusM: 14_000, hotspots: 60 }, seed: 3 });
    const fleet = generated.json.couriers.map((c) => ({ id: c.id, lat: c.lat, lng: c.lng, speed_mps: c.speed_mps, status: 'on_shift' }));
    const bodies = (batch: number) => {
      const out: string[] = [];
      for (let i = 0; i < fleet.length; i += batch) out.push(JSON.stringify({ couriers: fleet.slice(i, i + batch) }));
      return out;
    };
    await put(`/v1/cities/${city}/couriers`, bodies(50_000)[0]); // warm-up: the hash exists, JIT warm

    const rows: HostResults['ingest'] = [];
    for (const [batch, concurrency] of [
      [1_000, 4],
      [5_000, 2],
      [5_000, 4],
    ] as const) {
      const queue = [...bodies(batch), ...bodies(batch), ...bodies(batch), ...bodies(batch)]; // 200,000 upserts
      const total = queue.length * batch;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let body = queue.pop(); body !== undefined; body = queue.pop()) await put(`/v1/cities/${city}/couriers`, body);
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      rows.push({ batch, concurrency, couriers: total, seconds, perSecond: total / seconds });
      console.error(`ingest batch ${batch} x${concurrency}: ${Math.round(total / seconds).toLocaleString('en')} couriers/s`);
    }
    const one = bodies(50_000)[0];
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await put(`/v1/cities/${city}/couriers`, one);
      samples.push(performance.now() - started);
    }
    const bulk50k = percentiles(samples);
    console.error(`one 50,000-courier PUT: p50 ${bulk50k.p50.toFixed(0)} ms`);
    return { rows, bulk50k };
  } finally {
    await host.close();
  }
}

/** One cycle as the loop runs it, for a generated city, next to the pure solve of the same snapshot. */
async function tickBench(mysqlUrl: string, prefix: string, preset: PresetName, k: number, runs: number): Promise<TickRow> {
  const city = `${preset.toLowerCase()}-k${k}`;
  const stores = await openServerStores({ mysqlUrl, redisUrl: REDIS_URL, keyPrefix: prefix });
  const pool = await SolverPool.start({ threads: 1 });
  const wasm = new WasmSolver();
  try {
    const generated = generateCity({ preset, seed: 1, maxCandidates: k, city });
    const config = await stores.leases.putCity({ id: city, params: { maxCandidates: k }, tickMs: 3_600_000 });
    await seedGeneratedCity(stores.state, city, generated);
    const holder = newHolder('bench');
    const ttlMs = 3_600_000;
    const requestedAt = performance.now();
    const token = (await stores.leases.acquire(city, holder, ttlMs))!;
    const lease = new Lease(city, token, ttlMs, requestedAt);
    await takeOverCity(stores, city, token);
    const context = { stores, solver: pool, holder, offerTtlMs: 1, outbox: new DecisionOutbox({ log: stores.decisions, intervalMs: 1_000 }) };

    const tick: number[] = [];
    const snapshot: number[] = [];
    const poolSolve: number[] = [];
    const commit: number[] = [];
    const pure: number[] = [];
    let assigned = 0;
    // One warm-up of each, then alternate so both see the same machine load.
    await dispatchCity(context, lease, config);
    wasm.solve((await stores.state.readSnapshot(city, config.params)).problem);
    for (let i = 0; i < runs; i++) {
      await new Promise((r) => setTimeout(r, 5)); // the 1 ms offers of the previous cycle lapse
      const outcome = await dispatchCity(context, lease, config, { conflictRetries: 0 });
      if (!outcome.committed) throw new Error(`tick ${i} did not commit: ${outcome.reason}`);
      tick.push(outcome.timings.total_ms);
      snapshot.push(outcome.timings.snapshot_ms);
      poolSolve.push(outcome.timings.solve_ms);
      commit.push(outcome.timings.commit_ms);
      assigned = outcome.assignments.length;
      await new Promise((r) => setTimeout(r, 5));
      const snap = await stores.state.readSnapshot(city, config.params);
      const started = performance.now();
      wasm.solve(snap.problem);
      pure.push(performance.now() - started);
      console.error(`${preset} K=${k} run ${i + 1}/${runs}: tick ${outcome.timings.total_ms.toFixed(0)} ms, pure solve ${pure[i].toFixed(0)} ms`);
    }
    const row: TickRow = {
      at: new Date().toISOString(),
      preset,
      k,
      couriers: generated.json.couriers.length,
      orders: generated.json.orders.length,
      assigned,
      tick: percentiles(tick),
      snapshot: percentiles(snapshot),
      poolSolve: percentiles(poolSolve),
      commit: percentiles(commit),
      pureSolve: percentiles(pure),
      ratioP50: 0,
      ratioP99: 0,
      load: loadavg(),
    };
    row.ratioP50 = row.tick.p50 / row.pureSolve.p50;
    row.ratioP99 = row.tick.p99 / row.pureSolve.p99;
    return row;
  } finally {
    await pool.close();
    await stores.close();
  }
}

await main();
