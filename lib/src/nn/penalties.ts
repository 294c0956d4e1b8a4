// Weight penalties as a trainer's extraLoss: l2 * sum of squared kernel weights plus l1 * sum of
// their absolute values, over every layer's kernel (not biases, embeddings or normalisation
// parameters), as Keras' kernel_regularizer adds them. Train with capExtraGradient: false: a
// weight decay is meant to act at its stated strength, not be rescaled to the task gradient.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import type { Classifier } from './classifier';

/** The kernels a weight penalty acts on: trainable variables named '.../kernel'. */
export function kernelVariables(model: Classifier): tf.Variable[] {
  return model.trainableVariables.filter((v) => /(^|\/)kernel(_\d+)?$/.test(v.name));
}

/** An extraLoss adding the L2 and/or L1 penalty of the model's kernels. */
export function weightPenalty(
  model: Classifier,
  weights: { l2?: number; l1?: number },
): () => tf.Scalar {
  const { l2 = 0, l1 = 0 } = weights;
  for (const [name, v] of [
    ['l2', l2],
    ['l1', l1],
  ] as const) {
    if (!(v >= 0 && Number.isFinite(v)))
      inputError(`weightPenalty: ${name} must be >= 0, got ${v}`);
  }
  if (l2 === 0 && l1 === 0) inputError('weightPenalty needs l2 > 0 or l1 > 0');
  const kernels = kernelVariables(model);
  if (kernels.length === 0) inputError(`${model.name} has no kernel to penalise`);
  return () =>
    tf.tidy(() => {
      let total: tf.Tensor = tf.scalar(0);
      for (const k of kernels) {
        if (l2 > 0) total = tf.add(total, tf.mul(l2, tf.sum(tf.square(k))));
        if (l1 > 0) total = tf.add(total, tf.mul(l1, tf.sum(tf.abs(k))));
      }
      return total as tf.Scalar;
    });
}
