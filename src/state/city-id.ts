import { CityId } from '../domain/limits.js';

/** The store-side test of CityId (limits.ts): city ids name Redis keys and MySQL rows. */
const CITY_ID = new RegExp(CityId.pattern!);

export function assertCityId(city: unknown): asserts city is string {
  if (typeof city !== 'string' || !CITY_ID.test(city)) {
    throw new TypeError(`invalid city id ${JSON.stringify(city)}: expected ${CityId.description}`);
  }
}
