/**
 * What the stores keep for the feature engine and hand every reader: per signal, per key, the
 * samples of the signal's horizon in time order, and the orders-waiting gauge. Values are
 * integers in the signal's stored unit (milliseconds, millimetres per second, a count), so the
 * Redis store (Lua) and the memory store record bit-identical samples and every reader
 * evaluates them the same way (aggregate.ts).
 *
 * In Redis a signal's samples live in panes (FeatureRules.paneMs), each a string of records
 * `key|t|value|ref|` appended to as events come and expiring once the pane leaves the signal's
 * horizon: reading a whole city is one MGET of a few strings, not a command per key.
 */
import { SIGNAL_NAMES, type SignalName } from './definitions.js';

export interface Sample {
  /** Store time of the event that produced it, epoch ms. */
  t: number;
  /** Integer, in the signal's stored unit (SIGNAL_UNITS). */
  value: number;
  /** The order it came from ('' for couriers' speeds). */
  ref: string;
}

/** Per signal: key → samples in ascending time. */
export type SignalSamples = Map<string, Sample[]>;

export interface FeatureState {
  /** Read time on the store's clock, epoch ms: every window ends here. */
  at: number;
  signals: Record<SignalName, SignalSamples>;
  /** Restaurant → orders created and not yet picked up or cancelled (only those above 0). */
  waiting: Map<string, number>;
}

/** A stored value divided by this is the signal in its feature unit (seconds, metres per second, orders). */
export const SIGNAL_UNITS: Record<SignalName, number> = {
  prep_s: 1000,
  prep_ratio: 1000,
  created: 1000,
  zone_created: 1,
  done: 1,
  speed_mps: 1000,
};

export function emptySignals(): Record<SignalName, SignalSamples> {
  return Object.fromEntries(SIGNAL_NAMES.map((s) => [s, new Map()])) as Record<SignalName, SignalSamples>;
}

export function encodeSample(key: string, s: Sample): string {
  return `${key}|${s.t}|${s.value}|${s.ref}|`;
}

/**
 * Adds a pane's records to `into`, keeping only samples inside the signal's horizon at `at`.
 * Panes are read oldest first and each is appended to in time order, so every key's samples
 * stay in ascending time.
 */
export function decodePane(pane: string, into: SignalSamples, horizonStart: number): void {
  let i = 0;
  while (i < pane.length) {
    const a = pane.indexOf('|', i);
    const b = pane.indexOf('|', a + 1);
    const c = pane.indexOf('|', b + 1);
    const d = pane.indexOf('|', c + 1);
    const t = Number(pane.slice(a + 1, b));
    if (t > horizonStart) {
      const key = pane.slice(i, a);
      const sample: Sample = { t, value: Number(pane.slice(b + 1, c)), ref: pane.slice(c + 1, d) };
      const samples = into.get(key);
      if (samples) samples.push(sample);
      else into.set(key, [sample]);
    }
    i = d + 1;
  }
}

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/**
 * A courier's speed between two positions, millimetres per second, rounded: an equirectangular
 * distance (exact enough over the few hundred metres a minute covers). The Lua store computes the
 * same formula; rounding to whole mm/s makes both agree.
 */
export function speedMmPerS(fromLat: number, fromLng: number, toLat: number, toLng: number, elapsedMs: number): number {
  const x = (toLng - fromLng) * RAD * Math.cos(((fromLat + toLat) / 2) * RAD);
  const y = (toLat - fromLat) * RAD;
  const metres = Math.sqrt(x * x + y * y) * EARTH_RADIUS_M;
  return Math.floor((metres * 1_000_000) / elapsedMs + 0.5);
}
