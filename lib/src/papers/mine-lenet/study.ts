// The notebook's computations: MNIST for a profile, the optimiser comparison against Table 3, and
// the seeds of the main experiment. Each seed's training and measurement is one stored run whose
// key names it completely (settings, data sizes, seed), so a stored full-profile run is reused only
// for the same settings, and parallel kernels share the work (report/runs.ts).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { loadMnist, MNIST_CLASSES } from '../../data/mnist';
import { imagesToTensor, labelsToTensor } from '../../data/images';
import { classCountTable } from '../../data/labels';
import { lenet5 } from '../../nn/models';
import type { OptimizerSpec } from '../../nn/optimizers';
import type { MeasureOptions } from '../../infoplane/mine-measurer';
import { runMany, runName, type RunJob } from '../../report/runs';
import { planeArchitecture, DEFAULT_NOISE_SIGMA } from './architectures';
import {
  runInformationPlane,
  type PlaneData,
  type PlaneEstimator,
  type PlaneExperimentConfig,
  type PlaneRecord,
} from './experiment';
import { LAYERS, NOTEBOOK, PAPER_ACCURACY, PAPER_LEARNING_RATE } from './paper';
import type { ProfileConfig } from './profiles';

/** A progress display per run, e.g. label => progressReporter(label). */
export type ProgressFactory = (label: string) => ((p: {
  step: number;
  total: number;
  metrics?: Record<string, number>;
}) => void) & {
  done?: () => void;
};

export interface LoadedData {
  data: PlaneData;
  /** Images per digit of each set (classCountTable), for showTable. */
  counts: Array<Record<string, string | number>>;
  dispose(): void;
}

/** MNIST as the profile says: training images, test images (accuracy), and the first `evalRows`
 * test images as the fixed rows every MI quantity is computed on. Labels one-hot. */
export async function loadData(config: ProfileConfig): Promise<LoadedData> {
  const trainSet = await loadMnist({ split: 'train', limit: config.trainSize });
  const testSet = await loadMnist({ split: 'test', limit: config.testSize });
  if (config.evalRows > testSet.count)
    inputError(`evalRows ${config.evalRows} exceeds the ${testSet.count} test images`);
  const testX = imagesToTensor(testSet, 'nhwc');
  const data: PlaneData = {
    train: { x: imagesToTensor(trainSet, 'nhwc'), y: labelsToTensor(trainSet, 'onehot') },
    test: { x: testX, y: labelsToTensor(testSet, 'onehot') },
    evaluation: {
      x: tf.slice(testX, 0, config.evalRows),
      labels: Array.from(testSet.labels.slice(0, config.evalRows)),
    },
  };
  const counts = classCountTable(
    {
      training: trainSet.labels,
      'test (accuracy)': testSet.labels,
      'MI rows': data.evaluation.labels,
    },
    MNIST_CLASSES,
  );
  return {
    data,
    counts,
    dispose: () =>
      tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y, data.evaluation.x]),
  };
}

/** The settings every run shares. */
function common(config: ProfileConfig) {
  return {
    layers: [...LAYERS],
    batchSize: config.batchSize,
    maxStepsPerEpoch: config.maxStepsPerEpoch,
    noiseSigma: DEFAULT_NOISE_SIGMA,
    kdeRows: config.kdeRows,
  };
}

/** A run's key: its label, then every setting as JSON (the order of the fields is part of it). */
export function runKey(
  label: string,
  seed: number,
  config: ProfileConfig,
  plan: Omit<PlaneExperimentConfig, 'seed'>,
): string {
  const sizes = {
    seed,
    trainSize: config.trainSize,
    testSize: config.testSize,
    evalRows: config.evalRows,
  };
  return `${label} ${JSON.stringify({ ...sizes, ...plan })}`;
}

/** One seed of LeNet-5 measured as `plan` says, as a stored run. */
export function planRun(
  data: PlaneData,
  config: ProfileConfig,
  seed: number,
  plan: Omit<PlaneExperimentConfig, 'seed'>,
  label: string,
  progress?: ProgressFactory,
): RunJob<PlaneRecord> {
  return {
    key: runKey(label, seed, config, plan),
    name: runName(label, { seed }),
    compute: async () => {
      const model = lenet5({ seed });
      const reporter = progress?.(`${label}, seed ${seed}`);
      try {
        return await runInformationPlane(
          model,
          data,
          { ...plan, seed },
          reporter && ((p) => reporter(p)),
        );
      } finally {
        reporter?.done?.();
        model.dispose();
      }
    },
  };
}

/** The optimisers compared, all at the paper's learning rate. */
export const OPTIMIZER_CANDIDATES: ReadonlyArray<{ name: string; optimizer: OptimizerSpec }> = [
  { name: 'SGD', optimizer: { name: 'sgd', learningRate: PAPER_LEARNING_RATE } },
  {
    name: 'SGD, momentum 0.9',
    optimizer: { name: 'momentum', learningRate: PAPER_LEARNING_RATE, momentum: 0.9 },
  },
  { name: 'Adam', optimizer: { name: 'adam', learningRate: PAPER_LEARNING_RATE } },
];

export interface OptimizerTrial {
  name: string;
  optimizer: OptimizerSpec;
  /** Test accuracy (fraction) after each epoch, seed 1. */
  accuracy: number[];
  /** Root mean square difference to Table 3 over the epochs both have, percentage points. */
  rmse: number;
}

export interface OptimizerComparison {
  trials: OptimizerTrial[];
  /** The trial closest to Table 3 (the first of equals). */
  chosen: OptimizerTrial;
}

