/**
 * The API's errors: one catalogue of codes, each with its HTTP status and meaning, and the
 * single error handler that turns every failure — a route's refusal, a schema violation, bad
 * JSON, too large a body, an unknown route, a store that does not answer — into the one shape
 * `{ error, code, field?, holder? }`. The OpenAPI Error component and the table in docs/host.md
 * are made from (and tested against) this catalogue.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { InputError } from '../domain/errors.js';
import { MAX_ESTIMATE_PAIRS, MAX_ESTIMATE_READY } from '../domain/limits.js';
import { inputErrorFromSchemaError } from '../domain/schema-rules.js';
import { StoreUnavailableError } from '../coordination/store-unavailable.js';
import { ShardsFixedError } from '../coordination/city-config.js';
import { Type } from '@sinclair/typebox';

const count = (n: number) => n.toLocaleString('en-US');

export const ERROR_CODES = {
  invalid_field: {
    status: 400,
    meaning: "a value breaks its field's rule; `field` names it (`couriers[2].lat`, a path or query parameter, or `url` for a path that does not decode)",
    example: 'couriers[2].lat: must be a number in [-90, 90]',
  },
  unknown_field: {
    status: 400,
    meaning: 'a field no schema has; `field` names it (every body object and query string is closed)',
    example: 'params.heuristic: is not a known field',
  },
  invalid_json: {
    status: 400,
    meaning: 'the body is not JSON, or is empty with `content-type: application/json`',
    example: "body: Body is not valid JSON but content-type is set to 'application/json'",
  },
  bad_request: {
    status: 400,
    meaning: 'a request the host cannot read otherwise (the message says why)',
    example: 'querystring: Unsupported format',
  },
  unauthorized: {
    status: 401,
    meaning: 'missing or wrong `Authorization: Bearer <token>` (the host has DISPATCHD_TOKEN)',
    example: 'missing or wrong bearer token',
  },
  unknown_city: {
    status: 404,
    meaning: 'no city has this id',
    example: 'unknown city bcn',
  },
  unknown_courier: {
    status: 404,
    meaning: 'the city has no courier with this id',
    example: 'unknown courier c1',
  },
  unknown_order: {
    status: 404,
    meaning: 'the city has no open order with this id (never created, or delivered or cancelled)',
    example: 'unknown order o1',
  },
  unknown_pickup: {
    status: 404,
    meaning: 'no pickup has this id (never committed, or ended)',
    example: 'unknown pickup p23.1 (never committed, or ended)',
  },
  unknown_route: {
    status: 404,
    meaning: 'no route has this method and path',
    example: 'no route GET /v1/citys',
  },
  order_exists: {
    status: 409,
    meaning: 'an order of the batch already exists; no order of the batch was created',
    example: 'order o1 already exists; no order of the batch was created',
  },
  no_offer: {
    status: 409,
    meaning: 'the order or pickup has no outstanding offer (to that courier, when the answer names one)',
    example: 'order o1 has no outstanding offer to courier c2',
  },
  wrong_state: {
    status: 409,
    meaning: 'the event does not apply to the order or pickup in its state (e.g. delivered before picked up)',
    example: 'order o1 is pending',
  },
  city_disabled: {
    status: 409,
    meaning: 'POST /dispatch on a disabled city',
    example: 'city bcn is disabled',
  },
  leased_elsewhere: {
    status: 409,
    meaning: 'POST /dispatch on a city another host leases; `holder` names that host',
    example: 'city bcn is leased by host-b/9a41',
  },
  not_leased_yet: {
    status: 409,
    meaning: 'POST /dispatch on a city no host leases yet (just created or being handed over); retry shortly',
    example: 'no host holds the lease of city bcn yet; retry shortly',
  },
  shards_fixed: {
    status: 409,
    meaning: "PUT /cities/{city} changing an existing city's `shards`: the shard count is fixed once the city exists",
    example: 'city bcn has 3 shards; its shard count is fixed once it exists (asked for 4)',
  },
  body_too_large: {
    status: 413,
    meaning: 'the body is larger than the host takes (16 MiB)',
    example: 'Request body is too large',
  },
  too_many_items: {
    status: 413,
    meaning: `a batch of more couriers or orders than one request takes (50,000), or of more estimates (${count(MAX_ESTIMATE_READY)} ready, ${count(MAX_ESTIMATE_PAIRS)} pairs)`,
    example: 'couriers: at most 50000 per request',
  },
  uri_too_long: {
    status: 414,
    meaning: 'a path segment longer than any id can be (1,536 characters, percent-encoded)',
    example: 'url: a path segment is longer than any id can be',
  },
  unsupported_media_type: {
    status: 415,
    meaning: 'a body that is not `application/json`',
    example: 'Unsupported Media Type: application/xml',
  },
  internal: {
    status: 500,
    meaning: 'a failure of the host itself (logged with the request id)',
    example: 'internal error',
  },
  store_unavailable: {
    status: 503,
    meaning: 'a store (MySQL or Redis) did not answer in time; the request may be retried',
    example: 'state store (Redis) unavailable: connection refused',
  },
  shutting_down: {
    status: 503,
    meaning: 'the host is shutting down; send the request to another host',
    example: 'the host is shutting down; send the request to another host',
  },
} as const satisfies Record<string, { status: number; meaning: string; example: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as ErrorCode[];

/** The body of every 4xx and 5xx answer: the OpenAPI component `Error`. */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'what went wrong, for a person: names the field or the resource' }),
    code: Type.Union(
      ERROR_CODE_NAMES.map((c) => Type.Literal(c)),
      { description: ERROR_CODE_NAMES.map((c) => `${c} (${ERROR_CODES[c].status}): ${ERROR_CODES[c].meaning}`).join('; ') },
    ),
    field: Type.Optional(Type.String({ description: 'the field at fault (400s and too_many_items)' })),
    holder: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'leased_elsewhere: the host holding the lease' })),
  },
  {
    $id: 'Error',
    description: 'Every 4xx and 5xx answer of the host has this shape; `code` is the machine-readable reason.',
    examples: [{ error: 'couriers[2].lat: must be a number in [-90, 90]', code: 'invalid_field', field: 'couriers[2].lat' }],
  },
);
export interface ErrorBody {
  error: string;
  code: ErrorCode;
  field?: string;
  holder?: string | null;
}

