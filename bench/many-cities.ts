/**
 * Many cities on one host: how many M cities (3,000 couriers × 1,000 orders, K = 0) one host
 * dispatches every second, each tick re-solving its whole city (offers live 1 ms, so every
 * tick sees the same city again), and where the time goes when it cannot.
 *
 *   npm run build && node dist/bench/many-cities.js [--cities 10,20,30] [--seconds 20] [--threads N] [--servers]
 *
 * A real host (startHost: lease keeper, dispatch loop, solver pool, fenced commits, durable log)
 * on the embedded stores, or with --servers on the local MariaDB + Redis (a database and key
 * prefix of its own, removed afterwards). One row per city count: ticks due and run, skipped
 * ticks, tick p50/p99, the mean snapshot, solve (queueing included), commit and its durable
 * append, and where the next limit is: the solver workers' busy share (their own time), the event
 * loop's (everything outside the solver, per city-tick) and the machine's cores', merged into
 * bench/many-cities-results.json (a run replaces only its own rows), its chart and its section of
 * RESULTS.md (`--results-dir` for a copy).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { runOnServer } from '../src/coordination/mysql.js';
import { resolveHostConfig } from '../src/host/config.js';
import { startHost, type Host } from '../src/host/host.js';
import { generateCity } from '../src/sim/city.js';
import { deleteKeysUnder } from '../src/state/redis-prefix.js';
import { mergeCityRows, skippedShare, type CitiesResults, type CitiesRow } from './many-cities-results.js';
import { publishCities, readResults, RESULT_FILES } from './publish.js';
import { BENCH_DIR } from './results-sections.js';
import { machineInfo } from './results.js';
import { seedGeneratedCity } from './seed-city.js';

const MYSQL_SERVER = process.env.DISPATCHD_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
const REDIS_URL = process.env.DISPATCHD_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TICK_MS = 1_000;

const { values } = parseArgs({
  options: {
    cities: { type: 'string', default: '10,20,30' },
    seconds: { type: 'string', default: '20' },
    threads: { type: 'string' },
    servers: { type: 'boolean' },
    'results-dir': { type: 'string' },
  },
});
const counts = values.cities.split(',').map(Number);
const seconds = Number(values.seconds);
const threads = values.threads ?? String(availableParallelism());
const rows: CitiesRow[] = [];
for (const n of counts) rows.push(await measure(n));
for (const r of rows) {
  process.stdout.write(
    `${r.stores}, ${r.threads} thread(s), ${r.cities} cities: ${r.run}/${r.due} ticks, ${(100 * skippedShare(r)).toFixed(0)} % skipped, tick p50 ${r.tickP50Ms.toFixed(0)} / p99 ${r.tickP99Ms.toFixed(0)} ms, snapshot ${r.snapshotMs.toFixed(1)}, solve ${r.solveMs.toFixed(1)} (worker ${r.workerSolveMs.toFixed(1)}, ${pct(r.reusedGraphShare ?? 0)} reused the previous graph), commit ${r.commitMs.toFixed(1)} (durable ${r.durableMs.toFixed(1)}) ms; solver busy ${pct(r.solverBusy)}, event loop ${pct(r.eventLoopBusy)} (${r.hostMsPerTick.toFixed(1)} ms / city-tick), cores ${pct(r.machineBusy)}; next limit: ${r.limit}; load ${r.load.toFixed(1)}\n`,
  );
}
const dir = values['results-dir'] ?? BENCH_DIR;
const previous = readResults<CitiesResults>(dir, RESULT_FILES.cities)?.rows ?? [];
await publishCities(dir, { machine: machineInfo(), rows: mergeCityRows(previous, rows) });
process.stderr.write(`updated ${RESULT_FILES.cities}, charts/many-cities.svg and the many-cities section of RESULTS.md in ${dir}\n`);

async function measure(cityCount: number): Promise<CitiesRow> {
  const database = `dispatchd_bench_cities_${randomBytes(4).toString('hex')}`;
  const keyPrefix = `${database}:`;
  if (values.servers) await runOnServer(MYSQL_SERVER, `CREATE DATABASE ${database}`);
  const env = {
    DISPATCHD_LOG: '0',
    DISPATCHD_THREADS: threads,
    DISPATCHD_OFFER_TTL_MS: '1',
    DISPATCHD_REDIS_PREFIX: keyPrefix,
    ...(values.servers ? { DISPATCHD_MYSQL_URL: `${MYSQL_SERVER}${database}`, DISPATCHD_REDIS_URL: REDIS_URL } : {}),
  };
  const host = await startHost({ ...resolveHostConfig({ port: '0', listen: '127.0.0.1' }, env), hostId: 'bench-cities' }, { listen: false });
  try {
    const cities = Array.from({ length: cityCount }, (_, i) => `m${i + 1}`);
    for (const [i, city] of cities.entries()) {
      await host.stores.leases.putCity({ id: city, params: { maxCandidates: 0 }, tickMs: TICK_MS });
      await seedGeneratedCity(host.stores.state, city, generateCity({ preset: 'M', seed: i + 1, city }));
    }
    await until(() => cities.every((city) => host.loop.cities().includes(city)), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2 * TICK_MS)); // every city past its first tick
    const watch = durations(host);
    const before = await counters(host);
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    const after = await counters(host);
    const elapsedMs = performance.now() - startedAt;
    watch.stop();
    const run = after.run - before.run;
    const skipped = after.skipped - before.skipped;
    const solves = after.solved - before.solved;
    const solverBusy = (after.busyMs - before.busyMs) / (Number(threads) * elapsedMs);
    const eventLoopBusy = performance.eventLoopUtilization(after.eventLoop, before.eventLoop).utilization;
    const machineBusy = 1 - (after.cpu.idle - before.cpu.idle) / (after.cpu.total - before.cpu.total);
    return {
      at: new Date().toISOString(),
      stores: values.servers ? 'MySQL + Redis' : 'embedded',
      threads: Number(threads),
      cities: cityCount,
      due: cityCount * seconds,
      run,
      skipped,
      tickP50Ms: quantile(watch.tick, 0.5),
      tickP99Ms: quantile(watch.tick, 0.99),
      snapshotMs: mean(watch.snapshot),
      solveMs: mean(watch.solve),
      commitMs: mean(watch.commit),
      durableMs: mean(watch.durable),
      solverBusy,
      workerSolveMs: (after.busyMs - before.busyMs) / Math.max(1, solves),
      reusedGraphShare: ((after.reusedGraph ?? 0) - (before.reusedGraph ?? 0)) / Math.max(1, solves),
      eventLoopBusy,
      hostMsPerTick: (eventLoopBusy * elapsedMs) / Math.max(1, run),
      machineBusy,
      limit: nextLimit((TICK_MS * run) / elapsedMs, { 'solver workers': solverBusy, 'event loop': eventLoopBusy, cores: machineBusy }),
      load: loadavg()[0],
    };
  } finally {
    await host.close();
    if (values.servers) {
      await runOnServer(MYSQL_SERVER, `DROP DATABASE IF EXISTS ${database}`);
      const redis = new Redis(REDIS_URL);
      await deleteKeysUnder(redis, keyPrefix);
      await redis.quit();
    }
  }
}

/**
 * Ticks run and skipped so far (the host's own counters), the pool's solves and busy time, the
 * event loop's utilisation and the machine's CPU times.
 */
