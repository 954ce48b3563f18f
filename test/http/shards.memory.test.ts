/** A city of three area shards through a host on the embedded stores (support/shards-suite.ts). */
import { afterAll, beforeAll, describe } from 'vitest';
import { startHost, type Host } from '../../src/host/host.js';
import { testConfig } from './support/host.js';
import { shardedCitySuite } from './support/shards-suite.js';

describe('a city of area shards on the embedded stores', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startHost(testConfig({ port: 0, listen: '127.0.0.1' }));
  });
  afterAll(() => host?.close());
  shardedCitySuite(() => host);
});
