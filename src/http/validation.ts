/**
 * Request validation: Ajv with `verbose` (the failing schema travels with each error, so the
 * error handler can word the constraint as the snapshot reader does). Bodies are JSON and are
 * not coerced ("12" is not a number); params and query strings are text and are.
 *
 * strictNumbers: JSON.parse reads 1e309 as Infinity, which plain Ajv takes for a number; the
 * stores would not. Routes that take no body or no query string get a closed empty schema, so
 * what a caller sends there is refused naming it instead of being ignored.
 *
 * The shared schemas (the OpenAPI components routes refer to by $ref) go into both Ajv
 * instances when the first route schema is compiled, once every addSchema has run.
 */
import { Ajv, type ErrorObject, type Options, type SchemaObject } from 'ajv';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { NoBody, NoQuery } from './schemas.js';

export function installValidators(app: FastifyInstance): void {
  const common: Options = { verbose: true, allErrors: false, useDefaults: true, strict: false, strictNumbers: true };
  const json = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: true });
  let shared = false;
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (!shared) {
      for (const s of Object.values(app.getSchemas())) {
        json.addSchema(s as SchemaObject);
        text.addSchema(s as SchemaObject);
      }
      shared = true;
    }
    return httpPart === 'body' ? json.compile(schema) : finiteOnly(text.compile(schema), schema);
  });
  app.addHook('onRoute', closeApiInputs);
}

interface TextValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * Ajv coerces the text "1e309" to Infinity and then skips its range checks, strictNumbers or
 * not (ajv 8.20), so a coerced non-finite number is refused here, as the type error it is.
 * Params and query strings are flat objects: only their own values need looking at.
 */
function finiteOnly(validate: TextValidator, schema: SchemaObject): TextValidator {
  const check: TextValidator = (data) => {
    if (!validate(data)) {
      check.errors = validate.errors;
      return false;
    }
    const values = (data ?? {}) as Record<string, unknown>;
    const key = Object.keys(values).find((k) => typeof values[k] === 'number' && !Number.isFinite(values[k]));
    if (key === undefined) return true;
    const parentSchema = (schema.properties as Record<string, SchemaObject> | undefined)?.[key];
    check.errors = [{ keyword: 'type', instancePath: `/${key}`, schemaPath: '', params: {}, parentSchema, message: 'must be finite' }];
    return false;
  };
  return check;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Only the API's own routes: /docs, the probes and /metrics keep their plugins' defaults. */
function closeApiInputs(route: RouteOptions): void {
  if (!route.url.startsWith('/v1/')) return;
  const methods = [route.method].flat();
  const schema = (route.schema ??= {});
  schema.querystring ??= NoQuery;
  if (methods.some((m) => BODY_METHODS.has(m))) schema.body ??= NoBody;
}
