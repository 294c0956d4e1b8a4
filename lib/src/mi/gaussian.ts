// Gaussian closed form: the MI that (X, Y) would have if they were jointly Gaussian with the sample
// covariance. Exact for Gaussian data; for other data it measures linear dependence only (a lower
// bound on the true MI for a given covariance, since the Gaussian maximises entropy).
import { inputError } from '../errors';
import { checkPaired, hstack, Matrix, SampleInput, toMatrix } from './matrix';
import { covarianceMatrix, logDetSpd, range, submatrix } from './special';

export interface GaussianEstimate {
  mi: number;
  n: number;
}

/** I(X;Y) = 0.5 log(det Sxx det Syy / det S), S the sample covariance of [X, Y]. */
export function gaussianMi(x: SampleInput, y: SampleInput): GaussianEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  checkPaired(mx, my);
  const joint = hstack(mx, my);
  requireRows(joint, 'x and y');
  const cov = covarianceMatrix(joint);
  const d = joint.cols;
  const xs = range(mx.cols);
  const ys = range(my.cols, mx.cols);
  const mi = 0.5 * (logDet(cov, d, xs, 'x') + logDet(cov, d, ys, 'y') - logDet(cov, d, range(d), '[x, y]'));
  return { mi, n: joint.rows };
}

/** I(X;Y|Z) = 0.5 log(det S_xz det S_yz / (det S_z det S_xyz)). */
export function gaussianConditionalMi(x: SampleInput, y: SampleInput, z: SampleInput): GaussianEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  const mz = toMatrix(z, 'z');
  checkPaired(mx, my);
  checkPaired(mx, mz, ['x', 'z']);
  const joint = hstack(hstack(mx, my), mz);
  requireRows(joint, 'x, y and z');
  const cov = covarianceMatrix(joint);
  const d = joint.cols;
  const xs = range(mx.cols);
  const ys = range(my.cols, mx.cols);
  const zs = range(mz.cols, mx.cols + my.cols);
  const mi =
    0.5 *
    (logDet(cov, d, [...xs, ...zs], '[x, z]') +
      logDet(cov, d, [...ys, ...zs], '[y, z]') -
      logDet(cov, d, zs, 'z') -
      logDet(cov, d, range(d), '[x, y, z]'));
  return { mi, n: joint.rows };
}

/** Total correlation (multi-information) of the columns of x under a Gaussian model:
 * sum_i 0.5 log var_i - 0.5 log det S = -0.5 log det(correlation matrix). */
export function gaussianTotalCorrelation(x: SampleInput): GaussianEstimate {
  const m = toMatrix(x, 'x');
  if (m.cols < 2) inputError(`total correlation needs at least 2 columns, x has ${m.cols}`);
  requireRows(m, 'x');
  const cov = covarianceMatrix(m);
  const d = m.cols;
  let sumLogVar = 0;
  for (let i = 0; i < d; i++) {
    const v = cov[i * d + i];
    if (!(v > 0)) inputError(`x column ${i} is constant: the Gaussian total correlation is undefined`);
    sumLogVar += Math.log(v);
  }
  return { mi: 0.5 * (sumLogVar - logDet(cov, d, range(d), 'x')), n: m.rows };
}

function requireRows(m: Matrix, what: string): void {
  // A d-dimensional sample covariance has rank at most n - 1.
  if (m.rows <= m.cols) {
    inputError(`the Gaussian estimator needs more rows than the ${m.cols} columns of ${what}, got ${m.rows}`);
  }
}

function logDet(cov: Float64Array, d: number, indices: number[], what: string): number {
  const value = logDetSpd(submatrix(cov, d, indices), indices.length);
  if (value === null) {
    inputError(
      `the covariance of ${what} is singular (a constant or linearly dependent column): ` +
        'the Gaussian estimator needs full-rank data',
    );
  }
  return value;
}
