// I(a_i; Y) for every unit i of a layer separately: the score by which unit-pruning methods rank a
// layer's units. Two estimators: Ross's k-NN (what scikit-learn's mutual_info_classif computes,
// with its jitter) and the plug-in H(a) - H(a|Y) on equal-width bins over each unit's range.
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { discreteMi, binColumns } from './binning';
import { knnLabelMi } from './knn-label';
import { column, Matrix, SampleInput, takeRows, toMatrix } from './matrix';

export interface UnitLabelMiOptions {
  /** 'knn-label' (default): Ross's k-NN; 'binning': the plug-in on equal-width bins. */
  estimator?: 'knn-label' | 'binning';
  /** Neighbours for 'knn-label' (default 3, as scikit-learn). */
  k?: number;
  /** Bins per unit for 'binning' (default 30). */
  bins?: number;
  /** scikit-learn's jitter for 'knn-label' (default true); see unitLabelMi. */
  jitter?: boolean;
  /** Use a seeded random subset of this many rows (default: all rows). */
  rows?: number;
  /** Seed of the row subset and the jitter (default 0). */
  seed?: number;
}

/**
 * I(a_i; Y) in nats for each column i of `activations` ([N, K]: a tensor, a Matrix or rows) and
 * the class ids `labels` (N non-negative integers), as a Float64Array(K).
 *
 * 'knn-label' follows scikit-learn's mutual_info_classif: each unit is divided by its standard
 * deviation, then 1e-10 * max(1, mean |a|) * N(0, 1) is added (ReLU units hold many exact zeros,
 * whose ties would give k-th neighbour radii of 0), and a negative estimate is reported as 0.
 * 'binning' is the uncorrected plug-in on `bins` equal-width bins spanning each unit's range.
 * A constant (dead) unit carries no information: its value is exactly 0 for both.
 */
export function unitLabelMi(
  activations: SampleInput,
  labels: SampleInput,
  options: UnitLabelMiOptions = {},
): Float64Array {
  const estimator = options.estimator ?? 'knn-label';
  if (estimator !== 'knn-label' && estimator !== 'binning') {
    inputError(`estimator must be 'knn-label' or 'binning', got ${JSON.stringify(estimator)}`);
  }
  const bins = options.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 2) inputError(`bins must be an integer >= 2, got ${bins}`);
  let acts = toMatrix(activations, 'activations');
  let ids = classIds(labels, acts.rows);
  const rng = new Rng(options.seed ?? 0);
  if (options.rows !== undefined) {
    const index = subsetRows(options.rows, acts.rows, rng.fork('rows'));
    acts = takeRows(acts, index);
    ids = Float64Array.from(index, (i) => ids[i]);
  }
  const jitter = rng.fork('jitter');
  const out = new Float64Array(acts.cols);
  for (let j = 0; j < acts.cols; j++) {
    const a = column(acts, j);
    if (isConstant(a)) continue; // exactly 0
    out[j] =
      estimator === 'binning'
        ? binnedUnitMi(a, ids, bins)
        : knnUnitMi(a, ids, options.k ?? 3, options.jitter ?? true, jitter);
  }
  return out;
}

function knnUnitMi(a: Float64Array, ids: Float64Array, k: number, jitter: boolean, rng: Rng) {
  if (jitter) {
    // scikit-learn: scale(X, with_mean=False) divides by the population sd, then the noise.
    const n = a.length;
    const mean = a.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    let meanAbs = 0;
    for (let i = 0; i < n; i++) meanAbs += Math.abs((a[i] /= sd)) / n;
    const scale = 1e-10 * Math.max(1, meanAbs);
    for (let i = 0; i < n; i++) a[i] += scale * rng.normal();
  }
  return Math.max(0, knnLabelMi(a, ids, { k, jitter: false }));
}

function binnedUnitMi(a: Float64Array, ids: Float64Array, bins: number): number {
  const codes = binColumns({ data: a, rows: a.length, cols: 1 }, bins);
  return Math.max(0, discreteMi(codes, ids, { millerMadow: false }).mi);
}

function classIds(labels: SampleInput, rows: number): Float64Array {
  const m: Matrix = toMatrix(labels, 'labels');
  if (m.cols !== 1) inputError(`labels must be one class id per row, got ${m.cols} columns`);
  if (m.rows !== rows) inputError(`activations have ${rows} rows but there are ${m.rows} labels`);
  m.data.forEach((y, i) => {
    if (!Number.isInteger(y) || y < 0) inputError(`label ${y} at row ${i} is not a class index`);
  });
  return m.data;
}

/** `count` distinct rows of `n`, drawn by `rng`, in increasing order. */
function subsetRows(count: number, n: number, rng: Rng): Int32Array {
  if (!Number.isInteger(count) || count < 2)
    inputError(`rows must be an integer >= 2, got ${count}`);
  if (count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return rng.permutation(n).subarray(0, count).sort();
}

function isConstant(a: Float64Array): boolean {
  return a.every((v) => v === a[0]);
}
