import { CityId, MAX_SHARDS } from '../domain/limits.js';

/** The store-side test of CityId (limits.ts): city ids name Redis keys and MySQL rows. */
const CITY_ID = new RegExp(CityId.pattern!);

export function assertCityId(city: unknown): asserts city is string {
  if (typeof city !== 'string' || !CITY_ID.test(city)) {
    throw new TypeError(`invalid city id ${JSON.stringify(city)}: expected ${CityId.description}`);
  }
}

/**
 * The state store's name of area shard `shard` of a city of several (docs/scaling.md, "Area
 * shards"): `<city>#<shard>`, its own hash tag in Redis. No city id has a `#`, so it names no city.
 */
export function shardCity(city: string, shard: number): string {
  assertCityId(city);
  if (!Number.isInteger(shard) || shard < 0 || shard >= MAX_SHARDS) throw new RangeError(`shard must be an integer in [0, ${MAX_SHARDS}), got ${shard}`);
  return `${city}#${shard}`;
}

/** What a city state store takes as a city: a city id, or one of its shards (shardCity). */
export function assertStateCity(city: unknown): asserts city is string {
  const hash = typeof city === 'string' ? city.lastIndexOf('#') : -1;
  if (hash < 0) return assertCityId(city);
  const name = city as string;
  if (shardCity(name.slice(0, hash), Number(name.slice(hash + 1))) !== name) throw new TypeError(`invalid city shard ${JSON.stringify(city)}`);
}
