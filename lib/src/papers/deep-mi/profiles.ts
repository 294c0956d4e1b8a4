// How much of the protocol each profile runs (protocols-001-003.md §3d). smoke: seconds, every code
// path; quick: minutes, two net types and four configs on one seed, so every verdict is
// inconclusive; full: the grid (6 net types x 4 optimisers x 3 regularisers) on a 10k
// Fashion-MNIST training subset over 3 seeds, the label-noise stress test and the MNIST planes.
import type { OptimizerSpec } from '../../nn/optimizers';
import type { Profile } from '../../report/profile';
import type { NetType } from './paper';

export type OptimizerName = OptimizerSpec['name'];

/** The grid's optimisers: plain SGD and momentum at 0.01, Adam and RMSprop at 1e-3. */
export const OPTIMIZERS: Readonly<Record<OptimizerName, OptimizerSpec>> = {
  sgd: { name: 'sgd', learningRate: 0.01 },
  momentum: { name: 'momentum', learningRate: 0.01, momentum: 0.9 },
  adam: { name: 'adam', learningRate: 1e-3 },
  rmsprop: { name: 'rmsprop', learningRate: 1e-3 },
};

export const REGULARIZERS = ['none', 'l2', 'dropout'] as const;
export type Regularizer = (typeof REGULARIZERS)[number];
/** Weight of the L2 penalty on every kernel, and the dropout rate after each hidden layer. */
export const L2_WEIGHT = 5e-4;
export const DROPOUT_RATE = 0.3;

export interface GridConfig {
  /** Training rows (a stratified seeded subset: fewer rows, more spread between configs). */
  trainSize: number;
  /** Other training rows, never trained on: the "held-out training rows" ceiling control. */
  heldOutSize: number;
  /** Test rows (default all 10,000). */
  testSize?: number;
  /** The fixed training rows every training-set signal is measured on. */
  signalRows: number;
  /** Rows of the O(N^2) kernel estimate. */
  kdeRows: number;
  types: NetType[];
  optimizers: OptimizerName[];
  regularizers: Regularizer[];
  epochs: number;
  batchSize: number;
  maxStepsPerEpoch?: number;
  seeds: number[];
}

/** Beyond the poster: the same signals when some training labels are wrong. */
export interface NoiseConfig {
  types: NetType[];
  optimizers: OptimizerName[];
  regularizers: Regularizer[];
  /** Fractions of training labels replaced by a different class (0 reuses the grid's runs). */
  rates: number[];
}

export interface PlaneConfig {
  /** MNIST training rows (default all 60,000). */
  trainSize?: number;
  /** Test rows whose activations are measured (ibsgd measures the test set). */
  evalRows: number;
  kdeRows: number;
  /** The narrow funnel's hidden widths. */
  hidden: number[];
  activations: Array<'tanh' | 'relu'>;
  optimizers: OptimizerName[];
  epochs: number;
  /** Epochs (from 0) after which the planes are measured. */
  measureAt: number[];
  batchSize: number;
  maxStepsPerEpoch?: number;
  seeds: number[];
}

export interface SaturationConfig {
  widths: number[];
  sampleSizes: number[];
}

export interface ProfileConfig {
  grid: GridConfig;
  noise: NoiseConfig;
  planes: PlaneConfig;
  saturation: SaturationConfig;
}

const FULL: ProfileConfig = {
  grid: {
    trainSize: 10000,
    heldOutSize: 5000,
    signalRows: 5000,
    kdeRows: 2000,
    types: ['FCN-3', 'FCN-6', 'FCN-9', 'FCN-12', 'CNN-1', 'CNN-2'],
    optimizers: ['sgd', 'momentum', 'adam', 'rmsprop'],
    regularizers: ['none', 'l2', 'dropout'],
    epochs: 20,
    batchSize: 128,
    seeds: [1, 2, 3],
  },
  noise: {
    types: ['FCN-3', 'CNN-1'],
    optimizers: ['momentum', 'adam'],
    regularizers: ['none', 'dropout'],
    rates: [0, 0.2, 0.4],
  },
  planes: {
    evalRows: 2000,
    kdeRows: 1000,
    hidden: [64, 32, 16, 12, 8, 6],
    activations: ['tanh', 'relu'],
    optimizers: ['sgd', 'adam'],
    epochs: 30,
    measureAt: [0, 1, 2, 4, 7, 11, 15, 19, 24, 29],
    batchSize: 128,
    seeds: [1, 2, 3],
  },
  saturation: { widths: [1, 2, 4, 8, 16, 32, 64, 128], sampleSizes: [1000, 2000, 5000] },
};

export const CONFIGS: Readonly<Record<Profile, ProfileConfig>> = {
  smoke: {
    grid: {
      ...FULL.grid,
      trainSize: 600,
      heldOutSize: 200,
      testSize: 500,
      signalRows: 300,
      kdeRows: 100,
      types: ['FCN-3', 'CNN-1'],
      optimizers: ['sgd', 'adam'],
      regularizers: ['none', 'dropout'],
      epochs: 1,
      maxStepsPerEpoch: 3,
      batchSize: 64,
      seeds: [1],
    },
    noise: { types: ['FCN-3'], optimizers: ['adam'], regularizers: ['none'], rates: [0, 0.4] },
    planes: {
      ...FULL.planes,
      trainSize: 600,
      evalRows: 200,
      kdeRows: 100,
      activations: ['tanh', 'relu'],
      optimizers: ['adam'],
      epochs: 2,
      measureAt: [0, 1],
      maxStepsPerEpoch: 3,
      batchSize: 64,
      seeds: [1],
    },
    saturation: { widths: [1, 4, 16, 64], sampleSizes: [100, 300] },
  },
  quick: {
    grid: {
      ...FULL.grid,
      trainSize: 5000,
      heldOutSize: 2000,
      signalRows: 2000,
      kdeRows: 500,
      types: ['FCN-3', 'CNN-1'],
      optimizers: ['sgd', 'adam'],
      regularizers: ['none', 'dropout'],
      epochs: 3,
      seeds: [1],
    },
    noise: {
      types: ['FCN-3'],
      optimizers: ['adam'],
      regularizers: ['none', 'dropout'],
      rates: [0, 0.4],
    },
    planes: {
      ...FULL.planes,
      trainSize: 10000,
      evalRows: 1000,
      kdeRows: 300,
      activations: ['tanh', 'relu'],
      optimizers: ['adam'],
      epochs: 8,
      measureAt: [0, 1, 2, 4, 7],
      seeds: [1],
    },
    saturation: { widths: [1, 2, 4, 8, 16, 32, 64, 128], sampleSizes: [500, 2000] },
  },
  full: FULL,
};
