import { assertCityId } from '../state/city-id.js';
import { assertToken } from '../state/decision.js';
import { cityConfig, cityOverrides, keptShards, type CityConfig, type CityInput, type CityOverrides } from './city-config.js';
import { assertHolder, holderName, sameHolder, type Holder } from './holder.js';
import { assertTtlMs, UnknownCityError, type Census, type LeaseStore } from './lease-store.js';

interface LeaseRow {
  holder: Holder | null;
  token: number;
  /** While held: the expiry; once released: the release time; null: never held. */
  expiresAt: number | null;
}

export interface MemoryLeaseStoreOptions {
  /** The "database clock", epoch ms: expiry is computed on it alone. */
  now?: () => number;
}

/**
 * The embedded lease store, with the MySQL store's semantics. Each method runs without awaiting,
 * so each is atomic as the single conditional statements of the MySQL store are.
 */
export class MemoryLeaseStore implements LeaseStore {
  private readonly cities = new Map<string, CityOverrides>();
  private readonly leases = new Map<string, LeaseRow>();
  private readonly hosts = new Map<string, { holder: Holder; lastHeartbeat: number }>();
  private readonly now: () => number;

  constructor(options: MemoryLeaseStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  async putCity(input: CityInput): Promise<CityConfig> {
    const given = cityOverrides(input);
    const existing = this.cities.get(given.id);
    const overrides = existing ? { ...given, shards: keptShards(cityConfig(existing), given.shards) } : given;
    this.cities.set(overrides.id, overrides);
    if (!this.leases.has(overrides.id)) this.leases.set(overrides.id, { holder: null, token: 0, expiresAt: null });
    return cityConfig(overrides);
  }

  async changeCity(change: CityInput): Promise<CityConfig> {
    const given = cityOverrides(change);
    const existing = this.cities.get(change.id);
    return this.putCity({
      id: change.id,
      enabled: change.enabled ?? existing?.enabled,
      params: change.params === undefined ? existing?.params : given.params,
      bundling: change.bundling === undefined ? existing?.bundling : given.bundling,
      tickMs: change.tickMs ?? existing?.tickMs,
      etaModel: change.etaModel === undefined ? existing?.etaModel : change.etaModel,
      shards: change.shards,
    });
  }

  async getCity(id: string): Promise<CityConfig | undefined> {
    assertCityId(id);
    const overrides = this.cities.get(id);
    return overrides && cityConfig(overrides);
  }

  async listCities(): Promise<CityConfig[]> {
    return [...this.cities.values()].map(cityConfig).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async heartbeat(holder: Holder): Promise<void> {
    assertHolder(holder);
    this.hosts.set(holderName(holder), { holder: { ...holder }, lastHeartbeat: this.now() });
  }

  async forgetHost(holder: Holder): Promise<void> {
    assertHolder(holder);
    this.hosts.delete(holderName(holder));
  }

  async census(liveWindowMs: number): Promise<Census> {
    assertTtlMs(liveWindowMs);
    const now = this.now();
    const liveHosts = [...this.hosts.values()].filter((h) => h.lastHeartbeat > now - liveWindowMs).map((h) => ({ ...h.holder }));
    const leases = [...this.leases].map(([city, row]) => {
      const live = this.isLive(row, now);
      return {
        city,
        enabled: this.cities.get(city)!.enabled,
        token: row.token,
        holder: live ? { ...row.holder! } : null,
        unheldForMs: live ? 0 : row.expiresAt === null ? Infinity : now - row.expiresAt,
      };
    });
    return { liveHosts, leases };
  }

  async acquire(city: string, holder: Holder, ttlMs: number): Promise<number | null> {
    assertHolder(holder);
    assertTtlMs(ttlMs);
    const row = this.lease(city);
    const now = this.now();
    if (!this.cities.get(city)!.enabled || this.isLive(row, now)) return null;
    row.token += 1;
    row.holder = { ...holder };
    row.expiresAt = now + ttlMs;
    return row.token;
  }

  async renew(city: string, holder: Holder, token: number, ttlMs: number): Promise<boolean> {
    assertHolder(holder);
    assertToken(token);
    assertTtlMs(ttlMs);
    const row = this.lease(city);
    const now = this.now();
    if (!sameHolder(row.holder, holder) || row.token !== token || !this.isLive(row, now)) return false;
    row.expiresAt = now + ttlMs;
    return true;
  }

  async release(city: string, holder: Holder, token: number): Promise<number | null> {
    assertHolder(holder);
    assertToken(token);
    const row = this.lease(city);
    if (!sameHolder(row.holder, holder) || row.token !== token) return null;
    row.token += 1;
    row.holder = null;
    row.expiresAt = this.now();
    return row.token;
  }

  async currentToken(city: string): Promise<number> {
    return this.lease(city).token;
  }

  private lease(city: string): LeaseRow {
    assertCityId(city);
    const row = this.leases.get(city);
    if (!row) throw new UnknownCityError(city);
    return row;
  }

  private isLive(row: LeaseRow, now: number): boolean {
    return row.holder !== null && row.expiresAt !== null && row.expiresAt > now;
  }
}
