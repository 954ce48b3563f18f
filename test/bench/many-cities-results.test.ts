/** The many-cities benchmark's rows: a run replaces only its own (stores, threads, cities) rows. */
import { describe, expect, it } from 'vitest';
import { mergeCityRows, renderCitiesSection, type CitiesRow } from '../../bench/many-cities-results.js';

const row = (stores: CitiesRow['stores'], threads: number, cities: number, skipped: number): CitiesRow => ({
  at: `t${skipped}`,
  stores,
  threads,
  cities,
  due: cities * 10,
  run: cities * 10 - skipped,
  skipped,
  tickP50Ms: 100,
  tickP99Ms: 400,
  snapshotMs: 1,
  solveMs: 90,
  commitMs: 8,
  durableMs: 2,
  solverBusy: 0.93,
  workerSolveMs: 30,
  eventLoopBusy: 0.41,
  hostMsPerTick: 6.8,
  machineBusy: 0.97,
  limit: 'cores (97 %: ~61 cities)',
  load: 1.5,
});

describe('many-cities results', () => {
  it('replace only the rows a run measured, and keep the rest in order', () => {
    const previous = [row('embedded', 1, 20, 0), row('embedded', 2, 40, 0), row('MySQL + Redis', 2, 20, 5)];
    const merged = mergeCityRows(previous, [row('embedded', 2, 40, 12), row('embedded', 2, 60, 90)]);
    expect(merged.map((r) => `${r.stores}/${r.threads}/${r.cities}/${r.skipped}`)).toEqual([
      'embedded/1/20/0',
      'embedded/2/40/12',
      'embedded/2/60/90',
      'MySQL + Redis/2/20/5',
    ]);
  });

  it('render a row per measurement with its skipped share and the chart', () => {
    const section = renderCitiesSection(
      { machine: { cpu: 'cpu', cores: 2, memoryBytes: 1, node: 'v20', platform: 'linux-x64' }, rows: [row('embedded', 2, 60, 90)] },
      'charts/many-cities.svg',
    );
    expect(section).toContain('![Skipped ticks by cities per host](charts/many-cities.svg)');
    expect(section).toContain('| embedded | 2 | 60 | 510 / 600 | 15 % |');
    expect(section).toContain('| 8.0 (2.0) | 93 % | 41 % | 6.8 | 97 % | cores (97 %: ~61 cities) | 1.5 |');
  });
});
