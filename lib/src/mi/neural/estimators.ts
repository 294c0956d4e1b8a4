// One-call neural MI estimates: standardise, split off held-out samples, train a critic on a bound
// until the held-out estimate plateaus, report the best held-out estimate and the training curve.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { Rng } from '../../random/rng';
import {
  Matrix,
  SampleInput,
  checkPaired,
  matrixToTensor,
  standardize,
  toMatrixAsync,
} from '../matrix';
import { CriticScores, concatScores } from './bounds';
import {
  Critic,
  CriticChoice,
  CriticKind,
  NEGATIVE_KINDS,
  createCritic,
  criticScores,
  derangement,
} from './critics';
import {
  BoundOptions,
  LowerBoundName,
  LowerBoundObjective,
  checkBoundName,
  checkBoundOptions,
} from './objectives';
import { EpochBatcher, Float32Rows, evaluationBlocks, splitTrainHeldOut } from './batches';
import {
  CurvePoint,
  MI_BOUND_LIMITS,
  TrainOptions,
  TrainReport,
  TrainTask,
  fitSummary,
  negativeLowerBound,
  trainingWarnings,
  trainToPlateau,
} from './train';

/** Fewest rows the held-out split (and the training split) of a neural estimate may have: the
 * estimate IS the held-out value, and below ~20 rows its sampling error alone is of the order of
 * the MI being measured, while log 20 = 3 nats is already all that such a sample can certify. */
export const MIN_HELD_OUT_ROWS = 20;
/** Fewest rows a neural estimator accepts: MIN_HELD_OUT_ROWS held out at the default 0.2. */
export const NEURAL_MIN_ROWS = 100;

export interface NeuralMiOptions extends TrainOptions, BoundOptions, CriticChoice {
  /** Fixes the split, the initial weights, every batch and every shuffle. Default 0. */
  seed?: number;
  /** Default 128 (or the training set, if smaller). */
  batchSize?: number;
  /** Fraction of samples held out for evaluation and early stopping. Default 0.2. */
  heldOut?: number;
  /** Standardise each column of x and y first. Default true. */
  standardize?: boolean;
}

export interface NeuralMiResult {
  estimator: LowerBoundName;
  /** The best held-out estimate (moving average of `smoothing` evaluations, see TrainOptions),
   * nats. */
  mi: number;
  n: number;
  trainN: number;
  heldOutN: number;
  batchSize: number;
  /** Candidates per row minus one: the estimate of InfoNCE cannot exceed log(negatives + 1). */
  negativesPerRow: number;
  curve: CurvePoint[];
  steps: number;
  bestStep: number;
  stopReason: 'plateau' | 'maxSteps';
  recoveries: number;
  seconds: number;
  /** Set when the number is dubious: negative, above what the held-out sample can certify, InfoNCE
   * at its ceiling, never better than the untrained critic, or reached only after a divergence. */
  warning?: string;
}

