/** A generated city's couriers and orders written straight into a state store, as a fleet's ingest would leave them. */
import type { CityStateStore } from '../src/state/city-state-store.js';
import type { GeneratedCity } from '../src/sim/city.js';

export async function seedGeneratedCity(state: CityStateStore, city: string, generated: GeneratedCity, now = Date.now()): Promise<void> {
  await state.putCouriers(
    city,
    generated.json.couriers.map((c) => ({
      id: c.id,
      lat: c.lat,
      lng: c.lng,
      speedMps: c.speed_mps,
      freeAt: now + c.free_in_s * 1000,
      status: 'free' as const,
    })),
  );
  await state.putOrders(
    city,
    generated.json.orders.map((o) => ({
      id: o.id,
      pickupLat: o.pickup_lat,
      pickupLng: o.pickup_lng,
      dropoffLat: o.dropoff_lat,
      dropoffLng: o.dropoff_lng,
      readyAt: Math.max(0, now + o.ready_in_s * 1000),
      status: 'pending' as const,
    })),
  );
}
