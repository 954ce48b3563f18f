import { connect } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { DecisionRelay } from '../../src/coordination/decision-relay.js';
import { DecisionWatch } from '../../src/coordination/decision-watch.js';
import { MemoryDecisionLog } from '../../src/state/memory-decision-log.js';
import { NatsDecisionPublisher } from '../../src/state/nats-decision-publisher.js';
import { ObservedDecisionLog } from '../../src/state/observed-decision-log.js';
import { waitFor } from '../coordination/support/wait.js';
import { createTestStream, durableConsumer, messagesOn, privateNatsServer } from './support/nats.js';
import { committedDecisions } from '../support/decisions.js';

describe('NATS JetStream decision publisher', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A relay of one city over an observed in-memory log, publishing to `url` / `stream`. */
  function relayOn(url: string, stream: string, city: string) {
    const log = new ObservedDecisionLog(new MemoryDecisionLog());
    const watch = new DecisionWatch({ log, isLocal: () => true });
    const failures: unknown[] = [];
    const publisher = new NatsDecisionPublisher({ url, stream, timeoutMs: 1_000 });
    const relay = new DecisionRelay({
      log,
      publisher,
      watch,
      encode: (d) => JSON.stringify(d),
      retryMs: 50,
      maxBackoffMs: 200,
      onFailed: (_c, e) => failures.push(e),
    });
    relay.cityAcquired(city);
    cleanups.push(async () => {
      await relay.close();
      watch.close();
    });
    return { log, relay, publisher, failures };
  }

  it('a consumer killed and restarted misses nothing and sees no duplicate while decisions keep coming', async () => {
    const stream = await createTestStream();
    cleanups.push(() => stream.cleanup());
    const { log, publisher } = relayOn(stream.url, stream.stream, 'bcn');
    const subject = publisher.subject('bcn');
    await log.append(committedDecisions('bcn', 1, 20));
    await waitFor('the first decisions', async () => (await stream.messages(subject)).length === 20);

    const seen: number[] = [];
    const first = await durableConsumer(stream.url, stream.stream, subject, 'billing');
    seen.push(...(await first.take(7)).map((m) => m.version));
    await first.kill();
    // While the consumer is down, decisions go on.
    for (const d of committedDecisions('bcn', 21, 30)) await log.append([d]);
    await waitFor('all decisions on the broker', async () => (await stream.messages(subject)).length === 30);

    const restarted = await durableConsumer(stream.url, stream.stream, subject, 'billing');
    cleanups.push(() => restarted.kill());
    for (let round = 0; round < 10 && seen.length < 30; round++) seen.push(...(await restarted.take(10)).map((m) => m.version));
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('a broker outage: publishing fails and retries, then catches up where the stream stands, each version once', async () => {
    const server = await privateNatsServer();
    cleanups.push(() => server.remove());
    const stream = 'OUTAGE';
    const { log, publisher, failures, relay } = relayOn(server.url, stream, 'lis');
    const subject = publisher.subject('lis');
    await log.append(committedDecisions('lis', 1, 5));
    const readBack = async () => (await messagesOn(server.url, stream, subject)).map((m) => m.version);
    await waitFor('before the outage', async () => (await readBack()).length === 5);

    await server.kill();
    await log.append(committedDecisions('lis', 6, 9));
    await waitFor('failed attempts while the broker is down', () => failures.length >= 2);
    expect(relay.lag().get('lis')).toBe(4);
    await server.start();
    await waitFor('the catch-up', async () => (await readBack().catch(() => [])).length >= 9, 20_000);
    await log.append(committedDecisions('lis', 10, 10));
    await waitFor('after the outage', async () => (await readBack()).length >= 10);
    expect(await readBack()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a stale publisher is refused by the expected subject sequence even after the duplicate window', async () => {
    const stream = await createTestStream();
    cleanups.push(() => stream.cleanup());
    const nc = await connect({ servers: stream.url });
    cleanups.push(() => nc.close());
    // A duplicate window of 100 ms: message ids alone would no longer catch the repeat.
    await (await nc.jetstreamManager()).streams.add({ name: stream.stream, subjects: [`${stream.stream}.>`], duplicate_window: 100_000_000 });
    const a = new NatsDecisionPublisher({ url: stream.url, stream: stream.stream });
    const b = new NatsDecisionPublisher({ url: stream.url, stream: stream.stream });
    cleanups.push(async () => void (await Promise.all([a.close(), b.close()])));
    const msg = (v: number) => ({ version: v, data: `{"version":${v}}` });
    await a.publish('mad', [msg(1), msg(2)]);
    expect(await b.lastPublished('mad')).toBe(2);
    await a.publish('mad', [msg(3), msg(4)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await b.publish('mad', [msg(3), msg(4), msg(5)])).toEqual({ last: 4, stored: 0 });
    expect(await b.publish('mad', [msg(5)])).toEqual({ last: 5, stored: 1 });
    expect((await stream.messages(a.subject('mad'))).map((m) => m.version)).toEqual([1, 2, 3, 4, 5]);
  });
});
