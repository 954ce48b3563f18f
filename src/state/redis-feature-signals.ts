/**
 * The Redis store's ingest (ingest_events.lua): events flattened into the script's ARGV and its
 * reply decoded. The rules the script applies (pane length, horizons, TTLs) are passed from
 * definitions.ts, so they are written once. Reads go through redis-feature-mirror.ts.
 */
import { randomUUID } from 'node:crypto';
import { SIGNAL_NAMES, signalHorizonMs, type FeatureRules } from '../features/definitions.js';
import { quotedPrepMs, type FeatureEvent, type IgnoredReason, type IngestResult } from '../features/events.js';
import type { CityKeys } from './redis-keys.js';

const horizons = (rules: FeatureRules) => SIGNAL_NAMES.map((s) => signalHorizonMs(rules, s));

export function ingestKeys(keys: CityKeys): string[] {
  return [keys.featureSeen, keys.featureOrders, keys.featureWaiting, keys.featureAnchors, keys.featureEpoch];
}

export function ingestArgs(keys: CityKeys, rules: FeatureRules, events: readonly FeatureEvent[]): (string | number)[] {
  // A fresh epoch, which the script takes only if the city has none (its keys were lost or lapsed).
  const args: (string | number)[] = [
    keys.featurePanes,
    rules.paneMs,
    rules.dedupeHorizonMs,
    rules.recordTtlMs,
    rules.speedSampleMs,
    ...horizons(rules),
    randomUUID(),
  ];
  for (const e of events) {
    switch (e.type) {
      case 'order_created':
        args.push(e.id, e.type, e.order, e.restaurant, e.zone ?? '', quotedPrepMs(e) ?? '');
        break;
      case 'courier_position':
        args.push(e.id, e.type, e.courier, String(e.lat), String(e.lng), '');
        break;
      case 'courier_status':
        args.push(e.id, e.type, e.courier, e.status, '', '');
        break;
      default:
        args.push(e.id, e.type, e.order, '', '', '');
    }
  }
  return args;
}

export function decodeIngestReply(reply: unknown): IngestResult {
  const [at, accepted, ...ignored] = reply as [number, number, ...string[]];
  const result: IngestResult = { at: Number(at), accepted: Number(accepted), ignored: [] };
  for (let i = 0; i < ignored.length; i += 2) result.ignored.push({ id: ignored[i], reason: ignored[i + 1] as IgnoredReason });
  return result;
}
