import { holderName, type Holder } from './holder.js';
import type { Census } from './lease-store.js';

export interface FairSharePolicy {
  /** How many cities above its share a host may take when they have been free for `graceMs`. */
  slack: number;
  /** How long a city must have been free before hosts at or above their share may take it. */
  graceMs: number;
}

export interface LeasePlan {
  /** ceil(enabled cities / live hosts). */
  share: number;
  /** share + slack: no host acquires beyond it. */
  cap: number;
  /** Enabled cities this host holds, per the census. */
  held: number;
  /** How many of its cities this host should hand over now. */
  shed: number;
  /** Cities this host holds that were disabled: release them. */
  disabled: string[];
  /** Free cities this host should try to acquire, in order. */
  acquire: string[];
}

/**
 * Fair share of cities between live hosts, decided by each host alone from the same census:
 *
 * - A free city is taken by a host below floor(E/H), or below ceil(E/H) and no more loaded than
 *   any other live host — the least loaded pick first, so a handed-over city goes to the host
 *   that was short of cities, not back to the one that shed it.
 * - A city free for `graceMs` (nobody eligible took it, e.g. a dead host is still counted live)
 *   may be taken by any host below ceil(E/H) + slack, so cities are never left unowned for long.
 * - The most loaded host (ties: smallest holder name) hands over half its lead when it holds at
 *   least two more cities than the least loaded other host: a joining host gets cities at the
 *   next renewal, and imbalances of one city — unavoidable when E/H is not whole — stay put.
 */
export function planLeases(census: Census, self: Holder, policy: FairSharePolicy): LeasePlan {
  assertPolicy(policy);
  const me = holderName(self);
  const counts = new Map<string, number>([[me, 0]]);
  for (const host of census.liveHosts) counts.set(holderName(host), 0);

  const enabled = census.leases.filter((l) => l.enabled);
  for (const lease of enabled) {
    const name = lease.holder && holderName(lease.holder);
    if (name !== null && counts.has(name)) counts.set(name, counts.get(name)! + 1);
  }
  const hosts = counts.size;
  const share = Math.ceil(enabled.length / hosts);
  const floor = Math.floor(enabled.length / hosts);
  const cap = share + policy.slack;
  const held = counts.get(me)!;
  const others = [...counts].filter(([name]) => name !== me).map(([, count]) => count);
  const leastOther = others.length === 0 ? Infinity : Math.min(...others);

  const shed = isMostLoaded(me, counts) && held >= leastOther + 2 ? Math.floor((held - leastOther) / 2) : 0;

  const disabled = census.leases.filter((l) => !l.enabled && l.holder && holderName(l.holder) === me).map((l) => l.city);

  const free = enabled
    .filter((l) => l.holder === null)
    .map((l) => ({ city: l.city, stale: l.unheldForMs >= policy.graceMs, rank: rendezvousRank(me, l.city) }))
    // Stale cities have waited longest; otherwise each host prefers different cities, so hosts rarely race.
    .sort((a, b) => Number(b.stale) - Number(a.stale) || a.rank - b.rank);
  const acquire: string[] = [];
  let count = held;
  for (const { city, stale } of free) {
    if (count < floor || (count < share && count <= leastOther) || (stale && count < cap)) {
      acquire.push(city);
      count += 1;
    }
  }
  return { share, cap, held, shed, disabled, acquire };
}

function isMostLoaded(me: string, counts: Map<string, number>): boolean {
  const mine = counts.get(me)!;
  for (const [name, count] of counts) {
    if (count > mine || (count === mine && name < me)) return false;
  }
  return true;
}

/** FNV-1a of host and city: a stable, host-specific preference order over cities. */
function rendezvousRank(host: string, city: string): number {
  let hash = 0x811c9dc5;
  for (const ch of `${host}|${city}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function assertPolicy(policy: FairSharePolicy): void {
  if (!Number.isSafeInteger(policy.slack) || policy.slack < 0) throw new RangeError(`slack must be an integer ≥ 0, got ${policy.slack}`);
  if (!Number.isFinite(policy.graceMs) || policy.graceMs < 0) throw new RangeError(`graceMs must be ≥ 0, got ${policy.graceMs}`);
}
