import { createConnection, createPool, type Pool } from 'mysql2/promise';
import { STORE_TIMEOUTS } from './store-timeouts.js';

/**
 * A pool for a `mysql://user:password@host:port/database` URL. Times never cross the wire as
 * DATETIME values (expiry is compared on the server), so the session time zone does not matter.
 */
export function createMysqlPool(url: string, connectionLimit = 10): Pool {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`invalid MySQL URL ${JSON.stringify(url)}: expected mysql://user:password@host:port/database`);
  }
  if (parsed.protocol !== 'mysql:' || parsed.pathname.length <= 1) {
    throw new TypeError(`invalid MySQL URL ${JSON.stringify(redactPassword(parsed))}: expected mysql://user:password@host:port/database`);
  }
  return createPool({ uri: url, connectionLimit, supportBigNumbers: true, bigNumberStrings: false, connectTimeout: STORE_TIMEOUTS.connectMs });
}

function redactPassword(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href;
}

/** Runs one statement on a server URL that need not name a database (creating or dropping one). */
export async function runOnServer(serverUrl: string, sql: string): Promise<void> {
  const connection = await createConnection({ uri: serverUrl });
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}
