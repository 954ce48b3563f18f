import type { RowDataPacket } from 'mysql2';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { WITH_SERVERS } from '../support/servers.js';

// `dispatchd migrate` against the local MariaDB, in a database of its own.
describe('dispatchd migrate', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it.runIf(WITH_SERVERS)('creates the schema once, then reports it up to date', async () => {
    database = await createTestDatabase({ migrated: false });
    const first = runCli(['migrate', '--mysql', database.url]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^migrated schema from version 0 to \d+:\n {2}1: /);
    const [tables] = await database.pool.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name IN (?, ?, ?, ?)',
      [database.name, 'cities', 'leases', 'hosts', 'decisions'],
    );
    expect(tables[0].n).toBe(4);

    const second = runCli(['migrate'], { env: { ...process.env, DISPATCHD_MYSQL_URL: database.url } });
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^schema is up to date \(version \d+\)\n$/);
  });

  it('needs a mysql:// URL naming a database: exit 2, one line', () => {
    const { DISPATCHD_MYSQL_URL: _unset, ...env } = process.env;
    for (const [args, line] of [
      [['migrate'], 'dispatchd: --mysql (or DISPATCHD_MYSQL_URL) is required\n'],
      [['migrate', '--mysql', 'redis://127.0.0.1:6379'], 'dispatchd: --mysql must be a mysql:// URL, got redis://\n'],
      [['migrate', '--mysql', 'mysql://root@127.0.0.1:3306/'], 'dispatchd: --mysql must name a database: mysql://user:password@host:port/database\n'],
    ] as const) {
      const run = runCli([...args], { env });
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(line);
    }
  });

  it('an unreachable server is a failure, exit 1', () => {
    const run = runCli(['migrate', '--mysql', 'mysql://root@127.0.0.1:1/dispatchd']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^dispatchd: .*ECONNREFUSED.*\n$/);
  });
});
