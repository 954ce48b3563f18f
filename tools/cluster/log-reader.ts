/**
 * Reads the whole decision log of a cluster for the checker: every decision in the MySQL table
 * and every decision still in the cities' Redis streams (both copies are returned; the checker
 * merges them and reports any that disagree).
 */
import type { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import type { CommittedDecision } from '../../src/state/decision.js';
import { MysqlDecisionLog } from '../../src/state/mysql-decision-log.js';
import { RedisCityStateStore } from '../../src/state/redis-city-state-store.js';

export interface DecisionLogSources {
  /** A pool on the cluster's database. */
  pool: Pool;
  /** A client of the cluster's Redis; omit when it is unreachable. */
  redis?: Redis;
  keyPrefix: string;
  cities: readonly string[];
}

export interface ReadLog {
  decisions: CommittedDecision[];
  fromTable: number;
  fromStreams: number;
}

export async function readDecisionLog(sources: DecisionLogSources): Promise<ReadLog> {
  const table = new MysqlDecisionLog(sources.pool);
  const state = sources.redis ? new RedisCityStateStore(sources.redis, { keyPrefix: sources.keyPrefix }) : undefined;
  const decisions: CommittedDecision[] = [];
  let fromTable = 0;
  let fromStreams = 0;
  for (const city of sources.cities) {
    for (let after = 0; ;) {
      const page = await table.read(city, after, 1_000);
      decisions.push(...page);
      fromTable += page.length;
      if (page.length < 1_000) break;
      after = page[page.length - 1].version;
    }
    if (state) {
      const stream = await state.readDecisionStream(city);
      decisions.push(...stream);
      fromStreams += stream.length;
    }
  }
  return { decisions, fromTable, fromStreams };
}
