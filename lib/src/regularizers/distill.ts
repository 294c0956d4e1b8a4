// Knowledge-transfer terms for a student trained beside a frozen teacher (notebook 002, part C):
//   kdLoss        Hinton et al.: T^2 KL(softmax(teacher / T) || softmax(student / T)), batch mean;
//   FitNet        a regressor r maps a student layer s to a teacher layer t; 1/2 mean (r(s) - t)^2;
//   VID           Ahn et al. (CVPR 2019): the same regressor as the mean of a Gaussian q(t|s) with
//                 one learned variance per teacher channel; -ln q(t|s) per element,
//                 1/2 [(r(s) - t)^2 / sigma_c^2 + ln sigma_c^2], batch and element mean, as the
//                 official code; sigma_c^2 = softplus(alpha_c) + 1e-5, alpha_c set so that
//                 sigma_c^2 starts at 5.
// With every sigma_c^2 fixed at 1, VID is FitNet plus a constant: what separates the two is the
// learned per-channel weighting 1/sigma_c^2 (a control the notebook runs). The regressor is linear
// (the official code's two 1x1 convolutions have no nonlinearity between them).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';

/** T^2 KL(teacher || student) of the softened distributions, mean over the batch. */
export function kdLoss(
  studentLogits: tf.Tensor,
  teacherLogits: tf.Tensor,
  temperature: number,
): tf.Scalar {
  if (!(temperature > 0) || !Number.isFinite(temperature))
    inputError(`temperature must be a positive number, got ${temperature}`);
  if (!tf.util.arraysEqual(studentLogits.shape, teacherLogits.shape))
    inputError(
      `student logits [${studentLogits.shape}] and teacher logits [${teacherLogits.shape}] differ`,
    );
  return tf.tidy(() => {
    const logP = tf.logSoftmax(tf.div(teacherLogits, temperature));
    const logQ = tf.logSoftmax(tf.div(studentLogits, temperature));
    const kl = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), -1);
    return tf.mul(temperature * temperature, tf.mean(kl)) as tf.Scalar;
  });
}

/** A linear map from a student layer (flattened) to a teacher layer (flattened): r(s) = s W + b.
 * Its variables train with the student (pass `variables` as the trainer's extraVariables). */
export class LinearRegressor {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly inDim: number,
    readonly outDim: number,
    seed: number,
  ) {
    for (const [name, v] of [
      ['inDim', inDim],
      ['outDim', outDim],
    ] as const)
      if (!Number.isInteger(v) || v < 1) inputError(`${name} must be a positive integer, got ${v}`);
    const limit = Math.sqrt(6 / (inDim + outDim));
    const init = tf.randomUniform(
      [inDim, outDim],
      -limit,
      limit,
      'float32',
      new Rng(seed).nextSeed(),
    );
    const zeros = tf.zeros([outDim]);
    // tf.variable keeps its own reference: the initial values are ours to dispose.
    this.weight = tf.variable(init, true);
    this.bias = tf.variable(zeros, true);
    tf.dispose([init, zeros]);
  }

  get variables(): tf.Variable[] {
    return [this.weight, this.bias];
  }

  apply(student: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const s = student.reshape([student.shape[0], -1]) as tf.Tensor2D;
      if (s.shape[1] !== this.inDim)
        inputError(`the regressor takes ${this.inDim} features, got ${s.shape[1]}`);
      return tf.add(tf.matMul(s, this.weight), this.bias) as tf.Tensor2D;
    });
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

function flatTeacher(teacher: tf.Tensor, outDim: number): tf.Tensor2D {
  const t = teacher.reshape([teacher.shape[0], -1]) as tf.Tensor2D;
  if (t.shape[1] !== outDim)
    inputError(`the teacher layer has ${t.shape[1]} values per example, the regressor ${outDim}`);
  return t;
}

/** FitNet: 1/2 mean over batch and elements of (r(s) - t)^2. */
export function fitnetLoss(
  regressor: LinearRegressor,
  student: tf.Tensor,
  teacher: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => {
    const t = flatTeacher(teacher, regressor.outDim);
    return tf.mul(0.5, tf.mean(tf.squaredDifference(regressor.apply(student), t))) as tf.Scalar;
  });
}

/** VID's Gaussian q(t|s): the regressor's mean and one variance per teacher channel. */
export class VidHead {
  readonly regressor: LinearRegressor;
  /** sigma_c^2 = softplus(alpha_c) + EPS. */
  readonly alpha: tf.Variable;
  static readonly EPS = 1e-5;

  /** `teacherShape`: one example's teacher layer, channels last ([H, W, C] or [C]). */
  constructor(
    studentDim: number,
    readonly teacherShape: readonly number[],
    seed: number,
    initialVariance = 5,
  ) {
    if (teacherShape.length < 1 || teacherShape.some((d) => !Number.isInteger(d) || d < 1))
      inputError(`teacherShape must be positive integers, got [${teacherShape}]`);
    if (!(initialVariance > VidHead.EPS))
      inputError(`initialVariance must exceed ${VidHead.EPS}, got ${initialVariance}`);
    const outDim = teacherShape.reduce((a, b) => a * b, 1);
    this.regressor = new LinearRegressor(studentDim, outDim, seed);
    const channels = teacherShape[teacherShape.length - 1];
    // softplus^-1(v) = ln(e^v - 1)
    const alpha0 = Math.log(Math.expm1(initialVariance - VidHead.EPS));
    const alpha = tf.fill([channels], alpha0);
    this.alpha = tf.variable(alpha, true);
    alpha.dispose();
  }

  get variables(): tf.Variable[] {
    return [...this.regressor.variables, this.alpha];
  }

  /** sigma_c^2 per channel [C]. */
  variance(): tf.Tensor1D {
    return tf.tidy(() => tf.add(tf.softplus(this.alpha), VidHead.EPS) as tf.Tensor1D);
  }

  dispose(): void {
    this.regressor.dispose();
    this.alpha.dispose();
  }
}

export interface VidTerms {
  /** -ln q(t|s) per element, mean (what is minimised). */
  loss: tf.Scalar;
  /** Its two parts: 1/2 mean residual^2 / sigma^2 and 1/2 mean ln sigma^2. */
  residual: tf.Scalar;
  logVariance: tf.Scalar;
}

/** VID's term and its two parts (the caller disposes them; inside a tape use `.loss`). */
export function vidTerms(head: VidHead, student: tf.Tensor, teacher: tf.Tensor): VidTerms {
  return tf.tidy(() => {
    const t = flatTeacher(teacher, head.regressor.outDim);
    const channels = head.teacherShape[head.teacherShape.length - 1];
    const positions = head.regressor.outDim / channels;
    // Channels last: element i of a flattened example belongs to channel i mod C.
    const variance = tf.tile(head.variance(), [positions]);
    const residual = tf.mul(
      0.5,
      tf.mean(tf.div(tf.squaredDifference(head.regressor.apply(student), t), variance)),
    );
    const logVariance = tf.mul(0.5, tf.mean(tf.log(variance)));
    return {
      loss: tf.add(residual, logVariance) as tf.Scalar,
      residual: residual as tf.Scalar,
      logVariance: logVariance as tf.Scalar,
    };
  });
}

/** VID's minimised term, -ln q(t|s) per element (mean). */
export function vidLoss(head: VidHead, student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const { loss, residual, logVariance } = vidTerms(head, student, teacher);
    tf.dispose([residual, logVariance]);
    return loss;
  });
}
