// A Bayes-by-backprop dense layer (Blundell et al. 2015) and its training on fixed features: a
// bound on the information a layer's weights store about the training set.
//
// A trained weight matrix W is a single point, so there are no samples of (W, data) pairs for a
// critic to train on. The standard way to bound the information a learning algorithm stores in its
// weights is I(W; S) <= E_S KL(q(W|S) || p(W)) for any fixed prior p (the PAC-Bayes /
// variational-Bayes bound), and anything computed from S alone (such as a frozen network's features
// of the inputs) carries no more information about W by data processing. With a Gaussian posterior
// q(W|S) = N(mu, diag sigma^2) the KL has a closed form, so training minimises
//   E_q[cross-entropy] + lambda * KL(q || p) / n,
// which for lambda = 1 is exactly the variational free energy: the task loss plus the bound on
// I(W; S) / n. The prior is N(0, s^2) with s the Glorot-normal scale of the layer, i.e. the
// distribution the weights were drawn from before training: KL then measures how far training
// moved them. Typical use: the last layer of a trained network, everything below it frozen.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { NeuralTrainingError, ascendStep } from '../mi/neural/train';

export interface BayesLastLayerOptions {
  /** Prior standard deviation of every weight and bias. Default sqrt(2 / (in + out)). */
  priorSd?: number;
  /** Posterior standard deviation at the start. Default 1e-3 (starts near the point estimate). */
  initialSd?: number;
}

export interface DenseWeights {
  /** [inDim, outDim] */
  kernel: tf.Tensor2D;
  /** [outDim] */
  bias: tf.Tensor1D;
}

/**
 * A non-trainable variable holding `init` (which it disposes: tf.variable keeps its own handle).
 */
function ownedVariable(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, false);
  init.dispose();
  return v;
}

/** A dense layer with a factorised Gaussian posterior over its weights and biases. */
export class BayesLastLayer {
  readonly kernelMean: tf.Variable;
  readonly kernelRho: tf.Variable;
  readonly biasMean: tf.Variable;
  readonly biasRho: tf.Variable;
  readonly priorSd: number;

  /** Starts from `init` (e.g. a trained deterministic layer), so training refines rather than
   * restarts. */
  constructor(
    readonly inDim: number,
    readonly outDim: number,
    init: DenseWeights,
    options: BayesLastLayerOptions = {},
  ) {
    if (!Number.isInteger(inDim) || inDim < 1 || !Number.isInteger(outDim) || outDim < 1) {
      inputError(`BayesLastLayer needs positive integer sizes, got ${inDim} -> ${outDim}`);
    }
    if (
      init.kernel.shape[0] !== inDim ||
      init.kernel.shape[1] !== outDim ||
      init.bias.shape[0] !== outDim
    ) {
      inputError(
        `BayesLastLayer init has kernel [${init.kernel.shape}] and bias [${init.bias.shape}], expected [${inDim},${outDim}] and [${outDim}]`,
      );
    }
    this.priorSd = options.priorSd ?? Math.sqrt(2 / (inDim + outDim));
    const initialSd = options.initialSd ?? 1e-3;
    if (!(this.priorSd > 0)) inputError(`priorSd must be positive, got ${this.priorSd}`);
    if (!(initialSd > 0)) inputError(`initialSd must be positive, got ${initialSd}`);
    const rho = Math.log(Math.expm1(initialSd));
    // Non-trainable: only trainBayesLastLayer's explicit variable list moves them.
    this.kernelMean = ownedVariable(init.kernel.clone());
    this.biasMean = ownedVariable(init.bias.clone());
    this.kernelRho = ownedVariable(tf.fill([inDim, outDim], rho));
    this.biasRho = ownedVariable(tf.fill([outDim], rho));
  }

  get variables(): tf.Variable[] {
    return [this.kernelMean, this.kernelRho, this.biasMean, this.biasRho];
  }

  /** Logits with the posterior mean weights (used for prediction). */
  meanLogits(h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(
      () => tf.add(tf.matMul(h, this.kernelMean as tf.Tensor2D), this.biasMean) as tf.Tensor2D,
    );
  }

  /** One posterior draw of the logits per example, by the local reparametrisation trick: the logits
   * of a Gaussian layer are Gaussian with mean h mu + b and variance h^2 sigma^2 + sigma_b^2. */
  sampledLogits(h: tf.Tensor2D, seed: number): tf.Tensor2D {
    return tf.tidy(() => {
      const mean = this.meanLogits(h);
      const variance = tf.add(
        tf.matMul(tf.square(h), tf.square(tf.softplus(this.kernelRho)) as tf.Tensor2D),
        tf.square(tf.softplus(this.biasRho)),
      );
      const noise = tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
      return tf.add(mean, tf.mul(tf.sqrt(variance), noise)) as tf.Tensor2D;
    });
  }

