// Information terms of a hidden layer h = (h_1..h_m) and a class label Y, each a neural estimate
// with its own critic, its own Adam optimiser and its own random stream:
//   total correlation          TC(h)   = KL( p(h)   || prod_i p(h_i) )
//   conditional TC             TC(h|Y) = KL( p(h,y) || p(y) prod_i p(h_i|y) )
//   per-unit label information sum_i I(Y; h_i)
//   label information          I(Y; h)
// related by the identity TC(h) - TC(h|Y) = sum_i I(Y; h_i) - I(Y; h).
// `updateCritic` trains the critic on a batch (h is only data there); `estimate` returns the bound
// on a batch as a scalar that is differentiable w.r.t. h, for use as a penalty in the network's
// step (LayerMiRegularizer combines them with signs).
//
// Estimators. TC and TC(h|Y) are KL divergences between the joint and a product of marginals whose
// samples we make by shuffling each unit independently in the batch (within label strata for the
// conditional one): MINE (Donsker-Varadhan value, EMA-debiased gradient). For I(Y; h_i) and I(Y;
// h), Y is discrete, so the critic can be a classifier q(y | .) and the bound is Barber-Agakov's
// H(Y) - CE(q): exact at the optimum like DV, without DV's exp-moment variance; the m per-unit
// critics run as one batched op. The layer is standardised per batch (all the terms are invariant
// to rescaling a unit, and MINE needs comparable scales) and gets small Gaussian noise, which keeps
// TC finite when units become functions of each other (TC of a deterministic copy is infinite) and
// smooths the critic's input (MINE explodes without it on deterministic layers).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { BatchedMlp, Mlp } from '../mi/neural/mlp';
import { CriticScores, MineEma, logSumExp, mineBound, stopGradient } from '../mi/neural/bounds';
import { ascendStep } from '../mi/neural/train';
import { takeScalar } from '../backend/read';
import { columnPermutations, shuffleColumns, stratifiedColumnPermutations } from './column-shuffle';

export type LayerTermName = 'tc' | 'conditionalTc' | 'unitLabelMi' | 'labelMi';
export const LAYER_TERM_NAMES: readonly LayerTermName[] = [
  'tc',
  'conditionalTc',
  'unitLabelMi',
  'labelMi',
];

/**
 * Integer class labels of a batch: on the JS side (needed for strata), or as an int32 tensor, which
 * is read synchronously (so not on a GPU backend; trainClassifier's hooks get the JS-side
 * labelIds).
 */
export type BatchLabels = Int32Array | tf.Tensor1D;

export interface LayerTermOptions {
  /** Critic hidden widths. Default [128, 128] for TC and TC(h|Y), [16] per unit for I(Y; h_i). */
  hidden?: readonly number[];
  /** Critic Adam learning rate. Default 1e-3 for the MINE critics (TC, TC(h|Y)), 1e-2 for the
   * classifier critics (I(Y; h_i), I(Y; h)). */
  learningRate?: number;
  /** MINE moving-average rate. Default 0.01. */
  emaRate?: number;
  /** Standard deviation of the noise added to the standardised layer. Default 0.1; 0 disables. */
  noise?: number;
  /** Shuffled copies of the batch per estimate (marginal samples = shuffles x batch). Default 1. */
  shuffles?: number;
  seed?: number;
}

export interface LayerTerm {
  readonly name: LayerTermName;
  /** One critic step on (h, labels); h is treated as data. */
  updateCritic(h: tf.Tensor2D, labels: BatchLabels): void;
  /** The bound on this batch (nats), differentiable w.r.t. h. Does not change the critic. */
  estimate(h: tf.Tensor2D, labels: BatchLabels): tf.Scalar;
  /** Mean of the estimates seen by updateCritic since the previous call (one read-back), or NaN. */
  takeAverage(): Promise<number>;
  dispose(): void;
}

export function toLabelArray(labels: BatchLabels, rows: number, classes: number): Int32Array {
  const arr = labels instanceof tf.Tensor ? readLabelsSync(labels) : labels;
  if (arr.length !== rows) inputError(`the batch has ${rows} rows but ${arr.length} labels`);
  for (let i = 0; i < arr.length; i++) {
    if (!(Number.isInteger(arr[i]) && arr[i] >= 0 && arr[i] < classes))
      inputError(`label ${arr[i]} at row ${i} is outside 0..${classes - 1}`);
  }
  return arr;
}

