// Kraskov-Stoegbauer-Grassberger estimator, algorithm 1 (Phys. Rev. E 69, 066138, 2004):
//   I(X;Y) = psi(k) + psi(N) - < psi(n_x + 1) + psi(n_y + 1) >
// where eps_i is the max-norm distance from sample i to its k-th neighbour in the joint space and
// n_x(i), n_y(i) count the other samples strictly closer than eps_i in each marginal.
// Known behaviour: close to unbiased at low dimension; biased DOWNWARDS when the joint dimension
// or the MI is large (the k-NN ball is no longer small compared to the density's variation).
// The raw estimate is returned: it can be slightly negative for independent data.
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { countNeighboursWithin, kthNeighbourDistances } from './kdtree';
import {
  checkPaired,
  columnStats,
  hstack,
  Matrix,
  SampleInput,
  standardize,
  toMatrix,
} from './matrix';
import { digamma } from './special';

export interface KnnOptions {
  /** Neighbour rank (default 3). Larger k: less variance, more bias. */
  k?: number;
  /** Scale each column to zero mean and unit variance first (default true): the max-norm mixes
   * columns, so their units must be comparable. A constant column is then an error. */
  standardize?: boolean;
  /** Relative size of the Gaussian noise added to break ties between equal values (discrete or
   * rounded data would otherwise give zero distances): each column gets jitter * sd * N(0, 1), sd
   * the column's standard deviation (1 once standardised, so jitter * N(0, 1) by default, as
   * scikit-learn adds). Default 1e-10; false disables. */
  jitter?: number | false;
  /** Seed of the jitter noise (default 0). */
  seed?: number;
}

export interface KsgEstimate {
  mi: number;
  n: number;
  k: number;
}

export const DEFAULT_K = 3;

/** I(X;Y) in nats by KSG algorithm 1 with the max-norm. */
export function ksgMi(x: SampleInput, y: SampleInput, options: KnnOptions = {}): KsgEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  checkPaired(mx, my);
  const k = neighbourRank(options, mx.rows);
  const rng = new Rng(options.seed ?? 0);
  const px = prepareForKnn(mx, 'x', options, rng.fork('x'));
  const py = prepareForKnn(my, 'y', options, rng.fork('y'));
  const eps = kthNeighbourDistances(hstack(px, py), k);
  const nx = countNeighboursWithin(px, eps);
  const ny = countNeighboursWithin(py, eps);
  let sum = 0;
  for (let i = 0; i < mx.rows; i++) sum += digamma(nx[i] + 1) + digamma(ny[i] + 1);
  const n = mx.rows;
  return { mi: digamma(k) + digamma(n) - sum / n, n, k };
}

/** Validated neighbour rank: a positive integer below the number of rows. */
export function neighbourRank(options: KnnOptions, rows: number): number {
  const k = options.k ?? DEFAULT_K;
  if (!Number.isInteger(k) || k < 1) inputError(`k must be a positive integer, got ${k}`);
  if (rows < k + 1)
    inputError(`k-NN estimation with k = ${k} needs at least ${k + 1} rows, got ${rows}`);
  return k;
}

/** Standardise and jitter one space as the options ask. Returns a new matrix. */
export function prepareForKnn(m: Matrix, name: string, options: KnnOptions, rng: Rng): Matrix {
  const jitter = options.jitter ?? 1e-10;
  if (jitter !== false && !(Number.isFinite(jitter) && jitter >= 0)) {
    inputError(`jitter must be a non-negative number or false, got ${jitter}`);
  }
  const scaled = options.standardize === false ? rawForKnn(m, name) : standardize(m, name);
  if (jitter === false || jitter === 0) return scaled;
  // Noise in the column's own units (its sd; 1 once standardised), so that rescaling a column
  // rescales the noise with it. A constant column has no ties to break and gets none.
  const { sd } = columnStats(scaled);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) scaled.data[i * m.cols + j] += jitter * sd[j] * rng.normal();
  }
  return scaled;
}

/** A copy of unstandardised data, refused when a column's range overflows: every max-norm
 * distance would then be Infinity and the neighbour counts meaningless. */
function rawForKnn(m: Matrix, name: string): Matrix {
  for (let j = 0; j < m.cols; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < m.rows; i++) {
      lo = Math.min(lo, m.data[i * m.cols + j]);
      hi = Math.max(hi, m.data[i * m.cols + j]);
    }
    if (hi - lo === Infinity) {
      inputError(
        `${name} column ${j} spans more than the largest double: standardize it (the default)`,
      );
    }
  }
  return { ...m, data: Float64Array.from(m.data) };
}
