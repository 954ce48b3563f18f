import { randomBytes } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import { migrate } from '../../../src/coordination/migrations.js';
import { createMysqlPool, runOnServer } from '../../../src/coordination/mysql.js';

/** The local server (root, empty password); override with DISPATCHD_TEST_MYSQL_URL (no database part). */
const SERVER_URL = process.env.DISPATCHD_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
}

/** A database of its own for one test (or file), so test files can run in parallel. */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const name = `dispatchd_test_${randomBytes(6).toString('hex')}`;
  await runOnServer(SERVER_URL, `CREATE DATABASE ${name}`);
  const url = new URL(name, SERVER_URL).href;
  const pool = createMysqlPool(url);
  if (migrated) await migrate(pool);
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await runOnServer(SERVER_URL, `DROP DATABASE IF EXISTS ${name}`);
    },
  };
}
