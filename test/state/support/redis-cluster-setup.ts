/**
 * Vitest global setup: one local Redis Cluster (three masters, see redis-cluster.ts) for the
 * whole run (none without servers), removed at the end whatever the tests did. Test files reach it with
 * `inject('redisClusterUrls')` (createTestRedisCluster in redis.ts).
 */
import type { TestProject } from 'vitest/node';
import { WITH_SERVERS } from '../../support/servers.js';
import { startRedisCluster } from './redis-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisClusterUrls: string[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A run without servers (npm run test:unit) has no store that needs it.
  if (!WITH_SERVERS) {
    project.provide('redisClusterUrls', []);
    return async () => {};
  }
  const cluster = await startRedisCluster(3);
  project.provide('redisClusterUrls', cluster.urls);
  return () => cluster.stop();
}
