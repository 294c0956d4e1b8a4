// What Shell Xu Hu's slides "On Regularizing Deep Learning using Mutual Information" state, as
// data (protocols-001-003.md §2a). Part A: identities and variational characterisations of MI,
// Blahut-Arimoto, f-MI, an information bound on generalisation, a meta-learning identity.
// Parts B (beta-BNN) and C (VID) rest on the two papers in shared/papers.

/** The notebook these numbers belong to (its stored runs and results carry this name). */
export const NOTEBOOK = '002-regularizing-with-mi';

export interface SlideClaim {
  id: string;
  claim: string;
}

export const PART_A_CLAIMS: readonly SlideClaim[] = [
  { id: 'M1', claim: 'I(X;Y) = H(X,Y) - H(X|Y) - H(Y|X) = H(X) - H(X|Y), and H(X) = I(X;X)' },
  { id: 'M2', claim: 'I(p, q) = E_x KL(q(y|x) || q(y)), q(y) = sum_x p(x) q(y|x)' },
  {
    id: 'M3',
    claim: 'I = max_phi E ln phi(x|y)/p(x) = min_m E ln q(y|x)/m(y) (Cover & Thomas 10.8.1)',
  },
  {
    id: 'M4',
    claim: 'Blahut-Arimoto solves the rate-distortion Lagrangian, converging to the global minimum',
  },
  { id: 'M5', claim: "Channel capacity C = max_p I(p, q), computed by Arimoto's algorithm" },
  {
    id: 'M6',
    claim: 'chi-square f-MI: I_f(w;S) = E_S Var_q(w|S)[q(w)/q(w|S)], as E_q(w|S)[q(w)/q(w|S)] = 1',
  },
  {
    id: 'M7',
    claim: 'Xu & Raginsky: for sigma-subgaussian losses, |gen-error| <= sqrt(2 sigma^2 I(w;S) / n)',
  },
  {
    id: 'M8',
    claim:
      'I(w;S) is upper bounded by sharpness: a flat minimum gives small I(w;S), not vice versa',
  },
  {
    id: 'M9',
    claim:
      'Meta-learning: E_S KL(q(w|S) || p(w|S)) = -H(p*(S)) + KL(q(w) || p(w)) + E E d(w,S) + I(w;S)',
  },
];
