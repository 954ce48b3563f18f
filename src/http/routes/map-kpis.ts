/**
 * The map's moving KPIs, per city: samples taken when the map is read (at most one per
 * SAMPLE_EVERY_MS of the state store's clock, kept for HISTORY_MS), and at each sample the two
 * KPIs over the window before it — the mean time ready food has waited for its courier, and
 * deliveries per minute. Times are the store's clock, so a simulated city (the demo) shows
 * simulated minutes.
 */
export const KPI_WINDOW_MS = 5 * 60_000;
const SAMPLE_EVERY_MS = 10_000;
const HISTORY_MS = 30 * 60_000;

interface Sample {
  at: number;
  /** Deliveries so far (a counter). */
  delivered: number;
  /** Mean seconds the ready, not picked-up orders have waited at this moment; null when none. */
  waitS: number | null;
}

export interface KpiSeries {
  at: number[];
  mean_wait_s: (number | null)[];
  deliveries_per_min: (number | null)[];
}

export class KpiHistory {
  private samples: Sample[] = [];

  record(sample: Sample): void {
    const last = this.samples.at(-1);
    if (last && sample.at < last.at)
      this.samples = []; // the store's clock went back (a new store)
    else if (last && sample.at - last.at < SAMPLE_EVERY_MS) return;
    this.samples.push(sample);
    const from = this.samples.findIndex((s) => s.at > sample.at - HISTORY_MS);
    if (from > 0) this.samples.splice(0, from);
  }

  series(): KpiSeries {
    const series: KpiSeries = { at: [], mean_wait_s: [], deliveries_per_min: [] };
    let first = 0;
    this.samples.forEach((s, i) => {
      while (this.samples[first].at <= s.at - KPI_WINDOW_MS) first++;
      const window = this.samples.slice(first, i + 1);
      const waits = window.flatMap((w) => (w.waitS === null ? [] : [w.waitS]));
      // The rate counts from the last sample at or before the window's start (samples may be sparse).
      const start = this.samples[Math.max(0, first - 1)];
      series.at.push(s.at);
      series.mean_wait_s.push(waits.length === 0 ? null : round1(waits.reduce((a, b) => a + b, 0) / waits.length));
      series.deliveries_per_min.push(s.at > start.at ? round1(((s.delivered - start.delivered) * 60_000) / (s.at - start.at)) : null);
    });
    return series;
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
