import type { CityStateStore } from './city-state-store.js';
import type { DecisionAudit } from './decision.js';

/**
 * What a city state store does in the base slot of a city of several area shards, for
 * ShardedCityStateStore (docs/scaling.md, "Area shards"); the shards themselves are cities of
 * the store named by shardCity (city-id.ts).
 */
export interface ShardBase {
  /** Opens the city's next decision version (open_decision.lua), fenced as a commit is. */
  openDecision(city: string, token: number, holder: string, audit: DecisionAudit): Promise<OpenDecisionResult>;
  /** Writes the id -> shard index before the items' records (claim_shards.lua). */
  claimShards(city: string, kind: ItemKind, mode: ClaimMode, items: readonly ShardClaim[]): Promise<ClaimResult>;
  /** Each id's entry; undefined for an id not indexed. */
  readShards(city: string, kind: ItemKind, ids: readonly string[]): Promise<(ShardEntry | undefined)[]>;
  /** Drops ids from the index after their records left their shard, each only if its entry is still the one given. */
  releaseShards(city: string, kind: ItemKind, held: readonly ShardHeld[]): Promise<void>;
}

/** An id's place in the index: its shard, and the claim that wrote the entry (a count per id). */
export interface ShardEntry {
  shard: number;
  claim: number;
}

export type ShardHeld = readonly [id: string, entry: ShardEntry];

export type ShardableCityStateStore = CityStateStore & ShardBase;

export type ItemKind = 'courier' | 'order';
/** `create`: only if no id is indexed, all or nothing; `keep`: an indexed id keeps its shard. */
export type ClaimMode = 'create' | 'keep';
export type ShardClaim = readonly [id: string, shard: number];

export type OpenDecisionResult =
  { ok: true; version: number; openedAt: number } | { ok: false; reason: 'stale_token'; fence: number } | { ok: false; reason: 'fence_missing' };

export type ClaimResult = { ok: true; entries: ShardEntry[] } | { ok: false; reason: 'exists'; id: string };
