// Numerical building blocks shared by the non-neural estimators: the digamma function (k-NN
// estimators), covariance matrices and log-determinants by Cholesky (Gaussian estimators).
import { Matrix } from './matrix';

const EULER_GAMMA = 0.5772156649015329;

/** The digamma function psi(x) = d/dx log Gamma(x), for x > 0. Accurate to ~1e-14.
 * Small arguments are pushed above 6 with psi(x) = psi(x + 1) - 1/x, then the asymptotic series. */
export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma is only implemented for x > 0, got ${x}`);
  if (x === 1) return -EULER_GAMMA;
  let shift = 0;
  while (x < 6) {
    shift -= 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  // Bernoulli-number series: ln x - 1/(2x) - sum B_2n / (2n x^2n)
  const series =
    inv2 *
    (1 / 12 -
      inv2 *
        (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760))))));
  return shift + Math.log(x) - 0.5 * inv - series;
}

/** Sample covariance (divisor n - 1) of the listed columns of m, as a dense row-major array.
 * Products of raw values overflow beyond ~1e154 and underflow below ~1e-154: for data in any
 * units use the standardised columns (gaussian.ts works on correlations; logDetCovariance). */
export function covarianceMatrix(
  m: Matrix,
  columns: ArrayLike<number> = range(m.cols),
): Float64Array {
  const d = columns.length;
  const n = m.rows;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) mean[a] += m.data[i * m.cols + columns[a]];
  for (let a = 0; a < d; a++) mean[a] /= n;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) centred[a] = m.data[i * m.cols + columns[a]] - mean[a];
    for (let a = 0; a < d; a++) {
      const ca = centred[a];
      for (let b = 0; b <= a; b++) cov[a * d + b] += ca * centred[b];
    }
  }
  const scale = 1 / Math.max(n - 1, 1);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      cov[a * d + b] *= scale;
      cov[b * d + a] = cov[a * d + b];
    }
  }
  return cov;
}

/** Principal submatrix of a dense d x d matrix on the given indices. */
export function submatrix(a: Float64Array, d: number, indices: ArrayLike<number>): Float64Array {
  const k = indices.length;
  const out = new Float64Array(k * k);
  for (let r = 0; r < k; r++)
    for (let c = 0; c < k; c++) out[r * k + c] = a[indices[r] * d + indices[c]];
  return out;
}

/** log det of a symmetric positive-definite d x d matrix, or null when it is not (numerically)
 * positive definite. A pivot is rejected when it falls below 1e-12 of the largest diagonal entry:
 * such a covariance comes from a constant or linearly dependent column, and its log-determinant
 * would be dominated by rounding error. */
export function logDetSpd(a: Float64Array, d: number): number | null {
  const l = new Float64Array(d * d);
  let maxDiag = 0;
  for (let i = 0; i < d; i++) maxDiag = Math.max(maxDiag, a[i * d + i]);
  if (!(maxDiag > 0)) return null;
  const tolerance = 1e-12 * maxDiag;
  let logDet = 0;
  for (let j = 0; j < d; j++) {
    let pivot = a[j * d + j];
    for (let p = 0; p < j; p++) pivot -= l[j * d + p] * l[j * d + p];
    if (!(pivot > tolerance)) return null;
    const ljj = Math.sqrt(pivot);
    l[j * d + j] = ljj;
    logDet += 2 * Math.log(ljj);
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j];
      for (let p = 0; p < j; p++) s -= l[i * d + p] * l[j * d + p];
      l[i * d + j] = s / ljj;
    }
  }
  return logDet;
}

export function range(n: number, start = 0): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = start + i;
  return out;
}
