// Kernel estimators, O(N^2) time and O(N) memory (pairwise distances are never stored).
//
// kdeMi: resubstitution estimate with Gaussian kernels, I = H(X) + H(Y) - H(X,Y), each entropy the
// leave-one-out average -log p_hat(x_i). The joint kernel is the product of the marginal kernels
// with one shared bandwidth, so the kernel normalising constants cancel exactly.
//
// kdeLayerBounds: the quantity of Saxe et al. (ICLR 2018) for a layer with additive noise,
// T = h(X) + N(0, sigma^2 I), X uniform over the N inputs. T is then a mixture of N Gaussians and
// Kolchinsky & Tracey (Entropy 2017) bound its entropy with pairwise distances between components:
//   I(X;T) <= -1/N sum_i log 1/N sum_j exp(-||h_i - h_j||^2 / (2 sigma^2))   (KL divergence)
//   I(X;T) >= -1/N sum_i log 1/N sum_j exp(-||h_i - h_j||^2 / (8 sigma^2))   (Bhattacharyya)
// Both lie in [0, log N].
import { inputError } from '../errors';
import { rowSymbols } from './binning';
import { checkPaired, Matrix, SampleInput, standardize, toMatrix } from './matrix';

export interface KdeOptions {
  /** Kernel standard deviation on standardised data. Default: Scott's factor N^(-1/(dx+dy+4)). */
  bandwidth?: number;
  /** Standardise each column first (default true). */
  standardize?: boolean;
}

export interface KdeEstimate {
  mi: number;
  n: number;
  bandwidth: number;
}

/** I(X;Y) by Gaussian kernel density estimates (leave-one-out resubstitution). */
export function kdeMi(x: SampleInput, y: SampleInput, options: KdeOptions = {}): KdeEstimate {
  let mx = toMatrix(x, 'x');
  let my = toMatrix(y, 'y');
  checkPaired(mx, my);
  const n = mx.rows;
  if (n < 3) inputError(`the KDE estimator needs at least 3 rows, got ${n}`);
  if (options.standardize !== false) {
    mx = standardize(mx, 'x');
    my = standardize(my, 'y');
  }
  const bandwidth = options.bandwidth ?? Math.pow(n, -1 / (mx.cols + my.cols + 4));
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth))
    inputError(`bandwidth must be a positive number, got ${bandwidth}`);
  const sx = new Float64Array(n);
  const sy = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    // Squared distances in bandwidths, each difference divided by the bandwidth before it is
    // squared, so that data in tiny or huge units (standardize: false) cannot under- or overflow.
    squaredDistancesFrom(mx, i, sx, bandwidth);
    squaredDistancesFrom(my, i, sy, bandwidth);
    // log sum_j exp(-s_j / 2) for j != i, shifted by the nearest neighbour to avoid underflow.
    let minX = Infinity;
    let minY = Infinity;
    let minXY = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      if (sx[j] < minX) minX = sx[j];
      if (sy[j] < minY) minY = sy[j];
      if (sx[j] + sy[j] < minXY) minXY = sx[j] + sy[j];
    }
    if (minXY === Infinity) {
      inputError(
        `row ${i} lies more than 1e154 bandwidths from every other row: ` +
          `the bandwidth ${bandwidth} is far too small for the data's units`,
      );
    }
    let sumX = 0;
    let sumY = 0;
    let sumXY = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      sumX += Math.exp(-(sx[j] - minX) / 2);
      sumY += Math.exp(-(sy[j] - minY) / 2);
      sumXY += Math.exp(-(sx[j] + sy[j] - minXY) / 2);
    }
    const logX = Math.log(sumX) - minX / 2;
    const logY = Math.log(sumY) - minY / 2;
    const logXY = Math.log(sumXY) - minXY / 2;
    total += logXY - logX - logY;
  }
  return { mi: total / n + Math.log(n - 1), n, bandwidth };
}

export interface LayerBoundsOptions {
  /** Standard deviation of the Gaussian noise added to the layer (in the layer's units). */
  noiseSd: number;
  /** Optional labels (N values or one-hot rows): adds an estimate of I(T;Y). */
  labels?: SampleInput;
}

export interface LayerBounds {
  /** Upper bound on I(X;T) (pairwise KL). */
  upper: number;
  /** Lower bound on I(X;T) (pairwise Bhattacharyya). */
  lower: number;
  /** I(T;Y) = H(T) - sum_c p(c) H(T | Y = c), each entropy by the upper-bound form (as Saxe et
   * al. do): an estimate, not a bound. Present when labels were given. */
  ity?: number;
  n: number;
}

/** Kolchinsky-Tracey bounds on I(X;T) for the noisy layer T = h(X) + N(0, noiseSd^2 I). */
export function kdeLayerBounds(h: SampleInput, options: LayerBoundsOptions): LayerBounds {
  const m = toMatrix(h, 'layer');
  const sd = options.noiseSd;
  if (!(sd > 0) || !Number.isFinite(sd)) inputError(`noiseSd must be a positive number, got ${sd}`);
  const n = m.rows;
  // Class ids when labels are given: I(T;Y) needs each row's mixture restricted to its own class.
  let classOf: Int32Array | undefined;
  let classSize: Float64Array | undefined;
  if (options.labels !== undefined) {
    const labels = toMatrix(options.labels, 'labels');
    checkPaired(m, labels, ['layer', 'labels']);
    const { symbols, count } = rowSymbols(labels);
    classOf = Int32Array.from(symbols);
    classSize = new Float64Array(count);
    for (const c of classOf) classSize[c]++;
  }
  // One pass over the pairwise distances serves every mixture (the distances dominate the cost on
  // wide layers): -1/N sum_i log 1/N sum_j exp(-scale ||h_i - h_j||^2), j including i.
  const s = new Float64Array(n);
  let upper = 0;
  let lower = 0;
  let conditional = 0;
  for (let i = 0; i < n; i++) {
    squaredDistancesFrom(m, i, s, sd); // in noise sds: a tiny or huge noiseSd cannot overflow
    // The j = i term is exp(0) = 1, the largest, so no shift is needed against underflow.
    let sumUpper = 0;
    let sumLower = 0;
    let sumOwnClass = 0;
    const own = classOf ? classOf[i] : -1;
    for (let j = 0; j < n; j++) {
      const kernel = Math.exp(-s[j] / 2);
      sumUpper += kernel;
      sumLower += Math.exp(-s[j] / 8);
      if (classOf && classOf[j] === own) sumOwnClass += kernel;
    }
    upper += Math.log(sumUpper / n);
    lower += Math.log(sumLower / n);
    if (classSize) conditional += Math.log(sumOwnClass / classSize[own]);
  }
  const result: LayerBounds = { upper: Math.max(0, -upper / n), lower: Math.max(0, -lower / n), n };
  // sum_c p(c) H-bound(T | Y = c): each class's mixture term, weighted by its share, is the row
  // average over that class, so the weighted sum is the plain average over all rows.
  if (classSize) result.ity = result.upper - Math.max(0, -conditional / n);
  return result;
}

/** Squared Euclidean distances from row i to every row in units of `unit`: each coordinate
 * difference is divided by it before it is squared. */
function squaredDistancesFrom(m: Matrix, i: number, out: Float64Array, unit: number): void {
  const d = m.cols;
  const base = i * d;
  for (let j = 0; j < m.rows; j++) {
    let s = 0;
    const other = j * d;
    for (let a = 0; a < d; a++) {
      const diff = (m.data[base + a] - m.data[other + a]) / unit;
      s += diff * diff;
    }
    out[j] = s;
  }
}
