import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { BundlingParams, DispatchParams } from '../domain/problem.js';
import { etaModelFromJson, etaModelToJson, type EtaModelJson } from '../features/eta-model.js';
import { assertCityId } from '../state/city-id.js';
import { assertToken } from '../state/decision.js';
import { BUNDLING_NAMES, cityConfig, cityOverrides, keptShards, PARAM_NAMES, type CityConfig, type CityInput, type CityOverrides } from './city-config.js';
import { assertHolder, type Holder } from './holder.js';
import { assertTtlMs, UnknownCityError, type Census, type LeaseStore } from './lease-store.js';

/** Column of each dispatch parameter in `cities`. */
const PARAM_COLUMNS: Record<keyof DispatchParams, string> = {
  maxPickupS: 'max_pickup_s',
  maxCandidates: 'max_candidates',
  unassignedPenaltyS: 'unassigned_penalty_s',
  detourFactor: 'detour_factor',
  waitWeight: 'wait_weight',
  handoverS: 'handover_s',
};
const BUNDLING_COLUMNS: Record<keyof BundlingParams, string> = {
  maxBundleSize: 'max_bundle_size',
  bundleWindowS: 'bundle_window_s',
};
const CITY_COLUMNS = [
  'id',
  'enabled',
  ...PARAM_NAMES.map((p) => PARAM_COLUMNS[p]),
  ...BUNDLING_NAMES.map((b) => BUNDLING_COLUMNS[b]),
  'tick_ms',
  'eta_model',
  'shards',
];

/** Dead hosts' rows are pruned this long after their last heartbeat. */
const HOST_RETENTION_S = 24 * 3600;

/**
 * Leases in MySQL (MariaDB). Acquire, renew and release are each one conditional UPDATE; expiry
 * is computed by the server (UTC_TIMESTAMP), never from a host's clock. The new token comes back
 * through LAST_INSERT_ID(expr), so acquiring needs no second statement.
 */
export class MysqlLeaseStore implements LeaseStore {
  constructor(private readonly pool: Pool) {}

  async putCity(input: CityInput): Promise<CityConfig> {
    const overrides = cityOverrides(input);
    // shards is never updated: upsertCity refuses a change of it.
    return this.upsertCity(overrides, CITY_COLUMNS.slice(1, -1));
  }

  async changeCity(change: CityInput): Promise<CityConfig> {
    const overrides = cityOverrides(change);
    // Only the columns of what the change sets are updated on an existing row, in one statement.
    const updated = [
      ...(change.enabled === undefined ? [] : ['enabled']),
      ...(change.params === undefined ? [] : PARAM_NAMES.map((p) => PARAM_COLUMNS[p])),
      ...(change.bundling === undefined ? [] : BUNDLING_NAMES.map((b) => BUNDLING_COLUMNS[b])),
      ...(change.tickMs === undefined ? [] : ['tick_ms']),
      ...(change.etaModel === undefined ? [] : ['eta_model']),
    ];
    return this.upsertCity(overrides, updated);
  }