function readLabelsSync(labels: tf.Tensor1D): Int32Array {
  if (labels.isDisposed) inputError('the label tensor is disposed');
  try {
    return Int32Array.from(labels.dataSync());
  } catch (err) {
    return inputError(
      `the ${tf.getBackend()} backend cannot read label tensors synchronously (${(err as Error).message}); ` +
        "pass the batch's labels as an Int32Array (trainClassifier's afterStep and extraLoss get them as labelIds)",
    );
  }
}

function checkLayer(h: tf.Tensor2D, units: number): void {
  if (h.rank !== 2 || h.shape[1] !== units)
    inputError(`expected a layer of shape [batch, ${units}], got [${h.shape}]`);
  if (h.shape[0] < 2) inputError(`a batch needs at least 2 rows to shuffle, got ${h.shape[0]}`);
}

/** Standardise each unit with the batch's moments (with a floor for dead units) and add noise. */
export function prepareLayer(h: tf.Tensor2D, noise: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(h, 0);
    const floor = tf.add(tf.mul(stopGradient(tf.mean(variance)), 1e-2), 1e-8);
    const z = tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, floor))) as tf.Tensor2D;
    return noise > 0
      ? (tf.add(z, tf.randomNormal(z.shape, 0, noise, 'float32', seed)) as tf.Tensor2D)
      : z;
  });
}

interface Resolved {
  learningRate: number;
  emaRate: number;
  noise: number;
  shuffles: number;
  rng: Rng;
}

function resolve(options: LayerTermOptions, label: LayerTermName): Resolved {
  // Classifier critics (Barber-Agakov) are well conditioned and may learn fast; MINE critics not.
  const learningRate =
    options.learningRate ?? (label === 'unitLabelMi' || label === 'labelMi' ? 1e-2 : 1e-3);
  const noise = options.noise ?? 0.1;
  const shuffles = options.shuffles ?? 1;
  if (!(learningRate > 0))
    inputError(`${label}: learningRate must be positive, got ${learningRate}`);
  if (!(noise >= 0)) inputError(`${label}: noise must be >= 0, got ${noise}`);
  if (!Number.isInteger(shuffles) || shuffles < 1)
    inputError(`${label}: shuffles must be a positive integer, got ${shuffles}`);
  return {
    learningRate,
    emaRate: options.emaRate ?? 0.01,
    noise,
    shuffles,
    rng: new Rng(options.seed ?? 0).fork(label),
  };
}

/** Shared bookkeeping: an optimiser, a device-side running sum of estimates, disposal. */
abstract class TermBase implements LayerTerm {
  abstract readonly name: LayerTermName;
  protected readonly optimizer: tf.Optimizer;
  private sum: tf.Scalar | null = null;
  private count = 0;

  constructor(
    protected readonly settings: Resolved,
    readonly units: number,
    readonly classes: number,
  ) {
    if (!Number.isInteger(units) || units < 2)
      inputError(`a layer term needs at least 2 units, got ${units}`);
    if (!Number.isInteger(classes) || classes < 2)
      inputError(`a layer term needs at least 2 classes, got ${classes}`);
    this.optimizer = tf.train.adam(settings.learningRate);
  }

  protected abstract get criticVariables(): tf.Variable[];
  /** The critic's training objective on the batch (maximised); its value is the estimate. */
  protected abstract objective(h: tf.Tensor2D, labels: Int32Array, training: boolean): tf.Scalar;

  updateCritic(h: tf.Tensor2D, labels: BatchLabels): void {
    checkLayer(h, this.units);
    const y = toLabelArray(labels, h.shape[0], this.classes);
    const value = ascendStep(this.optimizer, this.criticVariables, () =>
      this.objective(h, y, true),
    );
    const next = this.sum ? (tf.add(this.sum, value) as tf.Scalar) : value.clone();
    this.sum?.dispose();
    value.dispose();
    this.sum = next;
    this.count++;
  }

