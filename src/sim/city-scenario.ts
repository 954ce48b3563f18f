/**
 * A generated lat/lng city (city.ts) as a day the simulator can run: the generator's pickups,
 * dropoffs and courier positions, projected onto a local plane and expressed as an MDRP
 * instance, so that one simulator and one evaluator serve both. Pickups are snapped to
 * restaurants on a grid (orders of one restaurant share a position, as bundling needs); orders
 * are placed over a few hours, most of them in a rush in the middle (when couriers are short and
 * pickups of several orders pay), each with a kitchen time; couriers start their shifts during
 * the first 20 minutes and end them around the end of the period (the fleet ramps up and down).
 */
import { BARCELONA, generateCity, PRESETS, type PresetName } from './city.js';
import type { MdrpInstance, MdrpOrder, MdrpRestaurant } from './mdrp/instance.js';
import { LocalPlane } from './planar.js';
import { Rng } from './rng.js';

export type CitySize = PresetName;

export function citySizes(): CitySize[] {
  return Object.keys(PRESETS) as CitySize[];
}

/** Length of the simulated period, minutes. */
const PERIOD_MIN = 240;
/** Orders over the period per order of the generator's instant; couriers per generated courier. */
const ORDER_TURNOVER = 4;
const COURIER_SHARE = 0.25;
const RESTAURANT_GRID_M = 600;
const KITCHEN_MIN: readonly [number, number] = [5, 20];
const DETOUR_FACTOR = 1.3;
const SERVICE_MIN = 4;
/** Shifts start within this many minutes of the period's start and end this many minutes around its end. */
const SHIFT_START_MIN = 20;
const SHIFT_END_MIN: readonly [number, number] = [-30, 60];

/** The local plane the generated cities are laid out on (the generator's centre). */
export const CITY_PLANE = new LocalPlane(BARCELONA);

export function cityScenario(size: CitySize, seed: number): MdrpInstance {
  const preset = PRESETS[size];
  const city = generateCity({
    preset: { ...preset, orders: preset.orders * ORDER_TURNOVER, couriers: Math.max(1, Math.round(preset.couriers * COURIER_SHARE)) },
    seed,
  });
  const plane = CITY_PLANE;
  const rng = new Rng(seed);
  const restaurants = new Map<string, MdrpRestaurant>();
  const orders: MdrpOrder[] = city.json.orders.map((o) => {
    const pickup = plane.toPlanar(o.pickup_lat, o.pickup_lng);
    const cell = { x: Math.round(pickup.x / RESTAURANT_GRID_M) * RESTAURANT_GRID_M, y: Math.round(pickup.y / RESTAURANT_GRID_M) * RESTAURANT_GRID_M };
    const id = `r${cell.x}_${cell.y}`;
    if (!restaurants.has(id)) restaurants.set(id, { id, x: cell.x, y: cell.y });
    const dropoff = plane.toPlanar(o.dropoff_lat, o.dropoff_lng);
    // A rush in the middle of the period: orders placed on a triangular distribution over it.
    const placementMin = Math.floor(((rng.next() + rng.next()) / 2) * PERIOD_MIN);
    return {
      id: o.id,
      x: Math.round(dropoff.x),
      y: Math.round(dropoff.y),
      placementMin,
      restaurant: id,
      readyMin: placementMin + rng.int(KITCHEN_MIN[0], KITCHEN_MIN[1]),
    };
  });
  const speeds = city.json.couriers.map((c) => c.speed_mps).sort((a, b) => a - b);
  const median = speeds[speeds.length >> 1];
  return {
    name: `city-${size}-seed${seed}`,
    parameters: {
      metersPerMinute: Math.round((median * 60) / DETOUR_FACTOR),
      pickupServiceMin: SERVICE_MIN,
      dropoffServiceMin: SERVICE_MIN,
      targetClickToDoorMin: 40,
      maxClickToDoorMin: 90,
      payPerOrder: 10,
      guaranteedPayPerHour: 15,
    },
    restaurants,
    orders,
    couriers: city.json.couriers.map((c) => {
      const at = plane.toPlanar(c.lat, c.lng);
      const onMin = rng.int(0, SHIFT_START_MIN - 1);
      return { id: c.id, x: Math.round(at.x), y: Math.round(at.y), onMin, offMin: PERIOD_MIN + rng.int(SHIFT_END_MIN[0], SHIFT_END_MIN[1]) };
    }),
  };
}
