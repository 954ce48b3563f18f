/**
 * `dispatchd serve [--port 3000] [--host-id ID] [--mysql URL] [--redis URL] [--threads N] [--demo]`
 *
 * Every flag also comes from an environment variable (DISPATCHD_PORT, DISPATCHD_HOST_ID,
 * DISPATCHD_MYSQL_URL, DISPATCHD_REDIS_URL, DISPATCHD_THREADS, DISPATCHD_DEMO, ...; the port also
 * from PORT); DISPATCHD_TOKEN turns on bearer auth for mutating routes. A configuration error is
 * one line before anything opens or listens (exit 2). SIGTERM/SIGINT shut the host down within
 * its grace period (see Host.close) and the process exits 0 then, even if a driver still holds a
 * socket open. The host itself (Fastify, the stores, the pool) is imported only when it runs.
 */
import type { Command } from 'commander';
import { DEFAULT_DECLINE_COOLDOWN_MS } from '../http/context.js';
import { ConfigError, DEFAULT_LISTEN, DEFAULT_PORT, ENV, PLATFORM_PORT_ENV, resolveHostConfig, type HostConfig, type HostFlags } from '../host/config.js';
import { DEFAULT_OFFER_TTL_MS } from '../state/decision.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the dispatch host: the dispatch loop for the cities it leases and the HTTP API')
    .option('--port <port>', `HTTP port (${ENV.port}, then ${PLATFORM_PORT_ENV}; default ${DEFAULT_PORT})`)
    .option('--listen <address>', `address to listen on (${ENV.listen}, default ${DEFAULT_LISTEN})`)
    .option('--host-id <id>', `this host's id in leases (${ENV.hostId}, default the machine name)`)
    .option('--mysql <url>', `MySQL for leases and the decision log, mysql://user:pass@host:port/db (${ENV.mysql})`)
    .option('--redis <url>', `Redis for the city state, redis://host:port, or a Redis Cluster's nodes comma-separated (${ENV.redis})`)
    .option('--nats <url>', `NATS JetStream that durable decisions are published to, nats://host:port (${ENV.nats}; stream ${ENV.natsStream})`)
    .option('--threads <n>', `solver worker threads (${ENV.threads}, default every core)`)
    .option('--offer-ttl-ms <ms>', `how long an offer waits for an answer (${ENV.offerTtlMs}, default ${DEFAULT_OFFER_TTL_MS})`)
    .option(
      '--decline-cooldown-ms <ms>',
      `a declined pair is not offered again for this long (${ENV.declineCooldownMs}, default ${DEFAULT_DECLINE_COOLDOWN_MS})`,
    )
    .option('--demo', `run a simulated demo city through the API (${ENV.demo}=1)`)
    .action(async (flags: HostFlags, command: Command) => {
      let config: HostConfig;
      try {
        config = resolveHostConfig(flags);
      } catch (error) {
        if (error instanceof ConfigError) command.error(error.message);
        throw error;
      }
      const { serve } = await import('../host/serve.js');
      const handle = await serve(config);
      await handle.done;
      process.exit(0);
    });
}
