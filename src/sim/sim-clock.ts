/**
 * Simulated time that runs `scale` times faster than the wall clock, from the moment the clock is
 * made (it starts at the wall clock's epoch time, so its moments look like today). The demo's
 * embedded state store keeps this time, so the host dispatches a city at speed.
 */
import { performance } from 'node:perf_hooks';

export class SimClock {
  private readonly startMs = Date.now();
  private readonly startPerf = performance.now();

  constructor(readonly scale: number) {
    if (!(scale > 0)) throw new RangeError(`clock scale must be positive, got ${scale}`);
  }

  /** Epoch ms of simulated time; monotonic (elapsed time comes from performance.now()). */
  now(): number {
    return Math.round(this.startMs + (performance.now() - this.startPerf) * this.scale);
  }

  /** Wall-clock milliseconds that `simMs` of simulated time take. */
  wallMs(simMs: number): number {
    return simMs / this.scale;
  }
}
