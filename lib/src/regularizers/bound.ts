// Bounds on I(X;Y) as regularizers (the MiRegularizer contract of regularizer.ts): the critic (or
// q) has its own Adam optimiser, stepped by updateCritic(x, y) with x and y as data; estimate(x, y)
// returns the bound as a scalar differentiable w.r.t. x and y for the host model's loss. Alternate
// the two (k critic steps per host step).
//   lower bounds (mine, nwj, infonce, smile, js, dv, tuba, alpha): to MAXIMISE information;
//   upper bounds (club, l1out): to MINIMISE it (pushing a lower bound down bounds nothing).
// Scale the information gradient so it cannot swamp the task's (clipByGlobalNorm in train.ts), and
// for a layer's activations consider small noise on the layer (MINE explodes without it on
// deterministic layers).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import type { MiRegularizer } from './regularizer';
import { Rng } from '../random/rng';
import {
  Critic,
  CriticChoice,
  Negatives,
  NEGATIVE_KINDS,
  createCritic,
  criticScores,
  derangement,
} from '../mi/neural/critics';
import { Activation } from '../mi/neural/mlp';
import {
  BoundOptions,
  LowerBoundName,
  LowerBoundObjective,
  checkBoundName,
} from '../mi/neural/objectives';
import {
  GaussianConditional,
  UPPER_BOUND_NAMES,
  UpperBoundName,
  upperBound,
} from '../mi/neural/upper';
import {
  DivergenceLimits,
  MI_BOUND_LIMITS,
  NeuralTrainingError,
  ascendStep,
  likelihoodLimits,
} from '../mi/neural/train';

/** Critic steps between checks of the critic's training values. */
const CHECK_EVERY = 20;

/** Watches the values of a critic's training steps without stalling the pipeline: every CHECK_EVERY
 * steps it starts an asynchronous read of their sum, and the first call after that read resolved
 * throws NeuralTrainingError if the mean was non-finite or beyond the limits. A diverged critic is
 * thus caught within a few steps, before its bound is fed to the host model for long. */
class DivergenceWatch {
  private sum: tf.Scalar | null = null;
  private steps = 0;
  private reading = false;
  private problem: string | null = null;

  constructor(
    private readonly label: string,
    private readonly limits: DivergenceLimits,
  ) {}

  record(value: tf.Scalar): void {
    // Kept: updateCritic is often called inside the host's tf.tidy, which would dispose the sum.
    const next = tf.keep(this.sum ? (tf.add(this.sum, value) as tf.Scalar) : tf.clone(value));
    this.sum?.dispose();
    this.sum = next;
    if (++this.steps < CHECK_EVERY || this.reading) return;
    const [sum, steps] = [this.sum, this.steps];
    this.sum = null;
    this.steps = 0;
    this.reading = true;
    void sum
      .data()
      .then(([total]) => {
        const mean = total / steps;
        // NaN fails the comparison too.
        if (!(Math.abs(mean) <= this.limits.magnitude)) {
          this.problem = `its training value reached ${mean.toPrecision(3)}`;
        }
      })
      .finally(() => {
        sum.dispose();
        this.reading = false;
      });
  }

  /** Throw if a completed check found a divergence. */
  check(): void {
    if (this.problem === null) return;
    throw new NeuralTrainingError(
      `${this.label}: the critic diverged (${this.problem}); its bound is meaningless. ` +
        'Use a smaller learningRate or clipGradNorm (and small noise on a deterministic layer)',
    );
  }

  dispose(): void {
    this.sum?.dispose();
    this.sum = null;
  }
}

/** A bound on I(X;Y) as a regularizer; `estimate` is the bound. */
export interface MiBoundRegularizer extends MiRegularizer<tf.Tensor2D> {
  /** 'lower': bound <= I (maximise it); 'upper': bound >= I (minimise it). */
  readonly direction: 'lower' | 'upper';
}

interface StepOptions {
  /** Critic Adam learning rate. Default 1e-3. */
  learningRate?: number;
  /** Clip the critic's gradient norm. Default: none. */
  clipGradNorm?: number;
  seed?: number;
}

function checkBatch(x: tf.Tensor2D, y: tf.Tensor2D, dims: [number, number]): void {
  if (x.rank !== 2 || x.shape[1] !== dims[0])
    inputError(`x must be [batch, ${dims[0]}], got [${x.shape}]`);
  if (y.rank !== 2 || y.shape[1] !== dims[1])
    inputError(`y must be [batch, ${dims[1]}], got [${y.shape}]`);
  if (x.shape[0] !== y.shape[0])
    inputError(`x and y have mismatched batch sizes: ${x.shape[0]} vs ${y.shape[0]}`);
  if (x.shape[0] < 3)
    inputError(`a batch needs at least 3 rows to form negatives, got ${x.shape[0]}`);
}

function resolveStep(options: StepOptions): {
  learningRate: number;
  clipGradNorm?: number;
  rng: Rng;
} {
  const learningRate = options.learningRate ?? 1e-3;
  if (!(learningRate > 0)) inputError(`learningRate must be positive, got ${learningRate}`);
  if (options.clipGradNorm !== undefined && !(options.clipGradNorm > 0))
    inputError(`clipGradNorm must be positive, got ${options.clipGradNorm}`);
  return { learningRate, clipGradNorm: options.clipGradNorm, rng: new Rng(options.seed ?? 0) };
}

export interface NeuralMiLowerBoundOptions extends BoundOptions, StepOptions, CriticChoice {
  /** Default 'mine'. */
  bound?: LowerBoundName;
}

