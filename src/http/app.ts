/**
 * The HTTP host: buildApp() returns a Fastify instance with one plugin per route group, TypeBox
 * schemas on every route, typed through the TypeBox type provider in each plugin (validation, serialisation, the
 * OpenAPI 3.1 document at /docs), bearer-token auth (mutating routes, and reads too with
 * tokenReads), request ids, one JSON log line per request, HTTP metrics and the single error
 * handler.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MAX_PATH_PARAM_LENGTH } from '../domain/limits.js';
import type { HostContext } from './context.js';
import { HttpError, installErrorHandler, sendError, toHttpError } from './errors.js';
import { installHttpMetrics, packageVersion } from './http-metrics.js';
import { ApiDocument, PROBES, type AuthRule } from './openapi.js';
import { citiesRoutes } from './routes/cities.js';
import { couriersRoutes } from './routes/couriers.js';
import { decisionStreamRoutes } from './routes/decision-stream.js';
import { decisionsRoutes } from './routes/decisions.js';
import { dispatchRoutes } from './routes/dispatch.js';
import { estimatesRoutes } from './routes/estimates.js';
import { eventsRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { leasesRoutes } from './routes/leases.js';
import { mapRoutes } from './routes/map.js';
import { metricsRoutes } from './routes/metrics.js';
import { ordersRoutes } from './routes/orders.js';
import { pickupsRoutes } from './routes/pickups.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { installValidators } from './validation.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A caller's x-request-id is taken when it is this tame; otherwise the host makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes, scrapes and the map page's polling come every few seconds: their request lines are debug, not info. */
const QUIET_ROUTES = new Set([...PROBES, '/metrics', '/v1/cities/:city/map']);
/** The simulated fleet of `serve --demo` marks its requests with this header: they log at debug. */
export const DEMO_REQUEST_HEADER = 'x-dispatchd-demo';

export async function buildApp(host: HostContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: host.log,
    logController: new RequestLogLines({ requestIdLogLabel: 'request_id' }),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: host.config.bodyLimitBytes,
    // Every id the schemas accept fits a path, however a client percent-encodes it.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    // A path that does not decode (%ZZ, or UTF-8 of a lone surrogate) is a 400 in the API's shape.
    frameworkErrors: (error, request, reply: FastifyReply) => sendError(reply.header('x-request-id', request.id), toHttpError(error)),
    // Shutdown closes idle keep-alive connections instead of waiting for them.
    forceCloseConnections: 'idle',
    // While closing, the onRequest hook below answers 503 in the API's shape instead.
    return503OnClosing: false,
  });
  installValidators(app);
  installErrorHandler(app);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  const auth = authRule(host.config);
  const document = new ApiDocument(auth);
  app.addHook('onRoute', (route) => document.documentRoute(route));
  const version = packageVersion();
  await app.register(swagger, document.swaggerOptions(version));
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installHttpMetrics(app, host.metrics.registry, version);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  const expected = host.config.token === undefined ? undefined : Buffer.from(`Bearer ${host.config.token}`);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const path = request.url.split('?')[0];
    if (closing && !PROBES.has(path)) {
      reply.header('connection', 'close');
      throw new HttpError('shutting_down', 'the host is shutting down; send the request to another host');
    }
    if (expected && auth.required(request.method, path)) {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new HttpError('unauthorized', 'missing or wrong bearer token');
      }
    }
  });

  for (const routes of [
    citiesRoutes,
    couriersRoutes,
    ordersRoutes,
    estimatesRoutes,
    eventsRoutes,
    pickupsRoutes,
    dispatchRoutes,
    decisionsRoutes,
    decisionStreamRoutes,
    leasesRoutes,
    healthRoutes,
    metricsRoutes,
    mapRoutes,
  ]) {
    await app.register(routes, { host });
  }
  return app;
}

/** Mutating routes need the token; with tokenReads, the API's reads and /metrics too. */
function authRule(config: HostContext['config']): AuthRule {
  const isRead = (path: string) => path.startsWith('/v1/') || path === '/metrics';
  const possible = (method: string, path: string) => MUTATING.has(method) || isRead(path);
  return {
    enabled: config.token !== undefined,
    possible,
    required: (method, path) => MUTATING.has(method) || (config.tokenReads && isRead(path)),
  };
}

/**
 * One line per request, when its answer has been sent (instead of Fastify's two): what, how
 * it ended, and for an error the code and why.
 */
class RequestLogLines extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url;
    const status = reply.statusCode;
    const quiet = (route !== undefined && QUIET_ROUTES.has(route)) || request.headers[DEMO_REQUEST_HEADER] !== undefined;
    const level = error || status >= 500 ? 'warn' : quiet ? 'debug' : 'info';
    request.log[level](
      {
        method: request.method,
        url: request.url,
        route,
        status,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(reply.errorCode === undefined ? {} : { code: reply.errorCode, error: reply.errorMessage }),
        ...(error ? { err: error } : {}),
      },
      `${request.method} ${request.url} ${status}`,
    );
  }
}
