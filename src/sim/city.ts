/**
 * Deterministic synthetic cities for the demo city, simulate --city, benchmarks and tests. It lives under src/
 * because the shipped demo and simulator (src/sim/city-scenario.ts) draw their cities from it.
 *
 * The geography is shaped like a food-delivery market: pickups cluster around a few
 * dozen restaurant hotspots whose popularity is heavy-tailed, dropoffs spread over the
 * city (denser towards the centre, within delivery range of the restaurant), couriers
 * wait near hotspots or roam the city, and the fleet mixes bicycles, motorbikes and cars.
 * A generated city comes both as the spec's snapshot JSON and as the columnar problem
 * built from the very same (rounded) numbers, so either can be fed to a solver.
 */
import { DEFAULT_PARAMS, type DispatchParams, type PositionsProblem } from '../domain/problem.js';
import type { ParamsJson } from '../domain/snapshot-schema.js';
import { paramsToJson } from '../domain/snapshot.js';
import { Rng } from './rng.js';

export type PresetName = 'S' | 'M' | 'L' | 'XL';

export interface CityPreset {
  couriers: number;
  orders: number;
  /** Radius of the served area around the centre, metres. */
  radiusM: number;
  /** Restaurant hotspots. */
  hotspots: number;
}

export const PRESETS: Readonly<Record<PresetName, CityPreset>> = Object.freeze({
  S: { couriers: 300, orders: 120, radiusM: 4_000, hotspots: 15 },
  M: { couriers: 3_000, orders: 1_000, radiusM: 8_000, hotspots: 30 },
  L: { couriers: 12_000, orders: 4_000, radiusM: 12_000, hotspots: 45 },
  XL: { couriers: 40_000, orders: 12_000, radiusM: 14_000, hotspots: 60 },
});

export interface LatLng {
  lat: number;
  lng: number;
}

export const BARCELONA: Readonly<LatLng> = Object.freeze({ lat: 41.39, lng: 2.17 });

/** Snapshot JSON as in the spec (positions kind). */

export interface CourierJson {
  id: string;
  lat: number;
  lng: number;
  speed_mps: number;
  free_in_s: number;
}

export interface OrderJson {
  id: string;
  pickup_lat: number;
  pickup_lng: number;
  dropoff_lat: number;
  dropoff_lng: number;
  ready_in_s: number;
}

export interface SnapshotJson {
  city: string;
  params: ParamsJson;
  couriers: CourierJson[];
  orders: OrderJson[];
}

export interface CityOptions {
  preset: PresetName | CityPreset;
  seed?: number;
  /** Shorthand for params.maxCandidates (the benchmarks use 0 and 64). */
  maxCandidates?: number;
  params?: Partial<DispatchParams>;
  city?: string;
  centre?: LatLng;
}

export interface GeneratedCity {
  json: SnapshotJson;
  problem: PositionsProblem;
  courierIds: string[];
  orderIds: string[];
}

// Shares of the population; chosen to look like a busy evening in a large European city.
const HOTSPOT_ORDER_SHARE = 0.85; // the rest come from scattered restaurants
const HOTSPOT_COURIER_SHARE = 0.55; // the rest roam the city
const BUSY_COURIER_SHARE = 0.3;
const MAX_BUSY_S = 900;
const READY_RANGE_S: readonly [number, number] = [-300, 900];
const MAX_DELIVERY_M = 5_000;
const COURIER_WAIT_SPREAD_M = 500;
/** Pareto shape of hotspot popularity (≈ the 80/20 rule). */
const POPULARITY_SHAPE = 1.16;

interface Vehicle {
  share: number;
  meanMps: number;
  sdMps: number;
  minMps: number;
  maxMps: number;
}

const FLEET: readonly Vehicle[] = [
  { share: 0.5, meanMps: 4, sdMps: 0.5, minMps: 2.5, maxMps: 6 }, // bicycles
  { share: 0.35, meanMps: 7, sdMps: 0.8, minMps: 4.5, maxMps: 10 }, // motorbikes
  { share: 0.15, meanMps: 6, sdMps: 1, minMps: 3.5, maxMps: 9 }, // cars (slowed by traffic)
];
const FLEET_SHARES = FLEET.map((v) => v.share);

/** Metres per degree of latitude on the spec's sphere (R = 6371008.8 m). */
const METRES_PER_DEGREE = (6371008.8 * Math.PI) / 180;

/** Offsets from the centre in metres: x east, y north. */
interface Point {
  x: number;
  y: number;
}

interface Hotspot extends Point {
  popularity: number;
  spreadM: number;
}

