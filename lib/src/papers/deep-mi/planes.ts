// D4's information planes: a narrow fully connected funnel trained on MNIST, measured after chosen
// epochs, layer by layer, with the estimators the reference implementations use: Shwartz-Ziv &
// Tishby's 30 bins on [-1, 1] for tanh (values outside clamp to the end bins: IDNNs' np.digitize
// wrapped values below -1 into the top bin, a bug not copied), Saxe et al.'s bin size 0.5 for ReLU
// (unbounded, so ReLU layers do not pile up in one bin), 30 bins on [0, 1] for the softmax, and
// the Kolchinsky-Tracey kernel bracket (noise variance 0.1 on the raw activations, as ibsgd).
import * as tf from '@tensorflow/tfjs';
import { binningMeasurer, kdeMeasurer } from '../../infoplane/measurers';
import { recordInformationPlane, type PlaneEntry } from '../../infoplane/recorder';
import { mlpClassifier } from '../../nn/models';
import type { ImageData } from './data';
import type { Progress } from './grid';
import { OPTIMIZERS, type OptimizerName, type PlaneConfig } from './profiles';

export interface PlaneRun {
  activation: 'tanh' | 'relu';
  optimizer: OptimizerName;
  seed: number;
  /** Test accuracy (%) after each epoch. */
  accuracy: number[];
  loss: number[];
  /** Per measured epoch, layer and estimator family ('binned' or 'KDE'): nats. */
  entries: PlaneEntry[];
  /** The funnel's layers in order: hidden1..hiddenK, softmax. */
  layers: string[];
  seconds: number;
}

/** The measurer family of an entry ('binned' covers both binning rules). */
export function family(entry: PlaneEntry): 'binned' | 'KDE' {
  return entry.measurer === 'KDE' ? 'KDE' : 'binned';
}

export async function runPlane(
  data: ImageData,
  config: PlaneConfig,
  activation: 'tanh' | 'relu',
  optimizer: OptimizerName,
  seed: number,
  progress?: Progress,
): Promise<PlaneRun> {
  const model = mlpClassifier({
    inputShape: data.shape,
    hidden: config.hidden,
    activation,
    classes: data.classes,
    seed,
  });
  const hidden = config.hidden.map((_, i) => `hidden${i + 1}`);
  const layers = [...hidden, 'softmax'];
  const rows = Math.min(config.evalRows, data.test.labels.length);
  const evalX = tf.slice(data.test.x, 0, rows);
  const trainY = tf.tensor1d(data.train.labels, 'int32');
  const testY = tf.tensor1d(data.test.labels, 'int32');
  try {
    const binned =
      activation === 'tanh'
        ? binningMeasurer({ name: 'binned', layers: hidden, bins: 30, range: [-1, 1] })
        : binningMeasurer({ name: 'binned', layers: hidden, binSize: 0.5 });
    const recording = await recordInformationPlane(
      model,
      {
        train: { x: data.train.x, y: trainY },
        test: { x: data.test.x, y: testY },
        evaluation: { x: evalX, labels: data.test.labels.subarray(0, rows) },
      },
      {
        seed,
        epochs: config.epochs,
        measureAt: config.measureAt,
        layers,
        batchSize: config.batchSize,
        maxStepsPerEpoch: config.maxStepsPerEpoch,
        optimizer: OPTIMIZERS[optimizer],
        measurers: [
          binned,
          binningMeasurer({ name: 'binned softmax', layers: ['softmax'], bins: 30, range: [0, 1] }),
          kdeMeasurer({ name: 'KDE', noiseSigma: Math.sqrt(0.1), rows: config.kdeRows }),
        ],
      },
      progress,
    );
    return {
      activation,
      optimizer,
      seed,
      accuracy: recording.accuracy.map((a) => 100 * a),
      loss: recording.loss,
      entries: recording.entries,
      layers,
      seconds: recording.seconds,
    };
  } finally {
    model.dispose();
    tf.dispose([evalX, trainY, testY]);
  }
}
