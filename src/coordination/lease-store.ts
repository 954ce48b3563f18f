import type { CityConfig, CityInput } from './city-config.js';
import type { Holder } from './holder.js';

/** One city's lease as the census sees it. */
export interface CensusLease {
  city: string;
  enabled: boolean;
  token: number;
  /** The holder while the lease is live (unexpired), otherwise null. */
  holder: Holder | null;
  /** How long the lease has been free (released or expired), ms; 0 while held, Infinity if never held. */
  unheldForMs: number;
}

/** Everything the fair-share policy needs, read from the store's clock. */
export interface Census {
  /** Hosts (holders) whose last heartbeat is within the liveness window. */
  liveHosts: Holder[];
  leases: CensusLease[];
}

/**
 * City configuration, host liveness and city leases with fencing tokens. Every lease operation is
 * one conditional write; expiry is computed on the store's clock only (the database server's in
 * MySQL). Every acquisition and every release increments the city's token, so tokens per city
 * strictly increase across all holders, forever.
 */
export interface LeaseStore {
  /** Creates or replaces a city's configuration; its lease (and token) is created once and kept. */
  putCity(input: CityInput): Promise<CityConfig>;
  /**
   * Creates or changes a city in one atomic step: what the change sets replaces the stored value
   * (`params` and `bundling` each as a whole group), what it leaves out is kept (the defaults,
   * for a new city). Two concurrent changes of different fields both land.
   */
  changeCity(change: CityInput): Promise<CityConfig>;
  getCity(id: string): Promise<CityConfig | undefined>;
  listCities(): Promise<CityConfig[]>;

  /** Records that the holder's process is alive now. */
  heartbeat(holder: Holder): Promise<void>;
  /** Forgets the holder's process (graceful shutdown), so it stops counting as live at once. */
  forgetHost(holder: Holder): Promise<void>;
  census(liveWindowMs: number): Promise<Census>;

  /** Takes a free or expired lease of an enabled city; returns the new token, or null when held. */
  acquire(city: string, holder: Holder, ttlMs: number): Promise<number | null>;
  /** Extends an unexpired lease still held with this token; false when it is not. */
  renew(city: string, holder: Holder, token: number, ttlMs: number): Promise<boolean>;
  /** Frees a lease still held with this token and bumps the token; returns the new token, or null. */
  release(city: string, holder: Holder, token: number): Promise<number | null>;
  /** The city's current token (the floor for re-seeding a lost fence). */
  currentToken(city: string): Promise<number>;
}

export function assertTtlMs(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new RangeError(`lease TTL must be a positive integer of ms, got ${ttlMs}`);
}

export class UnknownCityError extends Error {
  constructor(readonly city: string) {
    super(`unknown city ${city}`);
    this.name = 'UnknownCityError';
  }
}
