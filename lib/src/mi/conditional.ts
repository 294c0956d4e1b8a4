// Conditional MI by the Frenzel-Pompe k-NN estimator (Phys. Rev. Lett. 99, 204101, 2007), the KSG
// idea applied to I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(Z) - H(X,Y,Z):
//   I(X;Y|Z) = psi(k) - < psi(n_xz + 1) + psi(n_yz + 1) - psi(n_z + 1) >
// with eps_i the max-norm distance to the k-th neighbour in the (x, y, z) space and each n counting
// the other samples strictly within eps_i in that subspace. Same biases as KSG.
import { Rng } from '../random/rng';
import { countNeighboursWithin, kthNeighbourDistances } from './kdtree';
import { KnnOptions, KsgEstimate, neighbourRank, prepareForKnn } from './ksg';
import { checkPaired, hstack, SampleInput, toMatrix } from './matrix';
import { digamma } from './special';

/** I(X;Y|Z) in nats (Frenzel-Pompe). Options as for ksgMi; z is standardised and jittered too. */
export function ksgConditionalMi(
  x: SampleInput,
  y: SampleInput,
  z: SampleInput,
  options: KnnOptions = {},
): KsgEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  const mz = toMatrix(z, 'z');
  checkPaired(mx, my);
  checkPaired(mx, mz, ['x', 'z']);
  const n = mx.rows;
  const k = neighbourRank(options, n);
  const rng = new Rng(options.seed ?? 0);
  const px = prepareForKnn(mx, 'x', options, rng.fork('x'));
  const py = prepareForKnn(my, 'y', options, rng.fork('y'));
  const pz = prepareForKnn(mz, 'z', options, rng.fork('z'));
  const eps = kthNeighbourDistances(hstack(hstack(px, py), pz), k);
  const nxz = countNeighboursWithin(hstack(px, pz), eps);
  const nyz = countNeighboursWithin(hstack(py, pz), eps);
  const nz = countNeighboursWithin(pz, eps);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += digamma(nxz[i] + 1) + digamma(nyz[i] + 1) - digamma(nz[i] + 1);
  return { mi: digamma(k) - sum / n, n, k };
}
