import { assertCityId } from './city-id.js';
import { decisionMessageId, type DecisionMessage, type DecisionPublisher, type PublishResult } from './decision-publisher.js';

export interface PublishedMessage extends DecisionMessage {
  id: string;
}

/**
 * The embedded publisher: each city's messages kept in process memory, in version order, as a
 * broker's stream would keep them, so a host on embedded stores needs no broker.
 */
export class MemoryDecisionPublisher implements DecisionPublisher {
  private readonly byCity = new Map<string, PublishedMessage[]>();

  async lastPublished(city: string): Promise<number> {
    return this.messages(city).at(-1)?.version ?? 0;
  }

  async publish(city: string, messages: readonly DecisionMessage[]): Promise<PublishResult> {
    const stream = this.stream(city);
    let stored = 0;
    for (const { version, data } of messages) {
      if (version <= (stream.at(-1)?.version ?? 0)) continue;
      stream.push({ id: decisionMessageId(city, version), version, data });
      stored++;
    }
    return { last: stream.at(-1)?.version ?? 0, stored };
  }

  /** The city's messages, oldest first (what a consumer of the stream would read). */
  messages(city: string): readonly PublishedMessage[] {
    return [...this.stream(city)];
  }

  async close(): Promise<void> {}

  private stream(city: string): PublishedMessage[] {
    assertCityId(city);
    let stored = this.byCity.get(city);
    if (!stored) this.byCity.set(city, (stored = []));
    return stored;
  }
}
