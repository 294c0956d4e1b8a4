// Total correlation (multi-information) TC(X_1..X_m) = sum_i H(X_i) - H(X_1..X_m) of the columns of
// a sample, by Kraskov et al.'s multivariate generalisation of KSG algorithm 1 (PRE 2004, eq. 9):
//   TC = psi(k) + (m - 1) psi(N) - < sum_i psi(n_i + 1) >
// eps from the k-th neighbour in the full space, n_i counted in each 1-D coordinate (a sorted
// array). One neighbour search for all coordinates, rather than a chain of m - 1 pairwise MI
// estimates whose biases would add up. Like KSG, biased downwards when m or the dependence is
// large.
// The Gaussian closed form is gaussianTotalCorrelation (gaussian.ts).
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { countNeighboursWithin, kthNeighbourDistances } from './kdtree';
import { KnnOptions, KsgEstimate, neighbourRank, prepareForKnn } from './ksg';
import { column, SampleInput, toMatrix } from './matrix';
import { digamma } from './special';

/** Total correlation (nats) of the columns of x by multivariate KSG. */
export function ksgTotalCorrelation(x: SampleInput, options: KnnOptions = {}): KsgEstimate {
  const m = toMatrix(x, 'x');
  if (m.cols < 2) inputError(`total correlation needs at least 2 columns, x has ${m.cols}`);
  const n = m.rows;
  const k = neighbourRank(options, n);
  const prepared = prepareForKnn(m, 'x', options, new Rng(options.seed ?? 0).fork('x'));
  const eps = kthNeighbourDistances(prepared, k);
  let sum = 0;
  for (let j = 0; j < m.cols; j++) {
    const counts = countNeighboursWithin({ data: column(prepared, j), rows: n, cols: 1 }, eps);
    for (let i = 0; i < n; i++) sum += digamma(counts[i] + 1);
  }
  return { mi: digamma(k) + (m.cols - 1) * digamma(n) - sum / n, n, k };
}
