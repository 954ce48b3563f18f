/**
 * A running dispatchd host: stores (server or embedded), the solver pool, the lease keeper, the
 * dispatch loop driven by it, and the HTTP app. close() is the graceful shutdown.
 */
import type { FastifyInstance } from 'fastify';
import { pino, type DestinationStream, type Logger } from 'pino';
import { fencingHooks, takeOverCity } from '../coordination/city-takeover.js';
import { holderName, newHolder, type Holder } from '../coordination/holder.js';
import { DecisionOutbox } from '../coordination/decision-outbox.js';
import { DecisionRelay } from '../coordination/decision-relay.js';
import { DecisionWatch } from '../coordination/decision-watch.js';
import { LeaseKeeper } from '../coordination/lease-keeper.js';
import { openEmbeddedStores, openServerStores, type CoordinationStores } from '../coordination/stores.js';
import { DispatchLoop } from '../dispatch/dispatch-loop.js';
import { DispatchMetrics } from '../dispatch/metrics.js';
import type { DispatchSolver } from '../dispatch/solver.js';
import { buildApp } from '../http/app.js';
import { decisionJson } from '../http/decision-json.js';
import { SolverPool } from '../solver/solver-pool.js';
import type { DecisionPublisher } from '../state/decision-publisher.js';
import { GroupCommitDecisionLog } from '../state/group-commit-decision-log.js';
import { MemoryDecisionPublisher } from '../state/memory-decision-publisher.js';
import { NatsDecisionPublisher } from '../state/nats-decision-publisher.js';
import { ObservedDecisionLog } from '../state/observed-decision-log.js';
import type { HostConfig } from './config.js';

export interface Host {
  config: HostConfig;
  app: FastifyInstance;
  stores: CoordinationStores;
  solver: DispatchSolver;
  keeper: LeaseKeeper;
  loop: DispatchLoop;
  metrics: DispatchMetrics;
  holder: Holder;
  /** Delivers the durable decisions of the cities this host leases to the publisher. */
  relay: DecisionRelay;
  /** The listening address (http://host:port) once listen() resolved. */
  url?: string;
  /**
   * Graceful shutdown within config.shutdownGraceMs: stop taking leases and serving, let cycles
   * in flight finish (abandoning them after half the grace period), release the leases (bumping
   * their tokens), close the pool and the store connections. At the end of the grace period
   * whatever has not finished is cut short (connections destroyed) and close() resolves anyway.
   * Safe to call twice.
   */
  close(): Promise<void>;
}

export interface HostParts {
  /** Stores to use instead of opening them from the config (tests). */
  stores?: CoordinationStores;
  solver?: DispatchSolver;
  /** The broker decisions go to instead of the one the config names (tests). */
  publisher?: DecisionPublisher;
  /** Listen on config.port (default true); false for fastify.inject tests. */
  listen?: boolean;
  /** The logger (default hostLogger(config)); serve() makes it first to log the shutdown of a host still starting. */
  log?: Logger;
}

/**
 * The host's logger: JSON lines (pino) on stdout, or `destination`, at config.logLevel;
 * nothing at all with logging off (DISPATCHD_LOG=0).
 */
export function hostLogger(config: HostConfig, destination?: DestinationStream): Logger {
  const options = { level: config.logger ? config.logLevel : 'silent' };
  return destination ? pino(options, destination) : pino(options);
}

