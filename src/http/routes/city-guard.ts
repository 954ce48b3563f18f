import type { CityConfig } from '../../coordination/city-config.js';
import type { HostContext } from '../context.js';
import { HttpError } from '../errors.js';

/** The city's configuration, or a 404 for a city nobody created. */
export async function knownCity(host: HostContext, city: string): Promise<CityConfig> {
  const config = await host.stores.leases.getCity(city);
  if (!config) throw new HttpError('unknown_city', `unknown city ${city}`);
  return config;
}
