// The training loop shared by every neural estimator: Adam on a scalar to maximise, evaluation on
// held-out data every few steps, early stopping on a plateau of the held-out estimate, a training
// curve for plotting, and guards against divergence. Values are read back from the device only at
// evaluation steps (a read-back per step would stall the pipeline), asynchronously and in one read
// (the training sum with the held-out estimate), which is also what a GPU backend needs.
import * as tf from '@tensorflow/tfjs';
import { readScalars } from '../../backend/read';
import { NeuralTrainingError, inputError } from '../../errors';

export { NeuralTrainingError };

/** When a finite value still means training diverged. Both are in the units of the objective. */
export interface DivergenceLimits {
  /** A training-window mean or held-out value beyond +-magnitude has exploded. */
  magnitude: number;
  /** A held-out value this far below the best so far (the untrained model included) has collapsed:
   * the trained model is far worse than the one it started from, which overfitting alone does not
   * do within an early-stopping window. */
  drop: number;
}

/** Divergence limits of a variational MI bound, nats. No held-out sample of a realistic size can
 * certify e^100 (McAllester & Stratos 2020: at most ~log n), so beyond 100 nats the critic has
 * exploded; a held-out bound 5 nats below the best seen means the critic's density ratios are off
 * by a factor e^5, which only a diverging critic does. */
export const MI_BOUND_LIMITS: DivergenceLimits = { magnitude: 100, drop: 5 };

/** Divergence limits of a mean log-likelihood of `dims` standardised columns, nats: per column,
 * an untrained Gaussian q scores about -1.4 and the best q at most a few nats. */
export function likelihoodLimits(dims: number): DivergenceLimits {
  return { magnitude: 100 * dims, drop: 5 * dims };
}

/** Each recovery divides the learning rate by this: a rate large enough to diverge is usually many
 * times too large, and halving needed more restarts than the budget allows (measured on a 2+2-dim
 * Gaussian, 1000 rows: NWJ, JS and TUBA at learningRate 1 still diverged at 0.125). */
export const RECOVERY_FACTOR = 4;

export interface ProgressInfo {
  step: number;
  total: number;
  metrics: Record<string, number>;
}
export type ProgressCallback = (p: ProgressInfo) => void;

export interface TrainOptions {
  /** Step budget. The estimators default to 3000. */
  maxSteps?: number;
  /** Never stop on a plateau before this many steps. Default min(300, maxSteps). */
  minSteps?: number;
  /** Steps between evaluations (and read-backs). Default 50. */
  evalEvery?: number;
  /** Evaluations without an improvement of at least minDelta before stopping. Default 8. */
  patience?: number;
  /** Held-out evaluations averaged (moving window) when choosing the best point and deciding that
   * training has plateaued: one noisy evaluation neither ends training nor becomes the estimate.
   * Default 3; 1 uses raw evaluations. */
  smoothing?: number;
  /** Improvement (nats) that resets the patience counter. Default 0.01. */
  minDelta?: number;
  /** Stop on a plateau (true) or always run maxSteps (false). Default true. */
  earlyStopping?: boolean;
  /** Adam learning rate. Default 5e-4 (Poole et al.; 1e-3 overfits a few thousand samples
   * sooner). */
  learningRate?: number;
  /** Clip the global gradient norm to this value. Default: no clipping. */
  clipGradNorm?: number;
  /** Restarts from the best weights (the untrained ones if nothing better was seen) with the
   * learning rate divided by RECOVERY_FACTOR before giving up. Default 3. */
  maxRecoveries?: number;
  onProgress?: ProgressCallback;
}

export interface CurvePoint {
  step: number;
  /** Mean of the training-batch estimates since the previous evaluation. */
  train: number;
  /** Held-out estimate at this step (equal to train when the task has no held-out data). */
  heldOut: number;
}

