// One network of the table's grid: a net type, an optimiser, a regulariser (and, for the
// label-noise stress test, a share of wrong training labels) on one seed. It trains for a fixed
// number of epochs (the poster compares networks as trained, so no epoch is picked), then every
// training-set signal is measured on the same fixed training rows, the held-out training rows
// give the ceiling control, and the test set is read once for the outcome.
import * as tf from '@tensorflow/tfjs';
import { corruptLabels } from '../../data/labels';
import { inputError } from '../../errors';
import { standardizeUnits } from '../../infoplane/prepare';
import { binnedLayerInformation } from '../../mi/binning';
import { kdeLayerBounds } from '../../mi/kde';
import { toMatrixAsync, type Matrix } from '../../mi/matrix';
import type { Classifier } from '../../nn/classifier';
import { cnnClassifier, mlpClassifier } from '../../nn/models';
import { makeOptimizer } from '../../nn/optimizers';
import { weightPenalty } from '../../nn/penalties';
import { collectActivations, evaluateClassifier, trainClassifier } from '../../nn/train';
import type { ImageData, ImageSplit } from './data';
import type { NetType } from './paper';
import {
  DROPOUT_RATE,
  L2_WEIGHT,
  OPTIMIZERS,
  type GridConfig,
  type OptimizerName,
  type Regularizer,
} from './profiles';

/** Progress of one run's training, for a notebook's progress bar. */
export type Progress = (p: {
  step: number;
  total: number;
  metrics: Record<string, number>;
}) => void;

export interface GridCell {
  type: NetType;
  optimizer: OptimizerName;
  regularizer: Regularizer;
  /** Share of training labels replaced by a wrong class (0 in the table's grid). */
  noise: number;
  seed: number;
}

/**
 * Every signal measured on the fixed training rows (with the labels the network was trained on),
 * plus the held-out control. Accuracies in %, losses and MI in nats.
 */
export interface GridSignals {
  trainAccuracy: number;
  trainLoss: number;
  /** The pre-registered MI: binned I(T;Y) of the softmax output, 30 bins on [0, 1]. */
  trainMi: number;
  /** H(T) = binned I(X;T) of the softmax output (compression: lower is "better"). */
  softmaxEntropy: number;
  /** The primary MI with 10 and 100 bins, and with ibsgd's bin size 0.5 (on [0, 1]: 2 bins). */
  trainMi10: number;
  trainMi100: number;
  trainMiBinSize: number;
  /** Binned I(T;Y) of the last hidden layer, 30 bins on the layer's own range. */
  hiddenMi: number;
  /** Kernel estimate of I(T + noise; Y) of the standardised last hidden layer (noise variance
   * 0.1, ibsgd's setting). */
  hiddenKdeMi: number;
  /** Accuracy on training rows never trained on (clean labels): the practical ceiling. */
  heldOutAccuracy: number;
}

export interface GridRun extends GridCell {
  testAccuracy: number;
  signals: GridSignals;
  /** Whether the binned layer was saturated (H(T) >= 0.99 log N): its MI then says little. */
  softmaxSaturated: boolean;
  hiddenSaturated: boolean;
  /** Test accuracy below twice chance: the network did not learn (D3's "collapse"). */
  collapsed: boolean;
  /** The last training epoch's mean loss and accuracy on the batches as seen. */
  curve: Array<{ epoch: number; loss: number; trainAccuracy: number }>;
  steps: number;
  seconds: number;
}

/** The table's networks: FCN-L has L ReLU layers of 128 units; CNN-1 one conv block of 32 3x3
 * filters, CNN-2 a second of 64; both end in a dense layer of 128. */
export function gridModel(
  type: NetType,
  regularizer: Regularizer,
  shape: readonly number[],
  classes: number,
  seed: number,
): Classifier {
  const dropout = regularizer === 'dropout' ? DROPOUT_RATE : 0;
  const fcn = /^FCN-(\d+)$/.exec(type);
  if (fcn) {
    const depth = Number(fcn[1]);
    return mlpClassifier({
      inputShape: shape,
      hidden: Array(depth).fill(128),
      dropout,
      classes,
      seed,
    });
  }
  if (type === 'CNN-1' || type === 'CNN-2') {
    const convs = type === 'CNN-1' ? [32] : [32, 64];
    return cnnClassifier({ inputShape: shape, convs, dense: [128], dropout, classes, seed });
  }
  return inputError(`unknown net type '${type}'`);
}