/** A variational lower bound whose critic trains alongside a host model. */
export class NeuralMiLowerBound implements MiBoundRegularizer {
  readonly direction = 'lower';
  readonly critic: Critic;
  private readonly ownsCritic: boolean;
  private readonly objective: LowerBoundObjective;
  private readonly optimizer: tf.Optimizer;
  private readonly negatives: Negatives;
  private readonly shuffles: number;
  private readonly step: { learningRate: number; clipGradNorm?: number; rng: Rng };
  private readonly watch: DivergenceWatch;

  constructor(
    readonly xDim: number,
    readonly yDim: number,
    options: NeuralMiLowerBoundOptions = {},
  ) {
    const name = checkBoundName(options.bound ?? 'mine');
    this.step = resolveStep(options);
    this.negatives = options.negatives ?? 'all';
    if (!(NEGATIVE_KINDS as readonly string[]).includes(this.negatives))
      inputError(`negatives must be one of ${NEGATIVE_KINDS.join(', ')}`);
    this.shuffles = options.shuffles ?? (name === 'alpha' ? 2 : 1);
    if (!Number.isInteger(this.shuffles) || this.shuffles < 1)
      inputError(`shuffles must be a positive integer, got ${this.shuffles}`);
    if (name === 'alpha' && this.negatives === 'shuffle' && this.shuffles < 2)
      inputError('the alpha bound needs at least 2 shuffles');
    const rng = this.step.rng;
    if (options.critic !== undefined && typeof options.critic !== 'string') {
      this.critic = options.critic;
      this.ownsCritic = false;
    } else {
      this.critic = createCritic(xDim, yDim, {
        kind: options.critic,
        hidden: options.hidden,
        embedDim: options.embedDim,
        activation: options.activation,
        seed: rng.nextSeed(),
      });
      this.ownsCritic = true;
    }
    this.objective = new LowerBoundObjective(name, xDim, rng.nextSeed(), options);
    this.optimizer = tf.train.adam(this.step.learningRate);
    this.watch = new DivergenceWatch(`NeuralMiLowerBound (${name})`, MI_BOUND_LIMITS);
  }

  get name(): LowerBoundName {
    return this.objective.name;
  }

  /** Throws NeuralTrainingError once the critic's training values went non-finite or exploded. */
  updateCritic(x: tf.Tensor2D, y: tf.Tensor2D): void {
    checkBatch(x, y, [this.xDim, this.yDim]);
    this.watch.check();
    const variables = [...this.critic.variables, ...this.objective.variables];
    const objective = () => this.objective.train(this.scores(x, y), x);
    const value = ascendStep(this.optimizer, variables, objective, this.step.clipGradNorm);
    this.watch.record(value);
    value.dispose();
  }

  /** The bound on this batch (nats), differentiable w.r.t. x and y; does not train the critic. */
  estimate(x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
    checkBatch(x, y, [this.xDim, this.yDim]);
    this.watch.check();
    return tf.tidy(() => this.objective.evaluate(this.scores(x, y), x));
  }

  private scores(x: tf.Tensor2D, y: tf.Tensor2D) {
    const n = x.shape[0];
    const perms =
      this.negatives === 'shuffle'
        ? Array.from({ length: this.shuffles }, () => derangement(n, this.step.rng))
        : undefined;
    return criticScores(this.critic, x, y, this.negatives, perms);
  }

  dispose(): void {
    this.watch.dispose();
    this.optimizer.dispose();
    this.objective.dispose();
    if (this.ownsCritic) this.critic.dispose();
  }
}

export interface NeuralMiUpperBoundOptions extends StepOptions {
  /** Default 'club'. */
  bound?: UpperBoundName;
  /** Hidden widths of q(y|x). Default [64]. */
  hidden?: readonly number[];
  activation?: Activation;
}

/** CLUB or L1Out with a Gaussian q(y|x) fitted alongside a host model (updateCritic = one maximum-
 * likelihood step of q). */
export class NeuralMiUpperBound implements MiBoundRegularizer {
  readonly direction = 'upper';
  readonly name: UpperBoundName;
  readonly q: GaussianConditional;
  private readonly optimizer: tf.Optimizer;
  private readonly clipGradNorm?: number;
  private readonly watch: DivergenceWatch;

  constructor(
    readonly xDim: number,
    readonly yDim: number,
    options: NeuralMiUpperBoundOptions = {},
  ) {
    this.name = options.bound ?? 'club';
    if (!(UPPER_BOUND_NAMES as readonly string[]).includes(this.name))
      inputError(`bound must be one of ${UPPER_BOUND_NAMES.join(', ')}; got '${this.name}'`);
    const step = resolveStep(options);
    this.clipGradNorm = step.clipGradNorm;
    this.q = new GaussianConditional(xDim, yDim, {
      hidden: options.hidden,
      activation: options.activation,
      seed: step.rng.nextSeed(),
    });
    this.optimizer = tf.train.adam(step.learningRate);
    this.watch = new DivergenceWatch(`NeuralMiUpperBound (${this.name})`, likelihoodLimits(yDim));
  }

  /** Throws NeuralTrainingError once q's training log-likelihood went non-finite or exploded. */
  updateCritic(x: tf.Tensor2D, y: tf.Tensor2D): void {
    checkBatch(x, y, [this.xDim, this.yDim]);
    this.watch.check();
    const objective = () => this.q.logLikelihood(x, y);
    const value = ascendStep(this.optimizer, this.q.variables, objective, this.clipGradNorm);
    this.watch.record(value);
    value.dispose();
  }

  /** The bound on this batch (nats), differentiable w.r.t. x and y; does not train the critic. */
  estimate(x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
    checkBatch(x, y, [this.xDim, this.yDim]);
    this.watch.check();
    return upperBound(this.name, this.q, x, y);
  }

  dispose(): void {
    this.watch.dispose();
    this.optimizer.dispose();
    this.q.dispose();
  }
}
