import type { FastifyPluginAsync } from 'fastify';
import { holderName } from '../../coordination/holder.js';
import type { HostContext } from '../context.js';
import { Leases } from '../schemas.js';

export const leasesRoutes: FastifyPluginAsync<{ host: HostContext }> = async (app, { host }) => {
  app.get('/v1/leases', { schema: { summary: 'Who holds which city, with tokens', tags: ['leases'], response: { 200: Leases } } }, async () => {
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
