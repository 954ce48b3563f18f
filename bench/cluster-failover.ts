/**
 * Failover times of a real cluster for lease timings, to tune the defaults (docs/scaling.md):
 * for each timing, 3 `dispatchd serve` processes on the local MariaDB + Redis (own database and
 * key prefix, removed afterwards) with the load feeder; one host is killed (-9) and, once that
 * has settled, another is terminated (SIGTERM). Failover = time from the signal to the city's
 * next commit by another host, longest over the host's cities. The whole log is then checked.
 *
 *   npm run build:ts && node dist/bench/cluster-failover.js [--timings 15000/5000/2000/1000,3000/1000/250/500] [--results-dir DIR]
 *
 * A timing is ttl/renew/acquire/tick in ms. Each timing's row replaces its old one in
 * bench/failover-results.json (others stay), then the chart and the RESULTS.md section are redrawn.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Feeder } from '../tools/cluster/feeder.js';
import { HostProcess } from '../tools/cluster/host-process.js';
import { checkDecisionLog, formatViolations } from '../tools/cluster/log-checker.js';
import { readDecisionLog } from '../tools/cluster/log-reader.js';
import { createMysqlPool, runOnServer } from '../src/coordination/mysql.js';
import { mergeRuns, type FailoverResults, type FailoverRun, type Timing } from './failover-results.js';
import { publishFailover, readResults, RESULT_FILES } from './publish.js';
import { machineInfo } from './results.js';
import { BENCH_DIR } from './results-sections.js';
import { deleteKeysUnder } from '../src/state/redis-prefix.js';

const MYSQL_SERVER = process.env.DISPATCHD_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
const REDIS_URL = process.env.DISPATCHD_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CITIES = Array.from({ length: 8 }, (_, i) => `city${i + 1}`);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(timing: Timing): Promise<FailoverRun> {
  const tag = randomBytes(4).toString('hex');
  const database = `dispatchd_bench_${tag}`;
  const keyPrefix = `dispatchd_bench_${tag}:`;
  await runOnServer(MYSQL_SERVER, `CREATE DATABASE ${database}`);
  const url = new URL(database, MYSQL_SERVER).href;
  const pool = createMysqlPool(url);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const hosts: HostProcess[] = [];
  let feeder: Feeder | undefined;
  try {
    for (const id of ['host-a', 'host-b', 'host-c']) {
      hosts.push(
        await HostProcess.start({
          hostId: id,
          port: 0,
          mysqlUrl: url,
          redisUrl: REDIS_URL,
          keyPrefix,
          threads: 1,
          leaseTtlMs: timing.ttl,
          renewIntervalMs: timing.renew,
          acquireIntervalMs: timing.acquire,
          offerTtlMs: 2_000,
        }),
      );
    }
    const all = () => hosts.filter((h) => h.alive).map((h) => ({ id: h.hostId, url: h.url }));
    feeder = new Feeder(all(), { cities: CITIES, tickMs: timing.tick, seed: 7 });
    await feeder.setUp();
    feeder.start();
    const from = Date.now();
    const decisions = async () => (await readDecisionLog({ pool, keyPrefix, cities: CITIES })).decisions;
    const held = async (host: HostProcess) => {
      const reply = (await (await fetch(`${hosts.find((h) => h.alive && h !== host)!.url}/v1/leases`)).json()) as {
        leases: { city: string; holder: string | null }[];
      };
      return reply.leases.filter((l) => l.holder?.startsWith(`${host.hostId}/`)).map((l) => l.city);
    };
    const failover = async (host: HostProcess, signal: () => Promise<unknown>) => {
      const cities = await held(host);
      feeder!.setHosts(all().filter((h) => h.id !== host.hostId));
      await feeder!.idle();
      const t0 = Date.now();
      await signal();
      for (;;) {
        const firsts = new Map<string, number>();
        for (const d of await decisions()) {
          if (d.committedAt > t0 && cities.includes(d.city) && !d.holder.startsWith(`${host.hostId}/`)) {
            firsts.set(d.city, Math.min(firsts.get(d.city) ?? Infinity, d.committedAt));
          }
        }
        if (firsts.size === cities.length) return { cities: cities.length, longestMs: Math.max(0, ...[...firsts.values()].map((t) => t - t0)) };
        if (Date.now() - t0 > 4 * timing.ttl + 20_000) throw new Error('no failover');
        await sleep(100);
      }
    };
    // Warm up until every city commits, with shares settled.
    await sleep(Math.max(3_000, 2 * timing.renew + 4 * timing.tick));
    const kill = await failover(hosts[0], () => hosts[0].kill());
    await sleep(2 * timing.renew + 2 * timing.tick);
    const term = await failover(hosts[1], () => hosts[1].terminate());
    await sleep(2 * timing.tick);
    await feeder.stop();
    const log = await readDecisionLog({ pool, redis, keyPrefix, cities: CITIES });
    const report = checkDecisionLog({
      decisions: log.decisions,
      offerTtlMs: 2_000,
      acknowledged: feeder.acknowledged,
      events: feeder.events,
      liveness: { cities: CITIES, from, to: Date.now() - timing.tick, boundMs: timing.ttl + timing.tick + timing.acquire + 2_250 },
    });
    return {
      timing,
      date: new Date().toISOString(),
      machine: machineInfo(),
      kill9: kill,
      sigterm: term,
      decisions: report.decisions,
      longestSilenceMs: Math.max(...Object.values(report.longestSilenceMs)),
      violations: formatViolations(report.violations) || 'none',
    };
  } finally {
    await feeder?.stop();
    await Promise.all(hosts.map((h) => h.kill()));
    await pool.end();
    await deleteKeysUnder(redis, keyPrefix);
    redis.disconnect();
    await runOnServer(MYSQL_SERVER, `DROP DATABASE IF EXISTS ${database}`);
  }
}

const timings: Timing[] = arg('timings', '15000/5000/2000/1000,6000/2000/500/1000,3000/1000/250/500')
  .split(',')
  .map((t) => {
    const [ttl, renew, acquire, tick] = t.split('/').map(Number);
    return { ttl, renew, acquire, tick };
  });
const dir = arg('results-dir', BENCH_DIR);
const fresh: FailoverRun[] = [];
for (const timing of timings) {
  const run = await measure(timing);
  console.log(JSON.stringify(run));
  fresh.push(run);
}
const previous = readResults<FailoverResults>(dir, RESULT_FILES.failover)?.runs ?? [];
await publishFailover(dir, { cities: CITIES.length, runs: mergeRuns(previous, fresh) });
console.error(`updated ${RESULT_FILES.failover}, charts/failover.svg and the failover section of RESULTS.md in ${dir}`);
