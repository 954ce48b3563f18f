import { randomBytes } from 'node:crypto';
import { resolveHostConfig, type HostConfig } from '../../../src/host/config.js';
import { startHost, type Host, type HostParts } from '../../../src/host/host.js';

/** A host config for tests: quiet, quick lease rounds, one solver thread. */
export function testConfig(overrides: Partial<HostConfig> = {}, env: NodeJS.ProcessEnv = {}): HostConfig {
  return {
    ...resolveHostConfig({ threads: '1', port: '0', listen: '127.0.0.1' }, { DISPATCHD_LOG: '0', ...env }),
    hostId: `test-${randomBytes(3).toString('hex')}`,
    leaseTtlMs: 3_000,
    renewIntervalMs: 1_000,
    acquireIntervalMs: 50,
    shutdownGraceMs: 2_000,
    ...overrides,
  };
}

export async function startTestHost(overrides: Partial<HostConfig> = {}, parts: HostParts = {}): Promise<Host> {
  return startHost(testConfig(overrides), { listen: false, ...parts });
}

/** Waits until `check` returns a truthy value. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const BCN = { lat: 41.39, lng: 2.17 };

export function couriers(n: number, prefix = 'c') {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i + 1}`,
    lat: BCN.lat + ((i % 7) - 3) * 0.002,
    lng: BCN.lng + ((i % 5) - 2) * 0.002,
    speed_mps: 4 + (i % 3),
    status: 'on_shift' as const,
  }));
}

export function orders(n: number, prefix = 'o') {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i + 1}`,
    pickup: { lat: BCN.lat + ((i % 4) - 2) * 0.003, lng: BCN.lng + ((i % 6) - 3) * 0.002 },
    dropoff: { lat: BCN.lat + 0.01, lng: BCN.lng - 0.01 },
  }));
}
