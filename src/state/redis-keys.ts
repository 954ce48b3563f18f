import { assertStateCity } from './city-id.js';

/** The Redis keys of one city: all share the `{city}` hash tag, so scripts work on Redis Cluster. */
export interface CityKeys {
  /** Hash: token (highest fencing token seen), version (decisions committed). */
  fence: string;
  /** Hash: courier id -> courier record (see redis-records.ts). */
  couriers: string;
  /** Hash: order id -> order record. */
  orders: string;
  /** Hash: courier id -> its latest offer, as its pickup id (see redis-records.ts). */
  courierOffers: string;
  /** Hash: order id -> its latest offer, as its pickup id. */
  orderOffers: string;
  /** Sorted set: courier id scored by offer expiry; only offers not yet purged, so a snapshot reads few. */
  courierOfferExpiry: string;
  /** Sorted set: order id scored by offer expiry. */
  orderOfferExpiry: string;
  /**
   * The change log of the records (lua/include/change_log.lua): a hash of rev (the last revision
   * a write took), stamp (when the log began) and floor (how far it is trimmed), and per kind a
   * sorted set of the ids scored by the revision that last wrote them.
   */
  revision: string;
  courierChanges: string;
  orderChanges: string;
  /** Stream of committed decisions. */
  decisions: string;
  /** Sorted set: "order|courier" of declined offers scored by the end of their cooldown. */
  cooldowns: string;
  /**
   * Hash: pickup id -> "courier|version|expiresAt|order|order|..." (its orders not yet delivered
   * or cancelled, in delivery sequence), from the commit until the pickup ends; a lapsed one until
   * purge_lapsed_offers.lua drops it with the lapsed offers.
   */
  pickups: string;
  /** String with a PX expiry: the city's estimates (estimates.ts encodeEstimates), replaced whole. */
  estimates: string;
  /** The feature engine's keys (ingest_events.lua); its panes are `${featurePanes}<signal>:<pane index>`. */
  featureSeen: string;
  featureOrders: string;
  featureWaiting: string;
  featureAnchors: string;
  featureEpoch: string;
  featurePanes: string;
}

export function assertKeyPrefix(prefix: string): void {
  if (/[{}]/.test(prefix)) throw new TypeError(`Redis key prefix ${JSON.stringify(prefix)} must not contain braces`);
}

/**
 * The keys every script that hands out or takes back offers reads, in the order their Lua
 * headers list them: couriers, orders, the two offer hashes, the two expiry sets.
 */
export function offerKeys(k: CityKeys): [string, string, string, string, string, string] {
  return [k.couriers, k.orders, k.courierOffers, k.orderOffers, k.courierOfferExpiry, k.orderOfferExpiry];
}

/** The change log's keys, in the order the Lua headers list them: revision, courier changes, order changes. */
export function changeLogKeys(k: CityKeys): [string, string, string] {
  return [k.revision, k.courierChanges, k.orderChanges];
}

/** What every key of a city starts with: the prefix and its hash tag. */
function keyBase(prefix: string, city: string): string {
  assertStateCity(city);
  return `${prefix}{${city}}:`;
}

export function cityKeys(prefix: string, city: string): CityKeys {
  const base = keyBase(prefix, city);
  return {
    fence: `${base}fence`,
    couriers: `${base}couriers`,
    orders: `${base}orders`,
    courierOffers: `${base}courier-offers`,
    orderOffers: `${base}order-offers`,
    courierOfferExpiry: `${base}courier-offer-expiry`,
    orderOfferExpiry: `${base}order-offer-expiry`,
    revision: `${base}revision`,
    courierChanges: `${base}courier-changes`,
    orderChanges: `${base}order-changes`,
    decisions: `${base}decisions`,
    cooldowns: `${base}cooldowns`,
    pickups: `${base}pickups`,
    estimates: `${base}estimates`,
    featureSeen: `${base}feature-seen`,
    featureOrders: `${base}feature-orders`,
    featureWaiting: `${base}feature-waiting`,
    featureAnchors: `${base}feature-anchors`,
    featureEpoch: `${base}feature-epoch`,
    featurePanes: `${base}feature-pane:`,
  };
}

/**
 * A city of several area shards, in its base slot: hashes item id -> its shard
 * (claim_shards.lua). Not in CityKeys: a city of one shard never writes them.
 */
export function shardIndexKey(prefix: string, city: string, kind: 'courier' | 'order'): string {
  return `${keyBase(prefix, city)}${kind}-shards`;
}
