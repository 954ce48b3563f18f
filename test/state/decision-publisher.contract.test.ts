import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decisionMessageId, type DecisionMessage } from '../../src/state/decision-publisher.js';
import { DECISION_BROKERS, type TestBroker } from './support/decision-publishers.js';

const message = (version: number, city = 'bcn'): DecisionMessage => ({ version, data: JSON.stringify({ city, version }) });
const messages = (from: number, to: number, city = 'bcn') => Array.from({ length: to - from + 1 }, (_, i) => message(from + i, city));
const versions = async (broker: TestBroker, city: string) => (await broker.delivered(city)).map((m) => m.version);

describe.each(DECISION_BROKERS)('DecisionPublisher contract: $name', ({ create }) => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await create();
  });
  afterEach(async () => {
    await broker.cleanup();
  });

  it('delivers one message per version, in order, with the id city:version and the data as given', async () => {
    const publisher = broker.publisher();
    expect(await publisher.lastPublished('bcn')).toBe(0);
    expect(await publisher.publish('bcn', messages(1, 3))).toEqual({ last: 3, stored: 3 });
    expect(await publisher.lastPublished('bcn')).toBe(3);
    const delivered = await broker.delivered('bcn');
    expect(delivered).toEqual(messages(1, 3).map((m) => ({ ...m, id: decisionMessageId('bcn', m.version) })));
  });

  it('stores nothing twice: versions already held are skipped, alone or mixed with new ones', async () => {
    const publisher = broker.publisher();
    await publisher.publish('bcn', messages(1, 3));
    expect(await publisher.publish('bcn', messages(1, 3))).toEqual({ last: 3, stored: 0 });
    expect(await publisher.publish('bcn', messages(2, 5))).toEqual({ last: 5, stored: 2 });
    expect(await versions(broker, 'bcn')).toEqual([1, 2, 3, 4, 5]);
  });

  it('a restarted publisher resumes from what the broker holds and republishes nothing', async () => {
    const first = broker.publisher();
    await first.publish('bcn', messages(1, 4));
    await first.close();
    const restarted = broker.publisher();
    expect(await restarted.lastPublished('bcn')).toBe(4);
    expect(await restarted.publish('bcn', messages(1, 6))).toEqual({ last: 6, stored: 2 });
    expect(await versions(broker, 'bcn')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('two publishers racing on one city (an old and a new lease holder) store each version once, in order', async () => {
    const a = broker.publisher();
    const b = broker.publisher();
    await a.publish('bcn', messages(1, 2));
    await b.lastPublished('bcn');
    await a.publish('bcn', messages(3, 4));
    // b last saw version 2: it is told where the broker stands instead of storing 3 and 4 again.
    const behind = await b.publish('bcn', messages(3, 5));
    expect(behind.last).toBeGreaterThanOrEqual(4);
    const rest = await b.publish('bcn', messages(behind.last + 1, 5));
    expect(rest.last).toBe(5);
    await Promise.all([a.publish('bcn', messages(6, 9)), b.publish('bcn', messages(6, 9))]);
    await Promise.all([a.publish('bcn', messages(6, 9)), b.publish('bcn', messages(6, 9))]);
    expect(await versions(broker, 'bcn')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps cities apart, dotted city ids included', async () => {
    const publisher = broker.publisher();
    await publisher.publish('eu.bcn', messages(1, 2, 'eu.bcn'));
    await publisher.publish('eu-bcn', messages(1, 1, 'eu-bcn'));
    await publisher.publish('eu.bcn.2', messages(1, 3, 'eu.bcn.2'));
    expect(await versions(broker, 'eu.bcn')).toEqual([1, 2]);
    expect(await versions(broker, 'eu-bcn')).toEqual([1]);
    expect(await versions(broker, 'eu.bcn.2')).toEqual([1, 2, 3]);
    expect((await broker.delivered('eu.bcn.2'))[0].id).toBe('eu.bcn.2:1');
    expect(await publisher.lastPublished('lis')).toBe(0);
  });
});
