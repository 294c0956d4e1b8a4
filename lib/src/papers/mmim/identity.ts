// The identity behind MMIM's C1:  TC(h) - TC(h|Y) = sum_i I(Y; h_i) - I(Y; h).
// Proof in entropies: both sides equal sum_i H(h_i) - H(h) - sum_i H(h_i|Y) + H(h|Y). Hence
// C1 = C4 + C5 + C6 = -I(Y; h) exactly. An estimator that computes all four terms from ONE set of
// entropy estimates (the Gaussian one here) satisfies it to rounding error whatever its bias; the
// estimators that estimate each information directly (k-NN, neural critics) carry
// different biases per term, so the two sides differ by more than their noise when those biases do.
import { inputError } from '../../errors';
import { Rng } from '../../random/rng';
import {
  Matrix,
  SampleInput,
  column,
  columnStats,
  takeRows,
  toMatrix,
  toMatrixAsync,
} from '../../mi/matrix';
import { covarianceMatrix, logDetSpd, range } from '../../mi/special';
import { ksgTotalCorrelation } from '../../mi/tc';
import { classRows, knnLabelMi } from '../../mi/knn-label';
import { estimateLayerInformation } from '../../regularizers/layer-information';
import { formatMeanSd, summarize } from '../../report/summary';
import { LayerTermOptions } from '../../regularizers/layer-terms';

export interface IdentityTerms {
  /** TC(h) */
  tc: number;
  /** TC(h | Y) */
  conditionalTc: number;
  /** sum_i I(Y; h_i) */
  unitLabelMi: number;
  /** I(Y; h) */
  labelMi: number;
}

export interface IdentitySides {
  /** TC(h) - TC(h|Y) */
  lhs: number;
  /** sum_i I(Y; h_i) - I(Y; h) */
  rhs: number;
  residual: number;
}

export function identitySides(t: IdentityTerms): IdentitySides {
  const lhs = t.tc - t.conditionalTc;
  const rhs = t.unitLabelMi - t.labelMi;
  return { lhs, rhs, residual: lhs - rhs };
}

export interface PreparedFeatures extends Matrix {
  /** The original column of each kept column. */
  readonly columns: number[];
}

export interface PrepareFeaturesOptions {
  /** Keep the `units` columns of largest variance (default: every non-constant column). */
  units?: number;
  /** Standard deviation of the Gaussian noise added after standardising. Default 0.1: the same
   * variable the regularisers see, and what keeps class-wise covariances full-rank. */
  noise?: number;
  seed?: number;
}

/** Drop constant (dead) units, keep the most variable ones, standardise, add noise. */
export function prepareFeatures(
  features: SampleInput,
  options: PrepareFeaturesOptions = {},
): PreparedFeatures {
  const m = toMatrix(features, 'features');
  const { mean, sd } = columnStats(m);
  const alive = range(m.cols).filter((j) => sd[j] > 1e-8 * Math.max(1, Math.abs(mean[j])));
  alive.sort((a, b) => sd[b] - sd[a]);
  const units = options.units ?? alive.length;
  if (!Number.isInteger(units) || units < 2)
    inputError(`prepareFeatures needs units >= 2, got ${units}`);
  if (alive.length < units)
    inputError(`only ${alive.length} of ${m.cols} units vary; cannot keep ${units}`);
  const columns = alive.slice(0, units).sort((a, b) => a - b);
  const noise = options.noise ?? 0.1;
  if (!(noise >= 0)) inputError(`noise must be >= 0, got ${noise}`);
  const rng = new Rng(options.seed ?? 0);
  const data = new Float64Array(m.rows * units);
  for (let i = 0; i < m.rows; i++) {
    for (let c = 0; c < units; c++) {
      const j = columns[c];
      data[i * units + c] = (m.data[i * m.cols + j] - mean[j]) / sd[j] + noise * rng.normal();
    }
  }
  return { data, rows: m.rows, cols: units, columns };
}

/** Gaussian-entropy estimates of the four terms (exact identity; linear dependence only). */
export function gaussianLayerTerms(
  features: SampleInput,
  labels: ArrayLike<number>,
): IdentityTerms {
  const m = toMatrix(features, 'features');
  const d = m.cols;
  const stats = (sample: Matrix, what: string) => {
    if (sample.rows <= d)
      inputError(`the Gaussian terms need more than ${d} rows in ${what}, got ${sample.rows}`);
    const cov = covarianceMatrix(sample);
    const logDet = logDetSpd(cov, d);
    if (logDet === null)
      inputError(`the covariance of ${what} is singular: add noise or drop dependent units`);
    const logVars = range(d).map((i) => Math.log(cov[i * d + i]));
    return { logDet, logVars };
  };
  const all = stats(m, 'the layer');
  let condTc = 0;
  let condLogDet = 0;
  const condLogVars = new Float64Array(d);
  for (const [y, rows] of classRows(labels, m.rows)) {
    const p = rows.length / m.rows;
    const s = stats(takeRows(m, rows), `class ${y}`);
    condTc += p * 0.5 * (s.logVars.reduce((a, b) => a + b, 0) - s.logDet);
    condLogDet += p * s.logDet;
    s.logVars.forEach((v, i) => (condLogVars[i] += p * v));
  }
  let unit = 0;
  for (let i = 0; i < d; i++) unit += 0.5 * (all.logVars[i] - condLogVars[i]);
  return {
    tc: 0.5 * (all.logVars.reduce((a, b) => a + b, 0) - all.logDet),
    conditionalTc: condTc,
    unitLabelMi: unit,
    labelMi: 0.5 * (all.logDet - condLogDet),
  };
}