  /** Inserts the city, or updates `updated` columns of its row; then the row as the transaction left it. */
  private async upsertCity(overrides: CityOverrides, updated: readonly string[]): Promise<CityConfig> {
    const values = [
      overrides.id,
      overrides.enabled,
      ...PARAM_NAMES.map((p) => overrides.params[p] ?? null),
      ...BUNDLING_NAMES.map((b) => overrides.bundling[b] ?? null),
      overrides.tickMs ?? null,
      overrides.etaModel && JSON.stringify(etaModelToJson(overrides.etaModel)),
      overrides.shards ?? null,
    ];
    const assignments = updated.length === 0 ? 'id = id' : updated.map((c) => `${c} = VALUES(${c})`).join(', ');
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      await connection.execute(
        `INSERT INTO cities (${CITY_COLUMNS.join(', ')}) VALUES (${CITY_COLUMNS.map(() => '?').join(', ')}) ON DUPLICATE KEY UPDATE ${assignments}`,
        values,
      );
      await connection.execute('INSERT INTO leases (city_id) VALUES (?) ON DUPLICATE KEY UPDATE city_id = city_id', [overrides.id]);
      // The row is locked by the upsert until the commit: this is what it became, not a later change.
      const [rows] = await connection.execute<RowDataPacket[]>(`SELECT ${CITY_COLUMNS.join(', ')} FROM cities WHERE id = ?`, [overrides.id]);
      const city = cityFromRow(rows[0]);
      // The shard count is written only by the insert; a change of it rolls everything back.
      keptShards(city, overrides.shards);
      await connection.commit();
      return city;
    } catch (error) {
      await connection.rollback();
      throw error;
    } finally {
      connection.release();
    }
  }

  async getCity(id: string): Promise<CityConfig | undefined> {
    assertCityId(id);
    const [rows] = await this.pool.execute<RowDataPacket[]>(`SELECT ${CITY_COLUMNS.join(', ')} FROM cities WHERE id = ?`, [id]);
    return rows.length === 0 ? undefined : cityFromRow(rows[0]);
  }

  async listCities(): Promise<CityConfig[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${CITY_COLUMNS.join(', ')} FROM cities ORDER BY id`);
    return rows.map(cityFromRow);
  }

  async heartbeat(holder: Holder): Promise<void> {
    assertHolder(holder);
    await this.pool.execute(
      'INSERT INTO hosts (host_id, boot_id, last_heartbeat) VALUES (?, ?, UTC_TIMESTAMP(6)) ' + 'ON DUPLICATE KEY UPDATE last_heartbeat = UTC_TIMESTAMP(6)',
      [holder.hostId, holder.bootId],
    );
    // Every boot adds a row; crashed boots' rows would otherwise accumulate.
    await this.pool.execute('DELETE FROM hosts WHERE last_heartbeat < UTC_TIMESTAMP(6) - INTERVAL ? SECOND', [HOST_RETENTION_S]);
  }

  async forgetHost(holder: Holder): Promise<void> {
    assertHolder(holder);
    await this.pool.execute('DELETE FROM hosts WHERE host_id = ? AND boot_id = ?', [holder.hostId, holder.bootId]);
  }

  async census(liveWindowMs: number): Promise<Census> {
    assertTtlMs(liveWindowMs);
    const [[hosts], [leases]] = await Promise.all([
      this.pool.execute<RowDataPacket[]>('SELECT host_id, boot_id FROM hosts WHERE last_heartbeat > UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND', [
        liveWindowMs * 1000,
      ]),
      this.pool.query<RowDataPacket[]>(
        `SELECT l.city_id, c.enabled, l.token, l.holder_host, l.holder_boot,
                l.holder_host IS NOT NULL AND l.expires_at > UTC_TIMESTAMP(6) AS live,
                TIMESTAMPDIFF(MICROSECOND, l.expires_at, UTC_TIMESTAMP(6)) AS unheld_us
           FROM leases l JOIN cities c ON c.id = l.city_id`,
      ),
    ]);
    return {
      liveHosts: hosts.map((h) => ({ hostId: String(h.host_id), bootId: String(h.boot_id) })),
      leases: leases.map((l) => {
        const live = Number(l.live) === 1;
        return {
          city: String(l.city_id),
          enabled: Number(l.enabled) === 1,
          token: Number(l.token),
          holder: live ? { hostId: String(l.holder_host), bootId: String(l.holder_boot) } : null,
          unheldForMs: live ? 0 : l.unheld_us === null ? Infinity : Number(l.unheld_us) / 1000,
        };
      }),
    };
  }

  async acquire(city: string, holder: Holder, ttlMs: number): Promise<number | null> {
    assertCityId(city);
    assertHolder(holder);
    assertTtlMs(ttlMs);
    const [result] = await this.pool.execute<ResultSetHeader>(
      `UPDATE leases
          SET token = LAST_INSERT_ID(token + 1), holder_host = ?, holder_boot = ?,
              expires_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND
        WHERE city_id = ?
          AND (holder_host IS NULL OR expires_at <= UTC_TIMESTAMP(6))
          AND EXISTS (SELECT 1 FROM cities WHERE id = ? AND enabled)`,
      [holder.hostId, holder.bootId, ttlMs * 1000, city, city],
    );
    if (result.affectedRows === 1) return Number(result.insertId);
    await this.assertCityExists(city);
    return null;
  }

  async renew(city: string, holder: Holder, token: number, ttlMs: number): Promise<boolean> {
    assertCityId(city);
    assertHolder(holder);
    assertToken(token);
    assertTtlMs(ttlMs);
    const [result] = await this.pool.execute<ResultSetHeader>(
      `UPDATE leases SET expires_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND
        WHERE city_id = ? AND holder_host = ? AND holder_boot = ? AND token = ? AND expires_at > UTC_TIMESTAMP(6)`,
      [ttlMs * 1000, city, holder.hostId, holder.bootId, token],
    );
    if (result.affectedRows === 1) return true;
    await this.assertCityExists(city);
    return false;
  }

  async release(city: string, holder: Holder, token: number): Promise<number | null> {
    assertCityId(city);
    assertHolder(holder);
    assertToken(token);
    const [result] = await this.pool.execute<ResultSetHeader>(
      `UPDATE leases
          SET token = LAST_INSERT_ID(token + 1), holder_host = NULL, holder_boot = NULL, expires_at = UTC_TIMESTAMP(6)
        WHERE city_id = ? AND holder_host = ? AND holder_boot = ? AND token = ?`,
      [city, holder.hostId, holder.bootId, token],
    );
    if (result.affectedRows === 1) return Number(result.insertId);
    await this.assertCityExists(city);
    return null;
  }

  async currentToken(city: string): Promise<number> {
    assertCityId(city);
    const [rows] = await this.pool.execute<RowDataPacket[]>('SELECT token FROM leases WHERE city_id = ?', [city]);
    if (rows.length === 0) throw new UnknownCityError(city);
    return Number(rows[0].token);
  }

  /** Only on the failure path: tells "not yours" apart from "no such city", as the memory store does. */
  private async assertCityExists(city: string): Promise<void> {
    const [rows] = await this.pool.execute<RowDataPacket[]>('SELECT 1 FROM leases WHERE city_id = ?', [city]);
    if (rows.length === 0) throw new UnknownCityError(city);
  }
}

function cityFromRow(row: RowDataPacket): CityConfig {
  const params: Partial<DispatchParams> = {};
  for (const p of PARAM_NAMES) if (row[PARAM_COLUMNS[p]] !== null) params[p] = Number(row[PARAM_COLUMNS[p]]);
  const bundling: Partial<BundlingParams> = {};
  for (const b of BUNDLING_NAMES) if (row[BUNDLING_COLUMNS[b]] !== null) bundling[b] = Number(row[BUNDLING_COLUMNS[b]]);
  return cityConfig({
    id: String(row.id),
    enabled: Number(row.enabled) === 1,
    params,
    bundling,
    tickMs: row.tick_ms === null ? undefined : Number(row.tick_ms),
    etaModel: row.eta_model === null ? null : etaModelFromJson(JSON.parse(String(row.eta_model)) as EtaModelJson),
    shards: row.shards === null ? undefined : Number(row.shards),
  });
}
