// Fitting a variational q(y|x) by maximum likelihood, shared by the Barber-Agakov lower bound and
// the CLUB / L1Out upper bounds: all three need q close to p(y|x) before their number means
// anything.
import * as tf from '@tensorflow/tfjs';
import { Matrix } from '../matrix';
import { EpochBatcher, Float32Rows, evaluationBlocks } from './batches';
import { resolveSampling } from './estimators';
import { TrainOptions, TrainReport, likelihoodLimits, trainToPlateau } from './train';

/** A conditional density with trainable variables. */
export interface ConditionalDensity {
  readonly variables: tf.Variable[];
  /** Mean log q(y|x) over the rows of a batch. */
  logLikelihood(x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar;
}

export interface LikelihoodFit {
  /** The plateau-training report of the held-out mean log-likelihood. */
  report: TrainReport;
  /** The mean of f over the held-out rows, evaluated in the same fixed blocks (caller disposes). */
  heldOutMean(f: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar): tf.Scalar;
}

/** Train q on the training rows of `sampling`, early-stopping on the held-out log-likelihood. */
export async function fitByLikelihood(
  q: ConditionalDensity,
  x: Matrix,
  y: Matrix,
  sampling: ReturnType<typeof resolveSampling>,
  options: TrainOptions,
  label: string,
): Promise<LikelihoodFit> {
  const { rng, split, batchSize } = sampling;
  const xs = new Float32Rows(x, 'x');
  const ys = new Float32Rows(y, 'y');
  const batcher = new EpochBatcher(split.train, batchSize, rng.fork('batches'));
  const blocks = evaluationBlocks(split.heldOut, batchSize);
  const heldOutMean = (f: (xb: tf.Tensor2D, yb: tf.Tensor2D) => tf.Scalar) =>
    tf.tidy(() => tf.mean(tf.stack(blocks.map((b) => f(xs.take(b), ys.take(b))))) as tf.Scalar);
  const report = await trainToPlateau(
    {
      variables: q.variables,
      objective: () => {
        const index = batcher.next();
        return q.logLikelihood(xs.take(index), ys.take(index));
      },
      evaluate: () => heldOutMean((xb, yb) => q.logLikelihood(xb, yb)),
      limits: likelihoodLimits(y.cols),
    },
    { learningRate: 1e-3, ...options },
    label,
  );
  return { report, heldOutMean };
}
