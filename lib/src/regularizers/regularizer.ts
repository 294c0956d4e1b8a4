// The one contract of the information regularizers: a term that goes into a host model's loss and
// whose critics (or variational distributions) train beside the host, on the same batches.
//
// In a training step: loss = task + lambda * estimate(a, b) (or minus it, to raise the
// information), differentiable w.r.t. a (and b when it is a tensor); after the host's step,
// updateCritic(a, b) trains the critics on the same batch with a and b as data. The critics'
// variables are non-trainable, so a host `optimizer.minimize(loss)` (which defaults to all
// trainable variables) never moves them: only updateCritic does.
import type * as tf from '@tensorflow/tfjs';

/** An information term for a host model's loss, with its own critics trained by updateCritic.
 * `B` is what the term pairs with the layer: a second tensor, or a batch's class labels. */
export interface MiRegularizer<B = tf.Tensor2D> {
  /** The term on this batch (nats): differentiable w.r.t. `a` (and `b` when it is a tensor); it
   * does not train the critics. */
  estimate(a: tf.Tensor2D, b: B): tf.Scalar;
  /** Train the critics on this batch; `a` and `b` are treated as data. */
  updateCritic(a: tf.Tensor2D, b: B): void;
  dispose(): void;
}
