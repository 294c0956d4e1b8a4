// I(Y; X) for a discrete label Y and continuous features X: Ross's k-NN estimator (PLoS ONE 2014),
// the one scikit-learn's mutual_info_classif uses. KSG needs both sides continuous; binning X loses
// what lies within a bin; this uses the label's classes directly.
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { prepareForKnn } from './ksg';
import { SampleInput, takeRows, toMatrix } from './matrix';
import { digamma } from './special';
import { countNeighboursWithin, kthNeighbourDistances } from './kdtree';

/** The rows of each class id (non-negative integers), in row order. */
export function classRows(labels: ArrayLike<number>, rows: number): Map<number, number[]> {
  if (labels.length !== rows)
    inputError(`features have ${rows} rows but there are ${labels.length} labels`);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0) inputError(`label ${y} at row ${i} is not a class index`);
    let g = groups.get(y);
    if (!g) groups.set(y, (g = []));
    g.push(i);
  }
  return groups;
}

/** I(Y; X) for a discrete Y and a continuous X by Ross's k-NN estimator (PLoS ONE 2014; what
 * scikit-learn's mutual_info_classif uses): with d_i the distance from row i to its k-th neighbour
 * of the same class and m_i the rows of any class within d_i (itself included), on standardised
 * columns,
 *   I = psi(N) + psi(k) - < psi(N_{y_i}) > - < psi(m_i) >.  Classes seen once are skipped. */
export function knnLabelMi(
  features: SampleInput,
  labels: ArrayLike<number>,
  options: { k?: number; jitter?: number | false; seed?: number } = {},
): number {
  // Standardised so that the max-norm does not depend on each column's units (as scikit-learn
  // scales them); a constant column is an input error, as for KSG.
  // Jittered as KSG is (1e-10 sd by default): rounded measurements tie at distance 0, which left
  // m_i = 1 for every tied row and gave ~2 nats for independent data.
  const rng = new Rng(options.seed ?? 0).fork('features');
  const m = prepareForKnn(toMatrix(features, 'features'), 'features', options, rng);
  const k = options.k ?? 3;
  if (!Number.isInteger(k) || k < 1) inputError(`k must be a positive integer, got ${k}`);
  const radii = new Float64Array(m.rows);
  const kUsed = new Float64Array(m.rows);
  const classSize = new Float64Array(m.rows);
  for (const rows of classRows(labels, m.rows).values()) {
    if (rows.length < 2) continue;
    const kc = Math.min(k, rows.length - 1);
    const eps = kthNeighbourDistances(takeRows(m, rows), kc);
    rows.forEach((r, i) => {
      radii[r] = eps[i];
      kUsed[r] = kc;
      classSize[r] = rows.length;
    });
  }
  const within = countNeighboursWithin(m, radii);
  let sum = 0;
  let used = 0;
  for (let i = 0; i < m.rows; i++) {
    if (classSize[i] < 2) continue;
    sum += digamma(kUsed[i]) - digamma(classSize[i]) - digamma(within[i] + 1);
    used++;
  }
  if (used === 0) inputError('knnLabelMi needs a class with at least 2 rows');
  return digamma(used) + sum / used;
}
