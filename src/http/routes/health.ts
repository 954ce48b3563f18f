import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DEFAULT_PARAMS, type Problem } from '../../domain/problem.js';
import { STORE_TIMEOUTS } from '../../coordination/store-timeouts.js';
import type { HostContext } from '../context.js';
import { Health, ref } from '../schemas.js';

const EMPTY_PROBLEM: Problem = {
  kind: 'edges',
  params: { ...DEFAULT_PARAMS },
  courierCount: 0,
  orderCount: 0,
  edgeOrder: new Int32Array(0),
  edgeCourier: new Int32Array(0),
  edgeCost: new Int32Array(0),
};

export const healthRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'healthz',
        summary: 'The process is up (liveness)',
        tags: ['health'],
        response: { 200: ref(Health, { description: '`{ status: "ok" }` while the process runs' }) },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'readyz',
        summary: 'Stores reachable and solver pool up (readiness)',
        tags: ['health'],
        response: {
          200: ref(Health, { description: 'ready: every check is ok' }),
          503: ref(Health, { description: 'not ready: `checks` says which check failed and why' }),
        },
      },
    },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      await Promise.all([
        probe(checks, 'leases', () => host.stores.leases.listCities()),
        probe(checks, 'state', () => host.stores.state.checkHealth()),
        probe(checks, 'decisions', () => host.stores.decisions.lastVersion('readyz')),
        // An empty solve goes through the queue and a worker: the pool is up and answering.
        probe(checks, 'pool', () => host.pool.solve(EMPTY_PROBLEM, { timeoutMs: STORE_TIMEOUTS.probeMs })),
      ]);
      const ready = Object.values(checks).every((c) => c === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );
};

async function probe(checks: Record<string, string>, name: string, check: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${STORE_TIMEOUTS.probeMs} ms`)), STORE_TIMEOUTS.probeMs);
      }),
    ]);
    checks[name] = 'ok';
  } catch (error) {
    checks[name] = error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