  estimate(h: tf.Tensor2D, labels: BatchLabels): tf.Scalar {
    checkLayer(h, this.units);
    return this.objective(h, toLabelArray(labels, h.shape[0], this.classes), false);
  }

  async takeAverage(): Promise<number> {
    if (!this.sum || this.count === 0) return NaN;
    const [sum, count] = [this.sum, this.count];
    this.sum = null; // steps taken while the read is pending start the next average
    this.count = 0;
    return (await takeScalar(sum)) / count;
  }

  dispose(): void {
    this.sum?.dispose();
    this.sum = null;
    this.optimizer.dispose();
  }
}

function oneHot(labels: Int32Array, classes: number): tf.Tensor2D {
  return tf.oneHot(tf.tensor1d(labels, 'int32'), classes) as tf.Tensor2D;
}

/** A KL to a product of marginals by MINE: a critic scores the standardised batch and `shuffles`
 * copies with every unit permuted on its own; the subclass says how the units are permuted and
 * whether the critic also sees the labels. */
abstract class ShuffledMineTerm extends TermBase {
  private readonly critic: Mlp;
  private readonly ema: MineEma;

  constructor(
    name: LayerTermName,
    units: number,
    classes: number,
    options: LayerTermOptions,
    private readonly seesLabels: boolean,
  ) {
    super(resolve(options, name), units, classes);
    this.critic = new Mlp(units + (seesLabels ? classes : 0), options.hidden ?? [128, 128], 1, {
      seed: this.settings.rng.nextSeed(),
    });
    this.ema = new MineEma(this.settings.emaRate);
  }

  /** One permutation of the rows per unit. */
  protected abstract permutations(labels: Int32Array, rng: Rng): Int32Array[];

  protected get criticVariables(): tf.Variable[] {
    return this.critic.variables;
  }

  protected objective(h: tf.Tensor2D, labels: Int32Array, training: boolean): tf.Scalar {
    const { rng, noise, shuffles } = this.settings;
    const seed = rng.nextSeed();
    const perms = Array.from({ length: shuffles }, () => this.permutations(labels, rng));
    return tf.tidy(() => {
      const z = prepareLayer(h, noise, seed);
      const y = this.seesLabels ? oneHot(labels, this.classes) : null;
      const score = (t: tf.Tensor2D) =>
        tf.reshape(this.critic.apply(y ? tf.concat([t, y], 1) : t), [-1]) as tf.Tensor1D;
      const scores: CriticScores = {
        joint: score(z),
        marginal: tf.stack(
          perms.map((p) => score(shuffleColumns(z, p))),
          1,
        ) as tf.Tensor2D,
      };
      return mineBound(scores, this.ema, training);
    });
  }

  override dispose(): void {
    super.dispose();
    this.critic.dispose();
    this.ema.dispose();
  }
}

/** TC(h) by MINE with each unit shuffled independently across the batch. */
export class TotalCorrelationTerm extends ShuffledMineTerm {
  readonly name = 'tc';

  constructor(units: number, classes: number, options: LayerTermOptions = {}) {
    super('tc', units, classes, options, false);
  }

  protected permutations(labels: Int32Array, rng: Rng): Int32Array[] {
    return columnPermutations(labels.length, this.units, rng);
  }
}

/**
 * TC(h | Y) by MINE: the critic sees [h, onehot(y)], each unit is shuffled among rows of its label.
 */
export class ConditionalTotalCorrelationTerm extends ShuffledMineTerm {
  readonly name = 'conditionalTc';

  constructor(units: number, classes: number, options: LayerTermOptions = {}) {
    super('conditionalTc', units, classes, options, true);
  }

  protected permutations(labels: Int32Array, rng: Rng): Int32Array[] {
    return stratifiedColumnPermutations(labels, this.units, rng);
  }
}

/** Plug-in entropy (nats) of the labels in a batch: the H(Y) of the Barber-Agakov bound. */
export function labelEntropy(labels: Int32Array, classes: number): number {
  const counts = new Float64Array(classes);
  for (const y of labels) counts[y]++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / labels.length) * Math.log(c / labels.length);
  return h;
}

