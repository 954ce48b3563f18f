import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../src/host/host.js';
import { MemoryDecisionPublisher } from '../../src/state/memory-decision-publisher.js';
import { couriers, orders, testConfig, waitFor } from './support/host.js';
import { openSse } from './support/sse.js';

describe('GET /v1/cities/:city/decisions/stream on embedded stores', () => {
  let host: Host;
  const publisher = new MemoryDecisionPublisher();
  const city = 'bcn';
  let next = 0;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${host.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  /** One more durable decision: a new order, dispatched now. */
  const decide = async () => {
    next++;
    await call('POST', `/v1/cities/${city}/orders`, { orders: orders(1, `o${next}-`) });
    const reply = await call('POST', `/v1/cities/${city}/dispatch`);
    expect(reply.body).toMatchObject({ committed: true, durable: true });
    return reply.body.version as number;
  };
  const stream = (query = '', headers: Record<string, string> = {}) => openSse(`${host.url}/v1/cities/${city}/decisions/stream${query}`, headers);

  beforeAll(async () => {
    host = await startHost(testConfig({ streamKeepAliveMs: 100 }), { publisher });
    await call('PUT', `/v1/cities/${city}`, { tick_ms: 60_000 });
    await call('PUT', `/v1/cities/${city}/couriers`, { couriers: couriers(40) });
    await waitFor(() => host.keeper.lease(city), 10_000, 'the lease');
  });
  afterAll(() => host?.close());

  it('a consumer that disconnects and reconnects with Last-Event-ID misses nothing and sees no duplicate', async () => {
    for (let i = 0; i < 3; i++) await decide();
    const first = await stream();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const seen = await first.next(3);
    first.close();
    // Decisions made while the consumer is away.
    for (let i = 0; i < 3; i++) await decide();
    const again = await stream('', { 'last-event-id': seen.at(-1)!.id! });
    const live = decide();
    seen.push(...(await again.next(4)));
    await live;
    again.close();
    expect(seen.map((e) => Number(e.id))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Each event is the decision exactly as GET /decisions lists it.
    const listed = await call('GET', `/v1/cities/${city}/decisions`);
    expect(seen.map((e) => JSON.parse(e.data))).toEqual(listed.body.decisions);
    // ... the audit included (the publisher's message is the same JSON).
    expect(JSON.parse(seen[0].data)).toMatchObject({ objective: expect.any(Number), certificate: 'checked' });
  });

  it('resumes after ?after, and Last-Event-ID wins over it (what a reconnecting EventSource sends)', async () => {
    const last = await decide();
    const after = await stream(`?after=${last - 2}`);
    expect((await after.next(2)).map((e) => Number(e.id))).toEqual([last - 1, last]);
    after.close();
    const both = await stream(`?after=0`, { 'last-event-id': String(last - 1) });
    expect((await both.next(1)).map((e) => Number(e.id))).toEqual([last]);
    both.close();
  });

  it('sends keep-alive comments on an idle stream', async () => {
    const idle = await stream(`?after=${await decide()}`);
    await waitFor(() => idle.comments.includes('keep-alive'), 5_000, 'a keep-alive comment');
    idle.close();
  });

  it('refuses a bad Last-Event-ID or query naming the field, and an unknown city with 404', async () => {
    for (const [headers, query, field] of [
      [{ 'last-event-id': 'abc' }, '', 'last-event-id'],
      [{ 'last-event-id': '-1' }, '', 'last-event-id'],
      [{}, '?after=x', 'after'],
      [{}, '?limit=3', 'limit'],
    ] as const) {
      const response = await fetch(`${host.url}/v1/cities/${city}/decisions/stream${query}`, { headers });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ field, code: expect.stringMatching(/^(invalid|unknown)_field$/) });
    }
    const unknown = await fetch(`${host.url}/v1/cities/nowhere/decisions/stream`);
    expect(unknown.status).toBe(404);
  });

  it('the in-memory publisher holds every durable decision once, in order, as the stream shows it', async () => {
    const last = await decide();
    await waitFor(() => publisher.messages(city).length === last, 5_000, 'the publisher');
    const events = await stream();
    const all = await events.next(last);
    events.close();
    expect(publisher.messages(city).map((m) => ({ id: String(m.version), data: m.data }))).toEqual(all);
    expect(publisher.messages(city).map((m) => m.id)).toEqual(all.map((e) => `${city}:${e.id}`));
    const metrics = await host.metrics.registry.metrics();
    expect(metrics).toContain(`dispatchd_decisions_published_total{city="${city}"} ${last}`);
    expect(metrics).toContain(`dispatchd_decisions_publish_lag{city="${city}"} 0`);
  });

  it('host shutdown ends open streams instead of waiting for them', async () => {
    const open = [await stream(), await stream()];
    await open[0].next(1);
    await host.close();
    await Promise.all(open.map((s) => s.ended));
  });
});
