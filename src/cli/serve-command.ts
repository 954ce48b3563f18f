/**
 * `dispatchd serve [--port 3000] [--host-id ID] [--mysql URL] [--redis URL] [--threads N] [--demo]`
 *
 * Every flag also comes from an environment variable (DISPATCHD_PORT, DISPATCHD_HOST_ID,
 * DISPATCHD_MYSQL_URL, DISPATCHD_REDIS_URL, DISPATCHD_THREADS, DISPATCHD_DEMO, ...); DISPATCHD_TOKEN
 * turns on bearer auth for mutating routes. A configuration error is one line before anything
 * opens or listens (exit 2). SIGTERM/SIGINT shut the host down within its grace period (see
 * Host.close) and the process exits 0 then, even if a driver still holds a socket open.
 */
import type { Command } from 'commander';
import { ConfigError, ENV, resolveHostConfig, type HostConfig, type HostFlags } from '../host/config.js';
import { serve } from '../host/serve.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the dispatch host: the dispatch loop for the cities it leases and the HTTP API')
    .option('--port <port>', `HTTP port (${ENV.port}, default 3000)`)
    .option('--listen <address>', `address to listen on (${ENV.listen}, default 0.0.0.0)`)
    .option('--host-id <id>', `this host's id in leases (${ENV.hostId}, default the machine name)`)
    .option('--mysql <url>', `MySQL for leases and the decision log, mysql://user:pass@host:port/db (${ENV.mysql})`)
    .option('--redis <url>', `Redis for the city state, redis://host:port, or a Redis Cluster's nodes comma-separated (${ENV.redis})`)
    .option('--threads <n>', `solver worker threads (${ENV.threads}, default cores - 1)`)
    .option('--offer-ttl-ms <ms>', `how long an offer waits for an answer (${ENV.offerTtlMs}, default 30000)`)
    .option('--decline-cooldown-ms <ms>', `a declined pair is not offered again for this long (${ENV.declineCooldownMs}, default 120000)`)
    .option('--demo', `run a simulated demo city through the API (${ENV.demo}=1)`)
    .action(async (flags: HostFlags, command: Command) => {
      let config: HostConfig;
      try {
        config = resolveHostConfig(flags);
      } catch (error) {
        if (error instanceof ConfigError) command.error(error.message);
        throw error;
      }
      const handle = await serve(config);
      await handle.done;
      process.exit(0);
    });
}
