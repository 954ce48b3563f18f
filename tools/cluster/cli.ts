#!/usr/bin/env node
/**
 * `npm run cluster -- --hosts N` (dev tooling, not in the package): N `dispatchd serve` processes
 * on loopback ports against MySQL and Redis, the load feeder (cities, moving couriers, orders, offers answered), and a live table
 * of leases per host, ticks and commits per second and rejections (from each host's /metrics).
 * Ctrl-C (or --duration) stops the feeder, shuts the hosts down gracefully and cleans up; with
 * --check the whole decision log is then checked (docs/scaling.md).
 */
import { quietProgram, runProgram } from '../../src/cli/run-program.js';
import type { ClusterFlags } from './run.js';

await runProgram(
  quietProgram('dispatchd-cluster')
    .description('run N serve processes against MySQL and Redis with a load feeder, and print a live table')
    .option('--hosts <n>', 'serve processes to start', '3')
    .option('--base-port <port>', 'the first host listens here, the next on +1, ... (0: free ports)', '4100')
    .option(
      '--mysql <url>',
      'MySQL server; without a database part a fresh dispatchd_cluster_<hex> database is made and dropped at exit',
      'mysql://root@127.0.0.1:3306/',
    )
    .option('--redis <url>', 'Redis server (keys under a fresh dispatchd_cluster_<hex>: prefix, deleted at exit)', 'redis://127.0.0.1:6379')
    .option('--cities <n>', 'cities fed', '8')
    .option('--couriers <n>', 'couriers per city', '40')
    .option('--orders <n>', 'orders per city at start (more keep arriving)', '20')
    .option('--tick-ms <ms>', 'dispatch interval of every city', '500')
    .option('--lease-ttl-ms <ms>', 'lease TTL of every host (DISPATCHD_LEASE_TTL_MS)', '3000')
    .option('--renew-ms <ms>', 'lease renewal interval (DISPATCHD_LEASE_RENEW_MS)', '1000')
    .option('--acquire-ms <ms>', 'lease acquisition interval (DISPATCHD_LEASE_ACQUIRE_MS)', '250')
    .option('--offer-ttl-ms <ms>', 'how long an offer waits for an answer', '2000')
    .option('--threads <n>', 'solver threads per host', '1')
    .option('--duration <s>', 'stop after this many seconds of traffic, once the hosts are up and the cities set up (default: until Ctrl-C)')
    .option('--check', 'check the whole decision log at the end (exit 1 on a violation)')
    .option('--keep', 'keep the database and the Redis keys')
    .action(async (flags: ClusterFlags) => {
      const { runCluster } = await import('./run.js');
      process.exitCode = await runCluster(flags);
    }),
);