export function generateCity(options: CityOptions): GeneratedCity {
  const preset = typeof options.preset === 'string' ? PRESETS[options.preset] : options.preset;
  const rng = new Rng(options.seed ?? 1);
  const centre = options.centre ?? BARCELONA;
  const params: DispatchParams = {
    ...DEFAULT_PARAMS,
    ...options.params,
    ...(options.maxCandidates === undefined ? {} : { maxCandidates: options.maxCandidates }),
  };
  const toLatLng = (p: Point): LatLng => ({
    lat: round(centre.lat + p.y / METRES_PER_DEGREE, 6),
    lng: round(centre.lng + p.x / (METRES_PER_DEGREE * Math.cos((centre.lat * Math.PI) / 180)), 6),
  });

  const hotspots = generateHotspots(rng, preset);
  const weights = hotspots.map((h) => h.popularity);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pickHotspot = () => hotspots[rng.weightedIndex(weights, totalWeight)];

  const couriers: CourierJson[] = [];
  for (let i = 0; i < preset.couriers; i++) {
    let where: Point;
    if (rng.chance(HOTSPOT_COURIER_SHARE)) {
      const h = pickHotspot();
      where = gaussianAround(rng, h, h.spreadM + COURIER_WAIT_SPREAD_M);
    } else {
      where = centreDensePoint(rng, preset.radiusM);
    }
    const { lat, lng } = toLatLng(where);
    const freeInS = rng.chance(BUSY_COURIER_SHARE) ? rng.int(0, MAX_BUSY_S) : 0;
    couriers.push({ id: `c-${i + 1}`, lat, lng, speed_mps: round(vehicleSpeed(rng), 2), free_in_s: freeInS });
  }

  const orders: OrderJson[] = [];
  for (let i = 0; i < preset.orders; i++) {
    let pickup: Point;
    if (rng.chance(HOTSPOT_ORDER_SHARE)) {
      const h = pickHotspot();
      pickup = gaussianAround(rng, h, h.spreadM);
    } else {
      pickup = centreDensePoint(rng, preset.radiusM);
    }
    const dropoff = dropoffFor(rng, pickup, preset.radiusM);
    const p = toLatLng(pickup);
    const d = toLatLng(dropoff);
    orders.push({
      id: `o-${i + 1}`,
      pickup_lat: p.lat,
      pickup_lng: p.lng,
      dropoff_lat: d.lat,
      dropoff_lng: d.lng,
      ready_in_s: rng.int(READY_RANGE_S[0], READY_RANGE_S[1]),
    });
  }

  const json: SnapshotJson = { city: options.city ?? 'bcn', params: paramsToJson(params), couriers, orders };
  return {
    json,
    problem: positionsProblemFromJson(json, params),
    courierIds: couriers.map((c) => c.id),
    orderIds: orders.map((o) => o.id),
  };
}

/** Columnar form of the generator's own JSON (all fields present); not a general snapshot reader. */
function positionsProblemFromJson(json: SnapshotJson, params: DispatchParams): PositionsProblem {
  const column = <T>(rows: T[], field: (row: T) => number) => Float64Array.from(rows, field);
  return {
    kind: 'positions',
    params,
    courierCount: json.couriers.length,
    orderCount: json.orders.length,
    courierLat: column(json.couriers, (c) => c.lat),
    courierLng: column(json.couriers, (c) => c.lng),
    courierSpeedMps: column(json.couriers, (c) => c.speed_mps),
    courierFreeInS: column(json.couriers, (c) => c.free_in_s),
    orderPickupLat: column(json.orders, (o) => o.pickup_lat),
    orderPickupLng: column(json.orders, (o) => o.pickup_lng),
    orderDropoffLat: column(json.orders, (o) => o.dropoff_lat),
    orderDropoffLng: column(json.orders, (o) => o.dropoff_lng),
    orderReadyInS: column(json.orders, (o) => o.ready_in_s),
  };
}

function generateHotspots(rng: Rng, preset: CityPreset): Hotspot[] {
  return Array.from({ length: preset.hotspots }, () => ({
    // Restaurant districts sit mostly in the inner city.
    ...centreDensePoint(rng, preset.radiusM * 0.8),
    popularity: Math.pow(1 - rng.next(), -1 / POPULARITY_SHAPE),
    spreadM: rng.uniform(100, 350),
  }));
}

/** A point of the disc, with density falling off from the centre (a clipped 2-D Gaussian). */
function centreDensePoint(rng: Rng, radiusM: number): Point {
  const sd = radiusM / 2;
  for (;;) {
    const x = rng.normal() * sd;
    const y = rng.normal() * sd;
    if (x * x + y * y <= radiusM * radiusM) return { x, y };
  }
}

function gaussianAround(rng: Rng, centre: Point, sdM: number): Point {
  return { x: centre.x + rng.normal() * sdM, y: centre.y + rng.normal() * sdM };
}

/** A city-density dropoff within delivery range of the pickup (platforms cap delivery distance). */
function dropoffFor(rng: Rng, pickup: Point, radiusM: number): Point {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = centreDensePoint(rng, radiusM);
    if (Math.hypot(p.x - pickup.x, p.y - pickup.y) <= MAX_DELIVERY_M) return p;
  }
  // A pickup at the rim rarely draws a near enough city point: fall back to the delivery disc.
  const r = MAX_DELIVERY_M * Math.sqrt(rng.next());
  const angle = rng.uniform(0, 2 * Math.PI);
  return { x: pickup.x + r * Math.cos(angle), y: pickup.y + r * Math.sin(angle) };
}

function vehicleSpeed(rng: Rng): number {
  const v = FLEET[rng.weightedIndex(FLEET_SHARES, 1)];
  return Math.min(v.maxMps, Math.max(v.minMps, v.meanMps + rng.normal() * v.sdMps));
}

/** Rounded to `digits` decimals; the result prints and parses back as exactly this double. */
function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
