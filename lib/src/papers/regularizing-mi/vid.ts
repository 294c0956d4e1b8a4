// Part C's runs: a smallCnn teacher per seed (its weights stored with the run, so every student of
// every process distils from the same network), and MLP students trained beside it:
//   student       cross-entropy only;
//   kd            + T^2 KL(teacher || student) of the softened outputs (Hinton et al.);
//   fitnet        + lambda sum_k 1/2 mean (r_k(s_k) - t_k)^2, a linear regressor r_k per pair;
//   vid           + lambda sum_k -ln q(t_k | s_k), Gaussian q with the same linear mean and one
//                 learned variance per teacher channel (Ahn et al.);
//   vid+kd        both (the official code's README command);
//   fitnet-fixed  the control: FitNet weighted per channel by 1 / Var_c(t), fixed from the
//                 teacher's outputs (floored at a tenth of the layer's mean), i.e. VID with its
//                 variances frozen at the data's. If it matches VID, the learned variance, not
//                 "mutual information", makes the difference.
// Pairs: teacher maxpool2 (5x5x64) <-> student hidden2, teacher relu3 (128) <-> student hidden3.
// The teacher's outputs on the training rows are computed once per run and gathered per batch.
// Full-data runs log, after every epoch on a fixed set of training rows, the task loss and each
// transfer term with VID's two parts (residual and log-variance) and the Barber-Agakov estimate
// H_Gauss(t) - E[-ln q(t|s)] (H_Gauss is an upper bound on H(t), so this estimates rather than
// bounds I(t;s)): the two-stage claim reads these curves. Beyond the paper, a probe
// the loss never saw: SMILE's estimate of I(teacher relu3; student hidden3) on test rows.
import * as tf from '@tensorflow/tfjs';
import { smile } from '../../mi/neural/estimators';
import type { Activations, Classifier } from '../../nn/classifier';
import { mlpClassifier, smallCnn } from '../../nn/models';
import { collectActivations, evaluateAccuracy, trainClassifier } from '../../nn/train';
import { encodeWeights, restoreWeights, type EncodedTensor } from '../../nn/weights-json';
import { kdLoss, LinearRegressor, VidHead, vidTerms, fitnetLoss } from '../../regularizers/distill';
import { Rng } from '../../random/rng';
import type { Progress } from './bnn';
import type { LabelledSplit, SplitData } from './data';
import type { VidConfig } from './profiles';

export const VID_METHODS = ['student', 'kd', 'fitnet', 'vid', 'vid+kd', 'fitnet-fixed'] as const;
export type VidMethod = (typeof VID_METHODS)[number];

/** The transfer pairs: teacher activation -> student activation. */
export const TRANSFER_PAIRS = [
  { teacher: 'maxpool2', student: 'hidden2' },
  { teacher: 'relu3', student: 'hidden3' },
] as const;

const percent = (a: number) => 100 * a;

export interface TeacherRun {
  seed: number;
  valAccuracy: number;
  testAccuracy: number;
  seconds: number;
  weights: EncodedTensor[];
}

export async function runTeacher(
  data: SplitData,
  config: VidConfig,
  seed: number,
  progress?: Progress,
): Promise<TeacherRun> {
  const model = smallCnn({ inputShape: data.shape, seed });
  const y = tf.tensor1d(data.train.labels, 'int32');
  try {
    const history = await trainClassifier(
      model,
      { x: data.train.x, y },
      {
        epochs: config.teacherEpochs,
        batchSize: config.batchSize,
        seed,
        maxStepsPerEpoch: config.maxStepsPerEpoch,
        onProgress: progress,
      },
    );
    return {
      seed,
      valAccuracy: await accuracy(model, data.val),
      testAccuracy: await accuracy(model, data.test),
      seconds: history.seconds,
      weights: await encodeWeights(model),
    };
  } finally {
    y.dispose();
    model.dispose();
  }
}

/** The teacher network of a stored teacher run (the caller disposes it). */
export function teacherModel(run: TeacherRun, shape: readonly number[]): Classifier {
  const model = smallCnn({ inputShape: shape, seed: run.seed });
  restoreWeights(model, run.weights);
  return model;
}

async function accuracy(model: Classifier, split: LabelledSplit): Promise<number> {
  const y = tf.tensor1d(split.labels, 'int32');
  try {
    return percent(await evaluateAccuracy(model, { x: split.x, y }));
  } finally {
    y.dispose();
  }
}

