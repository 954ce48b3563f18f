/** The city generator: reproducible, self-consistent (JSON ↔ columns), and shaped as advertised. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromObject } from '../../src/domain/snapshot.js';
import { packageRoot } from '../../src/package-root.js';
import { BARCELONA, PRESETS, generateCity, type GeneratedCity } from '../../src/sim/city.js';
import { candidateEdges, distanceM } from '../support/reference.js';

describe('generateCity', () => {
  const s = generateCity({ preset: 'S', seed: 1 });
  const m = generateCity({ preset: 'M', seed: 3, maxCandidates: 64 });

  it('is reproducible from its seed, and the seed matters', () => {
    expect(generateCity({ preset: 'S', seed: 1 })).toEqual(s);
    expect(generateCity({ preset: 'S', seed: 2 }).json.couriers).not.toEqual(s.json.couriers);
  });

  it('matches the committed samples/city.json (S, seed 1)', () => {
    expect(JSON.parse(readFileSync(join(packageRoot(), 'samples', 'city.json'), 'utf8'))).toEqual(s.json);
  });

  it('has the preset sizes and the requested params', () => {
    expect(m.problem.courierCount).toBe(PRESETS.M.couriers);
    expect(m.problem.orderCount).toBe(PRESETS.M.orders);
    expect(m.json.params.max_candidates).toBe(64);
    expect(m.problem.params.maxCandidates).toBe(64);
    expect(new Set(m.courierIds).size).toBe(PRESETS.M.couriers);
    expect(new Set(m.orderIds).size).toBe(PRESETS.M.orders);
  });

  it('survives a JSON round trip, and the snapshot reader builds the same columns', () => {
    const parsed = JSON.parse(JSON.stringify(m.json));
    expect(parsed).toEqual(m.json);
    const snapshot = snapshotFromObject(parsed);
    expect(snapshot.problem).toEqual(m.problem);
    expect(snapshot.courierIds).toEqual(m.courierIds);
    expect(snapshot.orderIds).toEqual(m.orderIds);
  });

  it('draws a plausible fleet and timeline', () => {
    const { couriers, orders } = m.json;
    const busy = couriers.filter((c) => c.free_in_s > 0).length / couriers.length;
    expect(busy).toBeGreaterThan(0.25);
    expect(busy).toBeLessThan(0.35);
    for (const c of couriers) {
      expect(c.speed_mps).toBeGreaterThanOrEqual(2.5);
      expect(c.speed_mps).toBeLessThanOrEqual(10);
      expect(c.free_in_s).toBeGreaterThanOrEqual(0);
      expect(c.free_in_s).toBeLessThanOrEqual(900);
    }
    const bicycles = couriers.filter((c) => c.speed_mps < 5).length / couriers.length;
    const fast = couriers.filter((c) => c.speed_mps >= 6.5).length / couriers.length;
    expect(bicycles).toBeGreaterThan(0.4);
    expect(fast).toBeGreaterThan(0.2);
    expect(orders.some((o) => o.ready_in_s < 0)).toBe(true);
    for (const o of orders) {
      expect(o.ready_in_s).toBeGreaterThanOrEqual(-300);
      expect(o.ready_in_s).toBeLessThanOrEqual(900);
    }
  });

  it('concentrates pickups in hotspots and keeps deliveries within 5 km', () => {
    const p = m.problem;
    // Spread uniformly over the 8 km disc, a pickup would have ~2.5 others within 400 m;
    // in hotspots most have more than 20.
    const crowded = countWhere(p.orderCount, (o) => {
      let near = 0;
      for (let q = 0; q < p.orderCount; q++) {
        if (distanceM(p.orderPickupLat[o], p.orderPickupLng[o], p.orderPickupLat[q], p.orderPickupLng[q]) <= 400) near++;
      }
      return near > 20;
    });
    expect(crowded / p.orderCount).toBeGreaterThan(0.5);
    for (let o = 0; o < p.orderCount; o++) {
      expect(distanceM(p.orderPickupLat[o], p.orderPickupLng[o], p.orderDropoffLat[o], p.orderDropoffLng[o])).toBeLessThanOrEqual(5_001);
      expect(distanceM(BARCELONA.lat, BARCELONA.lng, p.orderPickupLat[o], p.orderPickupLng[o])).toBeLessThanOrEqual(PRESETS.M.radiusM + 1_500);
    }
  });

  it('gives every order of the S city some eligible couriers, but not all of them', () => {
    const degree = candidateDegrees(s);
    expect(Math.min(...degree)).toBeGreaterThan(0);
    expect(Math.max(...degree)).toBeLessThan(PRESETS.S.couriers);
  });
});

function candidateDegrees(city: GeneratedCity): number[] {
  const degree = new Array<number>(city.problem.orderCount).fill(0);
  for (const e of candidateEdges(city.problem)) degree[e.order]++;
  return degree;
}

function countWhere(n: number, predicate: (i: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (predicate(i)) count++;
  return count;
}