/** Shared option checks; returns the resolved sampling settings. */
export function resolveSampling(n: number, o: NeuralMiOptions, minNegatives: number) {
  const seed = o.seed ?? 0;
  if (!Number.isFinite(seed)) inputError(`seed must be a finite number, got ${seed}`);
  const negatives = o.negatives ?? 'all';
  if (!(NEGATIVE_KINDS as readonly string[]).includes(negatives)) {
    inputError(`negatives must be one of ${NEGATIVE_KINDS.join(', ')}; got '${negatives}'`);
  }
  const shuffles = o.shuffles ?? Math.max(1, minNegatives);
  if (!Number.isInteger(shuffles) || shuffles < 1)
    inputError(`shuffles must be a positive integer, got ${shuffles}`);
  const heldOut = o.heldOut ?? 0.2;
  if (n < NEURAL_MIN_ROWS) {
    inputError(
      `neural estimators need at least ${NEURAL_MIN_ROWS} rows (${MIN_HELD_OUT_ROWS} of them ` +
        `held out to stop training and give the estimate), got ${n}: too few; use a k-NN or ` +
        'closed-form estimator',
    );
  }
  const rng = new Rng(seed);
  const split = splitTrainHeldOut(n, heldOut, rng.fork('split'));
  const fewest = Math.min(split.train.length, split.heldOut.length);
  if (fewest < MIN_HELD_OUT_ROWS) {
    inputError(
      `heldOut ${heldOut} of ${n} rows leaves ${split.train.length} training and ` +
        `${split.heldOut.length} held-out rows; each needs at least ${MIN_HELD_OUT_ROWS}`,
    );
  }
  const requested = o.batchSize ?? 128;
  if (!Number.isInteger(requested) || requested < 2)
    inputError(`batchSize must be an integer >= 2, got ${requested}`);
  const batchSize = Math.min(requested, split.train.length);
  const perRow = negatives === 'all' ? Math.min(batchSize, split.heldOut.length) - 1 : shuffles;
  if (perRow < minNegatives)
    inputError(`this bound needs at least ${minNegatives} negatives per row, got ${perRow}`);
  return { rng, split, batchSize, negatives, shuffles, negativesPerRow: perRow };
}

/** The input as a checked (and by default standardised) Matrix; a tensor is read asynchronously. */
export async function prepare(
  input: SampleInput,
  name: string,
  doStandardize: boolean,
): Promise<Matrix> {
  const m = await toMatrixAsync(input, name);
  return doStandardize ? standardize(m, name) : m;
}

/** A critic with its way of scoring a set of samples (given by index) against their negatives. */
export interface ScoringProblem {
  readonly variables: tf.Variable[];
  /** Scores of the samples `index`, with negatives drawn from `rng`; `rows` feeds the learned
   * baseline a(.) of TUBA and the interpolated bound (the variable held fixed in each row). */
  score(index: Int32Array, rng: Rng): { scores: CriticScores; rows: tf.Tensor2D };
}

/** Train `objective` on a scoring problem with held-out early stopping (the common core of every
 * neural lower-bound estimate). */
export async function fitLowerBound(
  problem: ScoringProblem,
  objective: LowerBoundObjective,
  sampling: ReturnType<typeof resolveSampling>,
  options: NeuralMiOptions,
  n: number,
): Promise<NeuralMiResult> {
  const { rng, split, batchSize } = sampling;
  const batcher = new EpochBatcher(split.train, batchSize, rng.fork('batches'));
  const negativeRng = rng.fork('negatives');
  const blocks = evaluationBlocks(split.heldOut, batchSize);
  // Each evaluation redraws the same negatives, so the held-out curve moves only with the weights.
  const evalSeed = rng.fork('evaluation').nextSeed();

  const task: TrainTask = {
    variables: [...problem.variables, ...objective.variables],
    objective: () => {
      const { scores, rows } = problem.score(batcher.next(), negativeRng);
      return objective.train(scores, rows);
    },
    evaluate: () =>
      tf.tidy(() => {
        const evalRng = new Rng(evalSeed);
        const parts = blocks.map((index) => problem.score(index, evalRng));
        const rows = tf.concat(parts.map((p) => p.rows)) as tf.Tensor2D;
        return objective.evaluate(concatScores(parts.map((p) => p.scores)), rows);
      }),
    onRestore: () => objective.resetState(),
    limits: MI_BOUND_LIMITS,
    advice: ', or a bounded estimator (smile, infonce)',
  };

  const report = await trainToPlateau(task, options, objective.name);
  const heldOutN = split.heldOut.length;
  const warning = lowerBoundWarning(report, objective.name, heldOutN, sampling.negativesPerRow);
  return {
    estimator: objective.name,
    mi: report.best,
    n,
    ...fitSummary(report, split),
    batchSize,
    negativesPerRow: sampling.negativesPerRow,
    curve: report.curve,
    recoveries: report.recoveries,
    ...(warning ? { warning } : {}),
  };
}

