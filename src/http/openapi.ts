/**
 * How the routes are documented: OpenAPI 3.1 from @fastify/swagger, the named components of
 * schemas.ts under their own names, and on every route the error answers it can give. A route
 * lists the codes only it gives (`schema.errors`); the ones that follow from what it takes —
 * a body, parameters, the bearer token — and the ones every route can give are added here, so
 * the document and the error handler cannot drift apart.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { ERROR_CODES, ErrorBody, type ErrorCode } from './errors.js';
import { ref } from './schemas.js';

declare module 'fastify' {
  interface FastifySchema {
    /** The error codes this route gives beyond those that follow from its inputs (openapi.ts). */
    errors?: readonly ErrorCode[];
  }
}

/** Routes that answer while the host shuts down: they say so themselves. */
export const PROBES = new Set(['/healthz', '/readyz']);

export interface AuthRule {
  /** Whether `Authorization: Bearer <token>` is asked for at this method and path, with a token set. */
  required(method: string, path: string): boolean;
  /** Whether it may be asked for in some configuration (DISPATCHD_TOKEN_READS). */
  possible(method: string, path: string): boolean;
  /** A token is configured. */
  enabled: boolean;
}

/**
 * The API's document: documentRoute() runs for every route as it is added (onRoute), and
 * swaggerOptions() gives @fastify/swagger what makes the document from them.
 */
export class ApiDocument {
  /** Schemas already documented: a GET's HEAD route shares its schema object. */
  private readonly documented = new WeakSet<object>();
  /** The error codes behind each error status of each operation ("POST /v1/cities/{city}/orders"). */
  private readonly errorCodes = new Map<string, Map<number, ErrorCode[]>>();

  constructor(private readonly auth: AuthRule) {}

  swaggerOptions(version: string): SwaggerOptions {
    return {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'dispatchd',
          version,
          description:
            'Dispatch optimiser host: cities, couriers, orders, offers, pickups, decisions. Every 4xx and 5xx answer is an `Error` ' +
            '(`{ error, code, field? }`); `code` is one of the catalogue in docs/host.md. Every answer carries `x-request-id` ' +
            '(the caller’s, or one the host made), which the host’s log lines carry too.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
      // Shared schemas keep their $id as their name in components.schemas.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
      transformObject: (document) =>
        'openapiObject' in document ? (this.finish(document.openapiObject) as typeof document.openapiObject) : document.swaggerObject,
    };
  }

  /** Adds the route's error answers and, when the token applies to it, its security requirement. */
  documentRoute(route: RouteOptions): void {
    const schema = (route.schema ??= {});
    if (schema.hide || this.documented.has(schema)) return;
    this.documented.add(schema);
    const methods = [route.method].flat();
    const codes = new Set<ErrorCode>(schema.errors ?? []);
    if (schema.params || schema.querystring || schema.body) codes.add('invalid_field');
    if (route.url.startsWith('/v1/')) codes.add('unknown_field');
    if (schema.body) for (const code of ['invalid_json', 'body_too_large', 'unsupported_media_type'] as const) codes.add(code);
    if (methods.some((m) => this.auth.possible(m, route.url))) codes.add('unauthorized');
    if (!PROBES.has(route.url)) codes.add('shutting_down');
    codes.add('internal');
    const response = (schema.response ??= {}) as Record<number, unknown>;
    const groups = byStatus(codes);
    for (const [status, group] of groups) {
      if (response[status] !== undefined) throw new Error(`${route.url}: ${status} is declared by the route and by its error codes`);
      response[status] = ref(ErrorBody, { description: group.map((c) => `\`${c}\`: ${ERROR_CODES[c].meaning}`).join('; ') });
    }
    for (const method of methods) this.errorCodes.set(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`, groups);
    if (this.auth.enabled && methods.some((m) => this.auth.required(m, route.url))) schema.security = [{ bearer: [] }];
  }

  /**
   * The document as clients read it: 2020-12 tuples; a request body that may be left out (its
   * schema takes null) is not required; a body or answer that is a named component shows the
   * component's example, an error answer one example per code; every answer names x-request-id.
   */
  private finish(input: unknown): Document {
    const document = toJsonSchema2020(input) as Document;
    const component = (media: Media) => (media.schema?.$ref ? document.components.schemas[media.schema.$ref.split('/').pop()!] : undefined);
    const withExample = (media: Media) => {
      const example = component(media)?.examples?.[0];
      if (example !== undefined && media.example === undefined) media.example = example;
    };
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const media of Object.values(operation.requestBody?.content ?? {})) {
          const anyOf = media.schema?.anyOf ?? component(media)?.anyOf;
          if (anyOf?.some((s) => s.type === 'null')) operation.requestBody!.required = false;
          withExample(media);
        }
        const errors = this.errorCodes.get(`${method.toUpperCase()} ${path}`);
        for (const [status, response] of Object.entries(operation.responses)) {
          response.headers = { 'x-request-id': REQUEST_ID_HEADER };
          const codes = errors?.get(Number(status));
          for (const media of Object.values(response.content ?? {})) {
            if (codes) media.examples = Object.fromEntries(codes.map((c) => [c, { value: errorExample(c) }]));
            else withExample(media);
          }
        }
      }
    }
    return document;
  }
}

const REQUEST_ID_HEADER = {
  description: 'the x-request-id the request carried (up to 128 of A-Z a-z 0-9 . _ : -), or a UUID the host made; its log lines carry it as request_id',
  schema: { type: 'string' },
};

function errorExample(code: ErrorCode) {
  return {
    error: ERROR_CODES[code].example,
    code,
    ...(code === 'invalid_field' ? { field: 'couriers[2].lat' } : code === 'unknown_field' ? { field: 'params.heuristic' } : {}),
    ...(code === 'leased_elsewhere' ? { holder: 'host-b/9a41' } : {}),
  };
}

function byStatus(codes: Set<ErrorCode>): Map<number, ErrorCode[]> {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of [...codes].sort((a, b) => ERROR_CODES[a].status - ERROR_CODES[b].status)) {
    const status = ERROR_CODES[code].status;
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return groups;
}

type Media = { schema?: { $ref?: string; anyOf?: { type?: string }[] }; example?: unknown; examples?: Record<string, { value: unknown }> };
type Operation = {
  requestBody?: { required?: boolean; content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media>; headers?: Record<string, unknown> }>;
};
type Document = {
  components: { schemas: Record<string, { examples?: unknown[]; anyOf?: { type?: string }[] }> };
  paths: Record<string, Record<string, Operation>>;
};

/**
 * TypeBox writes tuples as draft-07 (`items: [..]`, `additionalItems`), which Ajv validates
 * with; OpenAPI 3.1's schemas are JSON Schema 2020-12, where a tuple is `prefixItems` and
 * `items: false`.
 */
function toJsonSchema2020(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema2020);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === 'example' || key === 'examples' ? value : toJsonSchema2020(value);
  if (Array.isArray(out.items)) {
    out.prefixItems = out.items;
    out.items = out.additionalItems === false ? false : undefined;
    delete out.additionalItems;
    if (out.items === undefined) delete out.items;
  }
  return out;
}
