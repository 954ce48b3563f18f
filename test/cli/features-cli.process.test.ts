/**
 * The feature engine offline as a user runs it: a day simulated with a drifting kitchen scenario
 * writes its event log, `features replay` turns it into a point-in-time table, `features fit`
 * into an ETA model a city can be given; bad input is one line and exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { etaModelFromJson, etaModelProblem, type EtaModelJson } from '../../src/features/eta-model.js';
import { featureColumns } from '../../src/features/replay.js';
import { runCli } from '../support/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/mdrp/0r50t100s1p100', import.meta.url));

describe('dispatchd simulate --scenario prep-drift, features replay and fit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'features-cli-'));
  const log = join(dir, 'events.ndjson');

  it('simulates drifting kitchens with the features off and on, reporting the ready-time error and the KPIs', () => {
    for (const features of ['off', 'on']) {
      const out = join(dir, features);
      const run = runCli([
        'simulate',
        '--mdrp',
        FIXTURE,
        '--scenario',
        'prep-drift',
        '--features',
        features,
        '--out',
        out,
        ...(features === 'off' ? ['--events-out', log] : []),
      ]);
      expect(run.status, run.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      expect(report).toMatchObject({ scenario: 'prep-drift', features });
      for (const kpi of ['ready_time_mae_s', 'click_to_door_mean_min', 'ready_to_pickup_mean_min']) expect(typeof report[kpi]).toBe('number');
      expect(report.policies.every((p: { feasible: boolean }) => p.feasible)).toBe(true);
      if (features === 'on') expect(run.stderr).toMatch(/^ETA model fitted on a training day/);
    }
  });

  it('replays the log into one row per event, and fits a model a city takes', () => {
    const table = join(dir, 'table.csv');
    const replay = runCli(['features', 'replay', log, '--out', table]);
    expect(replay.status, replay.stderr).toBe(0);
    const lines = readFileSync(table, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(['at', 'event_id', 'type', 'order', 'courier', 'restaurant', 'zone', ...featureColumns()].join(','));
    expect(lines).toHaveLength(readFileSync(log, 'utf8').trim().split('\n').length + 1);
    const modelFile = join(dir, 'model.json');
    const fit = runCli(['features', 'fit', log, '--out', modelFile]);
    expect(fit.status, fit.stderr).toBe(0);
    expect(fit.stdout).toMatch(/^ETA model fitted on \d+ orders/);
    expect(etaModelProblem(etaModelFromJson(JSON.parse(readFileSync(modelFile, 'utf8')) as EtaModelJson))).toBeNull();
  });

  it('names the line and field of a bad log: one line, exit 2', () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, `${readFileSync(log, 'utf8').split('\n')[0]}\n{"id":"x","type":"order_ready","at":1}\n`);
    const run = runCli(['features', 'fit', bad]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^dispatchd: .*bad\.ndjson:2: at: must not be before .*\n$/);
    expect(runCli(['features', 'replay', join(dir, 'missing.ndjson'), '--out', join(dir, 't.csv')]).status).toBe(2);
    expect(runCli(['simulate', '--mdrp', FIXTURE, '--scenario', 'rain']).stderr).toMatch(/--scenario: must be one of none, prep-drift/);
  });
});
