/**
 * Every bound on a store call, in one place (docs/host.md, "Store timeouts"). With the drivers'
 * defaults a request waited for a dead Redis for over a minute (offline queue, no command
 * timeout, endless retries); with these a store that is down answers a caller within about a
 * second, as a StoreUnavailableError (HTTP 503).
 */
export const STORE_TIMEOUTS = Object.freeze({
  /** ioredis `commandTimeout`: a command sent on a connection that stopped answering. */
  redisCommandMs: 1_000,
  /** ioredis `connectTimeout` and mysql2 `connectTimeout`: opening a connection. */
  connectMs: 2_000,
  /** Reconnection back-off: 50 ms times the attempt, capped here (ioredis `retryStrategy`). */
  reconnectMaxDelayMs: 1_000,
  /**
   * Any store call, MySQL queries included (mysql2 has no pool-wide query timeout): past this the
   * caller gets StoreUnavailableError while the driver gives up on its own (the connection is
   * destroyed by the hard shutdown deadline at the latest).
   */
  callMs: 2_000,
  /** /readyz: each check (stores and the solver pool). */
  probeMs: 2_000,
});
