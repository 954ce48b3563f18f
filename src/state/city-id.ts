/**
 * City ids name Redis keys (inside a `{city}` hash tag) and MySQL rows, so they are kept
 * to a safe alphabet: no braces (they would break the hash tag), no separators, bounded length.
 */
const CITY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export function assertCityId(city: unknown): asserts city is string {
  if (typeof city !== 'string' || !CITY_ID.test(city)) {
    throw new TypeError(`invalid city id ${JSON.stringify(city)}: expected 1-64 characters of A-Z a-z 0-9 _ . -`);
  }
}
