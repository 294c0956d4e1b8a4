// Getting the two sides of an information-plane pair ready for an estimator. Both sides are scaled
// to unit mean squared norm (E||v||^2 = 1 over the rows), so that one noise level sigma means the
// same thing in every layer whatever its width: for T = L + N(0, sigma^2 I),
//   I(X; T) <= 1/2 log det(I + Cov(L)/sigma^2) <= tr Cov(L) / (2 sigma^2) = 1 / (2 sigma^2) nats
// (the Gaussian channel with unit power), a true ceiling for any data (gaussianChannelCeiling).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';

/** A unit whose spread is below this fraction of the layer's largest spread is treated as constant:
 * dividing it by its tiny sd would turn rounding noise into a unit-variance signal. */
const CONSTANT_UNIT_FRACTION = 1e-6;

/**
 * Activations [n, d] -> per-unit z-scores (statistics over the n rows) divided by sqrt(live units),
 * so E||row||^2 = 1. Constant units (dead ReLUs, the always-zero border of MNIST) become 0 and do
 * not count. Caller disposes the result.
 */
export async function standardizeUnits(activations: tf.Tensor2D): Promise<tf.Tensor2D> {
  checkActivations(activations, 'activations');
  const { mean, sd, alive, liveCount } = tf.tidy(() => {
    const moments = tf.moments(activations, 0);
    const sd = tf.sqrt(moments.variance);
    const alive = tf.logicalAnd(
      tf.greater(sd, tf.mul(tf.max(sd), CONSTANT_UNIT_FRACTION)),
      tf.greater(sd, 0),
    );
    return { mean: moments.mean, sd, alive, liveCount: tf.sum(tf.cast(alive, 'float32')) };
  });
  try {
    // An asynchronous read: GPU backends cannot read synchronously.
    const live = (await liveCount.data())[0];
    if (live === 0) inputError('cannot standardise: every unit of the layer is constant');
    return tf.tidy(() => {
      const scale = tf.where(
        alive,
        tf.div(1 / Math.sqrt(live), tf.maximum(sd, 1e-30)),
        tf.zerosLike(sd),
      );
      return tf.mul(tf.sub(activations, mean), scale) as tf.Tensor2D;
    });
  } finally {
    tf.dispose([mean, sd, alive, liveCount]);
  }
}

/** One mean and one sd for the whole tensor (keeps an image's relative contrast: per-pixel z-scores
 * would blow up the rarely-inked border), then scaled so E||row||^2 = 1. */
export async function standardizeGlobally(values: tf.Tensor2D): Promise<tf.Tensor2D> {
  checkActivations(values, 'values');
  const { mean, variance } = tf.moments(values);
  try {
    const sd = Math.sqrt((await variance.data())[0]);
    if (!(sd > 0)) inputError('cannot standardise: every value is the same');
    return tf.tidy(
      () => tf.div(tf.sub(values, mean), sd * Math.sqrt(values.shape[1])) as tf.Tensor2D,
    );
  } finally {
    tf.dispose([mean, variance]);
  }
}

/** The input side of a plane: inputs [n, ...] flattened to rows and standardised with one scale
 * (standardizeGlobally). Caller disposes the result. */
export async function standardizeInputRows(inputs: tf.Tensor): Promise<tf.Tensor2D> {
  const flat = flattenRows(inputs);
  try {
    return await standardizeGlobally(flat);
  } finally {
    if (flat !== inputs) flat.dispose();
  }
}

/** The most I(X; L + N(0, sigma^2 I)) can be, in nats, for L standardised as above. */
export function gaussianChannelCeiling(sigma: number): number {
  if (!(sigma > 0)) inputError(`sigma must be positive, got ${sigma}`);
  return 1 / (2 * sigma * sigma);
}

/** Labels 0..classes-1 as one-hot float rows [n, classes]. */
export function oneHotLabels(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  if (!Number.isInteger(classes) || classes < 2)
    inputError(`classes must be an integer >= 2, got ${classes}`);
  const n = labels.length;
  if (n === 0) inputError('labels are empty');
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes)
      inputError(`label ${i} is ${y}, not an integer in [0, ${classes})`);
    index[i] = y;
  }
  return tf.tidy(() => tf.oneHot(tf.tensor1d(index, 'int32'), classes).toFloat() as tf.Tensor2D);
}

/** [n, ...] -> [n, prod(...)], one row per sample (a reshape; caller disposes). */
export function flattenRows(t: tf.Tensor): tf.Tensor2D {
  if (t.rank < 1 || t.shape[0] === 0) inputError(`cannot flatten a tensor of shape [${t.shape}]`);
  return t.reshape([t.shape[0], -1]) as tf.Tensor2D;
}

function checkActivations(t: tf.Tensor, name: string): void {
  if (t.rank !== 2) inputError(`${name} must be a 2-D tensor [n, d], got shape [${t.shape}]`);
  if (t.shape[0] < 2) inputError(`${name} needs at least 2 rows to standardise, got ${t.shape[0]}`);
}
