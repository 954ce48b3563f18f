/**
 * What an operator sees: request ids (taken from x-request-id or made) in answers and log
 * lines; JSON log lines at the default level info for requests, lease events and dispatches;
 * serve()'s lifecycle lines at any level; HTTP metrics and build info on /metrics; and the
 * token on reads with DISPATCHD_TOKEN_READS=1.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveHostConfig } from '../../src/host/config.js';
import { hostLogger, startHost, type Host } from '../../src/host/host.js';
import { serve } from '../../src/host/serve.js';
import { couriers, orders, startTestHost, testConfig, waitFor } from './support/host.js';

type Line = Record<string, unknown> & { level: number; msg: string };

/** A pino destination that keeps every line, parsed. */
function capture() {
  const lines: Line[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(JSON.parse(line) as Line) } };
}

describe('logs at the default level', () => {
  let host: Host;
  const { lines, stream } = capture();
  const find = (event: string, city: string) => lines.filter((l) => l.event === event && l.city === city);
  beforeAll(async () => {
    const config = testConfig({}, { DISPATCHD_LOG: '1' });
    expect(config.logLevel).toBe('info');
    host = await startHost(config, { listen: false, log: hostLogger(config, stream) });
  });
  afterAll(() => host.close());

  it('every line is JSON; a request line carries the request id, which the answer returns', async () => {
    const given = await host.app.inject({ url: '/v1/cities/nowhere', headers: { 'x-request-id': 'req-42' } });
    expect(given.headers['x-request-id']).toBe('req-42');
    const made = await host.app.inject({ url: '/v1/cities', headers: { 'x-request-id': 'not a tame id' } });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const refused = lines.find((l) => l.request_id === 'req-42');
    // A 4xx line says why.
    expect(refused).toMatchObject({ level: 30, method: 'GET', route: '/v1/cities/:city', status: 404, code: 'unknown_city', error: 'unknown city nowhere' });
    expect(lines.find((l) => l.request_id === made.headers['x-request-id'])).toMatchObject({ status: 200, url: '/v1/cities' });
  });

  it("keeps the demo fleet's requests and the map page's polls out of the info lines", async () => {
    await host.app.inject({ url: '/v1/cities', headers: { 'x-request-id': 'fleet-1', 'x-dispatchd-demo': '1' } });
    await host.app.inject({ url: '/v1/cities/nowhere/map', headers: { 'x-request-id': 'map-1' } });
    await host.app.inject({ url: '/v1/cities', headers: { 'x-request-id': 'user-1' } });
    // At the default level info, debug lines are not written at all.
    expect(lines.some((l) => l.request_id === 'fleet-1' || l.request_id === 'map-1')).toBe(false);
    expect(lines.find((l) => l.request_id === 'user-1')).toMatchObject({ level: 30, status: 200 });
  });

  it('logs lease acquired, takeover, dispatch committed and rejected, lease lost and released with city and token', async () => {
    const app = host.app;
    await app.inject({ method: 'PUT', url: '/v1/cities/lg', payload: { tick_ms: 60_000 } });
    await app.inject({ method: 'PUT', url: '/v1/cities/lg/couriers', payload: { couriers: couriers(2) } });
    await app.inject({ method: 'POST', url: '/v1/cities/lg/orders', payload: { orders: orders(2) } });
    const lease = (await waitFor(() => host.keeper.lease('lg'), 5_000, 'the lease of lg'))!;
    expect(find('lease_acquired', 'lg')).toEqual([expect.objectContaining({ level: 30, token: lease.token })]);
    expect(find('takeover', 'lg')).toEqual([expect.objectContaining({ level: 30, token: lease.token, decisions_copied: 0 })]);

    const committed = (await app.inject({ method: 'POST', url: '/v1/cities/lg/dispatch' })).json();
    expect(find('dispatch_committed', 'lg')).toEqual([expect.objectContaining({ level: 30, token: lease.token, version: committed.version, assignments: 2 })]);

    // A newer token in the fence: this host's next commit is refused.
    await host.stores.state.raiseFence('lg', { token: lease.token + 1, version: 0 });
    await app.inject({ method: 'POST', url: '/v1/cities/lg/orders', payload: { orders: orders(1, 'late') } });
    await app.inject({ method: 'PUT', url: '/v1/cities/lg/couriers', payload: { couriers: couriers(1, 'late') } });
    expect((await app.inject({ method: 'POST', url: '/v1/cities/lg/dispatch' })).json()).toMatchObject({ committed: false, reason: 'stale_token' });
    expect(find('dispatch_rejected', 'lg')).toEqual([expect.objectContaining({ level: 30, token: lease.token, reason: 'stale_token' })]);

    // The lease store moves on without this host: its next renewal is refused.
    await host.stores.leases.release('lg', host.holder, lease.token);
    await waitFor(() => find('lease_lost', 'lg').length > 0, 5_000, 'the lease_lost line');
    expect(find('lease_lost', 'lg')[0]).toMatchObject({ level: 40, token: lease.token, reason: 'renewal refused' });

    const again = (await waitFor(() => host.keeper.lease('lg'), 5_000, 'the lease of lg again'))!;
    await app.inject({ method: 'PUT', url: '/v1/cities/lg', payload: { enabled: false } });
    await waitFor(() => find('lease_released', 'lg').length > 0, 5_000, 'the lease_released line');
    expect(find('lease_released', 'lg')[0]).toMatchObject({ level: 30, token: again.token, reason: 'city disabled', next_token: again.token + 1 });
  });
});

