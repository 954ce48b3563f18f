import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { createMysqlPool } from './mysql.js';

/**
 * The coordination schema as an ordered list of versioned steps. Each step is idempotent (it may
 * be re-run after a crash between its DDL and its schema_migrations row); a step, once released,
 * is never edited — changes are new steps.
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'cities, leases and hosts',
    statements: [
      // A NULL parameter means the spec's default (DEFAULT_PARAMS), so defaults live in one place.
      `CREATE TABLE IF NOT EXISTS cities (
        id VARCHAR(64) NOT NULL PRIMARY KEY,
        enabled BOOLEAN NOT NULL DEFAULT TRUE,
        max_pickup_s DOUBLE NULL,
        max_candidates INT NULL,
        unassigned_penalty_s DOUBLE NULL,
        detour_factor DOUBLE NULL,
        wait_weight DOUBLE NULL,
        handover_s DOUBLE NULL,
        tick_ms INT NULL
      ) ENGINE = InnoDB`,
      // One row per city, never deleted, so its token increases forever. expires_at is the
      // expiry while held, the release time once released, NULL if never held (server UTC).
      `CREATE TABLE IF NOT EXISTS leases (
        city_id VARCHAR(64) NOT NULL PRIMARY KEY,
        holder_host VARCHAR(64) NULL,
        holder_boot VARCHAR(64) NULL,
        token BIGINT UNSIGNED NOT NULL DEFAULT 0,
        expires_at DATETIME(6) NULL,
        CONSTRAINT leases_city FOREIGN KEY (city_id) REFERENCES cities (id)
      ) ENGINE = InnoDB`,
      `CREATE TABLE IF NOT EXISTS hosts (
        host_id VARCHAR(64) NOT NULL,
        boot_id VARCHAR(64) NOT NULL,
        last_heartbeat DATETIME(6) NOT NULL,
        PRIMARY KEY (host_id, boot_id)
      ) ENGINE = InnoDB`,
    ],
  },
  {
    version: 2,
    name: 'durable decision log',
    statements: [
      `CREATE TABLE IF NOT EXISTS decisions (
        city_id VARCHAR(64) NOT NULL,
        version BIGINT UNSIGNED NOT NULL,
        token BIGINT UNSIGNED NOT NULL,
        holder VARCHAR(200) NOT NULL,
        committed_at_ms BIGINT NOT NULL,
        assignments LONGTEXT NOT NULL COMMENT 'JSON [[order id, courier id], ...]',
        PRIMARY KEY (city_id, version)
      ) ENGINE = InnoDB`,
    ],
  },
  {
    version: 3,
    name: 'bundling knobs per city',
    statements: [
      // NULL means the default (DEFAULT_BUNDLING), as for the dispatch parameters.
      'ALTER TABLE cities ADD COLUMN IF NOT EXISTS max_bundle_size INT NULL, ADD COLUMN IF NOT EXISTS bundle_window_s DOUBLE NULL',
    ],
  },
  {
    version: 4,
    name: 'ETA model per city',
    statements: [
      // JSON as etaModelToJson writes it; NULL: the city dispatches on caller-given ready times.
      "ALTER TABLE cities ADD COLUMN IF NOT EXISTS eta_model LONGTEXT NULL COMMENT 'JSON: the ETA model (src/features/eta-model.ts)'",
    ],
  },
  {
    version: 5,
    name: 'decision objective and certificate',
    statements: [
      // Decisions recorded before this step keep NULL and 'none': nothing was checked for them.
      "ALTER TABLE decisions ADD COLUMN IF NOT EXISTS objective BIGINT NULL COMMENT 'deciseconds', " +
        "ADD COLUMN IF NOT EXISTS certificate VARCHAR(8) NOT NULL DEFAULT 'none' COMMENT 'checked | failed | none'",
    ],
  },
  {
    version: 6,
    name: 'area shards per city',
    statements: [
      // NULL means the default (one shard); written by the city's insert only (ShardsFixedError).
      "ALTER TABLE cities ADD COLUMN IF NOT EXISTS shards INT NULL COMMENT 'area shards (docs/scaling.md)'",
    ],
  },
];

export interface MigrationReport {
  /** Schema version before and after. */
  from: number;
  to: number;
  applied: { version: number; name: string }[];
}

const LOCK_TIMEOUT_S = 60;

/**
 * Brings the database to the latest schema. Hosts starting together serialise on a named lock
 * (per database), so each step runs once; running it again is a no-op.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  assertOrdered(migrations);
  const connection = await pool.getConnection();
  try {
    const [[{ locked }]] = await connection.query<RowDataPacket[]>("SELECT GET_LOCK(CONCAT('dispatchd.migrate.', DATABASE()), ?) AS locked", [LOCK_TIMEOUT_S]);
    if (locked !== 1) throw new Error(`could not take the migration lock within ${LOCK_TIMEOUT_S} s`);
    try {
      return await applyPending(connection, migrations);
    } finally {
      await connection.query("SELECT RELEASE_LOCK(CONCAT('dispatchd.migrate.', DATABASE()))");
    }
  } finally {
    connection.release();
  }
}

async function applyPending(connection: PoolConnection, migrations: readonly Migration[]): Promise<MigrationReport> {
  await connection.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version INT NOT NULL PRIMARY KEY,
      name VARCHAR(200) NOT NULL,
      applied_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)
    ) ENGINE = InnoDB`,
  );
  const [rows] = await connection.query<RowDataPacket[]>('SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations');
  const from = Number(rows[0].version);
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new Error(`database schema is at version ${from}, newer than this build knows (${latest}); upgrade dispatchd`);
  }
  const applied: MigrationReport['applied'] = [];
  for (const migration of migrations.filter((m) => m.version > from)) {
    for (const statement of migration.statements) await connection.query(statement);
    await connection.query('INSERT INTO schema_migrations (version, name) VALUES (?, ?)', [migration.version, migration.name]);
    applied.push({ version: migration.version, name: migration.name });
  }
  return { from, to: Math.max(from, latest), applied };
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

/** What `dispatchd migrate --mysql URL` runs: migrate and close. */
export async function runMigrateCommand(url: string): Promise<MigrationReport> {
  const pool = createMysqlPool(url, 1);
  try {
    return await migrate(pool);
  } finally {
    await pool.end();
  }
}

export function formatMigrationReport(report: MigrationReport): string {
  if (report.applied.length === 0) return `schema is up to date (version ${report.to})`;
  const steps = report.applied.map((m) => `  ${m.version}: ${m.name}`).join('\n');
  return `migrated schema from version ${report.from} to ${report.to}:\n${steps}`;
}
