/**
 * The host's own events into the feature engine (docs/features.md, "Events"): orders it creates,
 * what happens to them, and courier updates, so a city fed only through the core routes has its
 * features too. Ids are derived from what they record (an order is created once, each of its
 * steps happens once), so a retried request is not counted twice; positions get fresh ids.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_FEATURE_RULES } from '../features/definitions.js';
import { MAX_EVENTS_PER_BATCH, type FeatureEvent } from '../features/events.js';
import type { CourierUpdate, NewOrder } from '../state/city-state-store.js';
import type { HostContext } from './context.js';

/** A kitchen the caller does not name is its pickup point (orders of one restaurant share it). */
export function pickupPointKey(lat: number, lng: number): string {
  return `${lat.toFixed(5)},${lng.toFixed(5)}`;
}

export function createdEvents(orders: readonly (NewOrder & { restaurant?: string; zone?: string })[], now: number): FeatureEvent[] {
  return orders.map((o) => ({
    id: `order:${o.id}:created`,
    type: 'order_created',
    order: o.id,
    restaurant: o.restaurant ?? pickupPointKey(o.pickupLat, o.pickupLng),
    ...(o.zone === undefined ? {} : { zone: o.zone }),
    // The quote is the caller's ready_at; without one the order is ready now (no quote to be late against).
    ...(o.readyAt === undefined ? {} : { quotedPrepS: Math.max(0, (o.readyAt - now) / 1000) }),
  }));
}

const STEP_EVENT = { picked_up: 'order_picked_up', delivered: 'order_delivered', cancel: 'order_cancelled' } as const;

export function stepEvents(orders: readonly string[], step: keyof typeof STEP_EVENT): FeatureEvent[] {
  return orders.map((order) => ({ id: `order:${order}:${step}`, type: STEP_EVENT[step], order }));
}

/** Slack for the host's and the store's clocks spacing the same two positions differently. */
const SPACING_SLACK_MS = 1_000;

/**
 * The courier events of upserts. A courier's speed is sampled at most once per `speedSampleMs`
 * (definitions.ts), between its anchor and a position at least that much later, so a position
 * sooner than that after the anchor changes nothing but costs the engine an event: a fleet
 * upserting its couriers every few seconds would be an event per courier each time (a 50,000-
 * courier bulk upsert over HTTP took 1.6 s with them, 0.5–0.7 s without). This host feeds a
 * courier's position only once its anchor (as this host saw it fed) is about that old; going
 * offline and the next position always go. Two generations of the interval bound what it keeps.
 */
export class CourierEventFeed {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();
  private generationStart: number;

  constructor(
    private readonly intervalMs = DEFAULT_FEATURE_RULES.speedSampleMs,
    private readonly now: () => number = Date.now,
  ) {
    this.generationStart = now();
  }

  events(city: string, couriers: readonly CourierUpdate[]): FeatureEvent[] {
    const now = this.now();
    if (now - this.generationStart >= this.intervalMs) {
      this.previous = this.current;
      this.current = new Map();
      this.generationStart = now;
    }
    const events: FeatureEvent[] = [];
    for (const c of couriers) {
      const key = `${city}\n${c.id}`;
      if (c.status === 'offline') {
        this.current.delete(key);
        this.previous.delete(key);
        events.push({ id: randomUUID(), type: 'courier_status', courier: c.id, status: 'offline' });
        continue;
      }
      const anchorAt = this.current.get(key) ?? this.previous.get(key);
      if (anchorAt !== undefined && now - anchorAt < this.intervalMs - SPACING_SLACK_MS) continue;
      // Within the slack the store may or may not take it as the new anchor: keep the old one, so the next position goes too.
      this.current.set(key, anchorAt === undefined || now - anchorAt >= this.intervalMs ? now : anchorAt);
      events.push({ id: randomUUID(), type: 'courier_position', courier: c.id, lat: c.lat, lng: c.lng });
    }
    return events;
  }
}

export async function feedFeatures(host: HostContext, city: string, events: readonly FeatureEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_BATCH) {
    await host.stores.state.ingestFeatureEvents(city, events.slice(i, i + MAX_EVENTS_PER_BATCH));
  }
}
