/**
 * `dispatchd migrate [--mysql URL]`: brings the lease store's schema up to date (the same
 * idempotent, versioned migrations `serve` runs at start-up) and says what it applied.
 */
import type { Command } from 'commander';
import { formatMigrationReport, runMigrateCommand } from '../coordination/migrations.js';
import { ConfigError, ENV, serviceUrl } from '../host/config.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create or upgrade the MySQL schema (cities, leases, hosts, decisions)')
    .option('--mysql <url>', `the database, mysql://user:pass@host:port/db (${ENV.mysql})`)
    .action(async (flags: { mysql?: string }, command: Command) => {
      let url: string | undefined;
      try {
        url = serviceUrl('--mysql', flags.mysql ?? process.env[ENV.mysql], ['mysql:']);
      } catch (error) {
        if (error instanceof ConfigError) command.error(error.message);
        throw error;
      }
      if (url === undefined) command.error(`--mysql (or ${ENV.mysql}) is required`);
      process.stdout.write(`${formatMigrationReport(await runMigrateCommand(url))}\n`);
    });
}
