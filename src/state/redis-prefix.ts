import type { Redis } from 'ioredis';

/**
 * Deletes every key of one server (or one cluster master) under `prefix`: how a benchmark, the
 * cluster runner or a test removes the key prefix it ran under. One DEL per key, pipelined, since
 * a cluster node refuses a DEL across slots.
 */
export async function deleteKeysUnder(node: Redis, prefix: string): Promise<void> {
  for await (const keys of node.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await keys.reduce((pipeline, key) => pipeline.del(key), node.pipeline()).exec();
  }
}
