import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { holderName } from '../../coordination/holder.js';
import type { HostContext } from '../context.js';
import { Leases, ref } from '../schemas.js';

export const leasesRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  const schema = {
    operationId: 'listLeases',
    summary: 'Who holds which city, with tokens',
    tags: ['leases'],
    response: { 200: ref(Leases, { description: 'the lease census as this host sees it' }) },
    errors: ['store_unavailable' as const],
  };
  app.get('/v1/leases', { schema }, async () => {
    const census = await host.stores.leases.census(host.config.leaseTtlMs);
    return {
      host: holderName(host.holder),
      live_hosts: census.liveHosts.map(holderName),
      leases: census.leases.map((l) => {
        const own = host.keeper.lease(l.city);
        return {
          city: l.city,
          enabled: l.enabled,
          token: l.token,
          holder: l.holder && holderName(l.holder),
          expires_in_ms: own ? Math.round(own.remainingMs()) : null,
          unheld_for_ms: Number.isFinite(l.unheldForMs) ? l.unheldForMs : null,
        };
      }),
    };
  });
};
