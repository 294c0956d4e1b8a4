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

/** Part B, the beta-BNN paper's table (colourful MNIST with Lena backgrounds, test accuracy %)
 * and the beta each row was selected at ("1/n" for the vanilla BNN). */
export const BNN_TABLE = [
  { method: 'vanilla', label: 'Vanilla BNN', accuracy: 90.05, beta: '1/n' },
  { method: 'fixed-prior', label: 'Fixed-prior β-BNN', accuracy: 95.86, beta: 1e-10 },
  { method: 'beta-bnn', label: 'β-BNN', accuracy: 96.08, beta: 1e-5 },
  { method: 'online', label: 'Online β-BNN', accuracy: 97.12, beta: 1e-3 },
] as const;

export const PART_B_CLAIMS: readonly SlideClaim[] = [
  { id: 'B1', claim: 'Ordering: online beta-BNN > beta-BNN > fixed-prior beta-BNN > vanilla BNN' },
  {
    id: 'B2',
    claim: 'The selected betas: about 1e-10 (fixed prior), 1e-5 (beta-BNN), 1e-3 (online)',
  },
  { id: 'B3', claim: 'Fixed-prior BNNs start with a very large KL term, about 1e6 nats' },
  { id: 'B4', claim: 'Online beta-BNN converges faster (and to a better local minimum)' },
  { id: 'B5', claim: 'Performance only increases marginally for K >= 5 components' },
];

/** Part C, the slides' VID tables (the CVPR 2019 paper's numbers, test accuracy %). CIFAR-10,
 * WRN-40-2 teacher -> MLP students of three widths; CUB-200 (ResNet-34 -> ResNet-18) and MIT-67
 * (ResNet-34 -> VGG-9) with a few images per class. None of the three can be run here. */
export const VID_CIFAR_MLP = {
  widths: [4096, 2048, 1024],
  rows: {
    student: [70.6, 70.78, 70.9],
    kd: [70.42, 70.53, 70.79],
    fitnet: [76.02, 74.08, 72.91],
    vid: [85.18, 83.47, 78.57],
  },
} as const;

export const VID_FEW_DATA = [
  {
    dataset: 'CUB-200',
    perClass: ['≈29.95', '20', '10', '5'],
    rows: {
      Student: [37.22, 24.33, 12.0, 7.09],
      Finetuned: [76.69, 71.0, 59.25, 44.07],
      LwF: [55.18, 42.13, 26.23, 14.27],
      FitNet: [66.63, 56.63, 46.68, 31.04],
      AT: [54.62, 41.44, 28.9, 16.55],
      NST: [55.01, 41.87, 23.76, 15.63],
      VID: [73.25, 67.2, 56.86, 46.21],
    },
  },
  {
    dataset: 'MIT-67',
    perClass: ['≈80', '50', '25', '10'],
    rows: {
      Student: [53.58, 43.96, 29.7, 15.97],
      Finetuned: [65.97, 58.51, 51.72, 39.63],
      LwF: [60.9, 52.01, 41.57, 27.76],
      FitNet: [70.9, 64.7, 54.48, 40.82],
      AT: [60.9, 52.16, 42.76, 25.6],
      NST: [55.6, 46.04, 35.22, 21.64],
      VID: [72.01, 67.01, 59.33, 45.9],
    },
  },
] as const;

export const PART_C_CLAIMS: readonly SlideClaim[] = [
  { id: 'C1', claim: 'Per student width: VID > FitNet > Student' },
  { id: 'C1b', claim: 'Per student width: KD ≈ Student (KD brings nothing to an MLP student)' },
  { id: 'C2', claim: "VID's gain over the student grows with the student's width" },
  { id: 'C3', claim: "VID's gain over FitNet grows as the training data shrink" },
  {
    id: 'C4',
    claim:
      'Two stages: first the task loss falls while the VID term barely changes, then the VID term falls',
  },
];