/** sum_i I(Y; h_i) by Barber-Agakov with one small classifier q_i(y | h_i) per unit, batched. */
export class UnitLabelInformationTerm extends TermBase {
  readonly name = 'unitLabelMi';
  private readonly critics: BatchedMlp;

  constructor(units: number, classes: number, options: LayerTermOptions = {}) {
    super(resolve(options, 'unitLabelMi'), units, classes);
    this.critics = new BatchedMlp(units, 1, options.hidden ?? [16], classes, {
      seed: this.settings.rng.nextSeed(),
    });
  }

  protected get criticVariables(): tf.Variable[] {
    return this.critics.variables;
  }

  /** Per-unit bounds H(Y) - CE_i as a [units] tensor. */
  perUnit(h: tf.Tensor2D, labels: BatchLabels): tf.Tensor1D {
    checkLayer(h, this.units);
    const y = toLabelArray(labels, h.shape[0], this.classes);
    return this.perUnitBounds(h, y, this.settings.rng.nextSeed());
  }

  private perUnitBounds(h: tf.Tensor2D, labels: Int32Array, seed: number): tf.Tensor1D {
    return tf.tidy(() => {
      const n = h.shape[0];
      const z = prepareLayer(h, this.settings.noise, seed);
      const logits = this.critics.apply(
        tf.reshape(tf.transpose(z), [this.units, n, 1]) as tf.Tensor3D,
      );
      // log-softmax by hand: the wasm backend has no LogSoftmax kernel.
      const logq = tf.sub(logits, logSumExp(logits, 2, true));
      const y = tf.reshape(oneHot(labels, this.classes), [1, n, this.classes]);
      const crossEntropy = tf.neg(tf.mean(tf.sum(tf.mul(logq, y), 2), 1));
      return tf.sub(labelEntropy(labels, this.classes), crossEntropy) as tf.Tensor1D;
    });
  }

  protected objective(h: tf.Tensor2D, labels: Int32Array, training: boolean): tf.Scalar {
    void training;
    const seed = this.settings.rng.nextSeed();
    return tf.tidy(() => tf.sum(this.perUnitBounds(h, labels, seed)) as tf.Scalar);
  }

  override dispose(): void {
    super.dispose();
    this.critics.dispose();
  }
}

/** I(Y; h) by Barber-Agakov with one classifier q(y | h) on the whole layer. */
export class LabelInformationTerm extends TermBase {
  readonly name = 'labelMi';
  private readonly critic: Mlp;

  constructor(units: number, classes: number, options: LayerTermOptions = {}) {
    super(resolve(options, 'labelMi'), units, classes);
    this.critic = new Mlp(units, options.hidden ?? [128], classes, {
      seed: this.settings.rng.nextSeed(),
    });
  }

  protected get criticVariables(): tf.Variable[] {
    return this.critic.variables;
  }

  protected objective(h: tf.Tensor2D, labels: Int32Array, training: boolean): tf.Scalar {
    void training;
    const seed = this.settings.rng.nextSeed();
    return tf.tidy(() => {
      const logits = this.critic.apply(prepareLayer(h, this.settings.noise, seed));
      const logq = tf.sub(logits, logSumExp(logits, 1, true));
      const crossEntropy = tf.neg(tf.mean(tf.sum(tf.mul(logq, oneHot(labels, this.classes)), 1)));
      return tf.sub(labelEntropy(labels, this.classes), crossEntropy) as tf.Scalar;
    });
  }

  override dispose(): void {
    super.dispose();
    this.critic.dispose();
  }
}

export function createLayerTerm(
  name: LayerTermName,
  units: number,
  classes: number,
  options: LayerTermOptions = {},
): LayerTerm {
  switch (name) {
    case 'tc':
      return new TotalCorrelationTerm(units, classes, options);
    case 'conditionalTc':
      return new ConditionalTotalCorrelationTerm(units, classes, options);
    case 'unitLabelMi':
      return new UnitLabelInformationTerm(units, classes, options);
    case 'labelMi':
      return new LabelInformationTerm(units, classes, options);
    default:
      return inputError(
        `layer term must be one of ${LAYER_TERM_NAMES.join(', ')}; got '${name as string}'`,
      );
  }
}
