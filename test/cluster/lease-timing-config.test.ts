import { describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_TIMING } from '../../src/coordination/lease-keeper.js';
import { ConfigError, resolveHostConfig } from '../../src/host/config.js';

describe('lease timing from the environment', () => {
  it('defaults to the keeper defaults', () => {
    const config = resolveHostConfig({}, {});
    expect([config.leaseTtlMs, config.renewIntervalMs, config.acquireIntervalMs]).toEqual([
      DEFAULT_LEASE_TIMING.ttlMs,
      DEFAULT_LEASE_TIMING.renewIntervalMs,
      DEFAULT_LEASE_TIMING.acquireIntervalMs,
    ]);
  });

  it('reads DISPATCHD_LEASE_TTL_MS, _RENEW_MS and _ACQUIRE_MS', () => {
    const config = resolveHostConfig({}, { DISPATCHD_LEASE_TTL_MS: '3000', DISPATCHD_LEASE_RENEW_MS: '1000', DISPATCHD_LEASE_ACQUIRE_MS: '250' });
    expect([config.leaseTtlMs, config.renewIntervalMs, config.acquireIntervalMs]).toEqual([3_000, 1_000, 250]);
  });

  it('refuses a renewal interval above half the TTL, or a non-integer, in one line', () => {
    expect(() => resolveHostConfig({}, { DISPATCHD_LEASE_TTL_MS: '3000', DISPATCHD_LEASE_RENEW_MS: '2000' })).toThrow(
      new ConfigError('DISPATCHD_LEASE_RENEW_MS (2000) must be at most half of DISPATCHD_LEASE_TTL_MS (3000)'),
    );
    expect(() => resolveHostConfig({}, { DISPATCHD_LEASE_TTL_MS: '3s' })).toThrow(/DISPATCHD_LEASE_TTL_MS must be an integer/);
  });
});