/** The comparison's settings for one optimiser: config.compareEpochs, nothing measured. */
export function optimizerPlan(
  config: ProfileConfig,
  optimizer: OptimizerSpec,
): Omit<PlaneExperimentConfig, 'seed'> {
  return {
    ...common(config),
    epochs: config.compareEpochs,
    measureAt: [],
    estimators: [],
    optimizer: { ...optimizer },
  };
}

/** The stored runs of the comparison: each candidate trains seed 1. */
export function optimizerJobs(
  data: PlaneData,
  config: ProfileConfig,
  progress?: ProgressFactory,
): Array<RunJob<PlaneRecord>> {
  return OPTIMIZER_CANDIDATES.map((c) =>
    planRun(data, config, 1, optimizerPlan(config, c.optimizer), `optimiser ${c.name}`, progress),
  );
}

/** Every candidate's accuracy curve against Table 3; the closest trains the main runs. */
export async function compareOptimizers(
  data: PlaneData,
  config: ProfileConfig,
  progress?: ProgressFactory,
): Promise<OptimizerComparison> {
  return chooseOptimizer(await runMany(NOTEBOOK, optimizerJobs(data, config, progress)));
}

/** The comparison from the candidates' records (in OPTIMIZER_CANDIDATES order). */
export function chooseOptimizer(records: readonly PlaneRecord[]): OptimizerComparison {
  if (records.length !== OPTIMIZER_CANDIDATES.length)
    inputError(`expected ${OPTIMIZER_CANDIDATES.length} records, got ${records.length}`);
  const trials = OPTIMIZER_CANDIDATES.map((candidate, i): OptimizerTrial => {
    const accuracy = records[i].accuracy;
    const shared = accuracy
      .map((a, epoch) => [a * 100, PAPER_ACCURACY[epoch]])
      .filter(([, paper]) => paper !== undefined);
    const rmse = Math.sqrt(
      shared.reduce((s, [ours, paper]) => s + (ours - paper) ** 2, 0) / shared.length,
    );
    return { name: candidate.name, optimizer: { ...candidate.optimizer }, accuracy, rmse };
  });
  return { trials, chosen: trials.reduce((best, t) => (t.rmse < best.rmse ? t : best)) };
}

/** The comparison as table rows: accuracy % per epoch and the RMS difference. */
export function optimizerTable(
  comparison: OptimizerComparison,
): Array<Record<string, string | number>> {
  return comparison.trials.map((t) => ({
    optimiser: t.name,
    ...Object.fromEntries(t.accuracy.map((a, e) => [`epoch ${e} %`, 100 * a])),
    'RMS difference to Table 3 (pp)': t.rmse,
  }));
}

/** The MINE runs of the main experiment (see the notebook for what each is for). */
export function estimators(config: ProfileConfig): PlaneEstimator[] {
  const sigma = DEFAULT_NOISE_SIGMA;
  const h20 = planeArchitecture(20, sigma);
  const transfer: Omit<MeasureOptions, 'onProgress'> = {
    ...config.mine,
    epochs: config.transferEpochs,
    earlyStopping: false,
  };
  return [
    { name: 'MINE h=20', spec: h20, bound: 'mine', warmStart: false, measure: config.mine },
    {
      name: 'SMILE h=20',
      spec: h20,
      bound: 'smile',
      warmStart: false,
      measure: config.mine,
      epochs: config.smileAt,
    },
    {
      name: 'MINE h=100',
      spec: planeArchitecture(100, sigma),
      bound: 'mine',
      warmStart: false,
      measure: config.mine,
      epochs: config.h100At,
    },
    {
      name: 'MINE h=20 warm',
      spec: h20,
      bound: 'mine',
      warmStart: true,
      measure: transfer,
      layers: ['relu3'],
      variables: ['Y'],
    },
    {
      name: 'MINE h=20 fresh',
      spec: h20,
      bound: 'mine',
      warmStart: false,
      measure: transfer,
      layers: ['relu3'],
      variables: ['Y'],
    },
    ...config.sweepSigmas.map((s): PlaneEstimator => ({
      name: `MINE h=20 σ=${s}`,
      spec: planeArchitecture(20, s),
      bound: 'mine',
      warmStart: false,
      measure: config.mine,
      epochs: config.sweepAt,
      layers: config.sweepLayers,
    })),
  ];
}

/**
 * The estimator whose runs the sweep reads at noise level `sigma` (the main one at the main level).
 */
export function sweepName(sigma: number): string {
  return sigma === DEFAULT_NOISE_SIGMA ? 'MINE h=20' : `MINE h=20 σ=${sigma}`;
}

/** The main experiment's settings, the seed aside. */
export function experimentPlan(
  config: ProfileConfig,
  optimizer: OptimizerSpec,
): Omit<PlaneExperimentConfig, 'seed'> {
  return {
    ...common(config),
    epochs: config.epochs,
    measureAt: config.measureAt,
    optimizer,
    estimators: estimators(config),
    study: {
      at: config.studyAt,
      noiseSigma: DEFAULT_NOISE_SIGMA,
      measure: config.mine,
      layers: config.studyLayers,
    },
  };
}

/** The stored runs of the main experiment, one per seed. */
export function seedJobs(
  data: PlaneData,
  config: ProfileConfig,
  optimizer: OptimizerSpec,
  progress?: ProgressFactory,
): Array<RunJob<PlaneRecord>> {
  const plan = experimentPlan(config, optimizer);
  return config.seeds.map((seed) => planRun(data, config, seed, plan, 'LeNet-5 + MINE', progress));
}

/** Every seed of the main experiment (stored runs read, missing ones computed). */
export async function runSeeds(
  data: PlaneData,
  config: ProfileConfig,
  optimizer: OptimizerSpec,
  progress?: ProgressFactory,
): Promise<PlaneRecord[]> {
  return runMany(NOTEBOOK, seedJobs(data, config, optimizer, progress));
}
