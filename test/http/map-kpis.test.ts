/** The map's KPI samples: one per 10 s of the store's clock, window means and rates, sparse samples. */
import { describe, expect, it } from 'vitest';
import { KpiHistory } from '../../src/http/routes/map-kpis.js';

const MIN = 60_000;

describe('the map KPIs', () => {
  it('averages the food wait over the last 5 minutes and counts deliveries per minute', () => {
    const kpis = new KpiHistory();
    kpis.record({ at: 0, delivered: 0, waitS: 60 });
    kpis.record({ at: 5_000, delivered: 50, waitS: 999 }); // within 10 s of the last: not a sample
    kpis.record({ at: 1 * MIN, delivered: 4, waitS: null });
    kpis.record({ at: 2 * MIN, delivered: 10, waitS: 120 });
    kpis.record({ at: 7 * MIN, delivered: 30, waitS: 30 });
    expect(kpis.series()).toEqual({
      at: [0, MIN, 2 * MIN, 7 * MIN],
      mean_wait_s: [60, 60, 90, 30],
      // At 7 min the window starts at 2 min: (30 - 10) deliveries over 5 minutes.
      deliveries_per_min: [null, 4, 5, 4],
    });
  });

  it('starts over when the store clock goes back', () => {
    const kpis = new KpiHistory();
    kpis.record({ at: 10 * MIN, delivered: 5, waitS: 10 });
    kpis.record({ at: MIN, delivered: 0, waitS: 20 });
    expect(kpis.series()).toEqual({ at: [MIN], mean_wait_s: [20], deliveries_per_min: [null] });
  });
});