/** A held-out lower bound's warnings, joined, or undefined.
 * - Below 0: MI is never negative, so the number says "no dependence detected". The raw value is
 *   returned, not 0: clamping would bias means, bootstrap intervals and permutation nulls upwards.
 * - Above log(heldOutN): a distribution-free lower bound from m samples cannot certify more than
 *   about log m nats (McAllester & Stratos 2020), so such a value reflects held-out noise or an
 *   overfit critic rather than the MI.
 * - InfoNCE within 1 nat of its hard ceiling log(negatives + 1): it is saturated and its bias is
 *   already large (Poole et al. 2019), so the MI may be much higher. */
export function lowerBoundWarning(
  report: TrainReport,
  bound: string,
  heldOutN: number,
  negativesPerRow: number,
): string | undefined {
  const out = trainingWarnings(report);
  const mi = report.best;
  const g = (v: number) => v.toPrecision(3);
  if (mi < 0) out.push(negativeLowerBound(mi));
  const ceiling = Math.log(negativesPerRow + 1);
  if (bound === 'infonce' && mi > ceiling - 1) {
    out.push(
      `InfoNCE ${g(mi)} is near its ceiling log(${negativesPerRow + 1}) = ${g(ceiling)}: it is ` +
        'saturated and the MI may be much higher (use a larger batchSize or another bound)',
    );
  } else if (mi > Math.log(heldOutN)) {
    out.push(
      `${g(mi)} nats exceeds log(${heldOutN}) = ${g(Math.log(heldOutN))}, the most that ` +
        `${heldOutN} held-out rows can certify: the value is dominated by noise (use more rows)`,
    );
  }
  return out.length > 0 ? out.join('; ') : undefined;
}

/** The critic an estimate trains: the caller's own (kept, trained further: a warm start) or a new
 * one. */
export function criticFor(
  xDim: number,
  yDim: number,
  options: NeuralMiOptions,
  seed: number,
  defaultKind: CriticKind,
): { critic: Critic; owned: boolean } {
  if (options.critic !== undefined && typeof options.critic !== 'string')
    return { critic: options.critic, owned: false };
  const critic = createCritic(xDim, yDim, {
    kind: options.critic ?? defaultKind,
    hidden: options.hidden,
    embedDim: options.embedDim,
    activation: options.activation,
    seed,
  });
  return { critic, owned: true };
}

/** Estimate I(X;Y) by maximising `bound` over a neural critic. */
export async function neuralMi(
  xInput: SampleInput,
  yInput: SampleInput,
  options: NeuralMiOptions & { bound: LowerBoundName },
): Promise<NeuralMiResult> {
  const bound = checkBoundName(options.bound);
  checkBoundOptions(options); // before any tensor exists: a bad value must not leak a critic
  const x = await prepare(xInput, 'x', options.standardize ?? true);
  const y = await prepare(yInput, 'y', options.standardize ?? true);
  checkPaired(x, y);
  const sampling = resolveSampling(x.rows, options, bound === 'alpha' ? 2 : 1);
  const { rng, negatives, shuffles } = sampling;
  const { critic, owned } = criticFor(
    x.cols,
    y.cols,
    options,
    rng.fork('critic').nextSeed(),
    'separable',
  );
  const objective = new LowerBoundObjective(
    bound,
    x.cols,
    rng.fork('baseline').nextSeed(),
    options,
  );
  const xs = new Float32Rows(x, 'x');
  const ys = new Float32Rows(y, 'y');
  const problem: ScoringProblem = {
    variables: critic.variables,
    score: (index, r) => {
      const xb = xs.take(index);
      const yb = ys.take(index);
      const perms =
        negatives === 'shuffle'
          ? Array.from({ length: shuffles }, () => derangement(index.length, r))
          : undefined;
      return { scores: criticScores(critic, xb, yb, negatives, perms), rows: xb };
    },
  };
  try {
    return await fitLowerBound(problem, objective, sampling, options, x.rows);
  } finally {
    objective.dispose();
    if (owned) critic.dispose();
  }
}

