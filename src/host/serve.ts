/**
 * `dispatchd serve`: start a host (and the demo city with --demo), log where it listens, and
 * shut down gracefully on SIGTERM, SIGINT and the other signals close-with-grace handles —
 * also when the signal arrives during start-up, and after an uncaught error (exit 1).
 *
 * Everything it says is a JSON log line of the host's logger; the lifecycle lines (listening,
 * shutting down, shut down) are written at any log level, unless logging is off.
 */
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { openEmbeddedStores } from '../coordination/stores.js';
import { DemoCity } from '../demo/demo-city.js';
import { SimClock } from '../sim/sim-clock.js';
import type { HostConfig } from './config.js';
import { hostLogger, startHost, type Host } from './host.js';

/**
 * How long after the grace period the process is ended (exit 1) if the shutdown is still
 * running: Host.close() ends its own work at the grace period, so this only catches a hang.
 */
export const SHUTDOWN_HARD_DEADLINE_MARGIN_MS = 1_000;

/**
 * How much faster than real time the demo city runs on the embedded stores, whose clock it sets.
 * With MySQL + Redis the state store keeps Redis's own clock, so the demo runs in real time.
 */
export const DEMO_TIME_SCALE = 20;

export interface ServeHandle {
  host: Host;
  demo?: DemoCity;
  /** Resolves once the host has shut down (after stop()). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function serve(config: HostConfig, options: { signals?: boolean; log?: Logger } = {}): Promise<ServeHandle> {
  const log = options.log ?? hostLogger(config);
  // The lifecycle lines show at any level but silent.
  const lifecycle = log.level === 'silent' ? log : log.child({}, { level: 'info' });
  const clock = config.demo ? new SimClock(config.mysqlUrl ? 1 : DEMO_TIME_SCALE) : undefined;
  const starting = startHost(config, {
    log,
    ...(clock && !config.mysqlUrl ? { stores: openEmbeddedStores({ now: () => clock.now() }) } : {}),
  });
  let demo: DemoCity | undefined;
  let stopping: Promise<void> | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const stop = () => {
    stopping ??= (async () => {
      const host = await starting.catch(() => undefined);
      await demo?.stop();
      await host?.close();
      lifecycle.info({ event: 'shut_down' }, 'dispatchd: shut down');
      resolveDone();
    })();
    return stopping;
  };
  const grace =
    options.signals === false
      ? undefined
      : closeWithGrace(
          {
            delay: config.shutdownGraceMs + SHUTDOWN_HARD_DEADLINE_MARGIN_MS,
            logger: { error: (message: unknown) => lifecycle.error(message instanceof Error ? { err: message } : {}, String(message)) },
          },
          async ({ signal, err }) => {
            if (err) lifecycle.error({ event: 'shutting_down', err }, 'dispatchd: uncaught error, shutting down');
            else lifecycle.info({ event: 'shutting_down', signal }, `dispatchd: ${signal ?? 'exit'}, shutting down`);
            await stop();
          },
        );

  let host: Host;
  try {
    host = await starting;
  } catch (error) {
    // The CLI reports the failure and exits with its code; nothing is left to shut down.
    grace?.uninstall();
    throw error;
  }
  if (stopping) {
    await stopping;
    return { host, done, stop };
  }
  if (clock) {
    demo = new DemoCity(host.app, { clock, token: config.token, onError: (error) => host.app.log.warn({ err: error }, 'demo step failed') });
    await demo.start();
  }
  const stores = config.mysqlUrl ? 'MySQL + Redis' : 'embedded (in memory)';
  const address = host.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = config.listen === '0.0.0.0' || config.listen === '::' ? `http://localhost:${port}` : (host.url ?? '');
  const demoFields = demo && clock ? { demo_city: demo.city, demo_time_scale: clock.scale } : {};
  const published = config.natsUrl ? `, decisions published to NATS stream ${config.natsStream}` : '';
  lifecycle.info(
    {
      event: 'listening',
      url: base,
      map: `${base}/`,
      docs: `${base}/docs`,
      stores,
      threads: config.threads,
      ...(config.natsUrl ? { nats_stream: config.natsStream } : {}),
      ...demoFields,
    },
    `dispatchd ${host.holder.hostId} listening on ${base} (map ${base}/, API docs ${base}/docs), stores: ${stores}, solver threads: ${config.threads}${published}${demo && clock ? `, demo city "${demo.city}" (simulated, ${clock.scale}× real time)` : ''}`,
  );
  return { host, demo, done, stop };
}
