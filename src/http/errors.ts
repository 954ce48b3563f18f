/**
 * The single error handler: every failure becomes `{ error, field?, code? }` with the right
 * status. Schema violations (Ajv) and InputErrors are 400 naming the field, with `code`
 * `unknown_field` for a field no schema has and `invalid_field` for one that breaks its rule;
 * unknown resources 404; a lease held elsewhere 409 naming the holder; too large a body 413;
 * anything else 500.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ErrorObject } from 'ajv';
import { InputError } from '../domain/errors.js';
import { inputErrorFromSchemaError } from '../domain/snapshot-schema.js';
import { StoreUnavailableError } from '../coordination/store-unavailable.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly extra: { field?: string; holder?: string | null; code?: string } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string, extra: { holder?: string | null; code?: string } = {}) => new HttpError(409, message, extra);

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.code(error.statusCode).send({ error: error.message, ...error.extra });
    }
    if (error.validation) {
      const first = error.validation[0] as ErrorObject;
      const context = error.validationContext ?? 'body';
      const input = inputErrorFromSchemaError(first);
      const field = input.field === 'snapshot' ? context : input.field;
      if (context === 'body' && first.keyword === 'maxItems' && /^\/(couriers|orders)$/.test(first.instancePath)) {
        return reply.code(413).send({ error: `${field}: at most ${first.params.limit} per request`, field });
      }
      const code = first.keyword === 'additionalProperties' ? 'unknown_field' : 'invalid_field';
      return reply.code(400).send({ error: `${field}: ${input.reason}`, field, code });
    }
    if (error instanceof InputError) {
      return reply.code(400).send({ error: error.message, field: error.field, code: 'invalid_field' });
    }
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, 'store unavailable');
      return reply.code(503).send({ error: error.message, code: error.code });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: 'request body too large' });
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
}