/** Fresh samples for step `step` (infinite data, as in Poole et al.'s staircase). */
export type BatchSampler = (batchSize: number, step: number) => { x: Matrix; y: Matrix };

export interface StreamOptions extends Omit<
  NeuralMiOptions,
  'heldOut' | 'standardize' | 'earlyStopping'
> {
  bound: LowerBoundName;
  /** Training steps (no early stopping: the data may change over time). */
  steps: number;
  /** Steps averaged into one curve point. Default 20. */
  window?: number;
}

export interface StreamResult {
  estimator: LowerBoundName;
  /** Mean training-batch estimate per window ([step, train]; heldOut = train). */
  curve: CurvePoint[];
  steps: number;
  recoveries: number;
  seconds: number;
}

/** Train a bound on a stream of fresh batches and record its estimate over training; no held-out
 * split and no early stopping (the distribution may change, e.g. the MI staircase). */
export async function neuralMiOnStream(
  sample: BatchSampler,
  options: StreamOptions,
): Promise<StreamResult> {
  const bound = checkBoundName(options.bound);
  checkBoundOptions(options); // before any tensor exists: a bad value must not leak a critic
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 3)
    inputError(`batchSize must be an integer >= 3, got ${batchSize}`);
  if (options.negatives === 'shuffle')
    inputError("neuralMiOnStream scores all pairs; negatives must be 'all'");
  const first = sample(batchSize, 0);
  const rng = new Rng(options.seed ?? 0);
  const { critic, owned } = criticFor(
    first.x.cols,
    first.y.cols,
    options,
    rng.fork('critic').nextSeed(),
    'separable',
  );
  const objective = new LowerBoundObjective(
    bound,
    first.x.cols,
    rng.fork('baseline').nextSeed(),
    options,
  );
  const task: TrainTask = {
    variables: [...critic.variables, ...objective.variables],
    objective: (step) => {
      const { x, y } = step === 0 ? first : sample(batchSize, step);
      if (x.rows !== batchSize || y.rows !== batchSize)
        inputError(`the sampler returned ${x.rows} and ${y.rows} rows for a batch of ${batchSize}`);
      const xb = matrixToTensor(x, 'x');
      return objective.train(criticScores(critic, xb, matrixToTensor(y, 'y'), 'all'), xb);
    },
    onRestore: () => objective.resetState(),
    // The MI may change over the stream (a staircase), so only an explosion counts, not a drop.
    limits: { magnitude: MI_BOUND_LIMITS.magnitude, drop: Infinity },
  };
  try {
    const report = await trainToPlateau(
      task,
      {
        ...options,
        maxSteps: options.steps,
        evalEvery: options.window ?? 20,
        earlyStopping: false,
      },
      bound,
    );
    return {
      estimator: bound,
      curve: report.curve,
      steps: report.steps,
      recoveries: report.recoveries,
      seconds: report.seconds,
    };
  } finally {
    objective.dispose();
    if (owned) critic.dispose();
  }
}

type BoundEstimator = (
  x: SampleInput,
  y: SampleInput,
  options?: NeuralMiOptions,
) => Promise<NeuralMiResult>;
const estimatorFor =
  (bound: LowerBoundName): BoundEstimator =>
  (x, y, options = {}) =>
    neuralMi(x, y, { ...options, bound });

/** MINE: Donsker-Varadhan bound with the moving-average-corrected gradient. */
export const mine = estimatorFor('mine');
/** NWJ (MINE-f / f-divergence bound). */
export const nwj = estimatorFor('nwj');
/** InfoNCE (contrastive; capped at log of the candidates per row). */
export const infonce = estimatorFor('infonce');
/** SMILE with clipping tau (default 5). */
export const smile = estimatorFor('smile');
/** Jensen-Shannon-trained critic read out through NWJ. */
export const js = estimatorFor('js');
/** TUBA with a learned baseline. */
export const tuba = estimatorFor('tuba');
/** Poole et al.'s interpolated bound (alpha, default 0.01). */
export const alpha = estimatorFor('alpha');
