// One training step of a Classifier (softmax cross-entropy, optional extra loss) for loops that
// drive batches themselves; trainClassifier runs epochs of it. A step returns device scalars and
// reads nothing back, so the caller decides when (and whether) to wait for values.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { FusedAdam } from './adam';
import type { Activations, Classifier } from './classifier';

export interface TrainerOptions {
  /**
   * Default: Adam (FusedAdam: tf.train.adam's update, one kernel per variable) with `learningRate`.
   * A given optimizer stays the caller's to dispose.
   */
  optimizer?: tf.Optimizer;
  /** Adam's learning rate when no optimizer is given (default 1e-3). */
  learningRate?: number;
  /** Seed of the per-step dropout masks (default 0). */
  seed?: number;
  /**
   * An extra term added to the task loss, e.g. an MI regulariser on
   * `activations[model.penultimate]`. `labelIds` are the batch's class ids on the JS side when the
   * caller of step() gave them (trainClassifier does): the loss runs inside the gradient tape,
   * where nothing can be read back. `input` is the batch itself, e.g. for a frozen teacher to
   * run on the same rows (distillation); `rows` the batch's row numbers in the training data when
   * the caller gave them (trainClassifier does), e.g. to gather a teacher's cached outputs.
   */
  extraLoss?: (
    activations: Activations,
    labels: tf.Tensor1D,
    labelIds: Int32Array | undefined,
    input: tf.Tensor,
    rows: Int32Array | undefined,
  ) => tf.Scalar;
  /** Variables the extra term owns and trains with the model (e.g. a distillation regressor);
   * the model's own trainable variables are always trained. */
  extraVariables?: readonly tf.Variable[];
  /** Rescale the extra term's gradient to at most the task gradient's norm (global L2 over all
   * weights), so the regulariser steers without swamping the task (default true). Measuring the two
   * norms costs a second forward/backward pass. */
  capExtraGradient?: boolean;
  /** Measure the cap's scale every this many steps (default 1: every step). In between, the last
   * scale weights the extra term in a single forward/backward pass: on a CNN, where the network's
   * passes dominate, 10 makes a regularised step ~1.8x cheaper. A stale scale cannot see a spike of
   * the extra gradient (MINE's gradient spikes now and then), so those steps also clip the combined
   * gradient to twice the last measured task-gradient norm: the most a capped step can have. */
  capEvery?: number;
  /** Return the step's activations (for an afterStep hook). Default false. */
  keepActivations?: boolean;
}

/** Device values of one step; the caller owns (and disposes) every tensor. */
export interface StepResult {
  /** Mean cross-entropy of the batch. */
  loss: tf.Scalar;
  /** Number of rows whose arg-max matches the label. */
  correct: tf.Scalar;
  /** The extra loss, when one is set. */
  extra?: tf.Scalar;
  activations?: Activations;
}

export class ClassifierTrainer {
  readonly optimizer: tf.Optimizer;
  private readonly ownsOptimizer: boolean;
  private readonly variables: tf.Variable[];
  private readonly rng: Rng;
  private readonly capEvery: number;
  /** The cap's last measured scale, the norm limit of the steps that reuse it, and steps since. */
  private capScale: tf.Scalar | null = null;
  private capLimit: tf.Scalar | null = null;
  private stepsSinceCap = 0;

  constructor(
    readonly model: Classifier,
    private readonly options: TrainerOptions = {},
  ) {
    this.capEvery = options.capEvery ?? 1;
    if (!Number.isInteger(this.capEvery) || this.capEvery < 1)
      inputError(`capEvery must be a positive integer, got ${options.capEvery}`);
    this.optimizer = options.optimizer ?? new FusedAdam(options.learningRate ?? 1e-3);
    this.ownsOptimizer = !options.optimizer;
    this.variables = [...model.trainableVariables, ...(options.extraVariables ?? [])];
    if (options.extraVariables?.length && !options.extraLoss)
      inputError('extraVariables are trained by an extraLoss: give one');
    this.rng = new Rng(options.seed ?? 0);
  }

