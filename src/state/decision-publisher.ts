/** Stream names this host accepts: a safe subset of what NATS allows, so `<stream>.<city>` is a valid subject. */
export const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const DEFAULT_NATS_STREAM = 'DISPATCHD_DECISIONS';

/**
 * Where durable decisions are delivered for other services: a broker holding, per city, one
 * message per version in version order. The DecisionRelay (coordination/decision-relay.ts) feeds
 * it from the durable log; the broker's own last version per city is where it resumes, so a
 * restart or an outage of either side neither loses nor repeats a decision.
 */
export interface DecisionPublisher {
  /** The highest version of the city the broker holds, 0 when none; asked of the broker itself. */
  lastPublished(city: string): Promise<number>;
  /**
   * Delivers messages of one city in ascending version order, each acknowledged by the broker
   * before the next is sent. A version at or below what the broker holds is not stored again.
   * When another publisher got ahead meanwhile, what follows its last version is left to the
   * caller (to read again from there).
   */
  publish(city: string, messages: readonly DecisionMessage[]): Promise<PublishResult>;
  close(): Promise<void>;
}

/** One decision as delivered: its version and its JSON (the item of GET /v1/cities/:city/decisions). */
export interface DecisionMessage {
  version: number;
  data: string;
}

export interface PublishResult {
  /** The highest version of the city the broker holds afterwards. */
  last: number;
  /** How many of the messages this call stored. */
  stored: number;
}

/** The message id a broker deduplicates on: one per (city, version). */
export function decisionMessageId(city: string, version: number): string {
  return `${city}:${version}`;
}
