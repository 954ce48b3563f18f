import { STORE_TIMEOUTS } from './store-timeouts.js';

/** The three stores, by the name /readyz and error messages use. */
export type StoreName = 'leases' | 'state' | 'decisions';

const DESCRIPTIONS: Record<StoreName, string> = { leases: 'lease store (MySQL)', state: 'state store (Redis)', decisions: 'decision log (MySQL)' };

/** A store did not answer (down, unreachable, or past its timeout): HTTP 503 `store_unavailable`. */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  constructor(
    readonly store: StoreName,
    reason: string,
  ) {
    super(`${DESCRIPTIONS[store]} unavailable: ${reason}`);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Wraps every method of a store so that it settles within `timeoutMs` and so that a driver's
 * connection-level failure (`isConnectionError`) becomes a StoreUnavailableError. Other errors
 * (bad input, a script's error reply) pass through unchanged.
 */
export function boundedStore<T extends object>(
  name: StoreName,
  store: T,
  isConnectionError: (error: unknown) => boolean,
  timeoutMs: number = STORE_TIMEOUTS.callMs,
): T {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StoreUnavailableError(name, `no answer within ${timeoutMs} ms`)), timeoutMs);
        });
        const call = Promise.resolve()
          .then(() => (value as (...a: unknown[]) => unknown).apply(target, args))
          .catch((error: unknown) => {
            throw isConnectionError(error) ? new StoreUnavailableError(name, error instanceof Error ? error.message : String(error)) : error;
          });
        return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
      };
    },
  });
}

/**
 * ioredis fails a command without a reply from the server (not a ReplyError) only for connection
 * reasons; on a Redis Cluster also while no master is reachable or a master's slots have no
 * node (CLUSTERDOWN, the one reply that means the store is unavailable).
 */
export function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    error.name === 'ClusterAllFailedError' ||
    error.message === 'Command timed out' ||
    error.message === 'Connection is closed.' ||
    error.message.startsWith("Stream isn't writeable") ||
    error.message.startsWith("Cluster isn't ready") ||
    error.message.startsWith('CLUSTERDOWN')
  );
}

/** mysql2 marks the errors that cost the connection (refused, lost, timed out) as fatal. */
export function isMysqlConnectionError(error: unknown): boolean {
  return error instanceof Error && (error as { fatal?: unknown }).fatal === true;
}