/** What sets a student run apart (with the profile's settings, the data and the seed). */
export interface StudentSetting {
  method: VidMethod;
  width: number;
  /** Weight of the transfer term (fitnet, vid, vid+kd, fitnet-fixed). */
  lambda: number | null;
  /** KD's temperature (kd, vid+kd). */
  temperature: number | null;
  /** The data-limited grid: images per class (null: the whole training part). */
  perClass: number | null;
}

export interface TransferTerms {
  /** Mean over elements, summed over the pairs: -ln q (VID's term, up to 1/2 ln 2 pi), its two
   * parts and the Barber-Agakov estimate of I(t;s) in nats over the varying elements (null
   * without a VID head), and FitNet's 1/2 squared error of the regressor. */
  vid: number | null;
  residual: number | null;
  logVariance: number | null;
  fitnet: number;
  information: number | null;
}

export interface StudentEpoch {
  epoch: number;
  /** The task cross-entropy on the logging rows (inference mode). */
  taskLoss: number;
  /** The transfer terms on the same rows (methods with a regressor). */
  terms: TransferTerms | null;
  valAccuracy: number;
}

export interface StudentRun extends StudentSetting {
  seed: number;
  valAccuracy: number;
  testAccuracy: number;
  /** Full-data runs only: epoch 0 (before training), then after every epoch. */
  curve: StudentEpoch[];
  /** SMILE's I(teacher relu3; student hidden3) on test rows, nats (when probed). */
  probe: { mi: number; warning?: string } | null;
  steps: number;
  seconds: number;
}

/** The heads of a method: VID heads (vid, vid+kd, fitnet-fixed) or FitNet regressors. */
interface Heads {
  vid: VidHead[] | null;
  fitnet: LinearRegressor[] | null;
  trained: tf.Variable[];
  dispose(): void;
}

function makeHeads(
  method: VidMethod,
  width: number,
  teacherShapes: number[][],
  channelVariances: tf.Tensor1D[],
  seed: number,
): Heads {
  const rng = new Rng(seed).fork('heads');
  if (method === 'fitnet') {
    const regs = teacherShapes.map(
      (shape) =>
        new LinearRegressor(
          width,
          shape.reduce((a, b) => a * b, 1),
          rng.nextSeed(),
        ),
    );
    return {
      vid: null,
      fitnet: regs,
      trained: regs.flatMap((r) => r.variables),
      dispose: () => regs.forEach((r) => r.dispose()),
    };
  }
  if (method === 'vid' || method === 'vid+kd' || method === 'fitnet-fixed') {
    const heads = teacherShapes.map((shape) => new VidHead(width, shape, rng.nextSeed()));
    if (method === 'fitnet-fixed') {
      // Freeze sigma_c^2 at the teacher's channel variance, floored at a tenth of the layer's mean
      // channel variance: a dead or nearly dead channel would otherwise weigh up to 1e5 times the
      // others from the first step, before the regressor has matched it, and swamp the task (seen
      // in the quick profile: the student stayed at chance). alpha = softplus^-1(sigma^2 - eps).
      heads.forEach((h, k) => {
        const alpha = tf.tidy(() => {
          const variance = channelVariances[k];
          const floored = tf.maximum(variance, tf.mul(0.1, tf.mean(variance)));
          // softplus^-1(v) = v + ln(1 - e^-v): no overflow for a large v (ln(e^v - 1) would).
          const v = tf.maximum(tf.sub(floored, VidHead.EPS), 1e-8);
          return tf.add(v, tf.log(tf.neg(tf.expm1(tf.neg(v)))));
        });
        h.alpha.assign(alpha);
        alpha.dispose();
      });
    }
    const trained =
      method === 'fitnet-fixed'
        ? heads.flatMap((h) => h.regressor.variables)
        : heads.flatMap((h) => h.variables);
    return { vid: heads, fitnet: null, trained, dispose: () => heads.forEach((h) => h.dispose()) };
  }
  return { vid: null, fitnet: null, trained: [], dispose: () => undefined };
}

/** The teacher's activations on every row of `x` that the students distil from. */
function teacherOutputs(teacher: Classifier, x: tf.Tensor): Activations {
  return collectActivations(teacher, x, [...TRANSFER_PAIRS.map((p) => p.teacher), 'logits']);
}

/** Per-channel variance of a teacher activation (channels last) over rows and positions. */
function channelVariance(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const channels = t.shape[t.shape.length - 1];
    return tf.moments(t.reshape([-1, channels]), 0).variance as tf.Tensor1D;
  });
}

