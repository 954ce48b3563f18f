/**
 * Request validation: Ajv with `verbose` (the failing schema travels with each error, so the
 * error handler can word the constraint as the snapshot reader does). Bodies are JSON and are
 * not coerced ("12" is not a number); params and query strings are text and are.
 */
import { Ajv, type Options } from 'ajv';
import type { FastifyInstance } from 'fastify';

export function installValidators(app: FastifyInstance): void {
  const common: Options = { verbose: true, allErrors: false, useDefaults: true, strict: false };
  const json = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema));
}
