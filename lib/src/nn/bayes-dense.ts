// Bayes by backprop (Blundell et al. 2015) as a Keras-style layer: every weight and bias has a
// factorised Gaussian posterior N(mu, sigma^2), sigma = softplus(rho). Training samples through
// the local reparametrisation (Kingma et al. 2015): the pre-activation of each unit is Gaussian
// given the input, with mean x mu_W + mu_b and variance x^2 sigma_W^2 + sigma_b^2, so one normal
// draw per unit and example replaces a draw per weight (lower variance, much cheaper). The draws
// follow the classifier's step seed, so a run is reproducible; at inference (or in mean mode) the
// layer uses the posterior means, the E[w] prediction of the beta-BNN paper.
//
// gaussianKl(model, priorSd) is KL(q || N(0, priorSd^2 I)) over every BayesDense layer of a
// classifier, in closed form, for a trainer's extraLoss.
import * as tf from '@tensorflow/tfjs';
import { GAUSSIAN_KL_KERNEL, SOFTPLUS_SD_KERNEL } from '../backend/kernels';
import { inputError } from '../errors';
import { seededNormal } from '../random/normal';
import type { Classifier } from './classifier';
import { first, StepSeededLayer, type Inputs } from './layers';

/**
 * sigma = softplus(rho), floored at MIN_SD. Every weight's sigma is computed several times a step
 * (the layer's variance, the KL term), so on wasm it is one fused kernel (MilabSoftplusSd, lib's
 * SIMD loops) that also writes d sigma / d rho = sigmoid(rho) for the backward pass: relative error
 * below 1e-6 over the whole range. Elsewhere it is -ln sigmoid(-rho), as the stock tf.softplus is a
 * scalar loop on some backends: relative error below 2e-5 for rho > -7 (sigma > 1e-3), 5e-4 at
 * rho = -10, where the float32 sigmoid rounds to nearly 1; test/nn-bayes.test.ts checks both.
 */
export function posteriorSd(rho: tf.Tensor): tf.Tensor {
  if (tf.getKernel(SOFTPLUS_SD_KERNEL, tf.getBackend()) !== undefined)
    return tf.tidy(() => fusedPosteriorSd(rho));
  // Below rho ~ -16 the float32 sigmoid rounds to 1 and the log to 0: floor sigma at 1e-7 (a
  // posterior that narrow is a point mass), so ln sigma and 1/sigma stay finite.
  return tf.tidy(() => tf.maximum(tf.neg(tf.log(tf.sigmoid(tf.neg(rho)))), MIN_SD));
}

// The kernel's second output is the derivative; the tape keeps it (a copy) for the backward pass.
const fusedPosteriorSd = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [rho, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const [sd, dsd] = tf
    .engine()
    .runKernel(SOFTPLUS_SD_KERNEL, { rho }, { floor: MIN_SD }) as tf.Tensor[];
  save([dsd]);
  return { value: sd, gradFunc: (dy, [saved]) => tf.mul(dy, saved) };
});

/** The smallest sd posteriorSd returns (its gradient is 0 below, where rho < about -16). */
export const MIN_SD = 1e-7;

export interface BayesDenseConfig {
  units: number;
  /** Applied to the sampled pre-activation (default linear). */
  activation?: 'relu' | 'tanh' | 'linear';
  /** Separates this layer's draws from other layers' in one model. */
  salt: number;
  /** Seed of the Glorot-normal initial means (biases start at 0). */
  seed: number;
  /** rho of every sigma at the start: -3 gives sigma = softplus(-3) ~ 0.049. */
  initialRho?: number;
  name?: string;
}

export class BayesDense extends StepSeededLayer {
  static readonly className = 'MilabBayesDense';
  readonly units: number;
  readonly activation: 'relu' | 'tanh' | 'linear';
  readonly initialRho: number;
  readonly seed: number;
  /** Predict with the posterior means even in training mode (e.g. to score a component). */
  meanMode = false;
  private kernelMu!: tf.LayerVariable;
  private kernelRho!: tf.LayerVariable;
  private biasMu!: tf.LayerVariable;
  private biasRho!: tf.LayerVariable;