export interface TrainReport {
  /** Best moving average (over `smoothing` evaluations) of the held-out estimate, or the untrained
   * critic's held-out value if that is higher (bestStep 0). The variables end with the weights of
   * the last evaluation in that window. */
  best: number;
  bestStep: number;
  steps: number;
  curve: CurvePoint[];
  stopReason: 'plateau' | 'maxSteps';
  /** Divergences recovered from by restoring weights and lowering the learning rate. */
  recoveries: number;
  /** What each recovery recovered from, e.g. 'held-out value exploded to -3.5e+8 at step 50'. */
  divergences: string[];
  /** The untrained model's held-out value (NaN without held-out data). */
  initial: number;
  learningRate: number;
  seconds: number;
}

/** The fit fields every neural estimate reports beside its value: sample split, steps, stopping. */
export function fitSummary(
  report: TrainReport,
  split: { train: ArrayLike<number>; heldOut: ArrayLike<number> },
) {
  return {
    trainN: split.train.length,
    heldOutN: split.heldOut.length,
    steps: report.steps,
    bestStep: report.bestStep,
    stopReason: report.stopReason,
    seconds: report.seconds,
  };
}

export interface TrainTask {
  /** What the optimiser moves. */
  readonly variables: tf.Variable[];
  /** The scalar to maximise on step `step`'s training batch; its value is that batch's estimate. */
  objective(step: number): tf.Scalar;
  /** The held-out estimate with the current weights; omit to select on the training curve. Return
   * the scalar tensor: trainToPlateau reads it back asynchronously (works on every backend) and
   * disposes it. */
  evaluate?(): tf.Scalar;
  /** Called after weights are restored following a divergence (reset running statistics). */
  onRestore?(): void;
  /** Finite values that still count as a divergence; without it only NaN and Infinity do. */
  limits?: DivergenceLimits;
  /** Appended to the advice of a divergence error (after 'try a smaller learningRate or
   * clipGradNorm'), e.g. ', or a bounded estimator (smile, infonce)'. */
  advice?: string;
}

/** Why an evaluation counts as a divergence, or null. */
function divergence(
  train: number,
  heldOut: number,
  best: number,
  limits: DivergenceLimits | undefined,
): string | null {
  const g = (v: number) => v.toPrecision(3);
  if (!Number.isFinite(train) || !Number.isFinite(heldOut)) {
    return `non-finite value (training ${train}, held-out ${heldOut})`;
  }
  if (!limits) return null;
  if (Math.abs(train) > limits.magnitude) return `training objective exploded to ${g(train)}`;
  if (Math.abs(heldOut) > limits.magnitude) return `held-out value exploded to ${g(heldOut)}`;
  if (heldOut < best - limits.drop) {
    return `held-out value collapsed to ${g(heldOut)} (best ${g(best)})`;
  }
  return null;
}

/** The warnings every fit carries: recoveries, and a best still equal to the untrained value. */
export function trainingWarnings(
  report: TrainReport,
  untrained = 'the untrained critic',
  quantity = 'held-out',
): string[] {
  const out: string[] = [];
  if (report.recoveries > 0) {
    out.push(
      `training diverged ${report.recoveries} time(s) (${report.divergences[0]}) and was ` +
        'restarted from the best weights with the learning rate lowered to ' +
        report.learningRate.toPrecision(2),
    );
  }
  // Every evaluation may have diverged (no curve at all): the estimate is the untrained one then.
  if (report.bestStep === 0 && report.steps > 0) {
    out.push(
      `training never improved on ${untrained} (${quantity} ${report.initial.toPrecision(3)}), ` +
        'so the estimate rests on it: there was nothing to learn (no dependence), or the fit ' +
        'failed (try more maxSteps or another learningRate)',
    );
  }
  return out;
}

/** The warning of a lower bound below 0. MI is never negative, so the number says "no dependence
 * detected"; the raw value is returned, not 0, because clamping would bias means, bootstrap
 * intervals and permutation nulls upwards. */
export function negativeLowerBound(mi: number): string {
  return `the lower bound ${mi.toPrecision(3)} is below 0: no dependence detected (raw value kept)`;
}

export interface ResolvedTrainOptions {
  maxSteps: number;
  minSteps: number;
  evalEvery: number;
  patience: number;
  smoothing: number;
  minDelta: number;
  earlyStopping: boolean;
  learningRate: number;
  clipGradNorm: number | undefined;
  maxRecoveries: number;
}

