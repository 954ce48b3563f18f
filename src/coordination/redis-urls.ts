/**
 * The URLs of a --redis value: one is a single server; two or more (comma-separated, e.g.
 * `redis://10.0.0.1:7000,redis://10.0.0.2:7000`) are seed nodes of a Redis Cluster, from which
 * the client learns every master and the slots each holds. (A module of its own: the host's
 * configuration checks the value without loading a Redis client.)
 */
export function redisNodeUrls(text: string): string[] {
  return text.split(',').map((url) => url.trim());
}