export async function startHost(config: HostConfig, parts: HostParts = {}): Promise<Host> {
  const opened =
    parts.stores ??
    (config.mysqlUrl && config.redisUrl
      ? await openServerStores({ mysqlUrl: config.mysqlUrl, redisUrl: config.redisUrl, keyPrefix: config.keyPrefix })
      : openEmbeddedStores());
  // Every append of this host goes through the observed log, which wakes the streams and the relay;
  // the appends of all its cities that meet in flight go to the log as one (group commit).
  const decisions = new ObservedDecisionLog(new GroupCommitDecisionLog(opened.decisions));
  const stores: CoordinationStores = { ...opened, decisions };
  let solver: DispatchSolver | undefined;
  try {
    solver = parts.solver ?? (await SolverPool.start({ threads: config.threads }));
  } catch (error) {
    await stores.close();
    throw error;
  }
  const pool = solver;
  const holder = newHolder(config.hostId);
  const fencing = fencingHooks(stores);
  const logger = (parts.log ?? hostLogger(config)).child({ holder: holderName(holder) });
  const log = (message: string, error: unknown) => logger.error({ err: error }, message);

  let keeper: LeaseKeeper | undefined;
  const metrics = new DispatchMetrics(
    {
      leasesHeld: () => keeper?.leases().length ?? 0,
      poolStats: () => pool.stats(),
      notDurable: () => outbox.waitingByCities(),
      publishLag: () => relay.lag(),
    },
    { defaultMetrics: true },
  );
  const outbox = new DecisionOutbox({
    log: stores.decisions,
    intervalMs: config.renewIntervalMs,
    onWaiting: (d, error) => {
      metrics.durableAppendFailures.inc({ city: d.city });
      logger.warn({ city: d.city, version: d.version, err: error }, `decision ${d.city} version ${d.version} is committed but not durable yet; retrying`);
    },
    onLanded: (d) => logger.info({ city: d.city, version: d.version }, `decision ${d.city} version ${d.version} is durable now`),
    onConflict: (d, error) => {
      metrics.decisionLogConflicts.inc({ city: d.city });
      log(`decision ${d.city} version ${d.version} conflicts with the durable log and is dropped`, error);
    },
    onRetryFailed: (error) => log('durable log catch-up failed; retrying with backoff', error),
  });
  const leaseSource = { lease: (city: string) => keeper?.lease(city), leases: () => keeper?.leases() ?? [] };
  const watch = new DecisionWatch({ log: decisions, isLocal: (city) => leaseSource.lease(city) !== undefined });
  const relay = new DecisionRelay({
    log: decisions,
    publisher:
      parts.publisher ?? (config.natsUrl ? new NatsDecisionPublisher({ url: config.natsUrl, stream: config.natsStream }) : new MemoryDecisionPublisher()),
    watch,
    encode: (d) => JSON.stringify(decisionJson(d)),
    retryMs: config.renewIntervalMs,
    onPublished: (city, count) => metrics.decisionsPublished.inc({ city }, count),
    onFailed: (city, error) => {
      metrics.publishFailures.inc({ city });
      logger.warn({ city, err: error }, `publishing decisions of ${city} failed; retrying`);
    },
  });
  const loop = new DispatchLoop({
    stores,
    solver: pool,
    holder,
    offerTtlMs: config.offerTtlMs,
    outbox,
    metrics,
    keeper: leaseSource,
    configRefreshMs: config.renewIntervalMs,
    onError: (city, error) => log(`dispatch of ${city} failed`, error),
    log: logger,
  });
  keeper = new LeaseKeeper({
    store: stores.leases,
    holder,
    ttlMs: config.leaseTtlMs,
    renewIntervalMs: config.renewIntervalMs,
    acquireIntervalMs: config.acquireIntervalMs,
    onAcquired: async (lease) => {
      const copied = await takeOverCity(stores, lease.city, lease.token);
      logger.info(
        { event: 'takeover', city: lease.city, token: lease.token, decisions_copied: copied },
        `took over ${lease.city} with token ${lease.token}: fence raised, ${copied} decisions copied to the durable log`,
      );
      loop.cityAcquired(lease.city).catch((error: unknown) => log(`starting ${lease.city} failed`, error));
      relay.cityAcquired(lease.city);
    },
    onReleased: async (city, token) => {
      loop.cityLost(city);
      relay.cityLost(city);
      await fencing.onReleased!(city, token);
    },
    onLost: (city) => {
      loop.cityLost(city);
      relay.cityLost(city);
    },
    stateCheck: () => stores.state.checkHealth(),
    unhealthyRounds: config.unhealthyRounds,
    onGivenUp: (city, error) => {
      metrics.citiesGivenUp.inc({ city });
      logger.warn({ err: error, city }, `giving up city ${city}: the state store failed ${config.unhealthyRounds} checks in a row`);
    },
    onError: (error) => log('lease keeper', error),
    log: logger,
  });

  const app = await buildApp({
    stores,
    pool,
    loop,
    keeper: leaseSource,
    holder,
    metrics,
    log: logger,
    watch,
    config: {
      token: config.token,
      tokenReads: config.tokenReads,
      declineCooldownMs: config.declineCooldownMs,
      leaseTtlMs: config.leaseTtlMs,
      bodyLimitBytes: config.bodyLimitBytes,
      streamKeepAliveMs: config.streamKeepAliveMs,
    },
  });

  let closing: Promise<void> | undefined;
  const host: Host = {
    config,
    app,
    stores,
    solver: pool,
    keeper,
    loop,
    metrics,
    holder,
    relay,
    close() {
      closing ??= (async () => {
        let step = 'finishing cycles and requests';
        const graceful = (async () => {
          // Half the grace for cycles in flight, the rest for the releases and closing.
          await Promise.all([loop.close({ graceMs: config.shutdownGraceMs / 2 }), app.close()]);
          step = 'recording decisions that are not durable yet';
          outbox.stop();
          if (!(await outbox.flush())) log(`shutdown: ${outbox.waiting()} committed decisions could not be made durable`, undefined);
          // What is not on the broker yet, the city's next holder publishes from the broker's cursor.
          step = 'closing the decision publisher';
          watch.close();
          await relay.close();
          step = 'releasing leases';
          await keeper!.stop();
          step = 'closing the solver pool';
          await pool.close();
          step = 'closing store connections';
          await stores.close();
        })().catch((error: unknown) => log('shutdown', error));
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), config.shutdownGraceMs)));
        const outcome = await Promise.race([graceful, deadline]);
        clearTimeout(timer);
        if (outcome === 'deadline') {
          log(`shutdown: grace period of ${config.shutdownGraceMs} ms over while ${step}; dropping store connections`, undefined);
          stores.destroy();
        }
      })();
      return closing;
    },
  };

  try {
    outbox.start();
    await keeper.start();
    if (parts.listen !== false) {
      host.url = await app.listen({ port: config.port, host: config.listen });
    }
  } catch (error) {
    await host.close().catch(() => undefined);
    throw error;
  }
  return host;
}
