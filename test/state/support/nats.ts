import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, connect, DeliverPolicy, StringCodec, type NatsConnection } from 'nats';

/** The local JetStream server; override with DISPATCHD_TEST_NATS_URL. */
export const NATS_URL = process.env.DISPATCHD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface Delivered {
  id: string;
  version: number;
  data: string;
}

export interface TestStream {
  url: string;
  /** A stream name of its own for one test. */
  stream: string;
  /** The city's messages in the stream, oldest first (what any consumer of the subject would read). */
  messages(subject: string): Promise<Delivered[]>;
  /** Deletes the stream and closes the connection. */
  cleanup(): Promise<void>;
}

export async function createTestStream(url = NATS_URL): Promise<TestStream> {
  const stream = `DISPATCHD_TEST_${randomBytes(6).toString('hex')}`;
  const nc = await connect({ servers: url });
  return {
    url,
    stream,
    messages: (subject) => readSubject(nc, stream, subject),
    async cleanup() {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    },
  };
}

const codec = StringCodec();

/** The subject's messages in a stream of any server, on a connection of its own. */
export async function messagesOn(url: string, stream: string, subject: string): Promise<Delivered[]> {
  const nc = await connect({ servers: url });
  try {
    return await readSubject(nc, stream, subject);
  } finally {
    await nc.close();
  }
}

async function readSubject(nc: NatsConnection, stream: string, subject: string): Promise<Delivered[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(stream).catch(() => undefined);
  const out: Delivered[] = [];
  if (!info) return out;
  for (let seq = Math.max(1, info.state.first_seq); seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
    if (!m || m.subject !== subject) continue;
    const id = m.header.get('Nats-Msg-Id');
    out.push({ id, version: Number(id.slice(id.lastIndexOf(':') + 1)), data: codec.decode(m.data) });
  }
  return out;
}

/** A durable pull consumer of one subject, the way a downstream service follows a city. */
export async function durableConsumer(url: string, stream: string, subject: string, name: string) {
  const nc = await connect({ servers: url });
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.add(stream, { durable_name: name, filter_subject: subject, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
  const consumer = await nc.jetstream().consumers.get(stream, name);
  return {
    /** Up to `max` messages, each acknowledged (and the ack confirmed) once handled. */
    async take(max: number): Promise<Delivered[]> {
      const taken: Delivered[] = [];
      const batch = await consumer.fetch({ max_messages: max, expires: 1_000 });
      for await (const m of batch) {
        const id = m.headers!.get('Nats-Msg-Id');
        taken.push({ id, version: Number(id.slice(id.lastIndexOf(':') + 1)), data: m.string() });
        await m.ackAck();
      }
      return taken;
    },
    /** Drops the connection without a goodbye: the consumer process dies. */
    kill: () => nc.close(),
  };
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A JetStream server of its own (the Debian nats-server binary) on a free port with its own store
 * directory, which the test may stop and start again: broker outages without touching the shared one.
 */
export async function privateNatsServer() {
  const [port, dir] = await Promise.all([freePort(), mkdtemp(join(tmpdir(), 'dispatchd-nats-'))]);
  let child: ChildProcess | undefined;
  const url = `nats://127.0.0.1:${port}`;
  const up = async () => {
    for (let i = 0; i < 100; i++) {
      const nc = await connect({ servers: url, timeout: 200 }).catch(() => undefined);
      if (nc) {
        // JetStream answers once its store is recovered.
        const ready = await nc.jetstreamManager().then(
          () => true,
          () => false,
        );
        await nc.close();
        if (ready) return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`nats-server did not come up on ${url}`);
  };
  const server = {
    url,
    async start() {
      child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
      await up();
    },
    /** SIGKILL: the broker dies mid-flight. */
    async kill() {
      const dying = child;
      child = undefined;
      if (!dying || dying.exitCode !== null) return;
      const exited = new Promise((resolve) => dying.once('exit', resolve));
      dying.kill('SIGKILL');
      await exited;
    },
    async remove() {
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
