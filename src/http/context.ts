import type { FastifyBaseLogger } from 'fastify';
import type { Holder } from '../coordination/holder.js';
import type { LeaseStore } from '../coordination/lease-store.js';
import type { DispatchLoop, LeaseSource } from '../dispatch/dispatch-loop.js';
import type { DispatchMetrics } from '../dispatch/metrics.js';
import type { DispatchSolver } from '../dispatch/solver.js';
import type { CityStateStore } from '../state/city-state-store.js';
import type { DecisionLog } from '../state/decision-log.js';

/** What the routes work with: the stores, the solver pool, the loop and the host's settings. */
export interface HostContext {
  stores: { leases: LeaseStore; state: CityStateStore; decisions: DecisionLog };
  pool: DispatchSolver;
  loop: DispatchLoop;
  keeper: LeaseSource;
  holder: Holder;
  metrics: DispatchMetrics;
  /** The host's JSON logger: the app logs each request with a child of it. */
  log: FastifyBaseLogger;
  config: AppConfig;
}

export interface AppConfig {
  /** When set, mutating routes need `Authorization: Bearer <token>`. */
  token?: string;
  /** With a token: the API's reads (GET /v1/..., /metrics) need it too. */
  tokenReads: boolean;
  /** A declined (order, courier) pair is not offered again for this long. */
  declineCooldownMs: number;
  /** Lease TTL: the liveness window of the census behind GET /v1/leases. */
  leaseTtlMs: number;
  /** Largest request body; sized for a bulk upsert of 50,000 couriers. */
  bodyLimitBytes: number;
}

export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
export const DEFAULT_DECLINE_COOLDOWN_MS = 120_000;
