// Upper bounds on I(X;Y) for MINIMISING information inside training (a lower bound is the wrong
// tool there: pushing it down says nothing about the MI). Both use a Gaussian variational q(y|x)
// with an input-dependent mean and log-variance, fitted by maximum likelihood.
//   CLUB (Cheng et al. 2020): E_p[log q(y|x)] - E_p(x)E_p(y)[log q(y|x)]  (all N x N pairs)
//   L1Out (Poole et al. 2019): E_i[log q(y_i|x_i) - log mean_{j != i} q(y_i|x_j)]
// Each is an upper bound when q is close to p(y|x) (exactly so for L1Out as N grows); with a poor q
// CLUB can fall below the MI, so fit q before trusting the number.
import * as tf from '@tensorflow/tfjs';
import { takeScalar } from '../../backend/read';
import { inputError } from '../../errors';
import { SampleInput, checkPaired } from '../matrix';
import { Activation, Mlp } from './mlp';
import { logSumExp, scoresFromMatrix } from './bounds';
import { NeuralMiOptions, prepare, resolveSampling } from './estimators';
import { fitByLikelihood } from './likelihood';
import {
  CurvePoint,
  MI_BOUND_LIMITS,
  NeuralTrainingError,
  TrainOptions,
  fitSummary,
  trainingWarnings,
} from './train';

export type UpperBoundName = 'club' | 'l1out';
export const UPPER_BOUND_NAMES: readonly UpperBoundName[] = ['club', 'l1out'];

const LOG_2PI = Math.log(2 * Math.PI);
/** Log-variances are squashed into (-LOG_VAR_RANGE, LOG_VAR_RANGE) so that early steps cannot
 * blow up the likelihood with a near-zero variance. */
const LOG_VAR_RANGE = 8;

export interface GaussianConditionalOptions {
  /** Hidden widths of the shared trunk. Default [64]. */
  hidden?: readonly number[];
  activation?: Activation;
  seed?: number;
}

/** q(y|x) = N(mean(x), diag exp(logVar(x))): one MLP emitting both halves. */
export class GaussianConditional {
  readonly net: Mlp;

  constructor(
    readonly xDim: number,
    readonly yDim: number,
    options: GaussianConditionalOptions = {},
  ) {
    this.net = new Mlp(xDim, options.hidden ?? [64], 2 * yDim, {
      activation: options.activation ?? 'elu',
      seed: options.seed ?? 0,
    });
  }

  get variables(): tf.Variable[] {
    return this.net.variables;
  }

  params(x: tf.Tensor2D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    return tf.tidy(() => {
      const out = this.net.apply(x);
      const n = x.shape[0];
      const mean = tf.slice(out, [0, 0], [n, this.yDim]) as tf.Tensor2D;
      const raw = tf.slice(out, [0, this.yDim], [n, this.yDim]);
      const logVar = tf.mul(tf.tanh(tf.div(raw, LOG_VAR_RANGE)), LOG_VAR_RANGE) as tf.Tensor2D;
      return { mean, logVar };
    });
  }

  /** Mean over rows of log q(y_i | x_i) (nats, with the normalising constant). */
  logLikelihood(x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => {
      const { mean, logVar } = this.params(x);
      const perDim = tf.add(
        tf.div(tf.square(tf.sub(y, mean)), tf.exp(logVar)),
        tf.add(logVar, LOG_2PI),
      );
      return tf.mul(-0.5, tf.mean(tf.sum(perDim, 1))) as tf.Scalar;
    });
  }

  /** [N, M] matrix of log q(y_i | x_j) for every pair (rows: y, columns: x). */
  pairLogLikelihoods(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const { mean, logVar } = this.params(x);
      const precision = tf.exp(tf.neg(logVar));
      // sum_k (y_ik - m_jk)^2 p_jk = (y^2) p^T - 2 y (m p)^T + sum_k m_jk^2 p_jk
      const quadratic = tf.add(
        tf.sub(
          tf.matMul(tf.square(y), precision, false, true),
          tf.mul(2, tf.matMul(y, tf.mul(mean, precision), false, true)),
        ),
        tf.reshape(tf.sum(tf.add(tf.mul(tf.square(mean), precision), logVar), 1), [1, -1]),
      );
      return tf.mul(-0.5, tf.add(quadratic, this.yDim * LOG_2PI)) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** CLUB with all N x N pairs, in closed form in O(N d): the normalising terms cancel. */
export function clubBound(q: GaussianConditional, x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const { mean, logVar } = q.params(x);
    const precision = tf.exp(tf.neg(logVar));
    const m1 = tf.mean(y, 0);
    const m2 = tf.mean(tf.square(y), 0);
    // mean_j (y_jk - mu_ik)^2 = m2_k - 2 mu_ik m1_k + mu_ik^2
    const negative = tf.add(tf.sub(m2, tf.mul(2, tf.mul(mean, m1))), tf.square(mean));
    const positive = tf.square(tf.sub(y, mean));
    return tf.mul(
      0.5,
      tf.mean(tf.sum(tf.mul(tf.sub(negative, positive), precision), 1)),
    ) as tf.Scalar;
  });
}

