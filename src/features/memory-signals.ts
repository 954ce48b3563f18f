/**
 * The feature engine's signals of one city in process memory: the embedded store's half of the
 * contract the Redis store keeps in Lua (src/state/lua/ingest_events.lua) — the same steps, the same samples.
 * The offline replay (src/features/replay.ts) runs this very code on an event log.
 */
import { SIGNAL_NAMES, SIGNALS, signalHorizonMs, type FeatureKey, type FeatureRules, type SignalName } from './definitions.js';
import { quotedPrepMs, type FeatureEvent, type IngestResult } from './events.js';
import { emptySignals, speedMmPerS, type FeatureState, type Sample } from './feature-state.js';

interface OrderRecord {
  createdAt: number;
  restaurant: string;
  zone: string | undefined;
  quotedPrepMs: number | undefined;
  readyAt: number | undefined;
  pickedUp: boolean;
}

interface Anchor {
  t: number;
  lat: number;
  lng: number;
}

export class MemoryFeatureSignals {
  /** Event id → when it was taken; insertion order is time order, so expiry trims from the front. */
  private readonly seen = new Map<string, number>();
  private orders = new Map<string, OrderRecord>();
  private anchors = new Map<string, Anchor>();
  private readonly waiting = new Map<string, number>();
  private readonly signals = emptySignals();
  /** Order records and anchors lapse together when the city has had no event for their TTL (as the Redis hashes do). */
  private lastIngestAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly rules: FeatureRules) {}

  ingest(events: readonly FeatureEvent[], at: number): IngestResult {
    for (const [id, t] of this.seen) {
      if (t > at - this.rules.dedupeHorizonMs) break;
      this.seen.delete(id);
    }
    if (at - this.lastIngestAt >= this.rules.recordTtlMs) {
      this.orders = new Map();
      this.anchors = new Map();
      this.waiting.clear();
    }
    this.lastIngestAt = at;
    const result: IngestResult = { at, accepted: 0, ignored: [] };
    for (const event of events) {
      if (this.seen.has(event.id)) {
        result.ignored.push({ id: event.id, reason: 'duplicate' });
        continue;
      }
      this.seen.set(event.id, at);
      const refused = this.apply(event, at);
      if (refused) result.ignored.push({ id: event.id, reason: refused });
      else result.accepted++;
    }
    return result;
  }

  private apply(event: FeatureEvent, at: number): 'unknown_order' | 'repeated_step' | undefined {
    switch (event.type) {
      case 'order_created': {
        if (this.orders.has(event.order)) return 'repeated_step';
        const quoted = quotedPrepMs(event);
        this.orders.set(event.order, {
          createdAt: at,
          restaurant: event.restaurant,
          zone: event.zone,
          quotedPrepMs: quoted,
          readyAt: undefined,
          pickedUp: false,
        });
        this.add('created', event.restaurant, { t: at, value: quoted ?? 0, ref: event.order }, at);
        if (event.zone !== undefined) this.add('zone_created', event.zone, { t: at, value: 1, ref: event.order }, at);
        this.waiting.set(event.restaurant, (this.waiting.get(event.restaurant) ?? 0) + 1);
        return undefined;
      }
      case 'order_ready': {
        const order = this.orders.get(event.order);
        if (!order) return 'unknown_order';
        if (order.readyAt !== undefined) return 'repeated_step';
        order.readyAt = at;
        this.add('prep_s', order.restaurant, { t: at, value: at - order.createdAt, ref: event.order }, at);
        this.add('done', order.restaurant, { t: at, value: 0, ref: event.order }, at);
        if (order.quotedPrepMs) {
          this.add(
            'prep_ratio',
            order.restaurant,
            { t: at, value: Math.floor((1000 * (at - order.createdAt)) / order.quotedPrepMs + 0.5), ref: event.order },
            at,
          );
        }
        return undefined;
      }
      case 'order_picked_up': {
        const order = this.orders.get(event.order);
        if (!order) return 'unknown_order';
        if (order.pickedUp) return 'repeated_step';
        order.pickedUp = true;
        this.leaveWaiting(order.restaurant);
        if (order.readyAt === undefined) this.add('done', order.restaurant, { t: at, value: 0, ref: event.order }, at);
        return undefined;
      }
      case 'order_delivered':
      case 'order_cancelled': {
        const order = this.orders.get(event.order);
        if (!order) return 'unknown_order';
        if (!order.pickedUp) {
          this.leaveWaiting(order.restaurant);
          if (order.readyAt === undefined) this.add('done', order.restaurant, { t: at, value: 0, ref: event.order }, at);
        }
        this.orders.delete(event.order);
        return undefined;
      }
      case 'courier_position': {
        const anchor = this.anchors.get(event.courier);
        if (anchor && at - anchor.t < this.rules.speedSampleMs) return undefined;
        if (anchor)
          this.add('speed_mps', event.courier, { t: at, value: speedMmPerS(anchor.lat, anchor.lng, event.lat, event.lng, at - anchor.t), ref: '' }, at);
        this.anchors.set(event.courier, { t: at, lat: event.lat, lng: event.lng });
        return undefined;
      }
      case 'courier_status':
        // An offline courier's next position starts a new anchor: its time off is not travel.
        if (event.status === 'offline') this.anchors.delete(event.courier);
        return undefined;
    }
  }

  private leaveWaiting(restaurant: string): void {
    const n = (this.waiting.get(restaurant) ?? 0) - 1;
    if (n > 0) this.waiting.set(restaurant, n);
    else this.waiting.delete(restaurant);
  }

  private add(signal: SignalName, key: string, sample: Sample, at: number): void {
    const byKey = this.signals[signal];
    const samples = byKey.get(key);
    if (!samples) {
      byKey.set(key, [sample]);
      return;
    }
    samples.push(sample);
    // Bounded per key: what left the horizon goes at the key's next sample (and from reads).
    const start = at - signalHorizonMs(this.rules, signal);
    let drop = 0;
    while (drop < samples.length && samples[drop].t <= start) drop++;
    if (drop > 0) samples.splice(0, drop);
  }

  /** The restaurant and zone of an order the engine has a record of. */
  orderPlace(order: string): { restaurant: string; zone: string | undefined } | undefined {
    const record = this.orders.get(order);
    return record && { restaurant: record.restaurant, zone: record.zone };
  }

  /**
   * The signals of these keys alone as they stand at `at`: what the offline replay evaluates per
   * event, without copying the whole city each time.
   */
  readKeys(at: number, keys: Partial<Record<FeatureKey, string>>): FeatureState {
    const signals = emptySignals();
    for (const signal of SIGNAL_NAMES) {
      const key = keys[SIGNALS[signal].key];
      const samples = key === undefined ? undefined : this.signals[signal].get(key);
      if (!samples) continue;
      const start = at - signalHorizonMs(this.rules, signal);
      const kept = samples.filter((s) => s.t > start && s.t <= at);
      if (kept.length > 0) signals[signal].set(key!, kept);
    }
    const waiting =
      keys.restaurant !== undefined && this.waiting.has(keys.restaurant)
        ? new Map([[keys.restaurant, this.waiting.get(keys.restaurant)!]])
        : new Map<string, number>();
    return { at, signals, waiting: at - this.lastIngestAt >= this.rules.recordTtlMs ? new Map() : waiting };
  }

  /** The signals asked for as they stand at `at`: only samples inside each horizon, keys without any left out. */
  read(at: number, asked: readonly SignalName[] = SIGNAL_NAMES): FeatureState {
    const signals = emptySignals();
    for (const signal of asked) {
      const start = at - signalHorizonMs(this.rules, signal);
      for (const [key, samples] of this.signals[signal]) {
        const kept = samples.filter((s) => s.t > start && s.t <= at);
        if (kept.length > 0) signals[signal].set(key, kept);
        else if (samples.every((s) => s.t <= start)) this.signals[signal].delete(key);
      }
    }
    const lapsed = at - this.lastIngestAt >= this.rules.recordTtlMs;
    return { at, signals, waiting: lapsed ? new Map() : new Map(this.waiting) };
  }
}
