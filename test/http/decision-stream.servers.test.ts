import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holderName } from '../../src/coordination/holder.js';
import { startHost, type Host } from '../../src/host/host.js';
import { NatsDecisionPublisher } from '../../src/state/nats-decision-publisher.js';
import { createTestDatabase, type TestDatabase } from '../coordination/support/mysql.js';
import { createTestStream, type TestStream } from '../state/support/nats.js';
import { createTestRedis, type TestRedis } from '../state/support/redis.js';
import { couriers, orders, testConfig, waitFor } from './support/host.js';
import { openSse } from './support/sse.js';

const REDIS_URL = process.env.DISPATCHD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('decisions pushed to consumers across a lease takeover (MariaDB + Redis + NATS, two hosts)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let nats: TestStream;
  const hosts: Host[] = [];

  const start = (hostId: string) =>
    startHost(
      testConfig({
        hostId,
        port: 0,
        listen: '127.0.0.1',
        mysqlUrl: db.url,
        redisUrl: REDIS_URL,
        keyPrefix: redis.prefix,
        natsUrl: nats.url,
        natsStream: nats.stream,
      }),
    ).then((h) => (hosts.push(h), h));
  const call = async (host: Host, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${host.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    [db, redis, nats] = await Promise.all([createTestDatabase({ migrated: false }), createTestRedis(), createTestStream()]);
  });
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.close()));
    await Promise.all([db?.drop(), redis?.cleanup(), nats?.cleanup()]);
  });

  it('SSE and the broker carry every version once, in order, while the lease moves from one host to the other', async () => {
    const [a, b] = [await start('host-a'), await start('host-b')];
    const city = 'handover';
    await call(a, 'PUT', `/v1/cities/${city}`, { tick_ms: 60_000 });
    await call(b, 'PUT', `/v1/cities/${city}/couriers`, { couriers: couriers(20) });
    const first = await waitFor(() => [a, b].find((h) => h.keeper.lease(city)), 15_000, 'a holder');
    const second = first === a ? b : a;
    let n = 0;
    const decide = async (holder: Host) => {
      await call(holder, 'POST', `/v1/cities/${city}/orders`, { orders: orders(1, `o${++n}-`) });
      const reply = await call(holder, 'POST', `/v1/cities/${city}/dispatch`);
      expect(reply.body).toMatchObject({ committed: true, durable: true });
    };

    // One consumer on the host that does not lead the city (woken by its poll of the log), one on the holder.
    const onSecond = await openSse(`${second.url}/v1/cities/${city}/decisions/stream`);
    const onFirst = await openSse(`${first.url}/v1/cities/${city}/decisions/stream`);
    for (let i = 0; i < 3; i++) await decide(first);
    const fromFirst = await onFirst.next(3);

    // The holder shuts down: its stream ends, the other host takes the city and goes on.
    await first.close();
    await onFirst.ended;
    await waitFor(() => second.keeper.lease(city), 15_000, 'the takeover');
    for (let i = 0; i < 3; i++) await decide(second);
    const resumed = await openSse(`${second.url}/v1/cities/${city}/decisions/stream`, { 'last-event-id': fromFirst.at(-1)!.id! });
    const afterTakeover = await resumed.next(3);
    const followed = await onSecond.next(6);
    resumed.close();
    onSecond.close();

    const holders = (events: { data: string }[]) => events.map((e) => [JSON.parse(e.data).version, JSON.parse(e.data).holder]);
    const expected = [1, 2, 3, 4, 5, 6].map((v) => [v, holderName((v <= 3 ? first : second).holder)]);
    expect(holders(followed)).toEqual(expected);
    expect(holders([...fromFirst, ...afterTakeover])).toEqual(expected);
    expect(followed.map((e) => e.id)).toEqual(['1', '2', '3', '4', '5', '6']);

    // The broker: the old holder published 1-3, the new one carried on from the stream's last message.
    const subject = new NatsDecisionPublisher({ url: nats.url, stream: nats.stream }).subject(city);
    await waitFor(async () => (await nats.messages(subject)).length >= 6, 10_000, 'the broker');
    const delivered = await nats.messages(subject);
    expect(delivered.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6].map((v) => `${city}:${v}`));
    expect(delivered.map((m) => m.data)).toEqual(followed.map((e) => e.data));

    // The old holder restarted: it publishes nothing again, whoever holds the city.
    const restarted = await start('host-a-again');
    await waitFor(async () => (await call(restarted, 'GET', '/healthz')).status === 200, 10_000, 'the restarted host');
    await decide(second);
    await waitFor(async () => (await nats.messages(subject)).length >= 7, 10_000, 'the seventh decision');
    expect((await nats.messages(subject)).map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