/** L1Out: each y_i against the mixture of q(. | x_j) over the other rows. Needs N >= 2. */
export function l1outBound(q: GaussianConditional, x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const { joint, marginal } = scoresFromMatrix(q.pairLogLikelihoods(x, y));
    const k = marginal.shape[1] as number;
    return tf.mean(tf.sub(joint, tf.sub(logSumExp(marginal, 1), Math.log(k)))) as tf.Scalar;
  });
}

export function upperBound(
  name: UpperBoundName,
  q: GaussianConditional,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
): tf.Scalar {
  return name === 'club' ? clubBound(q, x, y) : l1outBound(q, x, y);
}

export interface NeuralUpperBoundOptions
  extends
    TrainOptions,
    Pick<NeuralMiOptions, 'seed' | 'batchSize' | 'heldOut' | 'standardize'>,
    GaussianConditionalOptions {
  bound: UpperBoundName;
}

export interface NeuralUpperBoundResult {
  estimator: UpperBoundName;
  /** The bound on held-out samples (L1Out: averaged over blocks of batchSize rows), nats. */
  mi: number;
  /** Held-out mean log q(y|x) of the fitted q (standardised y). */
  logLikelihood: number;
  n: number;
  trainN: number;
  heldOutN: number;
  batchSize: number;
  /** Training curve of the log-likelihood (train batches / held-out). */
  curve: CurvePoint[];
  steps: number;
  bestStep: number;
  stopReason: 'plateau' | 'maxSteps';
  seconds: number;
  /** Set when the bound is dubious: below 0 (then it is no upper bound: q is poor), beyond
   * MI_BOUND_LIMITS.magnitude (q's variance at its floor), or q's fit diverged or never
   * improved. */
  warning?: string;
}

/** Fit q(y|x) by maximum likelihood (held-out early stopping), then evaluate CLUB or L1Out on the
 * held-out samples. */
export async function neuralUpperBound(
  xInput: SampleInput,
  yInput: SampleInput,
  options: NeuralUpperBoundOptions,
): Promise<NeuralUpperBoundResult> {
  const name = options.bound;
  if (!(UPPER_BOUND_NAMES as readonly string[]).includes(name))
    inputError(`bound must be one of ${UPPER_BOUND_NAMES.join(', ')}; got '${name}'`);
  const x = await prepare(xInput, 'x', options.standardize ?? true);
  const y = await prepare(yInput, 'y', options.standardize ?? true);
  checkPaired(x, y);
  const sampling = resolveSampling(x.rows, options, 1);
  const { rng, split, batchSize } = sampling;
  const q = new GaussianConditional(x.cols, y.cols, {
    hidden: options.hidden,
    activation: options.activation,
    seed: rng.fork('q').nextSeed(),
  });
  try {
    const { report, heldOutMean } = await fitByLikelihood(q, x, y, sampling, options, name);
    const mi = await takeScalar(heldOutMean((xb, yb) => upperBound(name, q, xb, yb)));
    if (!Number.isFinite(mi)) {
      throw new NeuralTrainingError(
        `${name}: the bound is not finite (${mi}) although q trained to a finite likelihood; ` +
          'try a smaller learningRate',
      );
    }
    const warnings = trainingWarnings(report, 'the untrained q', 'held-out log-likelihood');
    // MI >= 0, so a negative value is no upper bound: returned raw (as lower bounds are), flagged.
    const value = mi.toPrecision(3);
    if (mi < 0) warnings.push(`the upper bound ${value} is below 0: it bounds nothing, q is poor`);
    if (mi > MI_BOUND_LIMITS.magnitude) {
      warnings.push(
        `the upper bound ${value} nats is uninformative: q's variance hit its floor (y is ` +
          'almost a function of x)',
      );
    }
    return {
      estimator: name,
      mi,
      logLikelihood: report.best,
      n: x.rows,
      ...fitSummary(report, split),
      batchSize,
      curve: report.curve,
      ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}),
    };
  } finally {
    q.dispose();
  }
}
