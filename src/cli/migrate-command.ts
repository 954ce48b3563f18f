/**
 * `dispatchd migrate [--mysql URL]`: brings the lease store's schema up to date (the same
 * idempotent, versioned migrations `serve` runs at start-up) and says what it applied. The
 * MySQL driver is imported only when it runs.
 */
import type { Command } from 'commander';
import { ConfigError, ENV, serviceUrl } from '../host/config.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create or upgrade the MySQL schema (cities, leases, hosts, decisions)')
    .option('--mysql <url>', `the database, mysql://user:pass@host:port/db (${ENV.mysql})`)
    .action(async (flags: { mysql?: string }, command: Command) => {
      const [name, text] = flags.mysql !== undefined ? ['--mysql', flags.mysql] : [ENV.mysql, process.env[ENV.mysql] || undefined];
      if (text === undefined) command.error(`--mysql (or ${ENV.mysql}) is required`);
      let url: string;
      try {
        url = serviceUrl(name, text, ['mysql:']);
      } catch (error) {
        if (error instanceof ConfigError) command.error(error.message);
        throw error;
      }
      const { formatMigrationReport, runMigrateCommand } = await import('../coordination/migrations.js');
      process.stdout.write(`${formatMigrationReport(await runMigrateCommand(url))}\n`);
    });
}
