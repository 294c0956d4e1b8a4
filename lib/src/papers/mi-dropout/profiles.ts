// How much of the protocol each profile runs (protocols-001-003.md §1d). smoke: seconds, every
// code path; quick: minutes on two cores, trends only, so every verdict is inconclusive; full: the
// protocol's grid on IMDB's 25k/5k/20k split over the paper's 5 seeds (about 1.6 CPU-hours).
import type { Profile } from '../../report/profile';
import type { BaselineKind } from './paper';

export interface TextConfig {
  trainSize?: number;
  valSize?: number;
  testSize?: number;
  vocabSize: number;
  sequenceLength: number;
  embedding: number;
  /** Widths of the fully connected head L1..Lk. */
  hidden: number[];
  batchSize: number;
  learningRate: number;
  /** Epochs before the MI step (E) and after it (E_r); every method trains E + E_r epochs. */
  epochs: number;
  retrainEpochs: number;
  /** Shortened epochs (smoke). */
  maxStepsPerEpoch?: number;
  /** Training rows on which per-unit MI is measured (a fixed subset per seed). */
  miRows: number;
  /** Fractions of each layer's units pruned in the threshold sweep. */
  fractions: number[];
  /** Also sweep the released code's absolute threshold (0.05 nats). */
  absoluteThreshold: boolean;
  /** Validation tolerance (accuracy points) of the prune-fraction choice. */
  tolerance: number;
  /** The paper's baselines and their candidate rates (tuned on the first seed's validation). */
  baselines: BaselineKind[];
  rates: number[];
  /** Also run every baseline at the authors' rate 0.5 (reported beside the tuned rate). */
  authorsRate: boolean;
  /** The controls of the MI step, beside the prune reading (always run). */
  variants: Array<'algorithm1' | 'reinit' | 'random' | 'magnitude' | 'inverse'>;
  /** Heads of these depths for the depth claim (the main head's depth is always one of them). */
  depths: number[];
  seeds: number[];
}

export interface ReleasedConfig {
  trainSize?: number;
  testSize?: number;
  /** Epochs before the MI step and after it (the released code: 10 and 10). */
  epochs: number;
  retrainEpochs: number;
  maxStepsPerEpoch?: number;
  batchSize: number;
  /** Rows whose 256-unit layer the MI step scores (the released code: all 60k). */
  miRows: number;
  seeds: number[];
}

export interface ProfileConfig {
  text: TextConfig;
  released: ReleasedConfig;
}

const FULL_TEXT: TextConfig = {
  vocabSize: 20000,
  sequenceLength: 256,
  embedding: 64,
  hidden: [256, 128, 64],
  batchSize: 64,
  learningRate: 1e-3,
  epochs: 5,
  retrainEpochs: 5,
  miRows: 5000,
  fractions: [0.1, 0.25, 0.5, 0.75, 0.9],
  absoluteThreshold: true,
  tolerance: 0.5,
  baselines: ['dropout', 'spatial1d', 'alpha', 'gaussian'],
  rates: [0.1, 0.3, 0.5],
  authorsRate: true,
  variants: ['algorithm1', 'reinit', 'random', 'magnitude', 'inverse'],
  depths: [1, 2, 3, 4],
  seeds: [1, 2, 3, 4, 5],
};

export const CONFIGS: Readonly<Record<Profile, ProfileConfig>> = {
  smoke: {
    text: {
      ...FULL_TEXT,
      trainSize: 256,
      valSize: 64,
      testSize: 128,
      vocabSize: 1000,
      sequenceLength: 32,
      embedding: 16,
      hidden: [32, 16, 8],
      batchSize: 32,
      epochs: 1,
      retrainEpochs: 1,
      maxStepsPerEpoch: 3,
      miRows: 128,
      fractions: [0.25, 0.75],
      rates: [0.5],
      depths: [1, 3],
      seeds: [1],
    },
    released: {
      trainSize: 600,
      testSize: 200,
      epochs: 1,
      retrainEpochs: 1,
      maxStepsPerEpoch: 3,
      batchSize: 200,
      miRows: 300,
      seeds: [1],
    },
  },
  quick: {
    text: {
      ...FULL_TEXT,
      trainSize: 5000,
      valSize: 1000,
      testSize: 5000,
      vocabSize: 5000,
      sequenceLength: 128,
      epochs: 3,
      retrainEpochs: 3,
      miRows: 2000,
      fractions: [0.25, 0.75],
      absoluteThreshold: false,
      baselines: ['dropout'],
      rates: [0.5],
      authorsRate: false,
      variants: ['random'],
      depths: [3],
      seeds: [1],
    },
    released: {
      trainSize: 10000,
      epochs: 2,
      retrainEpochs: 2,
      batchSize: 200,
      miRows: 5000,
      seeds: [1],
    },
  },
  full: {
    text: FULL_TEXT,
    released: {
      epochs: 10,
      retrainEpochs: 10,
      batchSize: 200,
      miRows: 55000,
      seeds: [1, 2, 3, 4, 5],
    },
  },
};
