// How much of the paper each profile runs. smoke: seconds, every code path; quick: minutes on two
// cores, trends only; full: everything the paper measured at its scale, plus the estimators beyond
// the paper (SMILE, h=100, the noise sweep) at 3 of the 6 measured epochs and the Table 2 study at
// the last, so a seed costs about 50 CPU-minutes.
import type { MeasureOptions } from '../../infoplane/mine-measurer';
import type { Profile } from '../../report/profile';
import { LAYERS } from './paper';

export interface ProfileConfig {
  seeds: number[];
  /** MNIST training images used. */
  trainSize: number;
  /** Test images for the accuracy (the first evalRows also carry every MI estimate). */
  testSize: number;
  evalRows: number;
  /** Rows of the O(N^2) kernel references. */
  kdeRows: number;
  epochs: number;
  /** Shortened epochs (reduced profiles). */
  maxStepsPerEpoch?: number;
  batchSize: number;
  /** Epochs with MINE h=20 on every layer. */
  measureAt: number[];
  smileAt: number[];
  h100At: number[];
  /** The Table 2 study. */
  studyAt: number[];
  studyLayers: string[];
  /** The noise sweep. */
  sweepAt: number[];
  sweepLayers: string[];
  sweepSigmas: number[];
  /** Epochs of the optimiser comparison. */
  compareEpochs: number;
  mine: Omit<MeasureOptions, 'onProgress'>;
  /** Warm vs fresh: this many MINE epochs, no early stopping. */
  transferEpochs: number;
}

export const CONFIGS: Readonly<Record<Profile, ProfileConfig>> = {
  smoke: {
    seeds: [1],
    trainSize: 256,
    testSize: 128,
    evalRows: 64,
    kdeRows: 64,
    epochs: 1,
    maxStepsPerEpoch: 2,
    batchSize: 32,
    measureAt: [0],
    smileAt: [0],
    h100At: [0],
    studyAt: [0],
    studyLayers: ['softmax'],
    sweepAt: [0],
    sweepLayers: ['softmax'],
    sweepSigmas: [0.5],
    compareEpochs: 1,
    mine: { epochs: 3, minEpochs: 2, patience: 1, batchSize: 32, learningRate: 3e-3 },
    transferEpochs: 3,
  },
  quick: {
    seeds: [1, 2],
    trainSize: 6000,
    testSize: 1000,
    evalRows: 800,
    kdeRows: 500,
    epochs: 21,
    maxStepsPerEpoch: 20,
    batchSize: 64,
    measureAt: [0, 10, 20],
    smileAt: [20],
    h100At: [20],
    studyAt: [20],
    studyLayers: ['relu3'],
    sweepAt: [20],
    sweepLayers: ['relu3'],
    sweepSigmas: [0.3],
    compareEpochs: 5,
    mine: { epochs: 40, minEpochs: 10, patience: 8, batchSize: 64, learningRate: 3e-3 },
    transferEpochs: 20,
  },
  full: {
    seeds: [1, 2, 3],
    trainSize: 60000,
    testSize: 10000,
    evalRows: 5000,
    kdeRows: 2000,
    epochs: 21,
    batchSize: 64,
    measureAt: [0, 4, 8, 12, 16, 20],
    smileAt: [0, 8, 20],
    h100At: [0, 8, 20],
    studyAt: [20],
    studyLayers: [...LAYERS],
    sweepAt: [20],
    sweepLayers: ['maxpool1', 'relu3'],
    sweepSigmas: [0.05, 0.5],
    compareEpochs: 5,
    mine: { epochs: 200, minEpochs: 20, patience: 15, batchSize: 128, learningRate: 3e-3 },
    transferEpochs: 60,
  },
};

/** Table 3 can only be judged at the paper's scale: all of MNIST, 21 full epochs. */
export function paperScale(config: ProfileConfig): boolean {
  return (
    config.trainSize === 60000 &&
    config.testSize === 10000 &&
    config.epochs === 21 &&
    config.maxStepsPerEpoch === undefined
  );
}

/** One line saying what a profile runs. */
export function describeConfig(config: ProfileConfig): string {
  const steps = config.maxStepsPerEpoch ? ` of ${config.maxStepsPerEpoch} steps` : '';
  const scale = paperScale(config)
    ? ' (paper scale)'
    : ' (reduced: Table 3 verdicts will be inconclusive)';
  return (
    `${config.seeds.length} seed(s), ${config.trainSize} training images, ${config.epochs} epochs${steps}, ` +
    `MI on ${config.evalRows} test images${scale}`
  );
}
