import { describe, expect, it } from 'vitest';
import { etaModelFromJson, etaModelProblem, etaModelToJson, fitEtaModel, predictPrepRatio, type TrainingRow } from '../../src/features/eta-model.js';
import { readyEstimates } from '../../src/features/eta.js';
import { emptySignals, type FeatureState } from '../../src/features/feature-state.js';
import { Rng } from '../../src/sim/rng.js';

/** Kitchens on time unless running late, then twice as slow; a few wild outliers. */
function rows(n: number, seed: number): TrainingRow[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const late = rng.chance(0.2) ? 1 : 0;
    const quotedPrepS = rng.int(300, 1200);
    const outlier = i % 50 === 0 ? 10 : 1;
    return { features: { restaurant_running_late: late, restaurant_orders_waiting: rng.int(0, 5) }, quotedPrepS, prepS: quotedPrepS * (1 + late) * outlier };
  });
}

describe('the ETA model', () => {
  it('learns the ratio to the quote, unmoved by outliers (least absolute deviations)', () => {
    const model = fitEtaModel(rows(2000, 1));
    const late = model.inputs.indexOf('restaurant_running_late');
    expect(model.weights[0]).toBeCloseTo(1, 2);
    expect(model.weights[late + 1]).toBeCloseTo(1, 2);
    expect(predictPrepRatio(model, { restaurant_running_late: 1 })).toBeCloseTo(2, 2);
    expect(model.fit.modelMaeS).toBeLessThan(model.fit.quoteMaeS);
  });

  it('predicts the quote when it has nothing to learn from, and survives JSON', () => {
    const model = fitEtaModel([]);
    expect(predictPrepRatio(model, { restaurant_running_late: 1 })).toBe(1);
    const fitted = fitEtaModel(rows(300, 2));
    expect(etaModelFromJson(JSON.parse(JSON.stringify(etaModelToJson(fitted))))).toEqual(fitted);
    expect(etaModelProblem(fitted)).toBeNull();
    expect(etaModelProblem({ ...fitted, inputs: ['the_weather'] })).toMatch(/inputs must be among/);
    expect(etaModelProblem({ ...fitted, weights: [Number.NaN, ...fitted.weights.slice(1)] })).toMatch(/finite/);
  });

  it("turns a tick's features into ready estimates: a ready event first, else the model, never in the past", () => {
    const at = 1_000_000;
    const state: FeatureState = { at, signals: emptySignals(), waiting: new Map() };
    // o1 ready 5 s ago; o2 created 100 s ago quoted 600 s; o3 quoted 10 s, overdue: not before now.
    state.signals.prep_s.set('r1', [{ t: at - 5_000, value: 60_000, ref: 'o1' }]);
    state.signals.done.set('r1', [{ t: at - 5_000, value: 0, ref: 'o1' }]);
    state.signals.created.set('r1', [
      { t: at - 65_000, value: 600_000, ref: 'o1' },
      { t: at - 100_000, value: 600_000, ref: 'o2' },
      { t: at - 100_000, value: 10_000, ref: 'o3' },
    ]);
    const model = fitEtaModel(rows(500, 3));
    const estimates = readyEstimates(state, model);
    expect(estimates.get('o1')).toEqual({ readyAt: at - 5_000, source: 'ready_event' });
    // o3 is overdue: r1 is running late, so o2 is predicted about twice its quote.
    expect(estimates.get('o2')!.source).toBe('model');
    expect(estimates.get('o2')!.readyAt).toBeCloseTo(at - 100_000 + 2 * 600_000, -4);
    expect(estimates.get('o3')).toEqual({ readyAt: at, source: 'model' });
    expect(readyEstimates(state, undefined).has('o2')).toBe(false);
  });
});
