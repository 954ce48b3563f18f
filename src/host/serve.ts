/**
 * `dispatchd serve`: start a host (and the demo city with --demo), print where it listens, and
 * shut down gracefully on SIGTERM or SIGINT — also when the signal arrives during start-up.
 */
import { openEmbeddedStores } from '../coordination/stores.js';
import { DemoCity } from '../demo/demo-city.js';
import { SimClock } from '../sim/sim-clock.js';
import type { HostConfig } from './config.js';
import { startHost, type Host } from './host.js';

/**
 * How much faster than real time the demo city runs on the embedded stores, whose clock it sets.
 * With MySQL + Redis the state store keeps Redis's own clock, so the demo runs in real time.
 */
export const DEMO_TIME_SCALE = 20;

export interface ServeHandle {
  host: Host;
  demo?: DemoCity;
  /** Resolves once the host has shut down (after a signal or stop()). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function serve(config: HostConfig, options: { signals?: boolean; out?: (line: string) => void } = {}): Promise<ServeHandle> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  let signalled = false;
  let stop: (() => Promise<void>) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    out(`dispatchd: ${signal}, shutting down`);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    signalled = true;
    void stop?.();
  };
  if (options.signals !== false) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  const clock = config.demo ? new SimClock(config.mysqlUrl ? 1 : DEMO_TIME_SCALE) : undefined;
  const host = await startHost(config, clock && !config.mysqlUrl ? { stores: openEmbeddedStores({ now: () => clock.now() }) } : {});
  let demo: DemoCity | undefined;
  let stopping: Promise<void> | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  stop = () => {
    stopping ??= (async () => {
      await demo?.stop();
      await host.close();
      resolveDone();
    })();
    return stopping;
  };
  if (signalled) {
    await stop();
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
  out(`dispatchd ${host.holder.hostId} listening on ${base} — stores: ${stores}, solver threads: ${config.threads}${demo && clock ? `, demo city "${demo.city}" (simulated, ${clock.scale}× real time)` : ''}`);
  out(`  map ${base}/   API docs ${base}/docs`);
  return { host, demo, done, stop };
}
