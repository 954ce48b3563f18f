/**
 * A host's mirror of one city's feature panes (read_features.lua): panes are append-only, so
 * each read fetches only what was appended since the last one and the decoded samples are kept,
 * instead of fetching and decoding every sample of every horizon at every tick. What a read
 * returns is what a whole read would (test/state/redis-feature-mirror.servers.test.ts); a lost
 * key set (a new epoch) or a pane shorter than what was read of it starts the signal again.
 */
import { signalHorizonMs, type FeatureRules, type SignalName } from '../features/definitions.js';
import { decodePane, emptySignals, type FeatureState, type SignalSamples } from '../features/feature-state.js';

/** Where a signal's next read starts: a pane index, and the bytes of it already read. */
interface Position {
  from: number;
  offset: number;
}

export class FeatureMirror {
  private epoch = '';
  private readonly positions = new Map<SignalName, Position>();
  private readonly signals = emptySignals();

  constructor(private readonly rules: FeatureRules) {}

  /** ARGV[3..] of read_features.lua for these signals. */
  args(signals: readonly SignalName[]): (string | number)[] {
    const args: (string | number)[] = [this.epoch];
    for (const signal of signals) {
      const at = this.positions.get(signal) ?? { from: -1, offset: 0 };
      args.push(signal, signalHorizonMs(this.rules, signal), at.from, at.offset);
    }
    return args;
  }

  /** Takes the reply to args(signals): appends what is new, drops what left the horizons, returns the state. */
  apply(reply: unknown, signals: readonly SignalName[]): FeatureState {
    const [at, epoch, waitingFlat, ...perSignal] = reply as [number, string, string[], ...[number, ...string[]][]];
    const now = Number(at);
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.positions.clear();
      for (const samples of Object.values(this.signals)) samples.clear();
    }
    const state: FeatureState = { at: now, signals: emptySignals(), waiting: new Map() };
    for (let i = 0; i < waitingFlat.length; i += 2) {
      const n = Number(waitingFlat[i + 1]);
      if (n > 0) state.waiting.set(waitingFlat[i], n);
    }
    signals.forEach((signal, s) => {
      const [first, ...panes] = perSignal[s];
      const held = this.signals[signal];
      const position = this.positions.get(signal);
      const resumed = position !== undefined && Number(first) === position.from;
      if (!resumed) held.clear();
      const start = now - signalHorizonMs(this.rules, signal);
      for (const pane of panes) decodePane(pane, held, start);
      const last = panes.at(-1) ?? '';
      const lastIndex = Number(first) + panes.length - 1;
      this.positions.set(signal, { from: lastIndex, offset: resumed && panes.length === 1 ? position.offset + last.length : last.length });
      state.signals[signal] = snapshotOf(held, start);
    });
    return state;
  }
}

/** Drops the samples at or before `start` from the front of each key's list, and returns copies of the lists. */
function snapshotOf(held: SignalSamples, start: number): SignalSamples {
  const copy: SignalSamples = new Map();
  for (const [key, samples] of held) {
    let drop = 0;
    while (drop < samples.length && samples[drop].t <= start) drop++;
    if (drop === samples.length) {
      held.delete(key);
      continue;
    }
    if (drop > 0) samples.splice(0, drop);
    copy.set(key, samples.slice());
  }
  return copy;
}
