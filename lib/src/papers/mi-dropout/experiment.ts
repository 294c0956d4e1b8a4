// One run of each kind MI-Dropout's study needs, on one seed. The seed fixes the initial weights
// and the batch order of every method of a row group, so two methods' test accuracies on one seed
// are a paired comparison. Every method trains the same number of epochs and ends on the weights of
// its best-validation epoch (restoreBest); the test set is read once, at the end.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { toMatrixAsync } from '../../mi/matrix';
import { unitLabelMi } from '../../mi/unit-label';
import type { Classifier } from '../../nn/classifier';
import type { DropoutKind } from '../../nn/dropout';
import { mlpClassifier, textBag } from '../../nn/models';
import { collectActivations, evaluateClassifier, trainClassifier } from '../../nn/train';
import type { EpochSummary } from '../../nn/train';
import { Rng } from '../../random/rng';
import type { LabelledData, LabelledSplit } from './data';
import type { TextConfig } from './profiles';

/** Progress of one run's training, for a notebook's progress bar. */
export type Progress = (p: {
  step: number;
  total: number;
  metrics: Record<string, number>;
}) => void;

export interface EpochPoint {
  epoch: number;
  /** Mean training cross-entropy over the epoch (nats). */
  loss: number;
  /** Validation accuracy (%) after the epoch. */
  valAccuracy: number;
}

/** A finished training run: its curve, the epoch it kept, and the test set read once. */
export interface TrainedRun {
  curve: EpochPoint[];
  bestEpoch: number;
  /** Validation accuracy (%) of the kept epoch. */
  valAccuracy: number;
  /** Test accuracy (%) and mean cross-entropy (nats) of the kept weights. */
  testAccuracy: number;
  testLoss: number;
  seconds: number;
  steps: number;
  parameters: number;
}

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  maxStepsPerEpoch?: number;
  /** Seed of the batch order (and the dropout masks). */
  seed: number;
  /** Keep the best-validation epoch (default true); false reports the last epoch (the released
   * code's rule). */
  restoreBest?: boolean;
}

const percent = (v: number) => 100 * v;

/** The profile's training settings for `epochs` epochs with the batch order of `seed`. */
export function textSettings(config: TextConfig, epochs: number, seed: number): TrainSettings {
  return {
    epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    maxStepsPerEpoch: config.maxStepsPerEpoch,
    seed,
  };
}

/** Train `model` (in place) and read the test set once. */
export async function fit(
  model: Classifier,
  data: LabelledData,
  settings: TrainSettings,
  options: {
    progress?: Progress;
    onEpochEnd?: (summary: EpochSummary) => void | Promise<void>;
  } = {},
): Promise<TrainedRun> {
  const restoreBest = settings.restoreBest ?? true;
  const history = await trainClassifier(model, data.train, {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    maxStepsPerEpoch: settings.maxStepsPerEpoch,
    seed: settings.seed,
    validation: data.val,
    restoreBest,
    onProgress: options.progress,
    onEpochEnd: options.onEpochEnd,
  });
  const test = await evaluateClassifier(model, data.test);
  const curve = history.epochs.map((e) => ({
    epoch: e.epoch,
    loss: e.loss,
    valAccuracy: percent(e.validationAccuracy!),
  }));
  const bestEpoch = history.bestEpoch ?? curve.length;
  return {
    curve,
    bestEpoch,
    valAccuracy: curve[bestEpoch - 1].valAccuracy,
    testAccuracy: percent(test.accuracy),
    testLoss: test.loss,
    seconds: history.seconds,
    steps: history.steps,
    parameters: model.parameterCount,
  };
}

/** The text model of the study: textBag with the profile's head, or the first `depth` widths of
 * the depth sweep's head, with one kind of dropout or none. */
export function textModel(
  config: TextConfig,
  classes: number,
  seed: number,
  options: { dropout?: { kind: DropoutKind; rate: number }; hidden?: readonly number[] } = {},
): Classifier {
  return textBag({
    vocabularySize: config.vocabSize,
    sequenceLength: config.sequenceLength,
    embeddingDim: config.embedding,
    hidden: options.hidden ?? config.hidden,
    classes,
    seed,
    dropout: options.dropout?.rate,
    dropoutKind: options.dropout?.kind,
  });
}

