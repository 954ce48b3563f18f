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
 * ticks, tick p50/p99, and the mean snapshot, solve (queueing included) and commit, merged into
 * bench/many-cities-results.json (a run replaces only its own rows), its chart and its section of
 * RESULTS.md (`--results-dir` for a copy).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runOnServer } from '../src/coordination/mysql.js';
import { resolveHostConfig } from '../src/host/config.js';
import { startHost, type Host } from '../src/host/host.js';
import { generateCity } from '../src/sim/city.js';
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
const dir = values['results-dir'] ?? BENCH_DIR;
const previous = readResults<CitiesResults>(dir, RESULT_FILES.cities)?.rows ?? [];
await publishCities(dir, { machine: machineInfo(), rows: mergeCityRows(previous, rows) });
for (const r of rows) {
  process.stdout.write(
    `${r.stores}, ${r.threads} thread(s), ${r.cities} cities: ${r.run}/${r.due} ticks, ${(100 * skippedShare(r)).toFixed(0)} % skipped, tick p50 ${r.tickP50Ms.toFixed(0)} / p99 ${r.tickP99Ms.toFixed(0)} ms, snapshot ${r.snapshotMs.toFixed(1)}, solve ${r.solveMs.toFixed(1)}, commit ${r.commitMs.toFixed(1)} ms\n`,
  );
}
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
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    const after = await counters(host);
    watch.stop();
    const run = after.run - before.run;
    const skipped = after.skipped - before.skipped;
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
      load: loadavg()[0],
    };
  } finally {
    await host.close();
    if (values.servers) {
      await runOnServer(MYSQL_SERVER, `DROP DATABASE IF EXISTS ${database}`);
    }
  }
}

/** Ticks run and skipped so far, from the host's own counters. */
async function counters(host: Host): Promise<{ run: number; skipped: number }> {
  const sum = async (metric: { get(): Promise<{ values: { value: number }[] }> }) => (await metric.get()).values.reduce((s, v) => s + v.value, 0);
  return { run: await sum(host.metrics.ticks), skipped: await sum(host.metrics.ticksSkipped) };
}

/** Every observation of the cycle's histograms from now until stop(), in ms. */
function durations(host: Host) {
  const seen = { tick: [] as number[], snapshot: [] as number[], solve: [] as number[], commit: [] as number[] };
  const restore: (() => void)[] = [];
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