describe('serve()', () => {
  it('writes its listening and shutdown lines as JSON at any level, request lines only at info', async () => {
    const { lines, stream } = capture();
    const config = testConfig({ logger: true, logLevel: 'error' });
    const handle = await serve(config, { signals: false, log: hostLogger(config, stream) });
    const listening = lines.find((l) => l.event === 'listening')!;
    expect(listening).toMatchObject({ level: 30, stores: 'embedded (in memory)', url: handle.host.url, docs: `${handle.host.url}/docs` });
    expect(listening.msg).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ /);
    expect((await fetch(`${handle.host.url}/v1/cities`)).status).toBe(200);
    await handle.stop();
    expect(lines.map((l) => l.event).filter(Boolean)).toEqual(['listening', 'shut_down']);
    expect(lines.some((l) => l.url === '/v1/cities')).toBe(false);
  });
});

describe('/metrics', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host.close());

  it('has a request histogram by method, route pattern and status, and dispatchd_build_info', async () => {
    await host.app.inject('/v1/cities/a1');
    await host.app.inject('/v1/cities/a2');
    await host.app.inject('/v1/unknown/thing');
    const metrics = (await host.app.inject('/metrics')).body;
    expect(metrics).toMatch(/^dispatchd_http_request_duration_seconds_count\{method="GET",route="\/v1\/cities\/:city",status_code="404"\} 2$/m);
    expect(metrics).toMatch(/^dispatchd_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="unmatched",status_code="404"\} 1$/m);
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(metrics).toContain(`dispatchd_build_info{version="${version}",node_version="${process.version}"} 1`);
  });
});

describe('the token on reads (DISPATCHD_TOKEN_READS=1)', () => {
  let host: Host;
  const auth = { authorization: 'Bearer r3ad' };
  beforeAll(async () => {
    const config = testConfig({}, { DISPATCHD_TOKEN: 'r3ad', DISPATCHD_TOKEN_READS: '1' });
    expect(config.tokenReads).toBe(true);
    host = await startHost(config, { listen: false });
  });
  afterAll(() => host.close());

  it('asks for it on the API reads and /metrics, not on the probes and the docs', async () => {
    for (const url of ['/v1/cities', '/v1/leases', '/v1/cities/x/decisions', '/v1/cities/x/map', '/metrics']) {
      const refused = await host.app.inject(url);
      expect([url, refused.statusCode, refused.json().code]).toEqual([url, 401, 'unauthorized']);
      expect((await host.app.inject({ url, headers: auth })).statusCode, url).not.toBe(401);
    }
    for (const url of ['/healthz', '/readyz', '/docs/json']) expect((await host.app.inject(url)).statusCode, url).toBe(200);
    const document = (await host.app.inject('/docs/json')).json();
    expect(document.paths['/v1/cities'].get.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/healthz'].get.security).toBeUndefined();
  });

  it('is off by default, and refused without a token or with a value that is not on/off', () => {
    expect(resolveHostConfig({}, { DISPATCHD_TOKEN: 't' }).tokenReads).toBe(false);
    expect(() => resolveHostConfig({}, { DISPATCHD_TOKEN_READS: '1' })).toThrow(new ConfigError('DISPATCHD_TOKEN_READS=1 needs DISPATCHD_TOKEN'));
    expect(() => resolveHostConfig({}, { DISPATCHD_TOKEN: 't', DISPATCHD_TOKEN_READS: 'maybe' })).toThrow(
      /^DISPATCHD_TOKEN_READS must be one of 1, true, yes, on, 0, false, no, off, got "maybe"$/,
    );
  });
});

describe('without DISPATCHD_TOKEN_READS', () => {
  it('reads stay open with a token set', async () => {
    const host = await startTestHost({ token: 'w' });
    try {
      expect((await host.app.inject('/v1/cities')).statusCode).toBe(200);
      expect((await host.app.inject({ method: 'PUT', url: '/v1/cities/x', payload: {} })).statusCode).toBe(401);
      expect((await host.app.inject('/docs/json')).json().paths['/v1/cities'].get.security).toBeUndefined();
    } finally {
      await host.close();
    }
  });
});