export async function runStudent(
  data: SplitData,
  teacherRun: TeacherRun,
  config: VidConfig,
  setting: StudentSetting,
  seed: number,
  progress?: Progress,
): Promise<StudentRun> {
  const { method, width, lambda, temperature, perClass } = setting;
  const teacher = teacherModel(teacherRun, data.shape);
  const cache = teacherOutputs(teacher, data.train.x);
  const teacherShapes = TRANSFER_PAIRS.map((p) => cache[p.teacher].shape.slice(1));
  const variances = TRANSFER_PAIRS.map((p) => channelVariance(cache[p.teacher]));
  const heads = makeHeads(method, width, teacherShapes, variances, seed);
  const student = mlpClassifier({ inputShape: data.shape, hidden: [width, width, width], seed });
  const y = tf.tensor1d(data.train.labels, 'int32');
  const usesKd = method === 'kd' || method === 'vid+kd';
  const transfer = (a: Activations, t: Activations): tf.Scalar =>
    tf.addN(
      TRANSFER_PAIRS.map((p, k) =>
        heads.vid
          ? vidTerms(heads.vid[k], a[p.student], t[p.teacher]).loss
          : fitnetLoss(heads.fitnet![k], a[p.student], t[p.teacher]),
      ),
    ) as tf.Scalar;
  const extraLoss =
    method === 'student'
      ? undefined
      : (a: Activations, _l: tf.Tensor1D, _ids: unknown, _x: tf.Tensor, rows?: Int32Array) => {
          const index = tf.tensor1d(rows!, 'int32');
          const t = Object.fromEntries(
            Object.entries(cache).map(([k, v]) => [k, tf.gather(v, index)]),
          ) as Activations;
          let loss: tf.Tensor = tf.scalar(0);
          if (heads.vid || heads.fitnet) loss = tf.mul(lambda!, transfer(a, t));
          if (usesKd) loss = tf.add(loss, kdLoss(a.logits, t.logits, temperature!));
          return loss as tf.Scalar;
        };
  // Logging rows: a fixed slice of the training rows.
  const logRows = Math.min(2000, data.train.labels.length);
  const limited = perClass !== null;
  const batchSize = Math.min(config.batchSize, data.train.labels.length);
  const stepsPerEpoch = Math.floor(data.train.labels.length / batchSize);
  const epochs = limited ? Math.ceil(config.limitedSteps / stepsPerEpoch) : config.epochs;
  const curve: StudentEpoch[] = [];
  const valY = tf.tensor1d(data.val.labels, 'int32');
  const logEpoch = async (epoch: number) =>
    curve.push({
      epoch,
      ...(await logTerms(student, cache, heads, data.train, logRows, y)),
      valAccuracy: percent(await evaluateAccuracy(student, { x: data.val.x, y: valY })),
    });
  try {
    // Epoch 0, before any step: where each term's decrease starts (the two-stage claim).
    if (!limited) await logEpoch(0);
    const history = await trainClassifier(
      student,
      { x: data.train.x, y },
      {
        epochs,
        batchSize,
        seed,
        maxStepsPerEpoch: limited
          ? Math.min(stepsPerEpoch, config.limitedSteps)
          : config.maxStepsPerEpoch,
        extraLoss,
        extraVariables: heads.trained.length ? heads.trained : undefined,
        capExtraGradient: false,
        onProgress: progress,
        onEpochEnd: limited ? undefined : async (e) => void (await logEpoch(e.epoch)),
      },
    );
    const probe =
      config.probeRows > 0 && !limited && width === config.tuneWidth
        ? await probeInformation(teacher, student, data.test, config.probeRows, seed)
        : null;
    return {
      ...setting,
      seed,
      valAccuracy: await accuracy(student, data.val),
      testAccuracy: await accuracy(student, data.test),
      curve,
      probe,
      steps: history.steps,
      seconds: history.seconds,
    };
  } finally {
    tf.dispose([y, valY, ...Object.values(cache), ...variances]);
    heads.dispose();
    student.dispose();
    teacher.dispose();
  }
}

