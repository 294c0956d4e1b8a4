// Minibatch training of a Classifier with softmax cross-entropy. Per step: one gather of the batch,
// one forward/backward, one optimizer update; the loss and accuracy stay on the device in running
// sums that are read back only for progress reports (at most 4 per second) and at the end of each
// epoch, so a step never waits on a read. Every read is asynchronous (a GPU backend has no other
// kind); the class ids are read once, so hooks get each batch's labels on the JS side too.
// Shuffling is drawn from a seeded Rng, dropout masks from per-step seeds: the same seed gives the
// same run.
import * as tf from '@tensorflow/tfjs';
import { readScalars, takeScalar } from '../backend/read';
import { NeuralTrainingError, inputError } from '../errors';
import { Rng } from '../random/rng';
import type { Activations, Classifier } from './classifier';
import { ClassifierTrainer, StepResult, TrainerOptions } from './trainer';

/**
 * Inputs [N, ...inputShape] (or flattened rows) and labels: class ids [N] or one-hot [N, classes].
 */
export interface ClassifierData {
  x: tf.Tensor;
  y: tf.Tensor;
}

export interface StepBatch {
  /** Every named activation of this step's forward pass (disposed after the callback returns). */
  activations: Activations;
  /** Class ids [batch] (int32). */
  labels: tf.Tensor1D;
  /** The same class ids on the JS side (no read-back needed). */
  labelIds: Int32Array;
  step: number;
}

export interface EpochSummary {
  epoch: number;
  /** Mean cross-entropy over the epoch's batches (nats). */
  loss: number;
  /** Mean extraLoss over the epoch, when one is given. */
  extraLoss?: number;
  /** Accuracy on the training batches as they were seen (model changing during the epoch). */
  trainAccuracy: number;
  validationAccuracy?: number;
  steps: number;
  seconds: number;
}

export interface TrainHistory {
  epochs: EpochSummary[];
  /** With `restoreBest`: the epoch whose weights the model holds at the end. */
  bestEpoch?: number;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
}

export interface TrainClassifierOptions extends Omit<TrainerOptions, 'keepActivations'> {
  epochs: number;
  batchSize: number;
  /** Seed of the shuffles and dropout masks (default 0). */
  seed?: number;
  /** Stop each epoch after this many steps (quick/smoke profiles); default: the whole epoch. */
  maxStepsPerEpoch?: number;
  /** Called after each optimizer step (e.g. to train a regulariser's critics on this batch). */
  afterStep?: (batch: StepBatch) => void | Promise<void>;
  /** Evaluated at the end of every epoch. */
  validation?: ClassifierData;
  /**
   * End with the weights of the epoch with the best validation accuracy (the earliest of equals),
   * as Keras' restore_best_weights: every method then reports the model one rule picked, without
   * looking at the test set. Needs `validation`.
   */
  restoreBest?: boolean;
  onProgress?: (p: { step: number; total: number; metrics: Record<string, number> }) => void;
  onEpochEnd?: (summary: EpochSummary) => void | Promise<void>;
}

const REPORT_INTERVAL_MS = 250;

