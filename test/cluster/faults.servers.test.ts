/**
 * Horizontal scaling under faults, with real processes: `dispatchd serve` hosts (the built CLI)
 * on MariaDB — through a TCP proxy the test can cut — and a redis-server of the test's own, with
 * the load feeder running throughout; each host reaches that Redis through a TCP proxy of its own,
 * so one host alone can be partitioned from it. One cluster goes through the seven scenarios in order:
 *
 *   1. kill -9 a host          4. SIGTERM a host (a deploy)      7. MySQL unreachable for longer
 *   2. SIGSTOP past the TTL    5. one host cut off from Redis       than the TTL
 *   3. a host joins            6. Redis restarts (every key lost)
 *
 * After each, the checker reads the whole decision log (table and streams) and must find no
 * violation: contiguous versions, tokens never decreasing, no order or courier with two live
 * offers, every acknowledged decision logged, every city dispatched within the liveness bound.
 * Short timings (TTL 3 s, renew 1 s, acquire 250 ms, tick 500 ms) keep it to about a minute and a half.
 * A partitioned host's cities get the time it takes to notice (DETECTION) on top of the bound.
 * Part of `npm test`; DISPATCHD_FAULTS=0 skips it for a quick local run.
 * DISPATCHD_FAULTS_REPORT=file writes the measurements.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Feeder, type FeederHost } from '../../tools/cluster/feeder.js';
import { HostProcess, scrapeMetrics } from '../../tools/cluster/host-process.js';
import { checkDecisionLog, formatViolations, type CheckReport } from '../../tools/cluster/log-checker.js';
import { readDecisionLog } from '../../tools/cluster/log-reader.js';
import { STORE_TIMEOUTS } from '../../src/coordination/store-timeouts.js';
import type { CommittedDecision } from '../../src/state/decision.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { PrivateRedis } from './support/redis-server.js';
import { skewedClockEnv } from './support/faketime.js';
import { TcpProxy } from './support/tcp-proxy.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const MYSQL_SERVER = new URL(process.env.DISPATCHD_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/');

const TTL = 3_000;
const RENEW = 1_000;
const ACQUIRE = 250;
const TICK = 500;
const OFFER_TTL = 2_000;
/** The hosts' DISPATCHD_UNHEALTHY_ROUNDS: a host cut off from Redis gives its cities up after this many renewal rounds. */
const UNHEALTHY_ROUNDS = 2;
/** Noticing a Redis partition: that many renewal rounds, each waiting for its check to time out. */
const DETECTION = UNHEALTHY_ROUNDS * (RENEW + STORE_TIMEOUTS.redisCommandMs);
/** TTL + one tick is the promise; the acquisition round, the first tick after a takeover and a loaded 2-core machine get the rest. */
const LIVENESS_BOUND = TTL + TICK + ACQUIRE + 2_250;
/** host-d's wall clock, ahead of everyone else's. */
const SKEW = '+1h';
const CITIES = Array.from({ length: 8 }, (_, i) => `city${i + 1}`);

interface ScenarioResult {
  scenario: string;
  hosts: string;
  decisionsChecked: number;
  offersChecked: number;
  /** Longest time from the fault (or the store's return) to the city's next commit elsewhere. */
  longestFailoverMs: number | null;
  longestSilenceMs: number;
  notes: Record<string, unknown>;
}

