/**
 * The area shards of a city (docs/scaling.md, "Area shards"): bands of longitude AREA_BAND_DEG
 * wide, numbered in turn from west to east, so neighbouring bands are different shards and a
 * city a few bands wide has each shard in one piece. A pure function of the position: every
 * host and both stores agree on it without asking anyone.
 */
export const AREA_BAND_DEG = 0.05;

/** The area shard (0 … shards − 1) of a point at longitude `lng`. */
export function areaOf(lng: number, shards: number): number {
  return Math.floor((lng + 180) / AREA_BAND_DEG) % shards;
}