export async function trainClassifier(
  model: Classifier,
  data: ClassifierData,
  options: TrainClassifierOptions,
): Promise<TrainHistory> {
  const n = checkShapes(model, data, 'data');
  if (options.validation) checkShapes(model, options.validation, 'validation');
  if (options.restoreBest && !options.validation)
    inputError('restoreBest needs validation data to pick the best epoch');
  const { epochs, batchSize } = options;
  if (!Number.isInteger(epochs) || epochs < 1)
    inputError(`epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    inputError(`batchSize must be a positive integer, got ${batchSize}`);
  if (batchSize > n) inputError(`batchSize ${batchSize} is larger than the ${n} training rows`);
  const stepsPerEpoch = Math.min(Math.floor(n / batchSize), options.maxStepsPerEpoch ?? Infinity);
  if (!(stepsPerEpoch >= 1))
    inputError(`maxStepsPerEpoch must be >= 1, got ${options.maxStepsPerEpoch}`);

  const ids = await classIds(model, data.y, 'data');
  if (options.validation) await classIds(model, options.validation.y, 'validation');
  const rng = new Rng(options.seed ?? 0);
  const trainer = new ClassifierTrainer(model, {
    ...options,
    seed: rng.nextSeed(),
    keepActivations: Boolean(options.afterStep),
  });
  const labels = tf.tensor1d(ids, 'int32');
  const total = epochs * stepsPerEpoch;
  const history: EpochSummary[] = [];
  const started = performance.now();
  let step = 0;
  let lastReport = 0;
  let metrics: Record<string, number> = {};
  let best: { epoch: number; accuracy: number; weights: tf.Tensor[] } | null = null;

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = performance.now();
      const order = rng.permutation(n);
      const sums = new RunningSums(batchSize);
      let means: Awaited<ReturnType<RunningSums['read']>>;
      try {
        for (let s = 0; s < stepsPerEpoch; s++) {
          const rows = order.subarray(s * batchSize, (s + 1) * batchSize);
          const labelIds = Int32Array.from(rows, (i) => ids[i]);
          const index = tf.tensor1d(rows, 'int32');
          const xb = tf.gather(data.x, index);
          const yb = tf.gather(labels, index) as tf.Tensor1D;
          index.dispose();
          try {
            const result = trainer.step(xb, yb, labelIds, rows);
            sums.add(result);
            step++;
            if (options.afterStep) {
              try {
                await options.afterStep({
                  activations: result.activations!,
                  labels: yb,
                  labelIds,
                  step,
                });
              } finally {
                tf.dispose(result.activations!);
              }
            }
          } finally {
            tf.dispose([xb, yb]);
          }
          const now = performance.now();
          if (now - lastReport >= REPORT_INTERVAL_MS || s === stepsPerEpoch - 1) {
            lastReport = now;
            metrics = { epoch, ...(await sums.read()) };
            options.onProgress?.({ step, total, metrics });
            await yieldToEventLoop(); // lets a notebook flush the progress display
          } else {
            options.onProgress?.({ step, total, metrics });
          }
        }
        means = await sums.read();
      } finally {
        sums.dispose(); // also when a step or callback threw
      }
      checkConverging('trainClassifier', epoch, {
        loss: means.loss,
        'extra loss': means.extraLoss,
      });
      const summary: EpochSummary = {
        epoch,
        loss: means.loss,
        trainAccuracy: means.accuracy,
        steps: stepsPerEpoch,
        seconds: (performance.now() - epochStart) / 1000,
      };
      if (means.extraLoss !== undefined) summary.extraLoss = means.extraLoss;
      if (options.validation) {
        // checked before training
        const correct = correctCount(model, options.validation, Math.max(batchSize, 256));
        summary.validationAccuracy = (await takeScalar(correct)) / options.validation.x.shape[0];
        if (options.restoreBest && (!best || summary.validationAccuracy > best.accuracy)) {
          if (best) tf.dispose(best.weights);
          best = { epoch, accuracy: summary.validationAccuracy, weights: snapshotWeights(model) };
        }
      }
      history.push(summary);
      await options.onEpochEnd?.(summary);
    }
    if (best) model.model.setWeights(best.weights);
  } finally {
    labels.dispose();
    trainer.dispose();
    if (best) tf.dispose(best.weights);
  }
  const seconds = (performance.now() - started) / 1000;
  const result: TrainHistory = {
    epochs: history,
    steps: step,
    seconds,
    stepsPerSecond: step / seconds,
  };
  if (best) result.bestEpoch = best.epoch;
  return result;
}

/**
 * Stops a run whose epoch means are not finite: TF.js trains on NaN without a complaint, and every
 * later number would be wrong. The means are read at each epoch's end anyway, so this costs no
 * read. `values`: name -> the epoch's mean (undefined: not tracked).
 */
export function checkConverging(
  who: string,
  epoch: number,
  values: Record<string, number | undefined>,
): void {
  const bad = Object.entries(values).filter(([, v]) => v !== undefined && !Number.isFinite(v));
  if (bad.length === 0) return;
  throw new NeuralTrainingError(
    `${who}: training diverged at epoch ${epoch} (mean ${bad.map(([k, v]) => `${k} ${v}`).join(', ')}); ` +
      'lower the learning rate, or check the inputs and any extra loss',
  );
}

/** Copies of a model's weights (the caller disposes them; model.model.setWeights restores). */
export function snapshotWeights(model: Classifier): tf.Tensor[] {
  return model.model.getWeights().map((w) => tf.clone(w));
}

/** Device-side sums of loss, correct predictions and extra loss over an epoch. */
class RunningSums {
  private loss: tf.Scalar = tf.scalar(0);
  private correct: tf.Scalar = tf.scalar(0);
  private extra: tf.Scalar | null = null;
  private steps = 0;

  constructor(private readonly batchSize: number) {}

  add(r: StepResult): void {
    this.steps++;
    this.loss = this.swap(this.loss, tf.add(this.loss, r.loss));
    this.correct = this.swap(this.correct, tf.add(this.correct, r.correct));
    if (r.extra)
      this.extra = this.extra
        ? this.swap(this.extra, tf.add(this.extra, r.extra))
        : tf.clone(r.extra);
    tf.dispose([r.loss, r.correct, r.extra ?? []].flat());
  }

  /** The means so far, in one read-back. */
  async read(): Promise<{ loss: number; accuracy: number; extraLoss?: number }> {
    if (this.steps === 0) return { loss: NaN, accuracy: NaN };
    const [loss, correct, extra] = await readScalars(
      this.extra ? [this.loss, this.correct, this.extra] : [this.loss, this.correct],
    );
    const out: { loss: number; accuracy: number; extraLoss?: number } = {
      loss: loss / this.steps,
      accuracy: correct / (this.steps * this.batchSize),
    };
    if (this.extra) out.extraLoss = extra / this.steps;
    return out;
  }

  dispose(): void {
    tf.dispose([this.loss, this.correct, this.extra ?? []].flat());
  }

  private swap(old: tf.Scalar, next: tf.Tensor): tf.Scalar {
    old.dispose();
    return next as tf.Scalar;
  }
}

/** Fraction of rows whose arg-max class matches the label (inference mode, one read-back). */
export async function evaluateAccuracy(
  model: Classifier,
  data: ClassifierData,
  options: { batchSize?: number } = {},
): Promise<number> {
  const n = checkShapes(model, data, 'data');
  await classIds(model, data.y, 'data');
  return (await takeScalar(correctCount(model, data, options.batchSize ?? 256))) / n;
}

/**
 * Accuracy and mean cross-entropy (nats) over all rows (inference mode, one read-back): what a
 * paper reporting "accuracy and loss" on a test set reports.
 */
export async function evaluateClassifier(
  model: Classifier,
  data: ClassifierData,
  options: { batchSize?: number } = {},
): Promise<{ accuracy: number; loss: number }> {
  const n = checkShapes(model, data, 'data');
  await classIds(model, data.y, 'data');
  const batchSize = options.batchSize ?? 256;
  let sums: tf.Tensor1D = tf.zeros([2]);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const next = tf.tidy(() => {
      const logits = model.forward(tf.slice(data.x, start, size)).logits;
      const ids = deviceClassIds(tf.slice(data.y, start, size));
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), ids), 'float32'));
      const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(ids, model.classes)));
      return tf.add(sums, tf.stack([correct, tf.neg(picked)])) as tf.Tensor1D;
    });
    sums.dispose();
    sums = next;
  }
  const [correct, loss] = await sums.data();
  sums.dispose();
  return { accuracy: correct / n, loss: loss / n };
}

/** Device-side count of rows whose arg-max class matches the label (caller disposes). */
function correctCount(model: Classifier, data: ClassifierData, batchSize: number): tf.Scalar {
  const n = data.x.shape[0];
  let correct: tf.Scalar = tf.scalar(0);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const next = tf.tidy(() => {
      const logits = model.forward(tf.slice(data.x, start, size)).logits;
      const ids = deviceClassIds(tf.slice(data.y, start, size));
      return tf.add(
        correct,
        tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), ids), 'float32')),
      ) as tf.Scalar;
    });
    correct.dispose();
    correct = next;
  }
  return correct;
}

/** Named activations of all rows of x (inference mode), computed in batches and concatenated.
 * The caller owns the returned tensors. */
export function collectActivations(
  model: Classifier,
  x: tf.Tensor,
  names: readonly string[],
  options: { batchSize?: number } = {},
): Activations {
  for (const name of names) {
    if (!model.activationNames.includes(name)) {
      inputError(
        `${model.name} has no activation '${name}'; it has ${model.activationNames.join(', ')}`,
      );
    }
  }
  const batchSize = options.batchSize ?? 256;
  const parts: Record<string, tf.Tensor[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let start = 0; start < x.shape[0]; start += batchSize) {
    const size = Math.min(batchSize, x.shape[0] - start);
    const picked = tf.tidy(() => {
      const a = model.forward(tf.slice(x, start, size));
      return names.map((k) => a[k]);
    });
    names.forEach((k, i) => parts[k].push(picked[i]));
  }
  const out: Activations = {};
  for (const k of names) {
    out[k] = parts[k].length === 1 ? parts[k][0] : tf.concat(parts[k]);
    if (parts[k].length > 1) tf.dispose(parts[k]);
  }
  return out;
}

/** Labels as int32 class ids [N] on the device: one-hot rows are arg-maxed. */
function deviceClassIds(y: tf.Tensor): tf.Tensor1D {
  if (y.rank === 2) return tf.argMax(y, -1) as tf.Tensor1D;
  return (y.dtype === 'int32' ? y : tf.cast(y, 'int32')) as tf.Tensor1D;
}

/** Labels as class ids on the JS side (one asynchronous read), checked like checkClassIds. */
async function classIds(model: Classifier, y: tf.Tensor, label: string): Promise<Int32Array> {
  if (y.rank === 2) {
    const argMax = tf.argMax(y, -1);
    try {
      return Int32Array.from(await argMax.data());
    } finally {
      argMax.dispose();
    }
  }
  const values = await y.data();
  checkClassIds(model, values, label);
  return Int32Array.from(values);
}

/**
 * Class ids (rank-1 labels; null for one-hot rows, which need no check) must be integers in [0,
 * classes).
 */
function checkClassIds(model: Classifier, values: ArrayLike<number> | null, label: string): void {
  if (values === null) return;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  if (!(min >= 0 && max < model.classes && Number.isInteger(min) && Number.isInteger(max))) {
    inputError(
      `${label}.y class ids must be integers in [0, ${model.classes}), found range [${min}, ${max}]`,
    );
  }
}

/** Row counts and shapes of x and y agree with each other and with the model; returns N. */
function checkShapes(model: Classifier, data: ClassifierData, label: string): number {
  const n = data.x.shape[0];
  if (!(n >= 1)) inputError(`${label}.x has no rows`);
  if (data.y.shape[0] !== n)
    inputError(`${label}.x has ${n} rows but ${label}.y has ${data.y.shape[0]}`);
  if (data.y.rank > 2 || (data.y.rank === 2 && data.y.shape[1] !== model.classes)) {
    inputError(
      `${label}.y must be class ids [N] or one-hot [N, ${model.classes}], got [${data.y.shape}]`,
    );
  }
  const rowSize = data.x.shape.slice(1).reduce((a, b) => a * b, 1);
  const expected = model.inputShape.reduce((a, b) => a * b, 1);
  if (rowSize !== expected)
    inputError(
      `${label}.x rows have shape [${data.x.shape.slice(1)}], ${model.name} expects [${model.inputShape}]`,
    );
  return n;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