describe.skipIf(process.env.DISPATCHD_FAULTS === '0')('a cluster of real hosts under faults', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let redisClient: Redis;
  let proxy: TcpProxy;
  const redisProxies = new Map<string, TcpProxy>();
  let feeder: Feeder;
  const keyPrefix = `dispatchd_test_${randomBytes(6).toString('hex')}:`;
  const hosts = new Map<string, HostProcess>();
  const live = new Set<string>();
  const stateLostAt: number[] = [];
  const excused: { from: number; to: number }[] = [];
  const results: ScenarioResult[] = [];
  let mysqlUrl: string;

  const startHost = async (id: string, env: NodeJS.ProcessEnv = {}) => {
    const redisProxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
    redisProxies.set(id, redisProxy);
    const host = await HostProcess.start({
      hostId: id,
      port: 0,
      mysqlUrl,
      redisUrl: `redis://127.0.0.1:${redisProxy.port}`,
      keyPrefix,
      threads: 1,
      leaseTtlMs: TTL,
      renewIntervalMs: RENEW,
      acquireIntervalMs: ACQUIRE,
      offerTtlMs: OFFER_TTL,
      cliPath: CLI,
      env: { DISPATCHD_UNHEALTHY_ROUNDS: String(UNHEALTHY_ROUNDS), ...env },
    });
    hosts.set(id, host);
    live.add(id);
    return host;
  };
  const feederHosts = (): FeederHost[] => [...live].map((id) => ({ id, url: hosts.get(id)!.url }));
  /** Takes a host out of the feeder's rotation and waits until no request is on its way to it. */
  const retire = async (id: string) => {
    live.delete(id);
    feeder.setHosts(feederHosts());
    await feeder.idle();
  };
  const leases = async (via: string) => {
    const response = await fetch(`${hosts.get(via)!.url}/v1/leases`, { signal: AbortSignal.timeout(5_000) });
    return ((await response.json()) as { leases: { city: string; token: number; holder: string | null }[] }).leases;
  };
  const heldBy = async (id: string) => (await leases(id)).filter((l) => l.holder?.startsWith(`${id}/`));
  const tableDecisions = async (): Promise<CommittedDecision[]> => (await readDecisionLog({ pool: db.pool, keyPrefix, cities: CITIES })).decisions;
  /** The first commit of each city after `t` by a holder other than `exceptHost`. */
  const firstCommitsAfter = async (t: number, cities: readonly string[], exceptHost?: string) => {
    const decisions = await tableDecisions();
    const firsts = new Map<string, CommittedDecision>();
    for (const d of decisions) {
      if (!cities.includes(d.city) || d.committedAt <= t) continue;
      if (exceptHost && d.holder.startsWith(`${exceptHost}/`)) continue;
      const seen = firsts.get(d.city);
      if (!seen || d.committedAt < seen.committedAt) firsts.set(d.city, d);
    }
    return firsts;
  };
  const waitFor = async <T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check().catch(() => undefined);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** Waits until each city has a commit after `t` (by a host other than `exceptHost`); returns the longest wait. */
  const failover = async (t: number, cities: readonly string[], exceptHost?: string, timeoutMs = 20_000) => {
    const firsts = await waitFor(
      async () => {
        const f = await firstCommitsAfter(t, cities, exceptHost);
        return f.size === cities.length ? f : undefined;
      },
      timeoutMs,
      `commits of ${cities.join(', ')} after the fault`,
    );
    return cities.length === 0 ? null : Math.max(...[...firsts.values()].map((d) => d.committedAt - t));
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const send = async (id: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${hosts.get(id)!.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: string } };
  };
  /** The live host holding the city's lease. */
  const holderOf = (city: string) =>
    waitFor(
      async () => {
        const holder = (await leases([...live][0])).find((l) => l.city === city)?.holder;
        return [...live].find((id) => holder?.startsWith(`${id}/`));
      },
      15_000,
      `a holder of ${city}`,
    );

  /** Reads the whole log and checks it; the liveness window is [from, now]. */
  const check = async (scenario: string, from: number, failoverMs: number | null, notes: Record<string, unknown> = {}): Promise<CheckReport> => {
    await sleep(TICK * 2); // let answers to the latest offers come back
    const to = Date.now() - TICK;
    // The feeder keeps going while the log is read.
    const logReadAt = Date.now();
    const log = await readDecisionLog({ pool: db.pool, redis: redisClient, keyPrefix, cities: CITIES });
    const report = checkDecisionLog({
      logReadAt,
      decisions: log.decisions,
      offerTtlMs: OFFER_TTL,
      acknowledged: feeder.acknowledged,
      events: feeder.events,
      stateLostAt,
      liveness: { cities: CITIES, from, to, boundMs: LIVENESS_BOUND, excused },
    });
    results.push({
      scenario,
      hosts: [...live].join(' '),
      decisionsChecked: report.decisions,
      offersChecked: report.offers,
      longestFailoverMs: failoverMs,
      longestSilenceMs: Math.max(...Object.values(report.longestSilenceMs)),
      notes: { ...notes, acknowledgedDecisions: feeder.acknowledged.length, events: feeder.events.length },
    });
    expect(formatViolations(report.violations)).toBe('');
    return report;
  };

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), PrivateRedis.start()]);
    redisClient = redis.client();
    redisClient.on('error', () => undefined);
    proxy = await TcpProxy.start({ host: MYSQL_SERVER.hostname, port: Number(MYSQL_SERVER.port || 3306) });
    const url = new URL(db.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    mysqlUrl = url.href;
    // One at a time: start-ups are CPU-heavy on two cores.
    for (const id of ['host-a', 'host-b', 'host-c']) await startHost(id);
    feeder = new Feeder(feederHosts(), { cities: CITIES, tickMs: TICK, seed: 42 });
    await feeder.setUp();
    feeder.start();
    // Warm: every city dispatched a few times, spread over the three hosts.
    await waitFor(async () => (await firstCommitsAfter(Date.now() - 1_000, CITIES)).size === CITIES.length, 30_000, 'every city to commit');
  });

  afterAll(async () => {
    await feeder?.stop().catch(() => undefined);
    await Promise.all([...hosts.values()].map((h) => h.kill().catch(() => undefined)));
    await redis?.kill().catch(() => undefined);
    redisClient?.disconnect();
    await proxy?.close().catch(() => undefined);
    await Promise.all([...redisProxies.values()].map((p) => p.close().catch(() => undefined)));
    await db?.drop().catch(() => undefined);
    if (process.env.DISPATCHD_FAULTS_REPORT) {
      writeFileSync(
        process.env.DISPATCHD_FAULTS_REPORT,
        `${JSON.stringify({ ttlMs: TTL, renewMs: RENEW, acquireMs: ACQUIRE, tickMs: TICK, livenessBoundMs: LIVENESS_BOUND, stats: feeder?.stats, results }, null, 2)}\n`,
      );
    }
  });

  it('1. kill -9: all its cities are dispatched by others within TTL + a tick', async () => {
    const from = Date.now();
    const cities = (await heldBy('host-a')).map((l) => l.city);
    expect(cities.length).toBeGreaterThan(0);
    await retire('host-a');
    const t0 = Date.now();
    await hosts.get('host-a')!.kill();
    const longest = await failover(t0, cities, 'host-a');
    expect(longest).toBeLessThanOrEqual(LIVENESS_BOUND);
    await check('kill -9', from, longest, { killed: 'host-a', cities: cities.length });
  });

  it('2. SIGSTOP past the TTL, then SIGCONT: nothing it commits with its old tokens is accepted; it drops those leases', async () => {
    const from = Date.now();
    const before = await heldBy('host-b');
    expect(before.length).toBeGreaterThan(0);
    const host = hosts.get('host-b')!;
    await retire('host-b');
    const tPause = Date.now();
    host.pause();
    const longest = await failover(
      tPause,
      before.map((l) => l.city),
      'host-b',
    );
    await sleep(Math.max(0, tPause + TTL + 1_000 - Date.now()));
    // Dispatch requests queued while it is stopped: the first thing it does when it wakes up.
    const attempts = before.map((l) =>
      fetch(`${host.url}/v1/cities/${l.city}/dispatch`, { method: 'POST', signal: AbortSignal.timeout(15_000) }).then(async (r) => ({
        city: l.city,
        status: r.status,
        body: (await r.json()) as { committed?: boolean; token?: number },
      })),
    );
    await sleep(200);
    const tResume = Date.now();
    host.resume();
    const answers = await Promise.all(attempts);
    for (const answer of answers) {
      const old = before.find((l) => l.city === answer.city)!;
      // Refused (409: not its lease any more), or committed under a newer lease it has since taken.
      if (answer.status === 200 && answer.body.committed) expect(answer.body.token).toBeGreaterThan(old.token);
      else expect([409, 200]).toContain(answer.status);
    }
    // Nothing with an old token was committed once it woke up.
    const stale = (await tableDecisions()).filter(
      (d) => d.holder.startsWith('host-b/') && d.committedAt >= tResume && before.some((l) => l.city === d.city && l.token === d.token),
    );
    expect(stale).toEqual([]);
    // It notices: after a renewal round it holds none of the old leases with the old token.
    await sleep(RENEW + 500);
    const now = await heldBy('host-b');
    for (const lease of now) {
      const old = before.find((l) => l.city === lease.city);
      if (old) expect(lease.token).toBeGreaterThan(old.token);
    }
    const metrics = await scrapeMetrics(host.url);
    live.add('host-b');
    feeder.setHosts(feederHosts());
    await check('SIGSTOP / SIGCONT', from, longest, {
      paused: 'host-b',
      pausedMs: tResume - tPause,
      cities: before.length,
      refusedAfterWakeUp: answers.filter((a) => a.status === 409).length,
      rejections: metrics.rejections,
    });
  });

  it('3. a host joins: cities rebalance to a fair share, none undispatched beyond the bound', async () => {
    const from = Date.now();
    const tJoin = Date.now();
    // Its wall clock runs an hour fast (scenario 8 ingests through it); leases use the monotonic clock.
    await startHost('host-d', skewedClockEnv(SKEW));
    feeder.setHosts(feederHosts());
    const members = [...live];
    const share = await waitFor(
      async () => {
        const all = await leases('host-d');
        const counts = members.map((id) => all.filter((l) => l.holder?.startsWith(`${id}/`)).length);
        const held = counts.reduce((a, b) => a + b, 0);
        return held === CITIES.length && Math.max(...counts) - Math.min(...counts) <= 1 ? counts : undefined;
      },
      30_000,
      'a fair share',
    );
    const rebalanceMs = Date.now() - tJoin;
    expect(Math.min(...share)).toBe(Math.floor(CITIES.length / members.length));
    await sleep(TICK * 2);
    await check('host joins', from, null, { joined: 'host-d', shares: Object.fromEntries(members.map((id, i) => [id, share[i]])), rebalanceMs });
  });

  it('4. SIGTERM (a deploy): its cities are picked up at once, the release having bumped the tokens', async () => {
    const from = Date.now();
    const before = await heldBy('host-c');
    const cities = before.map((l) => l.city);
    expect(cities.length).toBeGreaterThan(0);
    await retire('host-c');
    const t0 = Date.now();
    const code = await hosts.get('host-c')!.terminate();
    const exitedAt = Date.now();
    expect(code).toBe(0);
    const longest = await failover(t0, cities, 'host-c');
    const firsts = await firstCommitsAfter(t0, cities, 'host-c');
    for (const lease of before) expect(firsts.get(lease.city)!.token).toBeGreaterThan(lease.token + 1); // release +1, acquire +1
    const afterExit = Math.max(...[...firsts.values()].map((d) => d.committedAt - exitedAt));
    await check('SIGTERM', from, longest, { terminated: 'host-c', cities: cities.length, shutdownMs: exitedAt - t0, longestAfterExitMs: afterExit });
  });

  it('5. one host cut off from Redis: it gives its cities up, others dispatch them; it takes a share again once back', async () => {
    const from = Date.now();
    const before = await heldBy('host-b');
    const cities = before.map((l) => l.city);
    expect(cities.length).toBeGreaterThan(0);
    await retire('host-b');
    const t0 = Date.now();
    redisProxies.get('host-b')!.blackhole();
    // The promise: TTL + one tick, plus the time it takes to notice (excused in the liveness check).
    excused.push({ from: t0, to: t0 + DETECTION });
    const longest = await failover(t0, cities, 'host-b');
    expect(longest).toBeLessThanOrEqual(LIVENESS_BOUND + DETECTION);
    await waitFor(async () => !(await leases('host-d')).some((l) => l.holder?.startsWith('host-b/')), 10_000, 'host-b to hold nothing');
    const tRestore = Date.now();
    await redisProxies.get('host-b')!.restore();
    live.add('host-b');
    feeder.setHosts(feederHosts());
    await waitFor(async () => (await heldBy('host-b')).length > 0, 20_000, 'host-b to take cities again');
    const backMs = Date.now() - tRestore;
    await check('Redis cut for one host', from, longest, {
      cutOff: 'host-b',
      cities: cities.length,
      partitionMs: tRestore - t0,
      retakenAfterRestoreMs: backMs,
      detectionAllowanceMs: DETECTION,
    });
  });

  it('6. Redis restarts and loses every key: no stale commit is accepted, dispatch resumes by itself', async () => {
    const from = Date.now();
    const t0 = Date.now();
    await redis.kill();
    stateLostAt.push(t0);
    await sleep(300);
    await redis.launch();
    const tBack = Date.now();
    // The fleet and the orders are gone with the keys: the feeder uploads them again (new ids).
    await waitFor(async () => (await feeder.reseed(), true), 20_000, 'the feeder to re-seed the cities');
    const seeded = Date.now();
    excused.push({ from: t0, to: seeded });
    const longest = await failover(seeded, CITIES);
    await check('Redis restart', from, longest, { outageMs: tBack - t0, reseedMs: seeded - tBack, resumedAfterReseedMs: longest });
  });

  it('7. MySQL unreachable past the TTL: hosts stop at lease expiry on their own clock and resume when it is back', async () => {
    const from = Date.now();
    const tCut = Date.now();
    await proxy.cut();
    await sleep(TTL + 600);
    // Every host has dropped every lease on its own monotonic clock (no store needed to know).
    const held = await Promise.all([...live].map(async (id) => (await scrapeMetrics(hosts.get(id)!.url)).leasesHeld));
    expect(held).toEqual([...live].map(() => 0));
    await sleep(900);
    const tRestore = Date.now();
    await proxy.restore();
    excused.push({ from: tCut, to: tRestore });
    const longest = await failover(tRestore, CITIES);
    const log = await readDecisionLog({ pool: db.pool, redis: redisClient, keyPrefix, cities: CITIES });
    // Nothing committed after the leases lapsed (a cycle already past its lease check may land just after).
    const late = log.decisions.filter((d) => d.committedAt > tCut + TTL + 250 && d.committedAt < tRestore);
    expect(late).toEqual([]);
    await check('MySQL cut', from, longest, { cutMs: tRestore - tCut, hostsHoldingAtTtlPlus600: held, resumedAfterRestoreMs: longest });
  });

  it('8. a host whose wall clock runs an hour fast ingests couriers and orders: dispatch is unaffected', async () => {
    const from = Date.now();
    const city = 'skewed';
    await send('host-d', 'PUT', `/v1/cities/${city}`, { tick_ms: 60_000 });
    const couriers = Array.from({ length: 4 }, (_, i) => ({ id: `sk-c${i}`, lat: 41.39 + i * 0.001, lng: 2.17, speed_mps: 5, status: 'on_shift' }));
    const orders = Array.from({ length: 3 }, (_, i) => ({
      id: `sk-o${i}`,
      pickup: { lat: 41.391, lng: 2.171 + i * 0.001 },
      dropoff: { lat: 41.4, lng: 2.16 },
    }));
    expect((await send('host-d', 'PUT', `/v1/cities/${city}/couriers`, { couriers })).status).toBe(200);
    expect((await send('host-d', 'POST', `/v1/cities/${city}/orders`, { orders })).status).toBe(201);
    // The census may name the holder a moment before its takeover exposes the lease: retry a 409.
    const outcome = await waitFor(
      async () => {
        const reply = await send(await holderOf(city), 'POST', `/v1/cities/${city}/dispatch`);
        return reply.status === 200 && reply.body;
      },
      15_000,
      `a dispatch of ${city}`,
    );
    // Stamped with host-d's clock, every courier would be "free in 3,600 s", beyond max_pickup_s, and nothing assigned.
    expect(outcome).toMatchObject({ committed: true, durable: true, unassigned: [] });
    expect(outcome.assignments).toHaveLength(3);
    await send('host-d', 'PUT', `/v1/cities/${city}`, { enabled: false });
    await check('skewed wall clock', from, null, { skew: SKEW, assigned: (outcome.assignments as unknown[]).length });
  });

  it('9. the same new order ids created at once through two hosts: one 201 per id, never offered twice', async () => {
    const from = Date.now();
    const [one, two] = [...live];
    const city = CITIES[0];
    const batch = Array.from({ length: 5 }, (_, i) => ({ id: `race-o${i}`, pickup: { lat: 41.39, lng: 2.17 + i * 0.001 }, dropoff: { lat: 41.4, lng: 2.16 } }));
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i % 2 ? one : two, 'POST', `/v1/cities/${city}/orders`, { orders: batch })));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(11);
    await sleep(TICK * 4); // a few ticks offer them (and re-offer the lapsed ones)
    await check('concurrent creation', from, null, { hosts: [one, two], ids: batch.length, created: 1, refused: 11 });
  });

  it('10. a MySQL blip during dispatches, then Redis flushed: every acknowledged decision is in MySQL', async () => {
    const from = Date.now();
    const durableFailures = async () => {
      let total = 0;
      for (const id of live) {
        const text = await (await fetch(`${hosts.get(id)!.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
        for (const m of text.matchAll(/^dispatchd_durable_append_failures_total\{[^}]*\} (\d+)/gm)) total += Number(m[1]);
      }
      return total;
    };
    const failuresBefore = await durableFailures();
    const answers: { status: number; body: Record<string, unknown> }[] = [];
    const tCut = Date.now();
    // Blips, cut a little later each time, until one falls between a commit's Redis write and its
    // log append (each cycle reads its city's config from MySQL first, so the window is narrow).
    const delaysMs = [2, 4, 6, 8, 11, 14, 18, 23, 30, 40];
    for (let blip = 0; blip < delaysMs.length && (await durableFailures()) === failuresBefore; blip++) {
      const holders = await Promise.all(CITIES.map(async (city) => [city, await holderOf(city)] as const));
      await Promise.all(
        holders.map(([city, id]) =>
          send(id, 'POST', `/v1/cities/${city}/orders`, {
            orders: [{ id: `blip${blip}-${city}`, pickup: { lat: 41.39, lng: 2.17 }, dropoff: { lat: 41.4, lng: 2.16 } }],
          }),
        ),
      );
      const dispatches = holders.map(([city, id]) => send(id, 'POST', `/v1/cities/${city}/dispatch`).catch(() => undefined));
      await sleep(delaysMs[blip]);
      await proxy.cut();
      await sleep(900);
      await proxy.restore();
      for (const a of await Promise.all(dispatches)) if (a?.status === 200 && a.body.committed) answers.push(a);
    }
    const notDurable = (await durableFailures()) - failuresBefore;
    expect(notDurable).toBeGreaterThan(0);
    const acknowledged = answers
      .filter((a) => a.body.durable)
      .map((a) => ({ city: String(a.body.city), version: Number(a.body.version), token: Number(a.body.token), ackAt: Date.now() }));
    feeder.acknowledged.push(...acknowledged);
    // The outboxes record the rest within a renewal interval or two of the log's return.
    await sleep(RENEW * 3);
    const tFlush = Date.now();
    await redisClient.flushall();
    stateLostAt.push(tFlush);
    await waitFor(async () => (await feeder.reseed(), true), 20_000, 'the feeder to re-seed the cities');
    excused.push({ from: tCut, to: Date.now() });
    const logged = await tableDecisions();
    // Every committed decision, acknowledged or not, reached the log once it was back.
    for (const a of answers) {
      const d = logged.find((x) => x.city === a.body.city && x.version === a.body.version);
      expect(d?.token, `${String(a.body.city)} version ${String(a.body.version)} (durable: ${String(a.body.durable)})`).toBe(a.body.token);
    }
    const longest = await failover(Date.now(), CITIES);
    await check('MySQL blip, then Redis flushed', from, longest, {
      cutMs: 900,
      dispatchRepliesCommitted: answers.length,
      acknowledgedDurable: acknowledged.length,
      commitsNotDurableAtFirst: notDurable,
    });
  });
});
