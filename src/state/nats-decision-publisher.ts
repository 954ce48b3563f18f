/**
 * Decisions delivered to NATS JetStream: one stream, one subject per city
 * (`<stream>.<city>`, each `.` of the city id written `~`, since `.` separates subject tokens),
 * one message per version with the message id `city:version` (Nats-Msg-Id).
 *
 * Exactly once per (city, version), in version order, however many publishers race: each
 * message is published expecting the subject's last sequence to be the one this publisher last
 * saw there (Nats-Expected-Last-Subject-Sequence), so a message is stored only right after the
 * city's previous one, and a publisher that is behind is refused and reads the stream's last
 * message again. The message id additionally lets the duplicate window absorb a retried publish
 * whose ack was lost. The stream's last message per city is the cursor: nothing else is kept.
 */
import { connect, StringCodec, type JetStreamClient, type JetStreamManager, type NatsConnection, type NatsError } from 'nats';
import { assertCityId } from './city-id.js';
import { decisionMessageId, STREAM_NAME, type DecisionMessage, type DecisionPublisher, type PublishResult } from './decision-publisher.js';

/** How long one broker request (a publish's ack, a stream lookup) may take. */
export const NATS_REQUEST_TIMEOUT_MS = 5_000;

/** JetStream API error codes this publisher tells apart. */
const STREAM_NOT_FOUND = 10059;
const NO_MESSAGE_FOUND = 10037;
const WRONG_LAST_SEQUENCE = 10071;

export interface NatsDecisionPublisherOptions {
  /** nats://host:port */
  url: string;
  /** The JetStream stream; created, with subjects `<stream>.>`, when it does not exist. */
  stream: string;
  timeoutMs?: number;
}

interface Connected {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** What this publisher last saw of a city on the stream. */
interface Last {
  version: number;
  seq: number;
}

const codec = StringCodec();

export class NatsDecisionPublisher implements DecisionPublisher {
  private connecting: Promise<Connected> | undefined;
  private readonly last = new Map<string, Last>();
  private readonly timeoutMs: number;
  private closed = false;

  constructor(private readonly options: NatsDecisionPublisherOptions) {
    if (!STREAM_NAME.test(options.stream)) throw new TypeError(`NATS stream name must be 1-64 of A-Z a-z 0-9 _ -, got ${JSON.stringify(options.stream)}`);
    this.timeoutMs = options.timeoutMs ?? NATS_REQUEST_TIMEOUT_MS;
  }

  /** The subject of a city's decisions. */
  subject(city: string): string {
    assertCityId(city);
    return `${this.options.stream}.${city.replaceAll('.', '~')}`;
  }

  async lastPublished(city: string): Promise<number> {
    return (await this.readLast(city)).version;
  }

  async publish(city: string, messages: readonly DecisionMessage[]): Promise<PublishResult> {
    const { js } = await this.connection();
    const subject = this.subject(city);
    let last = this.last.get(city) ?? (await this.readLast(city));
    let stored = 0;
    for (const { version, data } of messages) {
      if (version <= last.version) continue;
      try {
        const ack = await js.publish(subject, codec.encode(data), {
          msgID: decisionMessageId(city, version),
          expect: { lastSubjectSequence: last.seq },
          timeout: this.timeoutMs,
        });
        // A duplicate: the stream had this version already, so what this publisher saw is stale.
        if (ack.duplicate) return { last: (await this.readLast(city)).version, stored };
        last = { version, seq: ack.seq };
        stored++;
        this.last.set(city, last);
      } catch (error) {
        if (apiErrorCode(error) !== WRONG_LAST_SEQUENCE) {
          // The ack may have been lost after the broker stored it: ask the broker next time.
          this.last.delete(city);
          throw error;
        }
        return { last: (await this.readLast(city)).version, stored };
      }
    }
    return { last: last.version, stored };
  }

  async close(): Promise<void> {
    this.closed = true;
    const connecting = this.connecting;
    this.connecting = undefined;
    const connected = await connecting?.catch(() => undefined);
    await connected?.nc.close();
  }

  /** The stream's last message of the city, remembered as the point the next publish follows. */
  private async readLast(city: string): Promise<Last> {
    const { jsm } = await this.connection();
    let last: Last;
    try {
      const message = await jsm.streams.getMessage(this.options.stream, { last_by_subj: this.subject(city) });
      const id = message.header.get('Nats-Msg-Id');
      const version = Number(id.slice(id.lastIndexOf(':') + 1));
      if (!Number.isSafeInteger(version) || version < 1)
        throw new Error(`stream ${this.options.stream} holds a message of city ${city} with id ${JSON.stringify(id)}, not city:version`);
      last = { version, seq: message.seq };
    } catch (error) {
      if (apiErrorCode(error) !== NO_MESSAGE_FOUND) throw error;
      last = { version: 0, seq: 0 };
    }
    this.last.set(city, last);
    return last;
  }

  /**
   * The connection, opened on first use and again after a failed attempt: a broker that is down
   * fails the call (the relay retries with backoff) instead of stopping the host. Once open, the
   * client reconnects by itself.
   */
  private connection(): Promise<Connected> {
    if (this.closed) return Promise.reject(new Error('decision publisher closed'));
    if (!this.connecting) {
      const attempt = this.open();
      const forget = () => {
        if (this.connecting === attempt) this.connecting = undefined;
      };
      // A failed attempt, or a connection closed for good (not reconnecting), is opened anew on next use.
      attempt.then(({ nc }) => nc.closed().then(forget), forget);
      this.connecting = attempt;
    }
    return this.connecting;
  }

  private async open(): Promise<Connected> {
    const nc = await connect({ servers: this.options.url, name: 'dispatchd', maxReconnectAttempts: -1, timeout: this.timeoutMs });
    try {
      const jsm = await nc.jetstreamManager({ timeout: this.timeoutMs });
      await this.ensureStream(jsm);
      return { nc, jsm, js: nc.jetstream({ timeout: this.timeoutMs }) };
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const name = this.options.stream;
    try {
      await jsm.streams.info(name);
    } catch (error) {
      if (apiErrorCode(error) !== STREAM_NOT_FOUND) throw error;
      // Two hosts creating it at once is fine: adding a stream with the same config succeeds.
      await jsm.streams.add({ name, subjects: [`${name}.>`] });
    }
  }
}

function apiErrorCode(error: unknown): number | undefined {
  return (error as NatsError | undefined)?.api_error?.err_code;
}
