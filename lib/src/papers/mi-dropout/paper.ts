// What Song, Chen & Xia write (MI-Dropout, ICANN 2023) and what their released code printed, as
// data. The text has no table and no figure data: its numbers are parameters and statements
// (protocols-001-003.md §1a); the only accuracies any source gives are the outputs committed in the
// authors' Keras notebooks (MNIST, a 784-512-256-10 MLP), which part R of the notebook replicates.

/** The notebook these numbers belong to (its stored runs and results carry this name). */
export const NOTEBOOK = '001-mi-dropout';

/** The paper's three fully connected layers after the encoder, j = 1, 2, 3 (activation names). */
export const HEAD_LAYERS: readonly string[] = ['L1', 'L2', 'L3'];

/** The paper's datasets, in its order. Only IMDB can be had offline here. */
export const PAPER_DATASETS = ['imdb', 'ag_news', 'yelp_polarity'] as const;
export type PaperDataset = (typeof PAPER_DATASETS)[number];

/** The baselines the paper names (§III-A), under milab's dropout kinds. */
export const PAPER_BASELINES = ['dropout', 'spatial1d', 'alpha', 'gaussian'] as const;
export type BaselineKind = (typeof PAPER_BASELINES)[number];

/** How the paper names each baseline. */
export const BASELINE_LABELS: Readonly<Record<BaselineKind, string>> = {
  dropout: 'Dropout',
  spatial1d: 'SpatialDropout1D',
  alpha: 'AlphaDropout',
  gaussian: 'GaussianDropout',
};

/** The threshold the text starts from (nats, eq. 2 has no base; the code's sklearn uses nats). */
export const PAPER_START_THRESHOLD = 2.0;

/** The absolute threshold of the released code (MI/MI.py), nats. */
export const RELEASED_THRESHOLD = 0.05;

/** The paper's repeat count (§III: 5 runs, mean ± sd). */
export const PAPER_SEEDS = 5;

/**
 * The accuracies the authors' released Keras notebooks print on MNIST (test accuracy at the last
 * epoch, %). "base" is the MLP after 10 epochs, "mi" after the MI step and 10 more epochs; the two
 * runs are `MI/运行实例.ipynb` (2023-04-04) and the branch `MI` notebooks (2023-03-22). The
 * baselines are branch `Original`: the same MLP with a 0.5 dropout layer after each hidden layer.
 */
export const RELEASED_MNIST = {
  runs: [
    { source: 'MI/运行实例.ipynb (2023-04-04)', base: 97.64, mi: 98.04 },
    { source: "branch 'MI' notebooks (2023-03-22)", base: 98.0, mi: 97.78 },
  ],
  baselines: { dropout: 98.3, alpha: 96.34, gaussian: 98.15 },
} as const;

export interface PaperClaim {
  /** The protocol's id (A1..A10). */
  id: string;
  /** The claim in one line, in the paper's terms. */
  claim: string;
  /** Where the paper says it. */
  where: string;
}

/** Every claim of the text that an experiment can address (A5, A9, A10 are method statements). */
export const CLAIMS: readonly PaperClaim[] = [
  {
    id: 'A1',
    claim: 'MI-Dropout is much more efficient than existing dropout methods',
    where: 'abstract, contributions, conclusion',
  },
  {
    id: 'A2',
    claim:
      'MI-Dropout gives comparable or better generalization than Dropout, SpatialDropout1D, ' +
      'AlphaDropout and GaussianDropout on IMDB, AG_NEWS and Yelp polarity',
    where: '§III-A',
  },
  {
    id: 'A3',
    claim: 'the recompiled (pruned and retrained) model tests significantly better than before',
    where: '§II',
  },
  {
    id: 'A4',
    claim:
      "each layer's average MI rises after MI-Dropout and retraining, most in the middle layer, " +
      'because the retained neurons keep improving',
    where: 'Fig. 2, §III-B',
  },
  {
    id: 'A6',
    claim: 'deeper networks have higher average MI and generalize better',
    where: '§III-B',
  },
  {
    id: 'A7',
    claim: 'MI-Dropout beats Probabilistic Dropout, Info-Drop and ML-Dropout from the 2nd epoch',
    where: 'Fig. 3, §III-C',
  },
  {
    id: 'A8',
    claim: 'MI-Dropout costs O(N·i·j) where standard dropout costs O(Σ_j Σ_i n_ij²)',
    where: '§II-B',
  },
];

/** The defects of the text the notebook states before any experiment (protocol §1a). */
export const TEXT_DEFECTS: readonly string[] = [
  'three incompatible algorithms: §II-A prunes and retrains, Algorithm 1 drops low-MI units ' +
    'with probability p, the released code re-initialises them',
  'the start threshold t = 2.0 exceeds the largest possible value, ln 2 ≈ 0.693 nats for ' +
    'binary labels (ln 4 ≈ 1.386 for AG_NEWS): it prunes every unit; and lowering t prunes ' +
    'fewer units, so the stopping rule ("until validation drops") runs backwards',
  'the complexity argument: standard dropout also costs O(N·units) per pass; no method has ' +
    'an O(n²) term',
  "Fig. 3's comparators cannot be identified: [16], [17] are MI-estimation papers and [18] " +
    'is a physics paper',
  'no released code for the text experiments: the repositories hold MNIST/CIFAR MLPs only',
];
