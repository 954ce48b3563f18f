/** The run behind `npm run cluster` (tools/cluster/cli.ts), imported only when it runs. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Feeder } from './feeder.js';
import { HostProcess, scrapeMetrics, type HostFigures } from './host-process.js';
import { checkDecisionLog, formatViolations } from './log-checker.js';
import { readDecisionLog } from './log-reader.js';
import { createMysqlPool, runOnServer } from '../../src/coordination/mysql.js';
import { InputError } from '../../src/domain/errors.js';
import { int } from '../../src/cli/flags.js';
import { deleteKeysUnder } from '../../src/state/redis-prefix.js';

export interface ClusterFlags {
  hosts: string;
  basePort: string;
  mysql: string;
  redis: string;
  cities: string;
  couriers: string;
  orders: string;
  tickMs: string;
  leaseTtlMs: string;
  renewMs: string;
  acquireMs: string;
  offerTtlMs: string;
  threads: string;
  duration?: string;
  check?: boolean;
  keep?: boolean;
}

export async function runCluster(flags: ClusterFlags): Promise<number> {
  const n = int('hosts', flags.hosts, 1, 32);
  const basePort = int('base-port', flags.basePort, 0, 65_535 - n);
  const timing = {
    tickMs: int('tick-ms', flags.tickMs, 50, 3_600_000),
    leaseTtlMs: int('lease-ttl-ms', flags.leaseTtlMs, 100, 3_600_000),
    renewIntervalMs: int('renew-ms', flags.renewMs, 10, 3_600_000),
    acquireIntervalMs: int('acquire-ms', flags.acquireMs, 10, 3_600_000),
    offerTtlMs: int('offer-ttl-ms', flags.offerTtlMs, 1, 86_400_000),
  };
  if (timing.renewIntervalMs * 2 > timing.leaseTtlMs) throw new InputError('--renew-ms', 'must be at most half of --lease-ttl-ms');
  const cities = Array.from({ length: int('cities', flags.cities, 1, 1_000) }, (_, i) => `city${i + 1}`);
  const duration = flags.duration === undefined ? undefined : int('duration', flags.duration, 1, 86_400);
  let mysqlUrl: URL;
  try {
    mysqlUrl = new URL(flags.mysql);
    new URL(flags.redis);
  } catch {
    throw new InputError('--mysql / --redis', 'must be URLs');
  }
  const tag = randomBytes(4).toString('hex');
  const ownDatabase = mysqlUrl.pathname.length <= 1;
  const database = ownDatabase ? `dispatchd_cluster_${tag}` : mysqlUrl.pathname.slice(1);
  const serverUrl = new URL('/', mysqlUrl).href;
  const databaseUrl = new URL(database, serverUrl).href;
  const keyPrefix = `dispatchd_cluster_${tag}:`;
  const out = (line: string) => process.stdout.write(`${line}\n`);

  if (ownDatabase) await runOnServer(serverUrl, `CREATE DATABASE ${database}`);
  out(`cluster: ${n} hosts, ${cities.length} cities, database ${database}, Redis prefix ${keyPrefix}`);
  out(`  lease TTL ${timing.leaseTtlMs} ms, renew ${timing.renewIntervalMs} ms, acquire ${timing.acquireIntervalMs} ms, tick ${timing.tickMs} ms`);

  const hosts: HostProcess[] = [];
  let feeder: Feeder | undefined;
  let stopping = false;
  let wake: () => void = () => undefined;
  const stop = () => {
    stopping = true;
    wake();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const started = Date.now();
  try {
    for (let i = 0; i < n && !stopping; i++) {
      hosts.push(
        await HostProcess.start({
          hostId: `host-${i + 1}`,
          port: basePort === 0 ? 0 : basePort + i,
          mysqlUrl: databaseUrl,
          redisUrl: flags.redis,
          keyPrefix,
          threads: int('threads', flags.threads, 1, 256),
          leaseTtlMs: timing.leaseTtlMs,
          renewIntervalMs: timing.renewIntervalMs,
          acquireIntervalMs: timing.acquireIntervalMs,
          offerTtlMs: timing.offerTtlMs,
        }),
      );
      out(`  host-${i + 1} listening on ${hosts[i].url} (pid ${hosts[i].pid})`);
    }
    feeder = new Feeder(
      hosts.map((h) => ({ id: h.hostId, url: h.url })),
      { cities, couriersPerCity: int('couriers', flags.couriers, 1, 50_000), initialOrders: int('orders', flags.orders, 0, 50_000), tickMs: timing.tickMs },
    );
    if (!stopping) {
      await feeder.setUp();
      feeder.start();
    }
    // --duration counts traffic: a loaded machine's slow start-up does not eat into it.
    const trafficStarted = Date.now();
    let previous = new Map<string, { at: number; figures: HostFigures }>();
    const tty = process.stdout.isTTY;
    while (!stopping) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1_000);
      });
      if (duration !== undefined && Date.now() - trafficStarted >= duration * 1_000) break;
      if (stopping) break;
      const now = Date.now();
      const rows: string[] = [];
      const next = new Map<string, { at: number; figures: HostFigures }>();
      for (const host of hosts) {
        const figures = host.alive ? await scrapeMetrics(host.url).catch(() => undefined) : undefined;
        if (!figures) {
          rows.push(`${host.hostId.padEnd(8)} ${host.url.padEnd(24)} ${(host.alive ? 'no answer' : 'exited').padStart(8)}`);
          continue;
        }
        next.set(host.hostId, { at: now, figures });
        const before = previous.get(host.hostId);
        const per = (value: number, old: number | undefined) => (before && old !== undefined ? ((value - old) / ((now - before.at) / 1000)).toFixed(1) : '-');
        const rejections =
          Object.entries(figures.rejections)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || '0';
        rows.push(
          `${host.hostId.padEnd(8)} ${host.url.padEnd(24)} ${String(figures.leasesHeld).padStart(8)} ${per(figures.ticks, before?.figures.ticks).padStart(8)} ${per(figures.commits, before?.figures.commits).padStart(10)}   ${rejections}`,
        );
      }
      previous = next;
      const s = feeder.stats;
      const table = [
        `cluster — ${Math.round((now - started) / 1000)} s, ${cities.length} cities (Ctrl-C stops)`,
        `${'host'.padEnd(8)} ${'url'.padEnd(24)} ${'leases'.padStart(8)} ${'ticks/s'.padStart(8)} ${'commits/s'.padStart(10)}   rejections`,
        ...rows,
        `feeder: ${s.ordersCreated} orders, ${s.offersSeen} offers seen, ${s.accepted} accepted, ${s.declined} declined, ${s.ignored} ignored, ${s.delivered} delivered, ${s.dispatchAcks} dispatches acknowledged, ${s.failures} failed requests`,
      ];
      if (tty) process.stdout.write(`\x1b[H\x1b[2J${table.join('\n')}\n`);
      else out(table.join('\n'));
    }
    await feeder?.stop();
    return flags.check && feeder ? await checkRun(feeder) : 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await feeder?.stop();
    await cleanUp();
  }

  async function checkRun(feeder: Feeder): Promise<number> {
    let code = 0;
    const pool = createMysqlPool(databaseUrl);
    const redis = new Redis(flags.redis, { maxRetriesPerRequest: 1 });
    try {
      const log = await readDecisionLog({ pool, redis, keyPrefix, cities });
      const report = checkDecisionLog({
        decisions: log.decisions,
        offerTtlMs: timing.offerTtlMs,
        acknowledged: feeder.acknowledged,
        events: feeder.events,
      });
      out(
        `checked ${report.decisions} decisions (${log.fromTable} in the table, ${log.fromStreams} in the streams), ${report.offers} offers, ${feeder.acknowledged.length} acknowledged dispatches, ${feeder.events.length} order events`,
      );
      if (report.violations.length > 0) {
        out(formatViolations(report.violations));
        code = 1;
      } else {
        out('no violation');
      }
    } finally {
      await pool.end();
      redis.disconnect();
    }
    return code;
  }

  async function cleanUp(): Promise<void> {
    out('stopping the hosts');
    await Promise.all(hosts.map((h) => h.terminate()));
    if (!flags.keep) {
      if (ownDatabase) await runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${database}`);
      const redis = new Redis(flags.redis, { maxRetriesPerRequest: 1 });
      try {
        await deleteKeysUnder(redis, keyPrefix);
      } finally {
        redis.disconnect();
      }
    }
  }
}
