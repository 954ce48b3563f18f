/**
 * The HTTP host: buildApp() returns a Fastify instance with one plugin per route group, TypeBox
 * schemas on every route (validation, serialisation, the OpenAPI document at /docs), bearer-token
 * auth on mutating routes when a token is configured, and the single error handler.
 */
import { timingSafeEqual } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { MAX_PATH_PARAM_LENGTH } from '../domain/limits.js';
import type { HostContext } from './context.js';
import { HttpError, installErrorHandler } from './errors.js';
import { citiesRoutes } from './routes/cities.js';
import { couriersRoutes } from './routes/couriers.js';
import { decisionStreamRoutes } from './routes/decision-stream.js';
import { decisionsRoutes } from './routes/decisions.js';
import { dispatchRoutes } from './routes/dispatch.js';
import { healthRoutes } from './routes/health.js';
import { leasesRoutes } from './routes/leases.js';
import { mapRoutes } from './routes/map.js';
import { metricsRoutes } from './routes/metrics.js';
import { ordersRoutes } from './routes/orders.js';
import { pickupsRoutes } from './routes/pickups.js';
import { installValidators } from './validation.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp(host: HostContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: host.config.logger ? { level: host.config.logLevel ?? 'warn' } : false,
    bodyLimit: host.config.bodyLimitBytes,
    // Every id the schemas accept fits a path, however a client percent-encodes it.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    // A path that does not decode (%ZZ, or UTF-8 of a lone surrogate) is a 400 in the API's shape.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      if (error.code !== 'FST_ERR_BAD_URL') return reply.send(error);
      return reply.code(400).send({ error: 'url: is not a valid percent-encoded UTF-8 path', field: 'url', code: 'invalid_field' });
    },
    // Shutdown closes idle keep-alive connections instead of waiting for them.
    forceCloseConnections: 'idle',
  });
  installValidators(app);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'dispatchd', version: '0.1.0', description: 'Dispatch optimiser host: cities, couriers, orders, offers, decisions' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(host.config.token ? { security: [{ bearer: [] }] } : {}),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const token = host.config.token;
  if (token !== undefined) {
    const expected = Buffer.from(`Bearer ${token}`);
    app.addHook('onRequest', async (request) => {
      if (!MUTATING.has(request.method)) return;
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new HttpError(401, 'missing or wrong bearer token');
      }
    });
  }

  for (const routes of [
    citiesRoutes,
    couriersRoutes,
    ordersRoutes,
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