export interface KnnTermsOptions {
  /** Neighbour rank of every k-NN estimate. Default 3. */
  k?: number;
  seed?: number;
}

/** Direct k-NN estimates of the four terms: TC and TC(h|Y) by multivariate KSG (within each class
 * for the conditional one), I(Y; h_i) and I(Y; h) by Ross's estimator. Meant for a few units: k-NN
 * estimates are biased down as the dimension grows. */
export function knnLayerTerms(
  features: SampleInput,
  labels: ArrayLike<number>,
  options: KnnTermsOptions = {},
): IdentityTerms {
  const m = toMatrix(features, 'features');
  const n = m.rows;
  const k = options.k ?? 3;
  const ksg = { k, seed: options.seed ?? 0, standardize: false };
  const tc = ksgTotalCorrelation(m, ksg).mi;
  let conditionalTc = 0;
  for (const [y, rows] of classRows(labels, n)) {
    if (rows.length <= k)
      inputError(`class ${y} has ${rows.length} rows; KSG with k = ${k} needs more`);
    conditionalTc += (rows.length / n) * ksgTotalCorrelation(takeRows(m, rows), ksg).mi;
  }
  let unitLabelMi = 0;
  for (let j = 0; j < m.cols; j++)
    unitLabelMi += knnLabelMi({ data: column(m, j), rows: n, cols: 1 }, labels, { k });
  const labelMi = knnLabelMi(m, labels, { k });
  return { tc, conditionalTc, unitLabelMi, labelMi };
}

/** A quantity over repetitions (seeds or disjoint parts): mean ± sd as `summarize` gives them (NaN
 * when a repetition failed: it is not silently dropped), and the value of every repetition. The
 * stored runs (results/runs/000-mmim/) hold exactly these three fields. */
export interface Repeated {
  mean: number;
  /** Sample standard deviation (0 for one repetition). */
  sd: number;
  values: number[];
}

export function repeated(values: number[]): Repeated {
  if (!values.every(Number.isFinite)) return { mean: NaN, sd: NaN, values };
  const { mean, sd } = summarize(values);
  return { mean, sd, values };
}

export interface IdentityCheck {
  terms: Record<keyof IdentityTerms, Repeated>;
  lhs: Repeated;
  rhs: Repeated;
  residual: Repeated;
}

/** Summaries over repetitions (seeds or disjoint parts) of the four terms and both sides. */
export function summarizeIdentity(repetitions: readonly IdentityTerms[]): IdentityCheck {
  if (repetitions.length === 0) inputError('summarizeIdentity needs at least one repetition');
  const pick = (f: (t: IdentityTerms) => number) => repeated(repetitions.map(f));
  return {
    terms: {
      tc: pick((t) => t.tc),
      conditionalTc: pick((t) => t.conditionalTc),
      unitLabelMi: pick((t) => t.unitLabelMi),
      labelMi: pick((t) => t.labelMi),
    },
    lhs: pick((t) => identitySides(t).lhs),
    rhs: pick((t) => identitySides(t).rhs),
    residual: pick((t) => identitySides(t).residual),
  };
}

/**
 * Apply `estimator` to each of `parts` disjoint random parts of the rows (spread = sampling noise).
 */
export function identityOverParts(
  features: SampleInput,
  labels: ArrayLike<number>,
  parts: number,
  estimator: (h: Matrix, y: Int32Array) => IdentityTerms,
  seed = 0,
): IdentityCheck {
  const m = toMatrix(features, 'features');
  if (labels.length !== m.rows)
    inputError(`features have ${m.rows} rows but there are ${labels.length} labels`);
  if (!Number.isInteger(parts) || parts < 1 || parts > m.rows)
    inputError(`parts must be an integer in 1..${m.rows}, got ${parts}`);
  const order = new Rng(seed).permutation(m.rows);
  const size = Math.floor(m.rows / parts);
  const reps: IdentityTerms[] = [];
  for (let p = 0; p < parts; p++) {
    const rows = order.subarray(p * size, (p + 1) * size);
    const y = new Int32Array(rows.length);
    rows.forEach((r, i) => (y[i] = labels[r]));
    reps.push(estimator(takeRows(m, rows), y));
  }
  return summarizeIdentity(reps);
}