async function counters(host: Host) {
  const sum = async (metric: { get(): Promise<{ values: { value: number }[] }> }) => (await metric.get()).values.reduce((s, v) => s + v.value, 0);
  const { solved, busyMs, reusedGraph } = host.solver.stats();
  const cpu = { idle: 0, total: 0 };
  for (const { times } of cpus()) {
    cpu.idle += times.idle;
    cpu.total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return {
    run: await sum(host.metrics.ticks),
    skipped: await sum(host.metrics.ticksSkipped),
    solved,
    busyMs,
    reusedGraph,
    eventLoop: performance.eventLoopUtilization(),
    cpu,
  };
}

/** The busiest resource and the cities (on 1 s ticks) it would carry at 100 % busy: city-ticks run per second ÷ its busy share. */
function nextLimit(ticksPerSecond: number, busy: Record<string, number>): string {
  const [name, share] = Object.entries(busy).reduce((a, b) => (b[1] > a[1] ? b : a));
  return `${name} (${pct(share)}: ~${Math.floor(ticksPerSecond / share)} cities)`;
}

function pct(share: number): string {
  return `${(100 * share).toFixed(0)} %`;
}

/** Every observation of the cycle's histograms, and every durable append's wait, from now until stop(), in ms. */
function durations(host: Host) {
  const seen = { tick: [] as number[], snapshot: [] as number[], solve: [] as number[], commit: [] as number[], durable: [] as number[] };
  const restore: (() => void)[] = [];
  const log = host.stores.decisions;
  const append = log.append.bind(log);
  log.append = async (decisions) => {
    const started = performance.now();
    try {
      return await append(decisions);
    } finally {
      seen.durable.push(performance.now() - started);
    }
  };
  restore.push(() => (log.append = append));
  for (const [name, histogram] of [
    ['tick', host.metrics.tickDuration],
    ['snapshot', host.metrics.snapshotDuration],
    ['solve', host.metrics.solveDuration],
    ['commit', host.metrics.commitDuration],
  ] as const) {
    const observe = histogram.observe.bind(histogram);
    histogram.observe = ((labels: never, seconds: number) => {
      seen[name].push(seconds * 1_000);
      observe(labels, seconds);
    }) as typeof histogram.observe;
    restore.push(() => (histogram.observe = observe));
  }
  return { ...seen, stop: () => restore.forEach((r) => r()) };
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the host to lease every city');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
