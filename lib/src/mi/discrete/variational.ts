// The two variational characterisations of mutual information (Cover & Thomas Lemma 10.8.1) and
// f-mutual information, exactly, on a discrete joint table p(x, y):
//   I(X;Y) = max_phi E ln phi(x|y) / p(x)   (any phi stays below; the posterior p(x|y) attains I)
//          = min_m   E ln p(y|x) / m(y)    (any m stays above; the marginal p(y) attains I)
//   I_f(X;Y) = sum_xy p(x) p(y) f(p(x, y) / (p(x) p(y)))   (f convex, f(1) = 0; f(t) = t ln t
//   gives I, f(t) = (t - 1)^2 the chi-square information).
import { inputError } from '../../errors';
import { checkConditional, checkDistribution, checkJoint, marginals } from './tables';

/** E_{p(x,y)} ln phi(x|y) / p(x): at most I(X;Y), equal at phi = p(x|y). `phi[y][x]` (rows: y). */
export function variationalMiLower(
  pxy: ArrayLike<ArrayLike<number>>,
  phi: ArrayLike<ArrayLike<number>>,
): number {
  const joint = checkJoint(pxy);
  const { px, py } = marginals(joint);
  const posterior = checkConditional(phi, 'phi (rows: y, columns: x)', py.length, px.length);
  let total = 0;
  joint.forEach((row, x) =>
    row.forEach((v, y) => {
      if (v === 0) return;
      if (posterior[y][x] === 0) {
        total = -Infinity; // phi rules out a pair that happens: the bound is -infinity
        return;
      }
      total += v * Math.log(posterior[y][x] / px[x]);
    }),
  );
  return total;
}

/** E_{p(x,y)} ln p(y|x) / m(y): at least I(X;Y), equal at m = p(y). */
export function variationalMiUpper(
  pxy: ArrayLike<ArrayLike<number>>,
  m: ArrayLike<number>,
): number {
  const joint = checkJoint(pxy);
  const { px, py } = marginals(joint);
  const mm = checkDistribution(m, 'm');
  if (mm.length !== py.length)
    inputError(`m has ${mm.length} entries, the table ${py.length} columns`);
  let total = 0;
  joint.forEach((row, x) =>
    row.forEach((v, y) => {
      if (v === 0) return;
      if (mm[y] === 0) {
        total = Infinity;
        return;
      }
      total += v * Math.log(v / px[x] / mm[y]);
    }),
  );
  return total;
}

/** The posterior p(x|y) of a joint table, rows y: the phi that attains the lower form. */
export function posteriorTable(pxy: ArrayLike<ArrayLike<number>>): Float64Array[] {
  const joint = checkJoint(pxy);
  const { px, py } = marginals(joint);
  return Array.from(py, (pyv, y) =>
    Float64Array.from(px, (_, x) => (pyv > 0 ? joint[x][y] / pyv : 1 / px.length)),
  );
}

/** I_f = sum_xy p(x)p(y) f(p(x,y) / (p(x)p(y))) over the cells where p(x)p(y) > 0. */
export function fMutualInformation(
  pxy: ArrayLike<ArrayLike<number>>,
  f: (t: number) => number,
): number {
  if (typeof f !== 'function') inputError('fMutualInformation needs f, a function of the ratio');
  const joint = checkJoint(pxy);
  const { px, py } = marginals(joint);
  let total = 0;
  joint.forEach((row, x) =>
    row.forEach((v, y) => {
      const product = px[x] * py[y];
      if (product > 0) total += product * f(v / product);
    }),
  );
  return total;
}
