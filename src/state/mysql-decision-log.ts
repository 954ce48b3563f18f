import { createHash } from 'node:crypto';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { assertCityId } from './city-id.js';
import type { Certificate, CommittedDecision } from './decision.js';
import { assertCommittedDecision, assertReadWindow, assertVersionRange, DecisionVersionConflictError, type DecisionLog } from './decision-log.js';

/** Rows per INSERT are bounded by size: a 4,000-assignment decision is ~100 KB of JSON. */
const MAX_BATCH_BYTES = 1 << 20;

/** The decisions table (created by the coordination migrations). */
export class MysqlDecisionLog implements DecisionLog {
  constructor(private readonly pool: Pool) {}

  async append(decisions: readonly CommittedDecision[]): Promise<void> {
    decisions.forEach(assertCommittedDecision);
    const conflicts: { city: string; version: number }[] = [];
    for (const batch of batchesBySize(decisions.map(decisionRow))) {
      // The no-op update keeps a recorded (city, version) as it is without masking other errors
      // as INSERT IGNORE would, and makes the statement's insert id that version (≥ 1; the table
      // has no AUTO_INCREMENT column, so a statement inserting every row reports 0). Only then
      // can a row be a repeat: reading the batch back tells a retry from a different decision.
      const [result] = await this.pool.query<ResultSetHeader>(
        'INSERT INTO decisions (city_id, version, token, holder, committed_at_ms, assignments, objective, certificate) VALUES ? ' +
          'ON DUPLICATE KEY UPDATE version = LAST_INSERT_ID(version)',
        [batch],
      );
      if (Number(result.insertId) !== 0) conflicts.push(...(await this.differingRows(batch)));
    }
    if (conflicts.length > 0) throw new DecisionVersionConflictError(conflicts);
  }

  /** The rows of the batch whose recorded content is not what the batch wrote. */
  private async differingRows(batch: DecisionRow[]): Promise<{ city: string; version: number }[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT city_id, version, token, holder, committed_at_ms, MD5(assignments) AS digest, objective, certificate FROM decisions WHERE (city_id, version) IN (?)',
      [batch.map(([city, version]) => [city, version])],
    );
    const recorded = new Map(rows.map((r) => [`${r.city_id}\u0000${r.version}`, r]));
    return batch
      .filter(([city, version, token, holder, committedAt, assignments, objective, certificate]) => {
        const r = recorded.get(`${city}\u0000${version}`);
        return (
          !r ||
          Number(r.token) !== token ||
          r.holder !== holder ||
          Number(r.committed_at_ms) !== committedAt ||
          r.digest !== md5(assignments) ||
          objectiveOf(r.objective) !== objective ||
          r.certificate !== certificate
        );
      })
      .map(([city, version]) => ({ city, version }));
  }

  async recordedVersions(city: string, from: number, to: number): Promise<number[]> {
    assertCityId(city);
    assertVersionRange(from, to);
    const [rows] = await this.pool.execute<RowDataPacket[]>('SELECT version FROM decisions WHERE city_id = ? AND version BETWEEN ? AND ? ORDER BY version', [
      city,
      from,
      to,
    ]);
    return rows.map((r) => Number(r.version));
  }

  async lastVersion(city: string): Promise<number> {
    assertCityId(city);
    const [rows] = await this.pool.execute<RowDataPacket[]>('SELECT COALESCE(MAX(version), 0) AS version FROM decisions WHERE city_id = ?', [city]);
    return Number(rows[0].version);
  }

  async read(city: string, afterVersion: number, limit: number): Promise<CommittedDecision[]> {
    assertCityId(city);
    assertReadWindow(afterVersion, limit);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT version, token, holder, committed_at_ms, assignments, objective, certificate FROM decisions ' +
        'WHERE city_id = ? AND version > ? ORDER BY version LIMIT ?',
      [city, afterVersion, limit],
    );
    return rows.map((r) => ({
      city,
      version: Number(r.version),
      token: Number(r.token),
      holder: String(r.holder),
      committedAt: Number(r.committed_at_ms),
      assignments: (JSON.parse(String(r.assignments)) as [string, string][]).map(([order, courier]) => ({ order, courier })),
      objective: objectiveOf(r.objective),
      certificate: r.certificate as Certificate,
    }));
  }
}

type DecisionRow = [string, number, number, string, number, string, number | null, Certificate];

/** A BIGINT column comes back as a number or a string, depending on the driver's settings. */
function objectiveOf(column: unknown): number | null {
  return column === null ? null : Number(column);
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function decisionRow(d: CommittedDecision): DecisionRow {
  const assignments = JSON.stringify(d.assignments.map((a) => [a.order, a.courier]));
  return [d.city, d.version, d.token, d.holder, d.committedAt, assignments, d.objective, d.certificate];
}

function* batchesBySize(rows: DecisionRow[]): Generator<DecisionRow[]> {
  let batch: DecisionRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (batch.length > 0 && bytes + row[5].length > MAX_BATCH_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(row);
    bytes += row[5].length;
  }
  if (batch.length > 0) yield batch;
}