export interface LayerIdentityOptions {
  /** Units for the k-NN check (the most variable ones). Default 3. */
  knnUnits?: number;
  /** Disjoint parts of the rows for the Gaussian and k-NN checks. Default 4. */
  parts?: number;
  /** Critic steps per term and seed for the neural check; 0 skips it. Default 500. */
  neuralSteps?: number;
  neuralSeeds?: readonly number[];
  critic?: LayerTermOptions;
  seed?: number;
}

export interface LayerIdentityReport {
  /** Units that vary (dead units dropped). */
  units: number;
  rows: number;
  gaussianUnits: number;
  /** Gaussian entropies: the identity holds by construction (a bookkeeping check). */
  gaussian: IdentityCheck;
  knnUnits: number;
  /** Direct k-NN estimates on the most variable units. */
  knn: IdentityCheck;
  /** The regularisers' own neural estimators on every varying unit (spread over critic seeds). */
  neural?: IdentityCheck;
}

/** Check the identity on a trained layer's features with three families of estimators. All of them
 * see the layer standardised with N(0, 0.1^2) noise added, the variable the regularisers
 * penalise. */
export async function layerIdentityCheck(
  features: SampleInput,
  labels: ArrayLike<number>,
  classes: number,
  options: LayerIdentityOptions = {},
): Promise<LayerIdentityReport> {
  const m = await toMatrixAsync(features, 'features');
  const parts = options.parts ?? 4;
  const seed = options.seed ?? 0;
  const all = prepareFeatures(m, { seed, noise: 0.1 });
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  // Class covariances must be full rank in every part: keep fewer units than rows per class.
  const smallestClassPerPart = Math.floor(Math.min(...counts.values()) / parts);
  const gaussianUnits = Math.min(all.cols, Math.floor(smallestClassPerPart / 2));
  if (gaussianUnits < 2)
    inputError(`too few rows per class (${smallestClassPerPart} per part) for the Gaussian check`);
  const gaussianFeatures = prepareFeatures(m, { seed, noise: 0.1, units: gaussianUnits });
  const gaussian = identityOverParts(gaussianFeatures, labels, parts, gaussianLayerTerms, seed);
  const knnUnits = Math.min(options.knnUnits ?? 3, all.cols);
  const knn = identityOverParts(
    prepareFeatures(m, { seed, noise: 0.1, units: knnUnits }),
    labels,
    parts,
    (h, y) => knnLayerTerms(h, y, { seed }),
    seed,
  );
  const report: LayerIdentityReport = {
    units: all.cols,
    rows: m.rows,
    gaussianUnits,
    gaussian,
    knnUnits,
    knn,
  };
  const steps = options.neuralSteps ?? 500;
  if (steps > 0) {
    // The neural terms standardise and add the noise per batch themselves.
    const clean = prepareFeatures(m, { seed, noise: 0 });
    const seeds = options.neuralSeeds ?? [0, 1, 2];
    const est = await estimateLayerInformation(clean, labels, classes, {
      steps,
      seeds,
      critic: options.critic,
    });
    report.neural = summarizeIdentity(
      seeds.map((_, k) => ({
        tc: est.tc!.values[k],
        conditionalTc: est.conditionalTc!.values[k],
        unitLabelMi: est.unitLabelMi!.values[k],
        labelMi: est.labelMi!.values[k],
      })),
    );
  }
  return report;
}

export interface IdentityTableRow {
  estimator: string;
  units: number;
  'TC(h)': string;
  'TC(h|Y)': string;
  'sum I(Y;h_i)': string;
  'I(Y;h)': string;
  'left: TC - TC|Y': string;
  'right: sum I - I': string;
  'left - right': string;
}

/** One display row per estimator family of a report (mean ± sd over parts or seeds, nats). */
export function identityTableRows(report: LayerIdentityReport): IdentityTableRow[] {
  const row = (estimator: string, units: number, c: IdentityCheck): IdentityTableRow => ({
    estimator,
    units,
    'TC(h)': formatMeanSd(c.terms.tc),
    'TC(h|Y)': formatMeanSd(c.terms.conditionalTc),
    'sum I(Y;h_i)': formatMeanSd(c.terms.unitLabelMi),
    'I(Y;h)': formatMeanSd(c.terms.labelMi),
    'left: TC - TC|Y': formatMeanSd(c.lhs),
    'right: sum I - I': formatMeanSd(c.rhs),
    'left - right': formatMeanSd(c.residual),
  });
  const rows = [
    row(
      `Gaussian entropies (${report.gaussian.lhs.values.length} parts)`,
      report.gaussianUnits,
      report.gaussian,
    ),
    row(
      `k-NN: KSG TC, Ross I(Y;.) (${report.knn.lhs.values.length} parts)`,
      report.knnUnits,
      report.knn,
    ),
  ];
  if (report.neural)
    rows.push(
      row(
        `neural: MINE TC, Barber-Agakov I (${report.neural.lhs.values.length} seeds)`,
        report.units,
        report.neural,
      ),
    );
  return rows;
}
