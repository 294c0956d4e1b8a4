// What Stirn, Kwiatkowski & Drori's poster "Deep Mutual Information" states, as data: its claims
// (protocols-001-003.md §3a) and its one table (D7: how often a training-set signal picks, of two
// networks, the one with the better test accuracy, on CIFAR-10). The poster shows no figure data,
// no code and no pair count; what it leaves open is listed in AMBIGUITIES.

/** The notebook these numbers belong to (its stored runs and results carry this name). */
export const NOTEBOOK = '003-deep-mi';

/** The poster's network types, in its table's order. */
export const NET_TYPES = ['FCN-3', 'FCN-6', 'FCN-9', 'FCN-12', 'CNN-1', 'CNN-2'] as const;
export type NetType = (typeof NET_TYPES)[number];

/** The three training-set signals of the poster's table. */
export const PAPER_SIGNALS = ['trainAccuracy', 'trainLoss', 'trainMi'] as const;
export type PaperSignal = (typeof PAPER_SIGNALS)[number];

/** Table D7 (CIFAR-10): % of model pairs in which the signal predicts the better-generalising
 * model. */
export const D7_TABLE: Readonly<Record<NetType, Readonly<Record<PaperSignal, number>>>> = {
  'FCN-3': { trainAccuracy: 36.7095, trainLoss: 60.5316, trainMi: 90.0603 },
  'FCN-6': { trainAccuracy: 82.4646, trainLoss: 90.4204, trainMi: 91.5457 },
  'FCN-9': { trainAccuracy: 85.0422, trainLoss: 87.4078, trainMi: 91.2167 },
  'FCN-12': { trainAccuracy: 87.9248, trainLoss: 87.4568, trainMi: 91.7161 },
  'CNN-1': { trainAccuracy: 97.3052, trainLoss: 95.6887, trainMi: 97.3693 },
  'CNN-2': { trainAccuracy: 97.2769, trainLoss: 95.417, trainMi: 97.3371 },
};

/** The dataset of the poster's table. */
export const PAPER_TABLE_DATASET = 'cifar10';

export interface PaperClaim {
  /** The protocol's id (D1..D7). */
  id: string;
  claim: string;
}

export const CLAIMS: readonly PaperClaim[] = [
  {
    id: 'D1',
    claim:
      'MI between layers is computed for networks in supervised, unsupervised and ' +
      'reinforcement learning, GAN discriminators and AlphaZero players included',
  },
  {
    id: 'D2',
    claim: 'pairs of networks differing in optimiser, regulariser or architecture are compared',
  },
  {
    id: 'D3',
    claim: 'the MI plane shows which configurations work and which collapse',
  },
  {
    id: 'D4',
    claim:
      "Shwartz-Ziv & Tishby's two phases (fitting, then compression) appear on real data for " +
      'many architectures, regularisers and optimisers',
  },
  { id: 'D5', claim: 'data processing inequality: I(Y;T_l) cannot grow with depth l' },
  {
    id: 'D6',
    claim:
      'binning wide layers makes every sample its own symbol: the distribution collapses to ' +
      'uniform (H(T) = log N)',
  },
  { id: 'D7', claim: "the training set's MI is the strongest predictor of generalisation" },
];

/** What the poster leaves open, and what this notebook fixed before any run. */
export const AMBIGUITIES: readonly string[] = [
  'Which MI predicts: the poster names no layer, direction or estimator. Fixed here: binned ' +
    'I(T;Y) of the softmax output (30 bins on [0, 1], the whole vector one symbol), higher is ' +
    'better; the only layer unsaturated in every network.',
  'How many pairs, and which: not stated. Here: pairs within a net type and seed that differ ' +
    'in exactly one factor (optimiser or regulariser); all pairs within a type as a sensitivity.',
  '"Generalisation": not defined. Here: test accuracy; pairs within 0.05 points are ties.',
  'The percentages fit no common pair count (e.g. 685/1866, 911/1505): probably averages over ' +
    'epochs or repeats, not fractions of one set of pairs.',
  'FCN-3 train accuracy scores 36.7 %: the reversed rule would score 63.3 %, so a ' +
    'direction-free statistic (Kendall tau-b) is reported beside every score.',
];
