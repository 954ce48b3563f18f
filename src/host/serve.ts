/**
 * `dispatchd serve`: start a host (and the demo feed with --demo), print where it listens, and
 * shut down gracefully on SIGTERM or SIGINT — also when the signal arrives during start-up.
 */
import { DemoFeed } from '../demo/demo-feed.js';
import type { HostConfig } from './config.js';
import { startHost, type Host } from './host.js';

export interface ServeHandle {
  host: Host;
  demo?: DemoFeed;
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

  const host = await startHost(config);
  let demo: DemoFeed | undefined;
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
  if (config.demo) {
    demo = new DemoFeed(host.app, { token: config.token, onError: (error) => host.app.log.warn({ err: error }, 'demo step failed') });
    await demo.start();
  }
  const stores = config.mysqlUrl ? 'MySQL + Redis' : 'embedded (in memory)';
  const published = config.natsUrl ? `, decisions published to NATS stream ${config.natsStream}` : '';
  const address = host.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = config.listen === '0.0.0.0' || config.listen === '::' ? `http://localhost:${port}` : (host.url ?? '');
  out(`dispatchd ${host.holder.hostId} listening on ${base} — stores: ${stores}, solver threads: ${config.threads}${published}${demo ? `, demo city "${demo.city}"` : ''}`);
  out(`  map ${base}/   API docs ${base}/docs`);
  return { host, demo, done, stop };
}
