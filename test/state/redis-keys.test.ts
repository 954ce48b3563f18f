import { describe, expect, it } from 'vitest';
import { assertKeyPrefix, cityKeys } from '../../src/state/redis-keys.js';

describe('city keys', () => {
  it('all share the city hash tag, so one script can touch them all on Redis Cluster', () => {
    const keys = Object.values(cityKeys('dispatchd:', 'bcn'));
    expect(new Set(keys).size).toBe(keys.length);
    // Redis Cluster hashes the text inside the first {...} of a key.
    for (const key of keys) expect(/\{([^}]*)\}/.exec(key)?.[1]).toBe('bcn');
  });

  it('refuse prefixes and city ids that would break the hash tag', () => {
    expect(() => assertKeyPrefix('a{b}:')).toThrow(/braces/);
    expect(() => cityKeys('p:', 'b}cn')).toThrow(/city id/);
    expect(() => cityKeys('p:', '')).toThrow(/city id/);
    expect(() => cityKeys('p:', 'x'.repeat(65))).toThrow(/city id/);
  });
});
