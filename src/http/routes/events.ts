import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { evaluateFeatures } from '../../features/aggregate.js';
import { eventFromJson, featureEventProblem } from '../../features/events.js';
import type { HostContext } from '../context.js';
import { HttpError } from '../errors.js';
import { CityParams, EventsAccepted, EventsBody, Features, ref } from '../schemas.js';
import { knownCity } from './city-guard.js';

/** The feature engine's entry points (docs/features.md): business events in, rolling features out. */
export const eventsRoutes: FastifyPluginAsyncTypebox<{ host: HostContext }> = async (app, { host }) => {
  app.post(
    '/v1/cities/:city/events',
    {
      schema: {
        operationId: 'postEvents',
        summary: "Feed the city's feature engine: order created / ready / picked up / delivered / cancelled, courier position and status",
        description:
          "The batch is taken atomically at one time on the state store's clock (the reply's `at`: an event log's time). An id seen " +
          'within the dedupe horizon is ignored, and so is a step of an order the engine has no record of or has already seen; the reply lists them. ' +
          'The host feeds it too: orders it creates, events on them and courier updates (docs/features.md, "Events").',
        tags: ['features'],
        params: CityParams,
        body: ref(EventsBody),
        response: { 200: ref(EventsAccepted, { description: 'what was taken, and what was ignored and why' }) },
        errors: ['unknown_city', 'too_many_items', 'store_unavailable'],
      },
    },
    async (request) => {
      const { city } = request.params;
      await knownCity(host, city);
      const events = request.body.events.map(eventFromJson);
      const problem = featureEventProblem(events);
      if (problem) {
        const field = `events[${problem.index}].${problem.field}`;
        throw new HttpError('invalid_field', `${field}: ${problem.message}`, { field });
      }
      const result = await host.stores.state.ingestFeatureEvents(city, events);
      host.metrics.ingested.inc({ city, kind: 'event' }, result.accepted);
      return result;
    },
  );

  app.get(
    '/v1/cities/:city/features',
    {
      schema: {
        operationId: 'getFeatures',
        summary: "The city's features now: every restaurant's, zone's and courier's, as the tick reads them",
        tags: ['features'],
        params: CityParams,
        response: { 200: ref(Features, { description: 'the features at `at`' }) },
        errors: ['unknown_city', 'store_unavailable'],
      },
    },
    async (request) => {
      const { city } = request.params;
      await knownCity(host, city);
      const state = await host.stores.state.readFeatureState(city);
      const table = evaluateFeatures(state);
      return { at: state.at, features: Object.fromEntries([...table].map(([name, values]) => [name, Object.fromEntries(values)])) };
    },
  );
};