  /** KL(q || p) in nats, summed over all weights and biases. */
  kl(): tf.Scalar {
    return tf.tidy(() => {
      const s2 = this.priorSd * this.priorSd;
      const term = (mean: tf.Variable, rho: tf.Variable) => {
        const sd = tf.softplus(rho);
        // log(s / sd) + (sd^2 + mu^2) / (2 s^2) - 1/2
        return tf.sum(
          tf.sub(
            tf.add(
              tf.sub(Math.log(this.priorSd), tf.log(sd)),
              tf.div(tf.add(tf.square(sd), tf.square(mean)), 2 * s2),
            ),
            0.5,
          ),
        );
      };
      return tf.add(
        term(this.kernelMean, this.kernelRho),
        term(this.biasMean, this.biasRho),
      ) as tf.Scalar;
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

export interface BayesLayerTrainingOptions {
  /** Passes over the training features. Default 5. */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /** Weight of KL/n. Default 1: the bound's own weight (variational free energy). */
  lambda?: number;
  seed?: number;
  onProgress?: (p: { step: number; total: number; metrics: Record<string, number> }) => void;
}

export interface BayesLayerEpoch {
  epoch: number;
  /** Mean cross-entropy of the sampled logits over the epoch. */
  crossEntropy: number;
  /** KL(q || p) / n at the end of the epoch (nats): the bound on I(W; S) / n. */
  klPerExample: number;
}

/**
 * Train a BayesLastLayer on fixed features h (the frozen network's penultimate layer) and labels.
 */
export async function trainBayesLastLayer(
  layer: BayesLastLayer,
  features: tf.Tensor2D,
  labels: Int32Array,
  options: BayesLayerTrainingOptions = {},
): Promise<BayesLayerEpoch[]> {
  const n = features.shape[0];
  if (features.shape[1] !== layer.inDim)
    inputError(`features have ${features.shape[1]} columns, the layer expects ${layer.inDim}`);
  if (labels.length !== n)
    inputError(`features have ${n} rows but there are ${labels.length} labels`);
  const epochs = options.epochs ?? 5;
  const batchSize = Math.min(options.batchSize ?? 128, n);
  const lambda = options.lambda ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1)
    inputError(`epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    inputError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!(lambda >= 0)) inputError(`lambda must be >= 0, got ${lambda}`);
  for (let i = 0; i < n; i++) {
    if (!(labels[i] >= 0 && labels[i] < layer.outDim))
      inputError(`label ${labels[i]} at row ${i} is outside 0..${layer.outDim - 1}`);
  }
  const rng = new Rng(options.seed ?? 0);
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const variables = layer.variables;
  const stepsPerEpoch = Math.floor(n / batchSize);
  const curve: BayesLayerEpoch[] = [];
  const labelTensor = tf.tensor1d(labels, 'int32');
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = rng.permutation(n);
      let ceSum = tf.scalar(0);
      for (let s = 0; s < stepsPerEpoch; s++) {
        const index = order.slice(s * batchSize, (s + 1) * batchSize);
        const seed = rng.nextSeed();
        const ce = tf.tidy(() => {
          const idx = tf.tensor1d(index, 'int32');
          const h = tf.gather(features, idx) as tf.Tensor2D;
          const y = tf.oneHot(tf.gather(labelTensor, idx), layer.outDim);
          let batchCe: tf.Scalar | null = null;
          // ascendStep maximises: hand it the negative free energy.
          const negLoss = ascendStep(optimizer, variables, () => {
            batchCe = tf.keep(
              tf.losses.softmaxCrossEntropy(y, layer.sampledLogits(h, seed)) as tf.Scalar,
            );
            return tf.neg(tf.add(batchCe, tf.mul(lambda / n, layer.kl()))) as tf.Scalar;
          });
          negLoss.dispose();
          return batchCe! as tf.Scalar;
        });
        const next = tf.add(ceSum, ce) as tf.Scalar;
        ceSum.dispose();
        ce.dispose();
        ceSum = next;
      }
      const crossEntropy = (await ceSum.data())[0] / stepsPerEpoch;
      ceSum.dispose();
      const klTensor = layer.kl();
      const klPerExample = (await klTensor.data())[0] / n;
      klTensor.dispose();
      if (!Number.isFinite(crossEntropy) || !Number.isFinite(klPerExample)) {
        throw new NeuralTrainingError(
          `trainBayesLastLayer diverged at epoch ${epoch} (cross-entropy ${crossEntropy}, KL/n ${klPerExample}); ` +
            'lower the learning rate',
        );
      }
      curve.push({ epoch, crossEntropy, klPerExample });
      options.onProgress?.({ step: epoch, total: epochs, metrics: { crossEntropy, klPerExample } });
    }
  } finally {
    optimizer.dispose();
    labelTensor.dispose();
  }
  return curve;
}
