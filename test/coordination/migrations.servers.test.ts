import type { RowDataPacket } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { formatMigrationReport, migrate, MIGRATIONS, runMigrateCommand } from '../../src/coordination/migrations.js';
import { createMysqlPool } from '../../src/coordination/mysql.js';
import { MysqlDecisionLog } from '../../src/state/mysql-decision-log.js';
import { createTestDatabase, type TestDatabase } from './support/mysql.js';

describe('migrations', () => {
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const db = await createTestDatabase({ migrated: false });
    databases.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((db) => db.drop()));
  });

  const tables = async (db: TestDatabase) => {
    const [rows] = await db.pool.query<RowDataPacket[]>('SHOW TABLES');
    return rows.map((r) => String(Object.values(r)[0])).sort();
  };

  it('create the schema once; running them again changes nothing', async () => {
    const db = await fresh();
    const first = await migrate(db.pool);
    expect(first).toEqual({ from: 0, to: MIGRATIONS.length, applied: MIGRATIONS.map(({ version, name }) => ({ version, name })) });
    expect(await tables(db)).toEqual(['cities', 'decisions', 'hosts', 'leases', 'schema_migrations']);
    expect(await migrate(db.pool)).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
    expect(formatMigrationReport(first)).toMatch(
      /from version 0 to 6:\n {2}1: cities, leases and hosts\n {2}2: durable decision log\n {2}3: bundling knobs per city\n {2}4: ETA model per city\n {2}5: decision objective and certificate\n {2}6: area shards per city/,
    );
  });

  it('run each step once when several hosts start together', async () => {
    const db = await fresh();
    const pools = [createMysqlPool(db.url), createMysqlPool(db.url), createMysqlPool(db.url)];
    try {
      const reports = await Promise.all(pools.map((pool) => migrate(pool)));
      expect(reports.flatMap((r) => r.applied.map((m) => m.version)).sort()).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('bring an older schema up to date, re-running a step whose DDL already happened', async () => {
    const db = await fresh();
    await migrate(db.pool, MIGRATIONS.slice(0, 1));
    // A crash after step 2's DDL but before its schema_migrations row.
    for (const statement of MIGRATIONS[1].statements) await db.pool.query(statement);
    expect(await migrate(db.pool)).toMatchObject({
      from: 1,
      to: MIGRATIONS.length,
      applied: [{ version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }],
    });
  });

  it('keep the decisions recorded before a decision carried its audit: objective null, certificate none', async () => {
    const db = await fresh();
    await migrate(db.pool, MIGRATIONS.slice(0, 4));
    await db.pool.query(
      "INSERT INTO decisions (city_id, version, token, holder, committed_at_ms, assignments) VALUES ('bcn', 1, 2, 'host-a/boot', 1790000000000, '[[\"o1\",\"c1\"]]')",
    );
    await migrate(db.pool);
    expect(await new MysqlDecisionLog(db.pool).read('bcn', 0, 10)).toEqual([
      {
        city: 'bcn',
        version: 1,
        token: 2,
        holder: 'host-a/boot',
        committedAt: 1790000000000,
        assignments: [{ order: 'o1', courier: 'c1' }],
        objective: null,
        certificate: 'none',
      },
    ]);
  });

  it('refuse a database newer than the build', async () => {
    const db = await fresh();
    await migrate(db.pool);
    await db.pool.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
    await expect(migrate(db.pool)).rejects.toThrow(/version 99, newer than this build knows \(6\)/);
  });

  it('are what `dispatchd migrate --mysql URL` runs', async () => {
    const db = await fresh();
    expect(await runMigrateCommand(db.url)).toMatchObject({ from: 0, to: MIGRATIONS.length });
    expect(await runMigrateCommand(db.url)).toMatchObject({ from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
    await expect(runMigrateCommand('not a url')).rejects.toThrow(/invalid MySQL URL/);
    await expect(runMigrateCommand('mysql://root:secret@127.0.0.1:3306')).rejects.toThrow(/root:\*\*\*@/);
  });
});
