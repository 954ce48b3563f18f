/**
 * The typed client of the host's API: openapi-fetch over the types openapi-typescript made
 * from the OpenAPI document (openapi-types.ts, generated: `npm run generate:client`; a test
 * fails when it no longer matches the document). Paths, parameters, bodies and answers —
 * the Error body included — are typed from the document.
 *
 * injectFetch() serves the same client in-process, through fastify.inject, without a socket.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { FastifyInstance } from 'fastify';
import type { components, paths } from './openapi-types.js';

export type DispatchClient = Client<paths>;
export type ApiSchemas = components['schemas'];
export type ApiError = ApiSchemas['Error'];

export interface DispatchClientOptions {
  /** The host's address, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** More headers sent with every request. */
  headers?: Record<string, string>;
  /** Each request is aborted after this long (AbortSignal.timeout). */
  timeoutMs?: number;
  /** The fetch to use (default: the global one); injectFetch(app) for an in-process host. */
  fetch?: (request: Request) => Promise<Response>;
}

export function dispatchClient(options: DispatchClientOptions): DispatchClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { ...options.headers, ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined) client.use({ onRequest: ({ request }) => new Request(request, { signal: AbortSignal.timeout(timeoutMs) }) });
  return client;
}

/** A fetch that answers through `app.inject`: the host's own handlers, no socket. */
export function injectFetch(app: FastifyInstance): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const reply = await app.inject({
      method: request.method as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(request.headers),
      ...(body === undefined ? {} : { payload: body }),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(reply.headers)) {
      if (value !== undefined) for (const v of [value].flat()) headers.append(name, String(v));
    }
    const empty = reply.statusCode === 204 || reply.statusCode === 304;
    return new Response(empty ? null : new Uint8Array(reply.rawPayload), { status: reply.statusCode, headers });
  };
}