/** The released code's MLP (784-512-256-10, Keras' Dense layers), with one kind of dropout. */
export function releasedMlp(
  seed: number,
  dropout?: { kind: DropoutKind; rate: number },
): Classifier {
  return mlpClassifier({
    inputShape: 784,
    hidden: [512, 256],
    classes: 10,
    seed,
    dropout: dropout?.rate,
    dropoutKind: dropout?.kind,
  });
}

/** Per-unit label MI of one layer on the measurement rows, by both estimators. */
export interface UnitScores {
  layer: string;
  /** I(a_i; Y) by Ross's k-NN (k = 3, scikit-learn's jitter), nats. */
  knn: number[];
  /** The plug-in H(a_i) - H(a_i | Y) on 30 equal-width bins, nats. */
  binned: number[];
  /** Units constant on the measurement rows (dead ReLUs). */
  dead: number[];
}

/** Rounds MI values for storage: 5 decimals of a nat is far below any estimator's error. */
const stored = (values: ArrayLike<number>) => Array.from(values, (v) => Math.round(v * 1e5) / 1e5);

/**
 * Both estimators on every unit of `layers`, for the rows `rows` (a fixed subset of the training
 * split) against `labels` (class ids; a relabelling such as the released code's class-0 indicator
 * goes here). `estimators` 'knn' skips the binned one (part R measures what the released code did).
 */
export async function scoreUnits(
  model: Classifier,
  rows: LabelledSplit,
  layers: readonly string[],
  options: { labels?: Int32Array; seed: number; estimators?: 'both' | 'knn' },
): Promise<UnitScores[]> {
  const labels = options.labels ?? rows.labels;
  const acts = collectActivations(model, rows.x, layers);
  try {
    const out: UnitScores[] = [];
    for (const layer of layers) {
      const m = await toMatrixAsync(acts[layer], layer);
      const knn = unitLabelMi(m, labels, { estimator: 'knn-label', seed: options.seed });
      const binned =
        options.estimators === 'knn'
          ? []
          : stored(unitLabelMi(m, labels, { estimator: 'binning', bins: 30 }));
      out.push({ layer, knn: stored(knn), binned, dead: deadUnits(m.data, m.rows, m.cols) });
    }
    return out;
  } finally {
    tf.dispose(Object.values(acts));
  }
}

function deadUnits(data: Float64Array, rows: number, cols: number): number[] {
  const dead: number[] = [];
  for (let c = 0; c < cols; c++) {
    let constant = true;
    for (let r = 1; r < rows && constant; r++) constant = data[r * cols + c] === data[c];
    if (constant) dead.push(c);
  }
  return dead;
}

/** The first `count` rows of a seeded permutation of a split (the rows per-unit MI is read on). */
export function measurementRows(split: LabelledSplit, count: number, seed: number): LabelledSplit {
  const n = split.labels.length;
  if (!Number.isInteger(count) || count < 2) inputError(`miRows must be >= 2, got ${count}`);
  const take = Math.min(count, n);
  const order = new Rng(seed).fork('mi-rows').permutation(n).subarray(0, take);
  const index = tf.tensor1d(Int32Array.from(order), 'int32');
  try {
    return {
      x: tf.gather(split.x, index) as tf.Tensor2D,
      y: tf.gather(split.y, index) as tf.Tensor1D,
      labels: Int32Array.from(order, (i) => split.labels[i]),
    };
  } finally {
    index.dispose();
  }
}

/** L2 norm of each unit's outgoing weights (the next dense layer's kernel rows). */
export async function outgoingNorms(model: Classifier, layer: string): Promise<number[]> {
  const names = model.layers.map((l) => l.name);
  const at = names.indexOf(layer);
  if (at < 0) inputError(`${model.name} has no layer '${layer}'`);
  const next = model.layers.slice(at + 1).find((l) => l.layer.getClassName() === 'Dense');
  if (!next) inputError(`no dense layer follows '${layer}'`);
  const [kernel] = next.layer.getWeights();
  const [units, out] = kernel.shape;
  const values = await kernel.data();
  return Array.from({ length: units }, (_, u) => {
    let s = 0;
    for (let c = 0; c < out; c++) s += values[u * out + c] ** 2;
    return Math.sqrt(s);
  });
}