export async function runGridCell(
  data: ImageData,
  config: GridConfig,
  cell: GridCell,
  progress?: Progress,
): Promise<GridRun> {
  if (!(cell.noise >= 0 && cell.noise < 1))
    inputError(`noise must be in [0, 1), got ${cell.noise}`);
  const rows = Math.min(config.signalRows, data.train.labels.length);
  const labels =
    cell.noise > 0
      ? corruptLabels(data.train.labels, cell.noise, data.classes, cell.seed)
      : data.train.labels;
  const model = gridModel(cell.type, cell.regularizer, data.shape, data.classes, cell.seed);
  const optimizer = makeOptimizer(OPTIMIZERS[cell.optimizer]);
  const y = tf.tensor1d(labels, 'int32');
  try {
    const history = await trainClassifier(
      model,
      { x: data.train.x, y },
      {
        epochs: config.epochs,
        batchSize: config.batchSize,
        maxStepsPerEpoch: config.maxStepsPerEpoch,
        seed: cell.seed,
        optimizer,
        extraLoss: cell.regularizer === 'l2' ? weightPenalty(model, { l2: L2_WEIGHT }) : undefined,
        // A weight decay acts at its stated strength, not rescaled to the task gradient.
        capExtraGradient: false,
        onProgress: progress,
      },
    );
    const measured = await measureSignals(model, data, labels.subarray(0, rows), config);
    const testData = split(data.test);
    const test = await evaluateClassifier(model, testData).finally(() => testData.y.dispose());
    const testAccuracy = 100 * test.accuracy;
    return {
      ...cell,
      testAccuracy,
      ...measured,
      collapsed: testAccuracy < 200 / data.classes,
      curve: history.epochs.map((e) => ({
        epoch: e.epoch,
        loss: e.loss,
        trainAccuracy: 100 * e.trainAccuracy,
      })),
      steps: history.steps,
      seconds: history.seconds,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
    y.dispose();
  }
}

function split(s: ImageSplit): { x: tf.Tensor; y: tf.Tensor } {
  return { x: s.x, y: tf.tensor1d(s.labels, 'int32') };
}

async function measureSignals(
  model: Classifier,
  data: ImageData,
  labels: Int32Array,
  config: GridConfig,
): Promise<Pick<GridRun, 'signals' | 'softmaxSaturated' | 'hiddenSaturated'>> {
  const rows = labels.length;
  const x = tf.slice(data.train.x, 0, rows);
  const y = tf.tensor1d(labels, 'int32');
  const hidden = model.penultimate;
  const acts = collectActivations(model, x, ['softmax', hidden]);
  const flatHidden = flatten(acts[hidden]);
  const heldOut = data.heldOut.labels.length > 0 ? split(data.heldOut) : undefined;
  try {
    const train = await evaluateClassifier(model, { x, y });
    const softmax = await toMatrixAsync(acts.softmax as tf.Tensor2D, 'softmax');
    const layer = await toMatrixAsync(flatHidden, 'hidden layer');
    const onSoftmax = (bins: number) =>
      binnedLayerInformation(softmax, labels, { bins, range: [0, 1] });
    const primary = onSoftmax(30);
    const hiddenBinned = binnedLayerInformation(layer, labels, { bins: 30 });
    const held = heldOut ? await evaluateClassifier(model, heldOut) : { accuracy: NaN };
    return {
      signals: {
        trainAccuracy: 100 * train.accuracy,
        trainLoss: train.loss,
        trainMi: primary.ity,
        softmaxEntropy: primary.ixt,
        trainMi10: onSoftmax(10).ity,
        trainMi100: onSoftmax(100).ity,
        trainMiBinSize: onSoftmax(2).ity,
        hiddenMi: hiddenBinned.ity,
        hiddenKdeMi: await kdeMi(flatHidden, labels, config.kdeRows),
        heldOutAccuracy: 100 * held.accuracy,
      },
      softmaxSaturated: primary.saturated,
      hiddenSaturated: hiddenBinned.saturated,
    };
  } finally {
    tf.dispose([x, y, flatHidden, ...Object.values(acts)]);
    if (heldOut) heldOut.y.dispose();
  }
}

function flatten(t: tf.Tensor): tf.Tensor2D {
  return t.reshape([t.shape[0], -1]) as tf.Tensor2D;
}

/** ibsgd's kernel estimate: the layer standardised per unit, Gaussian noise of variance 0.1. */
async function kdeMi(layer: tf.Tensor2D, labels: Int32Array, rows: number): Promise<number> {
  const n = Math.min(rows, labels.length);
  const head = tf.slice(layer, 0, n);
  const z = await standardizeUnits(head);
  try {
    const m: Matrix = await toMatrixAsync(z, 'hidden layer');
    return kdeLayerBounds(m, { noiseSd: Math.sqrt(0.1), labels: labels.subarray(0, n) }).ity ?? NaN;
  } finally {
    tf.dispose([head, z]);
  }
}
