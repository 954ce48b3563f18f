import type { DecisionPublisher } from '../../../src/state/decision-publisher.js';
import { MemoryDecisionPublisher } from '../../../src/state/memory-decision-publisher.js';
import { NatsDecisionPublisher } from '../../../src/state/nats-decision-publisher.js';
import { createTestStream, type Delivered } from './nats.js';

/** One broker, as the contract tests see it. */
export interface TestBroker {
  /** A publisher of its own on this broker: a second one is another host, or this one restarted. */
  publisher(): DecisionPublisher;
  /** What a consumer of the city reads from the broker, oldest first. */
  delivered(city: string): Promise<Delivered[]>;
  cleanup(): Promise<void>;
}

export const DECISION_BROKERS: { name: string; create(): Promise<TestBroker> }[] = [
  {
    name: 'memory',
    async create() {
      // In memory the broker is the publisher's own state: every "publisher" is the one object
      // (its close() keeps the messages, as a broker outlives a publisher's restart). It keeps
      // every message, as the test stream does: its retention has a test of its own.
      const shared = new MemoryDecisionPublisher(Number.MAX_SAFE_INTEGER);
      return {
        publisher: () => shared,
        delivered: async (city) => shared.messages(city).map(({ id, version, data }) => ({ id, version, data })),
        cleanup: async () => {},
      };
    },
  },
  {
    name: 'nats',
    async create() {
      const stream = await createTestStream();
      const publishers: NatsDecisionPublisher[] = [];
      const probe = new NatsDecisionPublisher({ url: stream.url, stream: stream.stream });
      return {
        publisher() {
          const p = new NatsDecisionPublisher({ url: stream.url, stream: stream.stream });
          publishers.push(p);
          return p;
        },
        delivered: (city) => stream.messages(probe.subject(city)),
        async cleanup() {
          await Promise.all(publishers.map((p) => p.close()));
          await stream.cleanup();
        },
      };
    },
  },
];
