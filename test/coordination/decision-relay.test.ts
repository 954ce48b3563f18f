import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecisionRelay } from '../../src/coordination/decision-relay.js';
import { DecisionWatch } from '../../src/coordination/decision-watch.js';
import type { CommittedDecision } from '../../src/state/decision.js';
import { DecisionVersionConflictError, type DecisionLog } from '../../src/state/decision-log.js';
import type { DecisionPublisher } from '../../src/state/decision-publisher.js';
import { MemoryDecisionLog } from '../../src/state/memory-decision-log.js';
import { ObservedDecisionLog } from '../../src/state/observed-decision-log.js';
import { DECISION_BROKERS, type TestBroker } from '../state/support/decision-publishers.js';
import { waitFor } from './support/wait.js';
import { committedDecision, committedDecisions } from '../support/decisions.js';

/** Fails its first `failures` publishes, as a broker that is down would. */
function flaky(publisher: DecisionPublisher, failures: number): DecisionPublisher & { attempts: number } {
  const wrapped = {
    attempts: 0,
    lastPublished: (city: string) => publisher.lastPublished(city),
    async publish(city: string, messages: Parameters<DecisionPublisher['publish']>[1]) {
      if (wrapped.attempts++ < failures) throw new Error('broker unavailable');
      return publisher.publish(city, messages);
    },
    close: () => publisher.close(),
  };
  return wrapped;
}

/** The log's reads, counted. */
function countingReads(log: DecisionLog, reads: { count: number }): DecisionLog {
  return {
    append: (ds) => log.append(ds),
    recordedVersions: (city, from, to) => log.recordedVersions(city, from, to),
    lastVersion: (city) => log.lastVersion(city),
    read: (city, after, limit) => {
      reads.count++;
      return log.read(city, after, limit);
    },
  };
}

describe.each(DECISION_BROKERS)('DecisionRelay over the $name publisher', ({ create }) => {
  let broker: TestBroker;
  /** The log under the observed one: what another host appends, this host is not told of. */
  let stored: MemoryDecisionLog;
  const reads = { count: 0 };
  let log: ObservedDecisionLog;
  let watch: DecisionWatch;
  const relays: DecisionRelay[] = [];
  const published: number[] = [];
  const failed: unknown[] = [];

  const relay = (publisher = broker.publisher()) => {
    const r = new DecisionRelay({
      log,
      publisher,
      watch,
      encode: (d) => JSON.stringify(d),
      retryMs: 20,
      onPublished: (_city, count) => published.push(count),
      onFailed: (_city, error) => failed.push(error),
    });
    relays.push(r);
    return r;
  };
  const versions = async (city: string) => (await broker.delivered(city)).map((m) => m.version);

  beforeEach(async () => {
    broker = await create();
    stored = new MemoryDecisionLog();
    reads.count = 0;
    log = new ObservedDecisionLog(countingReads(stored, reads));
    // No poll: every append in these tests goes through the observed log.
    watch = new DecisionWatch({ log, isLocal: () => true });
    published.length = 0;
    failed.length = 0;
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()));
    watch.close();
    await broker.cleanup();
  });

  it('catches up with the log when the city is acquired, then publishes each decision as it becomes durable', async () => {
    await log.append(committedDecisions('bcn', 1, 250));
    const r = relay();
    r.cityAcquired('bcn');
    await waitFor('the backlog on the broker', async () => (await versions('bcn')).length === 250);
    for (const d of committedDecisions('bcn', 251, 255)) await log.append([d]);
    await waitFor('the new decisions on the broker', async () => (await versions('bcn')).length === 255);
    expect(await versions('bcn')).toEqual(committedDecisions('bcn', 1, 255).map((d) => d.version));
    expect(JSON.parse((await broker.delivered('bcn'))[254].data)).toEqual(committedDecision('bcn', 255));
    expect(published.reduce((a, b) => a + b, 0)).toBe(255);
    expect(r.lag()).toEqual(new Map([['bcn', 0]]));
  });

  it('retries a failing broker with backoff, showing the lag meanwhile, and delivers each version once', async () => {
    await log.append(committedDecisions('lis', 1, 3));
    const publisher = flaky(broker.publisher(), 3);
    const r = relay(publisher);
    r.cityAcquired('lis');
    await waitFor('a failure', () => failed.length > 0);
    await log.append(committedDecisions('lis', 4, 6));
    await waitFor('the catch-up', async () => (await versions('lis')).length === 6);
    expect(failed.length).toBe(3);
    expect(await versions('lis')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.lag().get('lis')).toBe(0);
  });

  it('a restarted relay (a new host process) resumes from the broker and republishes nothing', async () => {
    await log.append(committedDecisions('mad', 1, 4));
    const first = relay();
    first.cityAcquired('mad');
    await waitFor('the first run', async () => (await versions('mad')).length === 4);
    await first.close();
    await log.append(committedDecisions('mad', 5, 7));
    published.length = 0;
    relay().cityAcquired('mad');
    await waitFor('the restart', async () => (await versions('mad')).length === 7);
    expect(published).toEqual([3]);
    expect(await versions('mad')).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops publishing a city whose lease is lost; its next holder carries on from the broker', async () => {
    await log.append(committedDecisions('par', 1, 2));
    const old = relay();
    old.cityAcquired('par');
    await waitFor('the old holder', async () => (await versions('par')).length === 2);
    old.cityLost('par');
    await log.append(committedDecisions('par', 3, 3));
    // No relay follows the city now: version 3 waits for its next holder.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await versions('par')).toEqual([1, 2]);
    const next = relay();
    next.cityAcquired('par');
    await waitFor('the next holder', async () => (await versions('par')).length === 3);
    expect(await versions('par')).toEqual([1, 2, 3]);
  });

  it("publishes what this host appends as it is told, reading the log only for a gap or a conflict's record", async () => {
    await log.append(committedDecisions('ber', 1, 3));
    relay().cityAcquired('ber');
    await waitFor('the catch-up', async () => (await versions('ber')).length === 3);
    expect(reads.count).toBe(1);
    for (const d of committedDecisions('ber', 4, 8)) await log.append([d]);
    await waitFor('the appended decisions', async () => (await versions('ber')).length === 8);
    expect(reads.count).toBe(1);
    // Version 9 recorded without this host being told (as by another host): a gap before 10.
    await stored.append([committedDecision('ber', 9)]);
    await log.append([committedDecision('ber', 10)]);
    await waitFor('the gap filled', async () => (await versions('ber')).length === 10);
    expect(reads.count).toBe(2);
    // A conflicting append is told without its content: the broker gets the decision recorded.
    await stored.append([committedDecision('ber', 11)]);
    await expect(log.append([{ ...committedDecision('ber', 11), token: 7 }])).rejects.toThrow(DecisionVersionConflictError);
    await waitFor('the recorded decision', async () => (await versions('ber')).length === 11);
    expect(reads.count).toBe(3);
    expect(await versions('ber')).toEqual(committedDecisions('ber', 1, 11).map((d) => d.version));
    expect((await broker.delivered('ber')).map((m) => JSON.parse(m.data) as CommittedDecision)).toEqual(committedDecisions('ber', 1, 11));
  });
});