  /** One optimizer step on a batch: inputs [batch, ...] and class ids [batch] (int32), optionally
   * also on the JS side and the batch's row numbers, for extraLoss. */
  step(x: tf.Tensor, labels: tf.Tensor1D, labelIds?: Int32Array, rows?: Int32Array): StepResult {
    const { model, options } = this;
    const seed = this.rng.nextSeed();
    const out: Partial<StepResult> = {};
    const forward = (record: boolean) => {
      const activations = model.forward(x, { training: true, seed });
      if (record) {
        const hits = tf.equal(tf.argMax(activations.logits, -1), labels);
        out.correct = tf.keep(tf.sum(tf.cast(hits, 'float32')) as tf.Scalar);
        if (options.keepActivations) {
          out.activations = Object.fromEntries(
            Object.entries(activations).map(([k, v]) => [k, tf.keep(v)]),
          );
        }
      }
      return activations;
    };
    const taskLoss = (a: Activations) =>
      tf.losses.softmaxCrossEntropy(tf.oneHot(labels, model.classes), a.logits) as tf.Scalar;
    const extraLoss = options.extraLoss;

    let grads: tf.NamedTensorMap;
    if (!extraLoss) {
      const task = tf.variableGrads(() => taskLoss(forward(true)), this.variables);
      out.loss = task.value;
      grads = task.grads;
    } else if (
      options.capExtraGradient === false ||
      (this.capScale && this.stepsSinceCap < this.capEvery)
    ) {
      // One pass on task + scale * extra: uncapped (scale 1), or with the last measured cap.
      const scale = options.capExtraGradient === false ? null : this.capScale;
      this.stepsSinceCap++;
      const both = tf.variableGrads(() => {
        const a = forward(true);
        const task = tf.keep(taskLoss(a));
        const extra = tf.keep(extraLoss(a, labels, labelIds, x, rows));
        out.loss = task;
        out.extra = extra;
        return tf.add(task, scale ? tf.mul(scale, extra) : extra) as tf.Scalar;
      }, this.variables);
      both.value.dispose();
      grads = this.capLimit ? clipGlobalNorm(both.grads, this.capLimit) : both.grads;
    } else {
      const task = tf.variableGrads(() => taskLoss(forward(true)), this.variables);
      const extra = tf.variableGrads(
        () => extraLoss(forward(false), labels, labelIds, x, rows),
        this.variables,
      );
      out.loss = task.value;
      out.extra = extra.value;
      const combined = combineCapped(task.grads, extra.grads);
      grads = combined.grads;
      tf.dispose([this.capScale ?? [], this.capLimit ?? []]);
      this.capScale = combined.scale;
      this.capLimit = combined.limit;
      this.stepsSinceCap = 1;
    }
    this.optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
    return out as StepResult;
  }

  dispose(): void {
    if (this.ownsOptimizer) this.optimizer.dispose();
    tf.dispose([this.capScale ?? [], this.capLimit ?? []]);
    this.capScale = null;
    this.capLimit = null;
  }
}

const globalNorm = (g: tf.NamedTensorMap) =>
  tf.sqrt(tf.addN(Object.values(g).map((t) => tf.sum(tf.square(t))))) as tf.Scalar;

/** task + min(1, |task| / |extra|) * extra, norms over all weights together; that scale, and
 * 2 |task| (the bound on the combined norm). Disposes its inputs. */
function combineCapped(
  task: tf.NamedTensorMap,
  extra: tf.NamedTensorMap,
): { grads: tf.NamedTensorMap; scale: tf.Scalar; limit: tf.Scalar } {
  const combined = tf.tidy(() => {
    const taskNorm = globalNorm(task);
    const scale: tf.Tensor =
      Object.keys(extra).length === 0
        ? tf.scalar(0)
        : tf.minimum(1, tf.div(taskNorm, tf.add(globalNorm(extra), 1e-12)));
    const out: tf.NamedTensorMap = {};
    for (const name of new Set([...Object.keys(task), ...Object.keys(extra)])) {
      const t = task[name];
      const e = extra[name];
      out[name] = t && e ? tf.add(t, tf.mul(scale, e)) : t ? tf.clone(t) : tf.mul(scale, e);
    }
    return { grads: out, scale: scale as tf.Scalar, limit: tf.mul(2, taskNorm) as tf.Scalar };
  });
  tf.dispose([...Object.values(task), ...Object.values(extra)]);
  return combined;
}

/** grads * min(1, limit / |grads|), the norm over all weights together. Disposes its input. */
function clipGlobalNorm(grads: tf.NamedTensorMap, limit: tf.Scalar): tf.NamedTensorMap {
  const clipped = tf.tidy(() => {
    const factor = tf.minimum(1, tf.div(limit, tf.add(globalNorm(grads), 1e-12)));
    return Object.fromEntries(
      Object.entries(grads).map(([name, g]) => [name, tf.mul(g, factor)]),
    ) as tf.NamedTensorMap;
  });
  tf.dispose(Object.values(grads));
  return clipped;
}