/** The task loss and transfer terms on the first `rows` training rows (inference mode). */
async function logTerms(
  student: Classifier,
  cache: Activations,
  heads: Heads,
  train: LabelledSplit,
  rows: number,
  labels: tf.Tensor1D,
): Promise<{ taskLoss: number; terms: TransferTerms | null }> {
  const values = tf.tidy(() => {
    const x = tf.slice(train.x, 0, rows);
    const a = student.forward(x);
    const yb = tf.slice(labels, 0, rows);
    const task = tf.losses.softmaxCrossEntropy(tf.oneHot(yb, student.classes), a.logits);
    const out: tf.Tensor[] = [task];
    if (heads.vid || heads.fitnet) {
      let vid: tf.Tensor = tf.scalar(0);
      let residual: tf.Tensor = tf.scalar(0);
      let logVariance: tf.Tensor = tf.scalar(0);
      let fitnet: tf.Tensor = tf.scalar(0);
      let information: tf.Tensor = tf.scalar(0);
      TRANSFER_PAIRS.forEach((p, k) => {
        const t = tf.slice(cache[p.teacher], 0, rows);
        if (heads.vid) {
          const terms = vidTerms(heads.vid[k], a[p.student], t);
          vid = tf.add(vid, terms.loss);
          residual = tf.add(residual, terms.residual);
          logVariance = tf.add(logVariance, terms.logVariance);
          information = tf.add(information, barberAgakov(heads.vid[k], a[p.student], t));
          fitnet = tf.add(fitnet, fitnetLoss(heads.vid[k].regressor, a[p.student], t));
        } else {
          fitnet = tf.add(fitnet, fitnetLoss(heads.fitnet![k], a[p.student], t));
        }
      });
      out.push(vid, residual, logVariance, fitnet, information);
    }
    return tf.stack(out);
  });
  const v = await values.data();
  values.dispose();
  if (v.length === 1) return { taskLoss: v[0], terms: null };
  const vid = heads.vid !== null;
  const terms: TransferTerms = {
    vid: vid ? v[1] : null,
    residual: vid ? v[2] : null,
    logVariance: vid ? v[3] : null,
    fitnet: v[4],
    information: vid ? v[5] : null,
  };
  return { taskLoss: v[0], terms };
}

/**
 * The Barber-Agakov estimate sum_e [H_Gauss(t_e) - E(-ln q(t_e | s))] over the teacher elements
 * that vary (a constant element, a dead ReLU, holds no information and has no entropy to bound):
 * H_Gauss(t_e) = 1/2 ln(2 pi e Var(t_e)) bounds each element's entropy from above, so the sum is
 * an estimate of I(t;s), not a bound. Nats, summed over elements.
 */
function barberAgakov(head: VidHead, student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const t = teacher.reshape([teacher.shape[0], -1]);
    const channels = head.teacherShape[head.teacherShape.length - 1];
    const variance = tf.tile(head.variance(), [t.shape[1]! / channels]);
    const squared = tf.mean(tf.squaredDifference(head.regressor.apply(student), t), 0);
    const nll = tf.mul(
      0.5,
      tf.add(tf.add(tf.div(squared, variance), tf.log(variance)), Math.log(2 * Math.PI)),
    );
    const varE = tf.moments(t, 0).variance;
    const live = tf.greater(varE, 1e-8);
    const entropy = tf.mul(0.5, tf.log(tf.mul(2 * Math.PI * Math.E, tf.maximum(varE, 1e-8))));
    return tf.sum(tf.where(live, tf.sub(entropy, nll), tf.zerosLike(nll))) as tf.Scalar;
  });
}

/** SMILE's estimate of I(teacher relu3; student hidden3) on the first `rows` test rows. Units
 * that never fire there (dead ReLUs) carry no information and cannot be standardised: dropped. */
async function probeInformation(
  teacher: Classifier,
  student: Classifier,
  test: LabelledSplit,
  rows: number,
  seed: number,
): Promise<{ mi: number; warning?: string } | null> {
  const n = Math.min(rows, test.labels.length);
  const x = tf.slice(test.x, 0, n);
  const t = await liveColumns(collectActivations(teacher, x, ['relu3']).relu3 as tf.Tensor2D);
  const s = await liveColumns(collectActivations(student, x, ['hidden3']).hidden3 as tf.Tensor2D);
  x.dispose();
  try {
    if (t.shape[1] === 0 || s.shape[1] === 0) return null;
    // A smoke-sized probe (a few hundred rows) trains briefly; a real one 2000 steps.
    const r = await smile(t, s, { seed, maxSteps: n >= 1000 ? 2000 : 100 });
    return r.warning ? { mi: r.mi, warning: r.warning } : { mi: r.mi };
  } finally {
    tf.dispose([t, s]);
  }
}

/** The columns of `a` that vary over its rows (disposes `a`). */
async function liveColumns(a: tf.Tensor2D): Promise<tf.Tensor2D> {
  const varianceTensor = tf.tidy(() => tf.moments(a, 0).variance);
  const variance = await varianceTensor.data().finally(() => varianceTensor.dispose());
  const keep = Int32Array.from(Array.from(variance.keys()).filter((j) => variance[j] > 1e-12));
  const out = tf.tidy(() => tf.gather(a, tf.tensor1d(keep, 'int32'), 1) as tf.Tensor2D);
  a.dispose();
  return out;
}
