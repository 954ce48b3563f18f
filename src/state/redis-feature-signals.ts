/**
 * The Redis store's feature engine calls (ingest_events.lua, read_features.lua): events flattened
 * into the scripts' ARGV, and their replies decoded into the shape every reader evaluates
 * (feature-state.ts). The rules the scripts apply (pane length, horizons, TTLs) are passed from
 * definitions.ts, so they are written once.
 */
import { SIGNAL_NAMES, signalHorizonMs, type FeatureRules, type SignalName } from '../features/definitions.js';
import type { FeatureEvent, IgnoredReason, IngestResult } from '../features/events.js';
import { decodePane, emptySignals, type FeatureState } from '../features/feature-state.js';
import type { CityKeys } from './redis-keys.js';

const horizons = (rules: FeatureRules) => SIGNAL_NAMES.map((s) => signalHorizonMs(rules, s));

export function ingestKeys(keys: CityKeys): string[] {
  return [keys.featureSeen, keys.featureOrders, keys.featureWaiting, keys.featureAnchors];
}

export function ingestArgs(keys: CityKeys, rules: FeatureRules, events: readonly FeatureEvent[]): (string | number)[] {
  const args: (string | number)[] = [keys.featurePanes, rules.paneMs, rules.dedupeHorizonMs, rules.recordTtlMs, rules.speedSampleMs, ...horizons(rules)];
  for (const e of events) {
    switch (e.type) {
      case 'order_created':
        args.push(e.id, e.type, e.order, e.restaurant, e.zone ?? '', e.quotedPrepS === undefined ? '' : Math.floor(e.quotedPrepS * 1000 + 0.5));
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

export function readArgs(keys: CityKeys, rules: FeatureRules, signals: readonly SignalName[] = SIGNAL_NAMES): (string | number)[] {
  return [keys.featurePanes, rules.paneMs, ...signals.flatMap((s) => [s, signalHorizonMs(rules, s)])];
}

/** The reply of read_features.lua called with readArgs(…, signals): the signals not asked for are empty. */
export function decodeFeatureReply(reply: unknown, rules: FeatureRules, signals: readonly SignalName[] = SIGNAL_NAMES): FeatureState {
  const [at, waitingFlat, ...panes] = reply as [number, string[], ...string[][]];
  const state: FeatureState = { at: Number(at), signals: emptySignals(), waiting: new Map() };
  for (let i = 0; i < waitingFlat.length; i += 2) {
    const n = Number(waitingFlat[i + 1]);
    if (n > 0) state.waiting.set(waitingFlat[i], n);
  }
  signals.forEach((signal, s) => {
    const start = state.at - signalHorizonMs(rules, signal);
    for (const pane of panes[s]) decodePane(pane, state.signals[signal], start);
  });
  return state;
}
