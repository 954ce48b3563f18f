import { assertCityId } from './city-id.js';
import { decisionMessageId, type DecisionMessage, type DecisionPublisher, type PublishResult } from './decision-publisher.js';

export interface PublishedMessage extends DecisionMessage {
  id: string;
}

/**
 * Messages kept per city by default: nothing outside the process reads them, and an M city's
 * message is ~100 KB, so keeping every one would grow a 100-city host by ~10 MB a second.
 */
export const MEMORY_PUBLISHER_KEEP_PER_CITY = 100;

/**
 * The embedded publisher: each city's messages kept in process memory, in version order, as a
 * broker's stream would keep them, so a host on embedded stores needs no broker. Like a stream
 * limited per subject (JetStream's max_msgs_per_subject), it keeps each city's newest messages
 * only; the newest is the relay's cursor, so nothing is published twice.
 */
export class MemoryDecisionPublisher implements DecisionPublisher {
  private readonly byCity = new Map<string, PublishedMessage[]>();

  constructor(private readonly keepPerCity = MEMORY_PUBLISHER_KEEP_PER_CITY) {
    if (!Number.isSafeInteger(keepPerCity) || keepPerCity < 1) throw new RangeError(`keepPerCity must be a positive integer, got ${keepPerCity}`);
  }

  async lastPublished(city: string): Promise<number> {
    return this.stream(city).at(-1)?.version ?? 0;
  }

  async publish(city: string, messages: readonly DecisionMessage[]): Promise<PublishResult> {
    const stream = this.stream(city);
    let stored = 0;
    for (const { version, data } of messages) {
      if (version <= (stream.at(-1)?.version ?? 0)) continue;
      stream.push({ id: decisionMessageId(city, version), version, data });
      stored++;
    }
    // Trimmed in batches (at twice the limit), so a publish costs O(1) amortised.
    if (stream.length >= 2 * this.keepPerCity) stream.splice(0, stream.length - this.keepPerCity);
    return { last: stream.at(-1)?.version ?? 0, stored };
  }

  /** The city's newest messages (at most the limit), oldest first (what a consumer of the stream would read). */
  messages(city: string): readonly PublishedMessage[] {
    return this.stream(city).slice(-this.keepPerCity);
  }

  async close(): Promise<void> {}

  private stream(city: string): PublishedMessage[] {
    assertCityId(city);
    let stored = this.byCity.get(city);
    if (!stored) this.byCity.set(city, (stored = []));
    return stored;
  }
}
