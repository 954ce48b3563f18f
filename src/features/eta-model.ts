/**
 * A city's ETA model (docs/features.md, "The ETA model"): ready estimate = creation + quoted
 * preparation × f(the restaurant's features now), f linear, fitted offline (`dispatchd features
 * fit`) on the rows the replay computes (replay.ts): each quoted order's restaurant features as
 * they stood when it was created, and the preparation its ready event showed. Stored with the
 * city config, applied at every tick (eta.ts).
 *
 * The fit minimises the ready time's mean absolute error (least absolute deviations, by
 * iteratively reweighted least squares): most kitchens are on time, and a squared loss would
 * spread the few late ones' lateness over every order, making the usual, exact quote worse.
 */
export interface EtaModel {
  kind: 'prep-ratio-linear';
  /** Restaurant features (definitions.ts), in the order of weights[1..]. */
  inputs: string[];
  /** Of the ratio of preparation to quote: the intercept, then one weight per input. */
  weights: number[];
  /** Per input, the value taken when the restaurant has none (its window is empty): the training mean. */
  defaults: number[];
  /** How it was fitted: rows, and the mean absolute error of the ready time by the quote alone and by the model on them, seconds. */
  fit: { rows: number; quoteMaeS: number; modelMaeS: number };
}

export const ETA_INPUTS: readonly string[] = [
  'restaurant_prep_ratio_mean_30m',
  'restaurant_prep_ratio_p90_30m',
  'restaurant_orders_overdue',
  'restaurant_overdue_ratio_max',
  'restaurant_running_late',
  'restaurant_orders_waiting',
  'restaurant_orders_created_30m',
];

/** Predicted preparation over quoted preparation of an order of a restaurant with these features (never below 0). */
export function predictPrepRatio(model: EtaModel, features: Readonly<Record<string, number>>): number {
  let y = model.weights[0];
  model.inputs.forEach((name, i) => (y += model.weights[i + 1] * (features[name] ?? model.defaults[i])));
  return Math.max(0, y);
}

export interface TrainingRow {
  /** The restaurant's features when the order was created. */
  features: Readonly<Record<string, number>>;
  quotedPrepS: number;
  /** From creation to the ready event. */
  prepS: number;
}

/** Ridge, relative to each input's own scale: tiny, only so that a constant input does not make the system singular. */
const RIDGE = 1e-6;
/** IRLS rounds, and the error (seconds) below which a row's weight stops growing. */
const IRLS_ROUNDS = 60;
const IRLS_FLOOR_S = 1;

/**
 * The fit that minimises the ready time's mean absolute error in seconds, Σ quote × |predicted
 * ratio − ratio|; with no rows, a model that predicts the quote (ratio 1).
 */
export function fitEtaModel(rows: readonly TrainingRow[], inputs: readonly string[] = ETA_INPUTS): EtaModel {
  const defaults = inputs.map((name) => mean(rows.map((r) => r.features[name]).filter((v): v is number => v !== undefined)) ?? 0);
  const x = rows.map((r) => [1, ...inputs.map((name, i) => r.features[name] ?? defaults[i])]);
  const y = rows.map((r) => r.prepS / r.quotedPrepS);
  let weights = [1, ...inputs.map(() => 0)];
  if (rows.length > 0) {
    let rowWeights = rows.map((r) => r.quotedPrepS);
    for (let round = 0; round < IRLS_ROUNDS; round++) {
      weights = weightedLeastSquares(x, y, rowWeights);
      rowWeights = rows.map((r, i) => r.quotedPrepS / Math.max(IRLS_FLOOR_S, r.quotedPrepS * Math.abs(dot(weights, x[i]) - y[i])));
    }
  }
  const model: EtaModel = { kind: 'prep-ratio-linear', inputs: [...inputs], weights, defaults, fit: { rows: rows.length, quoteMaeS: 0, modelMaeS: 0 } };
  model.fit.quoteMaeS = mean(rows.map((r) => Math.abs(r.prepS - r.quotedPrepS))) ?? 0;
  model.fit.modelMaeS = mean(rows.map((r) => Math.abs(predictPrepRatio(model, r.features) * r.quotedPrepS - r.prepS))) ?? 0;
  return model;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Solves (XᵀWX + λI) w = XᵀWy, the intercept (column 0) not penalised. */
function weightedLeastSquares(x: readonly number[][], y: readonly number[], rowWeights: readonly number[]): number[] {
  const d = x[0].length;
  const a = Array.from({ length: d }, () => new Array<number>(d + 1).fill(0));
  x.forEach((row, r) => {
    const w = rowWeights[r];
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) a[i][j] += w * row[i] * row[j];
      a[i][d] += w * row[i] * y[r];
    }
  });
  for (let i = 1; i < d; i++) a[i][i] += RIDGE * Math.max(1, a[i][i]);
  return solveLinear(a);
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((s, v) => s + v, 0) / values.length;
}

/** Gaussian elimination with partial pivoting on an augmented d × (d+1) matrix; a singular column gets weight 0. */
function solveLinear(a: number[][]): number[] {
  const d = a.length;
  for (let c = 0; c < d; c++) {
    let pivot = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    if (Math.abs(a[c][c]) < 1e-12) continue;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= d; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[d] / row[i]));
}

/** The model as the HTTP API, the city config and `features fit` write it. */
export interface EtaModelJson {
  kind: 'prep-ratio-linear';
  inputs: string[];
  weights: number[];
  defaults: number[];
  fit: { rows: number; quote_mae_s: number; model_mae_s: number };
}

export function etaModelToJson(model: EtaModel): EtaModelJson {
  const { rows, quoteMaeS, modelMaeS } = model.fit;
  return {
    kind: model.kind,
    inputs: [...model.inputs],
    weights: [...model.weights],
    defaults: [...model.defaults],
    fit: { rows, quote_mae_s: quoteMaeS, model_mae_s: modelMaeS },
  };
}

export function etaModelFromJson(json: EtaModelJson): EtaModel {
  const { rows, quote_mae_s: quoteMaeS, model_mae_s: modelMaeS } = json.fit;
  return { kind: json.kind, inputs: [...json.inputs], weights: [...json.weights], defaults: [...json.defaults], fit: { rows, quoteMaeS, modelMaeS } };
}

/** The model's checks (stores and the HTTP schema check the same shape). */
export function etaModelProblem(model: EtaModel): string | null {
  if (model.kind !== 'prep-ratio-linear') return 'kind must be prep-ratio-linear';
  if (!Array.isArray(model.inputs) || model.inputs.some((n) => !ETA_INPUTS.includes(n))) return `inputs must be among ${ETA_INPUTS.join(', ')}`;
  if (model.weights.length !== model.inputs.length + 1) return 'weights must have one more entry (the intercept) than inputs';
  if (model.defaults.length !== model.inputs.length) return 'defaults must have one entry per input';
  if (![...model.weights, ...model.defaults].every(Number.isFinite)) return 'weights and defaults must be finite numbers';
  if (!(Number.isInteger(model.fit?.rows) && model.fit.rows >= 0 && Number.isFinite(model.fit.quoteMaeS) && Number.isFinite(model.fit.modelMaeS))) {
    return 'fit must give rows (an integer) and both errors (numbers)';
  }
  return null;
}