export function resolveTrainOptions(
  o: TrainOptions,
  defaults: Partial<ResolvedTrainOptions> = {},
): ResolvedTrainOptions {
  const maxSteps = o.maxSteps ?? defaults.maxSteps ?? 3000;
  const r: ResolvedTrainOptions = {
    maxSteps,
    minSteps: Math.min(o.minSteps ?? defaults.minSteps ?? 300, maxSteps),
    evalEvery: Math.min(o.evalEvery ?? defaults.evalEvery ?? 50, maxSteps),
    patience: o.patience ?? defaults.patience ?? 8,
    smoothing: o.smoothing ?? defaults.smoothing ?? 3,
    minDelta: o.minDelta ?? defaults.minDelta ?? 0.01,
    earlyStopping: o.earlyStopping ?? defaults.earlyStopping ?? true,
    learningRate: o.learningRate ?? defaults.learningRate ?? 5e-4,
    clipGradNorm: o.clipGradNorm ?? defaults.clipGradNorm,
    maxRecoveries: o.maxRecoveries ?? defaults.maxRecoveries ?? 3,
  };
  const positiveInt = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 1) inputError(`${name} must be a positive integer, got ${v}`);
  };
  positiveInt(r.maxSteps, 'maxSteps');
  positiveInt(r.evalEvery, 'evalEvery');
  positiveInt(r.patience, 'patience');
  positiveInt(r.smoothing, 'smoothing');
  if (!Number.isInteger(r.minSteps) || r.minSteps < 0)
    inputError(`minSteps must be an integer >= 0, got ${r.minSteps}`);
  if (!(r.minDelta >= 0)) inputError(`minDelta must be >= 0, got ${r.minDelta}`);
  if (!(r.learningRate > 0 && Number.isFinite(r.learningRate)))
    inputError(`learningRate must be positive, got ${r.learningRate}`);
  if (r.clipGradNorm !== undefined && !(r.clipGradNorm > 0))
    inputError(`clipGradNorm must be positive, got ${r.clipGradNorm}`);
  if (!Number.isInteger(r.maxRecoveries) || r.maxRecoveries < 0)
    inputError(`maxRecoveries must be an integer >= 0, got ${r.maxRecoveries}`);
  return r;
}

/** Scale gradients so that their global L2 norm is at most maxNorm. */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): tf.Tensor[] {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-12)));
    return grads.map((g) => tf.mul(g, scale));
  });
}

/** One Adam step maximising `objective`; returns the objective's value (caller disposes). Gradients
 * are taken with respect to an explicit variable list so non-trainable variables can be trained. */
export function ascendStep(
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  objective: () => tf.Scalar,
  clipGradNorm?: number,
): tf.Scalar {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(() => tf.neg(objective()) as tf.Scalar)(variables);
    const applied = clipGradNorm === undefined ? grads : clipByGlobalNorm(grads, clipGradNorm);
    const named: tf.NamedTensorMap = {};
    variables.forEach((v, i) => (named[v.name] = applied[i]));
    optimizer.applyGradients(named);
    return tf.neg(value) as tf.Scalar;
  });
}