export class HttpError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; holder?: string | null } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = ERROR_CODES[code].status;
  }

  body(): ErrorBody {
    return { error: this.message, code: this.code, ...this.extra };
  }
}

/** What each Fastify error that reaches the handler means in the catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_BAD_URL: 'invalid_field',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/** Any failure as the catalogue's error. */
export function toHttpError(error: FastifyError | Error): HttpError {
  if (error instanceof HttpError) return error;
  const fastify = error as FastifyError;
  if (fastify.validation) return fromSchemaError(fastify.validation[0] as ErrorObject, fastify.validationContext ?? 'body');
  if (error instanceof InputError) return new HttpError('invalid_field', error.message, { field: error.field });
  if (error instanceof StoreUnavailableError) return new HttpError('store_unavailable', error.message);
  if (error instanceof ShardsFixedError) return new HttpError('shards_fixed', error.message, { field: 'shards' });
  const code = fastify.code === undefined ? undefined : FASTIFY_CODES[fastify.code];
  if (code === 'invalid_field') return new HttpError(code, 'url: is not a valid percent-encoded UTF-8 path', { field: 'url' });
  if (code === 'invalid_json') return new HttpError(code, `body: ${fastify.message}`);
  if (code === 'uri_too_long') return new HttpError(code, 'url: a path segment is longer than any id can be', { field: 'url' });
  if (code) return new HttpError(code, fastify.message);
  // Any other refusal of the request by Fastify is still the caller's, never a 500.
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) return new HttpError('bad_request', fastify.message);
  return new HttpError('internal', 'internal error');
}

/** A schema violation (Ajv), worded as the snapshot reader words it, naming the field. */
function fromSchemaError(first: ErrorObject, context: string): HttpError {
  const input = inputErrorFromSchemaError(first);
  const field = input.field === 'snapshot' ? context : input.field;
  if (context === 'body' && first.keyword === 'maxItems' && /^\/(couriers|orders|ready|pairs)$/.test(first.instancePath)) {
    return new HttpError('too_many_items', `${field}: at most ${first.params.limit} per request`, { field });
  }
  const code = first.keyword === 'additionalProperties' ? 'unknown_field' : 'invalid_field';
  return new HttpError(code, `${field}: ${input.reason}`, { field });
}

/** Sends the error in the API's shape; the request log line says why (see app.ts). */
export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  reply.errorCode = error.code;
  reply.errorMessage = error.message;
  return reply.code(error.statusCode).send(error.body());
}

declare module 'fastify' {
  interface FastifyReply {
    /** The catalogue code of the error this reply sends, for the request's log line. */
    errorCode?: ErrorCode;
    errorMessage?: string;
  }
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const http = toHttpError(error);
    if (http.code === 'internal') request.log.error({ err: error }, 'request failed');
    else if (http.code === 'store_unavailable') request.log.warn({ err: error }, 'store unavailable');
    return sendError(reply, http);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new HttpError('unknown_route', `no route ${request.method} ${request.url.split('?')[0]}`)));
}
