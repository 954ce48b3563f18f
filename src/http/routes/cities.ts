import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CityConfig } from '../../coordination/city-config.js';
import type { BundlingParams, DispatchParams } from '../../domain/problem.js';
import { paramsToJson } from '../../domain/snapshot.js';
import { etaModelFromJson, etaModelToJson } from '../../features/eta-model.js';
import type { HostContext } from '../context.js';
import { HttpError } from '../errors.js';
import { City, CityBody, CityList, CityParams, ref } from '../schemas.js';

export const citiesRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  app.put(
    '/v1/cities/:city',
    {
      schema: {
        operationId: 'putCity',
        summary: 'Create a city or change it: enable or disable it, set its dispatch parameters and tick',
        description:
          'Fields left out keep their current value (or the default, for a new city). `params`, when given, ' +
          "replaces the city's whole params object: a parameter it leaves out takes its default, it does not " +
          'keep its current value; `bundling` likewise. `shards` is set when the city is created; a different ' +
          'value for an existing city is a 409 `shards_fixed`. An unknown field anywhere is a 400 naming it.',
        tags: ['cities'],
        params: CityParams,
        body: ref(CityBody),
        response: { 200: ref(City, { description: 'the city as it is now' }) },
        errors: ['shards_fixed', 'store_unavailable'],
      },
    },
    async (request) => {
      const { city } = request.params;
      const body = request.body;
      // One atomic change: given groups replace the city's (their unset fields take the defaults), the rest is kept.
      const config = await host.stores.leases.changeCity({
        id: city,
        enabled: body.enabled,
        params: body.params && paramsFromJson(body.params),
        bundling: body.bundling && bundlingFromJson(body.bundling),
        tickMs: body.tick_ms,
        shards: body.shards,
        etaModel: body.eta_model === undefined ? undefined : body.eta_model && etaModelFromJson(body.eta_model),
      });
      host.loop.cityChanged(config);
      return cityJson(config);
    },
  );

  app.get(
    '/v1/cities',
    {
      schema: {
        operationId: 'listCities',
        summary: 'Every city',
        tags: ['cities'],
        response: { 200: ref(CityList, { description: 'every city, in id order' }) },
        errors: ['store_unavailable'],
      },
    },
    async () => ({ cities: (await host.stores.leases.listCities()).map(cityJson) }),
  );

  app.get(
    '/v1/cities/:city',
    {
      schema: {
        operationId: 'getCity',
        summary: 'One city',
        tags: ['cities'],
        params: CityParams,
        response: { 200: ref(City, { description: 'the city' }) },
        errors: ['unknown_city', 'store_unavailable'],
      },
    },
    async (request) => {
      const config = await host.stores.leases.getCity(request.params.city);
      if (!config) throw new HttpError('unknown_city', `unknown city ${request.params.city}`);
      return cityJson(config);
    },
  );
};

function paramsFromJson(json: CityBody['params']): Partial<DispatchParams> {
  const params: Partial<DispatchParams> = {};
  if (!json) return params;
  if ('max_pickup_s' in json) params.maxPickupS = json.max_pickup_s;
  if ('max_candidates' in json) params.maxCandidates = json.max_candidates;
  if ('unassigned_penalty_s' in json) params.unassignedPenaltyS = json.unassigned_penalty_s;
  if ('detour_factor' in json) params.detourFactor = json.detour_factor;
  if ('wait_weight' in json) params.waitWeight = json.wait_weight;
  if ('handover_s' in json) params.handoverS = json.handover_s;
  return params;
}

function bundlingFromJson(json: NonNullable<CityBody['bundling']>): Partial<BundlingParams> {
  return {
    ...(json.max_bundle_size === undefined ? {} : { maxBundleSize: json.max_bundle_size }),
    ...(json.bundle_window_s === undefined ? {} : { bundleWindowS: json.bundle_window_s }),
  };
}

export function cityJson(config: CityConfig): City {
  return {
    id: config.id,
    enabled: config.enabled,
    tick_ms: config.tickMs,
    params: paramsToJson(config.params),
    bundling: { max_bundle_size: config.bundling.maxBundleSize, bundle_window_s: config.bundling.bundleWindowS },
    eta_model: config.etaModel && etaModelToJson(config.etaModel),
    shards: config.shards,
  };
}