class Snapshot {
  private readonly copies: tf.Tensor[];
  constructor(variables: tf.Variable[]) {
    this.copies = variables.map((v) => tf.clone(v));
  }
  restore(variables: tf.Variable[]): void {
    variables.forEach((v, i) => v.assign(this.copies[i]));
  }
  dispose(): void {
    for (const c of this.copies) c.dispose();
  }
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Train `task` until the held-out estimate stops improving (or the step budget runs out). */
export async function trainToPlateau(
  task: TrainTask,
  options: TrainOptions = {},
  label = 'neural estimator',
): Promise<TrainReport> {
  const o = resolveTrainOptions(options);
  const started = Date.now();
  const variables = task.variables;
  let learningRate = o.learningRate;
  let optimizer = tf.train.adam(learningRate);
  let best = -Infinity;
  let bestStep = 0;
  let bestWeights = new Snapshot(variables);
  let evalsSinceImprovement = 0;
  const divergences: string[] = [];
  let initial = NaN;
  let stopReason: TrainReport['stopReason'] = 'maxSteps';
  const curve: CurvePoint[] = [];
  const recent: number[] = [];
  let trainSum: tf.Scalar = tf.scalar(0);
  let windowSteps = 0;
  let step = 0;

  try {
    // The untrained critic is a candidate too: critics start at T = 0, which most bounds score as
    // 0, so an estimate never falls below what "no information learned" gives on held-out data.
    if (task.evaluate) {
      const evaluation = task.evaluate();
      [initial] = await readScalars([evaluation]).finally(() => tf.dispose(evaluation));
      if (Number.isFinite(initial)) best = initial;
    }
    while (step < o.maxSteps) {
      const value = ascendStep(optimizer, variables, () => task.objective(step), o.clipGradNorm);
      const nextSum = tf.add(trainSum, value) as tf.Scalar;
      trainSum.dispose();
      value.dispose();
      trainSum = nextSum;
      windowSteps++;
      step++;
      if (step % o.evalEvery !== 0 && step !== o.maxSteps) continue;

      const evaluation = task.evaluate?.();
      const read = await readScalars(
        evaluation === undefined ? [trainSum] : [trainSum, evaluation],
      ).finally(() => tf.dispose(evaluation));
      const train = read[0] / windowSteps;
      trainSum.dispose();
      trainSum = tf.scalar(0);
      windowSteps = 0;
      const heldOut = evaluation === undefined ? train : read[1];

      const diverged = divergence(train, heldOut, best, task.limits);
      if (diverged !== null) {
        divergences.push(`${diverged} at step ${step}`);
        if (divergences.length > o.maxRecoveries) {
          throw new NeuralTrainingError(
            `${label}: training diverged (${diverged} at step ${step}) and did not recover after ` +
              `${o.maxRecoveries} restarts with the learning rate divided by ${RECOVERY_FACTOR} ` +
              `each time (last ${learningRate.toExponential(2)}); try a smaller learningRate or ` +
              `clipGradNorm${task.advice ?? ''}`,
          );
        }
        bestWeights.restore(variables);
        recent.length = 0;
        task.onRestore?.();
        learningRate /= RECOVERY_FACTOR;
        optimizer.dispose();
        optimizer = tf.train.adam(learningRate);
        evalsSinceImprovement = 0;
        continue;
      }

      curve.push({ step, train, heldOut });
      recent.push(heldOut);
      if (recent.length > o.smoothing) recent.shift();
      const smoothed = recent.reduce((a, v) => a + v, 0) / recent.length;
      if (recent.length === o.smoothing || o.maxSteps - step < o.evalEvery) {
        if (smoothed > best + o.minDelta || best === -Infinity) {
          evalsSinceImprovement = 0;
        } else {
          evalsSinceImprovement++;
        }
        if (smoothed > best) {
          best = smoothed;
          bestStep = step;
          bestWeights.dispose();
          bestWeights = new Snapshot(variables);
        }
      }
      options.onProgress?.({
        step,
        total: o.maxSteps,
        metrics: task.evaluate ? { train, heldOut, best } : { train },
      });
      if (o.earlyStopping && step >= o.minSteps && evalsSinceImprovement >= o.patience) {
        stopReason = 'plateau';
        break;
      }
      await nextTick();
    }
    if (!Number.isFinite(best)) {
      throw new NeuralTrainingError(`${label}: no finite estimate was produced in ${step} steps`);
    }
    bestWeights.restore(variables);
  } finally {
    trainSum.dispose();
    bestWeights.dispose();
    optimizer.dispose();
    const done = (options.onProgress as { done?: () => void } | undefined)?.done;
    if (typeof done === 'function') done();
  }
  const seconds = (Date.now() - started) / 1000;
  const recoveries = divergences.length; // each divergence below the limit was recovered from
  const fit = { best, bestStep, steps: step, curve, stopReason, recoveries, divergences, initial };
  return { ...fit, learningRate, seconds };
}
