// Gaussian closed form: the MI that (X, Y) would have if they were jointly Gaussian with the sample
// covariance. Exact for Gaussian data; for other data it measures linear dependence only (a lower
// bound on the true MI for a given covariance, since the Gaussian maximises entropy).
//
// Every formula here is a ratio of determinants in which each column's variance cancels, so it is
// computed on the correlation matrix (the covariance of the standardised columns): no column's
// units can overflow it, and the singularity test is relative to correlations, not to whichever
// column has the largest variance (a column with sd 1e-6 is not "nearly constant" next to one
// with sd 1).
import { inputError } from '../errors';
import {
  checkPaired,
  columnStats,
  hstack,
  Matrix,
  SampleInput,
  standardize,
  toMatrix,
} from './matrix';
import { covarianceMatrix, logDetSpd, range, submatrix } from './special';

export interface GaussianEstimate {
  mi: number;
  n: number;
}

/** I(X;Y) = 0.5 log(det Rxx det Ryy / det R), R the sample correlation matrix of [X, Y]. */
export function gaussianMi(x: SampleInput, y: SampleInput): GaussianEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  checkPaired(mx, my);
  requireRows(mx.rows, mx.cols + my.cols, 'x and y');
  const cor = correlation(hstack(standardize(mx, 'x'), standardize(my, 'y')));
  const d = mx.cols + my.cols;
  const xs = range(mx.cols);
  const ys = range(my.cols, mx.cols);
  const joint = logDet(cor, d, range(d), '[x, y]');
  const mi = 0.5 * (logDet(cor, d, xs, 'x') + logDet(cor, d, ys, 'y') - joint);
  return { mi, n: mx.rows };
}

/** I(X;Y|Z) = 0.5 log(det R_xz det R_yz / (det R_z det R_xyz)). */
export function gaussianConditionalMi(
  x: SampleInput,
  y: SampleInput,
  z: SampleInput,
): GaussianEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  const mz = toMatrix(z, 'z');
  checkPaired(mx, my);
  checkPaired(mx, mz, ['x', 'z']);
  const d = mx.cols + my.cols + mz.cols;
  requireRows(mx.rows, d, 'x, y and z');
  const xy = hstack(standardize(mx, 'x'), standardize(my, 'y'));
  const cor = correlation(hstack(xy, standardize(mz, 'z')));
  const xs = range(mx.cols);
  const ys = range(my.cols, mx.cols);
  const zs = range(mz.cols, mx.cols + my.cols);
  const mi =
    0.5 *
    (logDet(cor, d, [...xs, ...zs], '[x, z]') +
      logDet(cor, d, [...ys, ...zs], '[y, z]') -
      logDet(cor, d, zs, 'z') -
      logDet(cor, d, range(d), '[x, y, z]'));
  return { mi, n: mx.rows };
}

/** Total correlation (multi-information) of the columns of x under a Gaussian model:
 * -0.5 log det(correlation matrix). */
export function gaussianTotalCorrelation(x: SampleInput): GaussianEstimate {
  const m = toMatrix(x, 'x');
  if (m.cols < 2) inputError(`total correlation needs at least 2 columns, x has ${m.cols}`);
  requireRows(m.rows, m.cols, 'x');
  const cor = correlation(standardize(m, 'x'));
  return { mi: -0.5 * logDet(cor, m.cols, range(m.cols), 'x'), n: m.rows };
}

/** log det of the sample covariance (divisor n - 1) of m, or null when it is singular: the log det
 * of the correlation matrix plus 2 sum log sd, so that columns in huge or tiny units neither
 * overflow nor underflow it. A constant column is an input error naming `name`. */
export function logDetCovariance(m: Matrix, name: string): number | null {
  const logDetCor = logDetSpd(correlation(standardize(m, name)), m.cols);
  if (logDetCor === null) return null;
  // Standardised columns have population sd 1; n / (n - 1) turns that into the n - 1 divisor.
  const logVarFactor = Math.log(m.rows / Math.max(m.rows - 1, 1));
  return logDetCor + columnStats(m).logSd.reduce((sum, l) => sum + 2 * l + logVarFactor, 0);
}

/** Correlation matrix of standardised columns (population moments, so the diagonal is 1). */
function correlation(standardised: Matrix): Float64Array {
  const n = standardised.rows;
  const cov = covarianceMatrix(standardised);
  return cov.map((c) => (c * (n - 1)) / n);
}

function requireRows(rows: number, cols: number, what: string): void {
  // A d-dimensional sample covariance has rank at most n - 1.
  if (rows <= cols) {
    const needs = `the Gaussian estimator needs more rows than the ${cols} columns of ${what}`;
    inputError(`${needs}, got ${rows}`);
  }
}

function logDet(cor: Float64Array, d: number, indices: number[], what: string): number {
  const value = logDetSpd(submatrix(cor, d, indices), indices.length);
  if (value === null) {
    inputError(
      `the correlation matrix of ${what} is singular (linearly dependent columns, ` +
        '|r| within 1e-12 of 1): the Gaussian MI is infinite or undefined; ' +
        'drop a redundant column or add noise',
    );
  }
  return value;
}
