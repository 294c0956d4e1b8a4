// Barber-Agakov lower bound I(X;Y) >= H(Y) + E_p[log q(y|x)], with a Gaussian q whose mean is a
// network of x and whose per-dimension variance softplus(alpha) + eps does not depend on x. That q
// is exactly VID's (Ahn et al. 2019): -E[log q(t|s)] is its distillation loss, so
// GaussianRegression serves both. The bound needs H(Y): given by the caller, or taken from a
// Gaussian fit of y, which is exact for Gaussian Y and otherwise an upper bound on H(Y) (the
// estimate is then no longer a bound).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import {
  Matrix,
  SampleInput,
  checkPaired,
  columnStats,
  toMatrixAsync,
  standardize,
} from '../matrix';
import { logDetCovariance } from '../gaussian';
import { Activation, Mlp } from './mlp';
import { NeuralMiOptions, resolveSampling } from './estimators';
import { fitByLikelihood } from './likelihood';
import {
  CurvePoint,
  TrainOptions,
  fitSummary,
  negativeLowerBound,
  trainingWarnings,
} from './train';

const LOG_2PI = Math.log(2 * Math.PI);

export interface GaussianRegressionOptions {
  /** Hidden widths of the mean network. Default [64]; [] gives a linear mean. */
  hidden?: readonly number[];
  activation?: Activation;
  seed?: number;
  /** Variance floor. Default 1e-4. */
  eps?: number;
}

/** q(y|x) = N(mean(x), diag(softplus(alpha) + eps)). */
export class GaussianRegression {
  readonly mean: Mlp;
  /** Unconstrained per-dimension variance parameter. */
  readonly alpha: tf.Variable;
  readonly eps: number;

  constructor(
    readonly xDim: number,
    readonly yDim: number,
    options: GaussianRegressionOptions = {},
  ) {
    this.mean = new Mlp(xDim, options.hidden ?? [64], yDim, {
      activation: options.activation ?? 'elu',
      seed: options.seed ?? 0,
    });
    this.eps = options.eps ?? 1e-4;
    if (!(this.eps > 0)) inputError(`eps must be positive, got ${this.eps}`);
    // softplus(0.5413) = 1: start at unit variance, the variance of standardised targets.
    const initial = tf.fill([yDim], 0.5413);
    this.alpha = tf.variable(initial, false);
    initial.dispose();
  }

  get variables(): tf.Variable[] {
    return [...this.mean.variables, this.alpha];
  }

  variance(): tf.Tensor1D {
    return tf.tidy(() => tf.add(tf.softplus(this.alpha), this.eps) as tf.Tensor1D);
  }

  /** Mean over rows of log q(y_i | x_i), nats (differentiable w.r.t. x, y and q's parameters). */
  logLikelihood(x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => {
      const variance = this.variance();
      const sq = tf.sum(tf.div(tf.square(tf.sub(y, this.mean.apply(x))), variance), 1);
      const norm = tf.add(tf.sum(tf.log(variance)), this.yDim * LOG_2PI);
      return tf.mul(-0.5, tf.add(tf.mean(sq), norm)) as tf.Scalar;
    });
  }

  dispose(): void {
    this.mean.dispose();
    this.alpha.dispose();
  }
}

/** H(Y) + E[log q(y|x)] on a batch. */
export function baLowerBound(
  q: GaussianRegression,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  entropyY: number,
): tf.Scalar {
  return tf.tidy(() => tf.add(q.logLikelihood(x, y), entropyY) as tf.Scalar);
}

/** Differential entropy of a Gaussian with y's sample covariance: 0.5 log det(2 pi e S). */
export function gaussianEntropy(y: Matrix): number {
  const logDet = logDetCovariance(y, 'y'); // scale-free: y may be in any units
  if (logDet === null)
    inputError('y has a singular covariance (a constant or linearly dependent column)');
  return 0.5 * (logDet + y.cols * (1 + LOG_2PI));
}

export interface BarberAgakovOptions
  extends
    TrainOptions,
    Pick<NeuralMiOptions, 'seed' | 'batchSize' | 'heldOut' | 'standardize'>,
    GaussianRegressionOptions {
  /** H(Y) in nats of the y given (before standardising). Default: Gaussian fit of y. */
  entropyY?: number;
}

export interface BarberAgakovResult {
  estimator: 'ba';
  /** H(Y) + held-out mean log q(y|x), nats. */
  mi: number;
  /** The bound over training (H(Y) + mean log q on training batches / held-out). */
  /** The H(Y) used, on the scale of the y given. */
  entropyY: number;
  entropySource: 'given' | 'gaussian fit';
  n: number;
  trainN: number;
  heldOutN: number;
  curve: CurvePoint[];
  steps: number;
  bestStep: number;
  stopReason: 'plateau' | 'maxSteps';
  seconds: number;
  /** Set when the bound is below 0, or q's fit diverged or never improved (trainingWarnings). */
  warning?: string;
}

/** Fit q(y|x) by maximum likelihood with held-out early stopping; report H(Y) + held-out
 * E[log q]. */
export async function barberAgakov(
  xInput: SampleInput,
  yInput: SampleInput,
  options: BarberAgakovOptions = {},
): Promise<BarberAgakovResult> {
  const doStandardize = options.standardize ?? true;
  const rawX = await toMatrixAsync(xInput, 'x');
  const rawY = await toMatrixAsync(yInput, 'y');
  checkPaired(rawX, rawY);
  if (options.entropyY !== undefined && !Number.isFinite(options.entropyY))
    inputError(`entropyY must be a finite number, got ${options.entropyY}`);
  const entropyY = options.entropyY ?? gaussianEntropy(rawY);
  // Standardising divides each y column by its sd, which lowers the entropy by sum log sd.
  const logScale = doStandardize ? columnStats(rawY).logSd.reduce((a, l) => a + l, 0) : 0;
  const x = doStandardize ? standardize(rawX, 'x') : rawX;
  const y = doStandardize ? standardize(rawY, 'y') : rawY;
  const sampling = resolveSampling(x.rows, options, 1);
  const { rng, split } = sampling;
  const q = new GaussianRegression(x.cols, y.cols, { ...options, seed: rng.fork('q').nextSeed() });
  try {
    const { report } = await fitByLikelihood(q, x, y, sampling, options, 'ba');
    const entropyStandardY = entropyY - logScale;
    const mi = entropyStandardY + report.best;
    // The report is in log-likelihood units; shift its untrained value onto the bound's scale.
    const initial = report.initial + entropyStandardY;
    const warnings = trainingWarnings({ ...report, initial }, 'the untrained q');
    // Raw, not clamped, as for the other lower bounds (see lowerBoundWarning in estimators.ts).
    if (mi < 0) warnings.push(negativeLowerBound(mi));
    return {
      estimator: 'ba',
      mi,
      entropyY,
      entropySource: options.entropyY === undefined ? 'gaussian fit' : 'given',
      n: x.rows,
      ...fitSummary(report, split),
      curve: report.curve.map((p) => ({
        step: p.step,
        train: p.train + entropyStandardY,
        heldOut: p.heldOut + entropyStandardY,
      })),
      ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}),
    };
  } finally {
    q.dispose();
  }
}