  constructor(config: BayesDenseConfig) {
    super(config.salt, { name: config.name });
    if (!Number.isInteger(config.units) || config.units < 1)
      inputError(`BayesDense: units must be a positive integer, got ${config.units}`);
    this.units = config.units;
    this.activation = config.activation ?? 'linear';
    if (!['relu', 'tanh', 'linear'].includes(this.activation))
      inputError(`BayesDense: activation must be relu, tanh or linear, got '${this.activation}'`);
    this.initialRho = config.initialRho ?? -3;
    if (!Number.isFinite(this.initialRho))
      inputError(`BayesDense: initialRho must be finite, got ${this.initialRho}`);
    this.seed = config.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inDim = Number(shape[shape.length - 1]);
    const rho = tf.initializers.constant({ value: this.initialRho });
    this.kernelMu = this.addWeight(
      'kernel_mu',
      [inDim, this.units],
      'float32',
      tf.initializers.glorotNormal({ seed: this.seed }),
    );
    this.kernelRho = this.addWeight('kernel_rho', [inDim, this.units], 'float32', rho);
    this.biasMu = this.addWeight('bias_mu', [this.units], 'float32', tf.initializers.zeros());
    this.biasRho = this.addWeight('bias_rho', [this.units], 'float32', rho);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: Inputs, kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = first(inputs) as tf.Tensor2D;
      const wMu = this.kernelMu.read() as tf.Tensor2D;
      const bMu = this.biasMu.read();
      const mean = tf.add(tf.matMul(x, wMu), bMu);
      if (!kwargs.training || this.meanMode) return this.activate(mean);
      const wVar = tf.square(posteriorSd(this.kernelRho.read())) as tf.Tensor2D;
      const bVar = tf.square(posteriorSd(this.biasRho.read()));
      const variance = tf.add(tf.matMul(tf.square(x), wVar), bVar);
      // The floor keeps sqrt's gradient finite where an input row is all zeros.
      const sd = tf.sqrt(tf.add(variance, 1e-16));
      const eps = seededNormal(mean.shape, this.drawSeed());
      return this.activate(tf.add(mean, tf.mul(sd, eps)));
    });
  }

  private activate(t: tf.Tensor): tf.Tensor {
    if (this.activation === 'relu') return tf.relu(t);
    if (this.activation === 'tanh') return tf.tanh(t);
    return t;
  }

  /** The posterior's means and standard deviations, [kernel, bias] (the caller disposes them). */
  posterior(): { mean: [tf.Tensor2D, tf.Tensor1D]; sd: [tf.Tensor2D, tf.Tensor1D] } {
    return tf.tidy(() => ({
      mean: [
        this.kernelMu.read().clone() as tf.Tensor2D,
        this.biasMu.read().clone() as tf.Tensor1D,
      ],
      sd: [
        posteriorSd(this.kernelRho.read()) as tf.Tensor2D,
        posteriorSd(this.biasRho.read()) as tf.Tensor1D,
      ],
    }));
  }

  /** The variables of the posterior, [kernel mu, kernel rho, bias mu, bias rho]. */
  posteriorVariables(): tf.LayerVariable[] {
    return [this.kernelMu, this.kernelRho, this.biasMu, this.biasRho];
  }

  copy(): BayesDense {
    return new BayesDense({
      units: this.units,
      activation: this.activation,
      salt: this.salt,
      seed: this.seed,
      initialRho: this.initialRho,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      salt: this.salt,
      seed: this.seed,
      initialRho: this.initialRho,
    };
  }
}
tf.serialization.registerClass(BayesDense);

/** The BayesDense layers of a classifier, input side first. */
export function bayesLayers(model: Classifier): BayesDense[] {
  return model.layers.map((l) => l.layer).filter((l): l is BayesDense => l instanceof BayesDense);
}

/** Count of the weights and biases with a posterior. */
export function bayesParameterCount(model: Classifier): number {
  return bayesLayers(model).reduce(
    (a, l) => a + l.posteriorVariables().reduce((b, v) => b + v.read().size, 0) / 2,
    0,
  );
}

/**
 * KL(q || N(0, priorSd^2 I)) summed over every weight and bias of the model's BayesDense layers:
 * sum ln(priorSd / sigma) + (sigma^2 + mu^2) / (2 priorSd^2) - 1/2. A scalar inside the gradient
 * tape (use it in a trainer's extraLoss).
 */
export function gaussianKl(model: Classifier, priorSd = 1): tf.Scalar {
  if (!(priorSd > 0) || !Number.isFinite(priorSd))
    inputError(`priorSd must be a positive number, got ${priorSd}`);
  const layers = bayesLayers(model);
  if (layers.length === 0) inputError(`${model.name} has no BayesDense layer`);
  const fused = tf.getKernel(GAUSSIAN_KL_KERNEL, tf.getBackend()) !== undefined;
  return tf.tidy(() => {
    const terms: tf.Tensor[] = [];
    for (const layer of layers) {
      const [kMu, kRho, bMu, bRho] = layer.posteriorVariables().map((v) => v.read());
      for (const [mu, rho] of [
        [kMu, kRho],
        [bMu, bRho],
      ]) {
        if (fused) {
          terms.push(fusedGaussianKl(mu, rho, priorSd));
          continue;
        }
        const sigma = posteriorSd(rho);
        const term = tf.sub(
          tf.add(
            tf.sub(Math.log(priorSd), tf.log(sigma)),
            tf.div(tf.add(tf.square(sigma), tf.square(mu)), 2 * priorSd * priorSd),
          ),
          0.5,
        );
        terms.push(tf.sum(term));
      }
    }
    return tf.addN(terms) as tf.Scalar;
  });
}

/** One tensor pair's KL in one kernel (MilabGaussianKl), which also writes both derivatives. */
function fusedGaussianKl(mu: tf.Tensor, rho: tf.Tensor, priorSd: number): tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [m, r, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [kl, dmu, drho] = tf
      .engine()
      .runKernel(GAUSSIAN_KL_KERNEL, { mu: m, rho: r }, { priorSd, floor: MIN_SD }) as tf.Tensor[];
    save([dmu, drho]);
    return {
      value: kl,
      gradFunc: (dy, [gMu, gRho]) => [tf.mul(dy, gMu), tf.mul(dy, gRho)],
    };
  });
  return op(mu, rho) as tf.Scalar;
}
