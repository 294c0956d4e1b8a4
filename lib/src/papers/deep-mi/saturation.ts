// D6 measured: the first hidden layer (128 ReLU units) of a trained FCN-3, binned as the
// information plane bins it, on growing prefixes of its units and rows. Where H(T) reaches log N,
// every row is its own symbol and I(X;T) = H(T) reports the sample size, not the layer.
import * as tf from '@tensorflow/tfjs';
import { saturationCurve, type SaturationPoint } from '../../infoplane/saturation';
import { toMatrixAsync } from '../../mi/matrix';
import { makeOptimizer } from '../../nn/optimizers';
import { collectActivations, trainClassifier } from '../../nn/train';
import type { ImageData } from './data';
import { gridModel } from './grid';
import { OPTIMIZERS, type GridConfig, type SaturationConfig } from './profiles';

export interface SaturationRun {
  points: SaturationPoint[];
  /** Test-free description of the layer measured. */
  layer: string;
  bins: number;
}

export async function runSaturation(
  data: ImageData,
  grid: GridConfig,
  config: SaturationConfig,
  seed: number,
): Promise<SaturationRun> {
  const model = gridModel('FCN-3', 'none', data.shape, data.classes, seed);
  const optimizer = makeOptimizer(OPTIMIZERS.adam);
  const y = tf.tensor1d(data.train.labels, 'int32');
  const rows = Math.min(Math.max(...config.sampleSizes), data.train.labels.length);
  const x = tf.slice(data.train.x, 0, rows);
  try {
    await trainClassifier(
      model,
      { x: data.train.x, y },
      {
        epochs: grid.epochs,
        batchSize: grid.batchSize,
        maxStepsPerEpoch: grid.maxStepsPerEpoch,
        seed,
        optimizer,
      },
    );
    const { hidden1 } = collectActivations(model, x, ['hidden1']);
    const layer = await toMatrixAsync(hidden1 as tf.Tensor2D, 'hidden1').finally(() =>
      hidden1.dispose(),
    );
    const bins = 30;
    const points = saturationCurve(layer, {
      widths: config.widths.filter((w) => w <= layer.cols),
      sampleSizes: config.sampleSizes.filter((n) => n <= rows),
      bins,
      seed,
    });
    return { points, layer: 'FCN-3 hidden1 (128 ReLU units, Adam, no regulariser)', bins };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
  }
}
