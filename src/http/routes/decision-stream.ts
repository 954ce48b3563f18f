/**
 * GET /v1/cities/:city/decisions/stream: the city's durable decisions as Server-Sent Events, one
 * event per decision in version order (id: the version, data: the decision as GET /decisions
 * lists it), from the durable log, so a consumer never misses one, whatever the state store
 * lost. It resumes after `Last-Event-ID` (what an EventSource sends when it reconnects; it wins
 * over `?after`, which the reconnecting EventSource repeats) and then follows the log: woken when
 * a decision becomes durable (DecisionWatch), with a comment line every keep-alive interval so
 * proxies keep an idle stream open. It ends when the client goes and when the host shuts down.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Version } from '../../domain/limits.js';
import type { CommittedDecision } from '../../state/decision.js';
import type { HostContext } from '../context.js';
import { decisionJson } from '../decision-json.js';
import { CityParams, Decision } from '../schemas.js';
import { knownCity } from './city-guard.js';

/** Decisions read from the log at once. */
const PAGE = 100;
/** A log read that failed is tried again after this long (the log may not tell when it is back). */
const READ_RETRY_MS = 1_000;
/** Comment lines this often keep an idle stream open through proxies (which often cut at 30-60 s). */
export const DEFAULT_STREAM_KEEPALIVE_MS = 15_000;

const StreamQuery = Type.Object(
  { after: Type.Optional(Type.Integer({ ...Version, description: 'resume after this version (Last-Event-ID wins when both are given)' })) },
  { additionalProperties: false },
);
const StreamHeaders = Type.Object({
  'last-event-id': Type.Optional(Type.Integer({ ...Version, description: 'the version of the last event received: the stream resumes after it' })),
});

export const decisionStreamRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  const open = new Set<PassThrough>();
  // Host.close must not wait for streams that never end by themselves.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });

  app.get(
    '/v1/cities/:city/decisions/stream',
    {
      schema: {
        operationId: 'streamDecisions',
        summary: 'Follow durable decisions as Server-Sent Events, in version order, resumable',
        description:
          'One event per durable decision: `id` is its version, `data` the decision as GET /decisions lists it. Resumes after Last-Event-ID (or ?after); comment lines keep an idle stream open.',
        tags: ['dispatch'],
        params: CityParams,
        querystring: StreamQuery,
        headers: StreamHeaders,
        response: {
          200: {
            description: 'Server-Sent Events, one per durable decision: `id` its version, `data` the Decision (components.schemas.Decision) as one JSON line',
            content: {
              'text/event-stream': {
                schema: { type: 'string' },
                example: `id: 23\ndata: ${JSON.stringify(Decision.examples[0])}\n\n`,
              },
            },
          },
        },
        errors: ['unknown_city', 'store_unavailable'],
      },
    },
    async (request, reply) => {
      const { city } = request.params;
      await knownCity(host, city);
      const stream = new PassThrough();
      open.add(stream);
      stream.on('close', () => open.delete(stream));
      void follow(host, city, request.headers['last-event-id'] ?? request.query.after ?? 0, stream).catch((error: unknown) => {
        request.log.warn({ err: error, city }, 'decision stream failed');
        stream.destroy();
      });
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );
};

/** Writes the city's decisions after `after` to the stream, then each one as it becomes durable, until the stream ends. */
async function follow(host: HostContext, city: string, after: number, stream: PassThrough): Promise<void> {
  let cursor = after;
  let news = true;
  let wakeUp: (() => void) | undefined;
  const wake = () => {
    news = true;
    wakeUp?.();
  };
  const ended = () => stream.writableEnded || stream.destroyed;
  stream.on('close', wake).on('finish', wake);
  const unfollow = host.watch.follow(city, wake);
  const keepAlive = setInterval(() => ended() || stream.write(': keep-alive\n\n'), host.config.streamKeepAliveMs ?? DEFAULT_STREAM_KEEPALIVE_MS);
  let retry: NodeJS.Timeout | undefined;
  try {
    // Sent at once, so a client knows the stream is open before the first decision.
    stream.write(': decisions of ' + city + '\n\n');
    while (!ended()) {
      if (!news) {
        await new Promise<void>((resolve) => (wakeUp = resolve));
        wakeUp = undefined;
        continue;
      }
      news = false;
      let page: CommittedDecision[];
      try {
        page = await host.stores.decisions.read(city, cursor, PAGE);
      } catch {
        retry = setTimeout(wake, READ_RETRY_MS);
        continue;
      }
      for (const d of page) {
        if (ended()) return;
        cursor = d.version;
        if (!stream.write(`id: ${d.version}\ndata: ${JSON.stringify(decisionJson(d))}\n\n`)) await drained(stream);
      }
      if (page.length === PAGE) news = true;
    }
  } finally {
    clearInterval(keepAlive);
    clearTimeout(retry);
    unfollow();
  }
}

/** Resolves when a slow client has taken what was written, or is gone. */
async function drained(stream: PassThrough): Promise<void> {
  const gone = new AbortController();
  try {
    await Promise.race([once(stream, 'drain', { signal: gone.signal }), once(stream, 'close', { signal: gone.signal })]);
  } finally {
    gone.abort();
  }
}
