// Critics T(x, y) and the negatives they are scored on.
// A critic maps a batch to CriticScores (bounds.ts): T on the N joint pairs, and on product-of-
// marginals pairs made either from all N x N combinations or from in-batch shuffles of y.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { Rng } from '../../random/rng';
import { Activation, Mlp, checkActivation, checkWidths } from './mlp';
import { CriticScores, scoresFromMatrix } from './bounds';

export type CriticKind = 'joint' | 'separable';
export const CRITIC_KINDS: readonly CriticKind[] = ['joint', 'separable'];

export interface Critic {
  readonly kind: CriticKind;
  readonly variables: tf.Variable[];
  /** [N, M] with entry [i][j] = T(x_i, y_j). */
  scoreMatrix(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D;
  /** [N] with entry i = T(x_i, y_i). */
  pairScores(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D;
  dispose(): void;
}

/** Default hidden widths and activation of a critic's MLPs: smaller than Poole et al.'s 2 x 256
 * ReLU, which overfits a few thousand samples within a few hundred steps and is 2-3x slower; ELU's
 * smooth units fit the quadratic log-density ratios of Gaussian-like data with fewer steps. */
export const DEFAULT_HIDDEN: readonly number[] = [128, 128];
export const DEFAULT_ACTIVATION: Activation = 'elu';

export interface CriticOptions {
  kind?: CriticKind;
  /** Hidden widths. Default [128, 128]. */
  hidden?: readonly number[];
  /** Separable critic: embedding size of each side. Default 32. */
  embedDim?: number;
  activation?: Activation;
  seed?: number;
}

/** MLP on the concatenation [x, y]. All N x N pairs cost N^2 forward passes (fine for small N):
 * the first layer is split as x W_x + y W_y so it is computed once per row and broadcast. */
export class JointCritic implements Critic {
  readonly kind = 'joint';
  readonly net: Mlp;

  constructor(
    readonly xDim: number,
    readonly yDim: number,
    options: Omit<CriticOptions, 'kind'> = {},
  ) {
    this.net = new Mlp(xDim + yDim, options.hidden ?? DEFAULT_HIDDEN, 1, {
      activation: options.activation ?? DEFAULT_ACTIVATION,
      seed: options.seed ?? 0,
      zeroOutput: true,
    });
  }

  get variables(): tf.Variable[] {
    return this.net.variables;
  }

  pairScores(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(this.net.apply(tf.concat([x, y], 1)), [-1]) as tf.Tensor1D);
  }

  scoreMatrix(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const [n, m] = [x.shape[0], y.shape[0]];
      const w = this.net.weights[0];
      const hidden = w.shape[1] as number;
      const wx = tf.slice(w, [0, 0], [this.xDim, hidden]) as tf.Tensor2D;
      const wy = tf.slice(w, [this.xDim, 0], [this.yDim, hidden]) as tf.Tensor2D;
      const ax = tf.reshape(tf.matMul(x, wx), [n, 1, hidden]);
      const by = tf.reshape(tf.add(tf.matMul(y, wy), this.net.biases[0]), [1, m, hidden]);
      const pre = tf.reshape(tf.add(ax, by), [n * m, hidden]);
      return tf.reshape(this.net.applyFrom(1, pre), [n, m]) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** T(x, y) = g(x) . h(y): N x N scores from one matrix product. */
export class SeparableCritic implements Critic {
  readonly kind = 'separable';
  readonly g: Mlp;
  readonly h: Mlp;

  constructor(
    readonly xDim: number,
    readonly yDim: number,
    options: Omit<CriticOptions, 'kind'> = {},
  ) {
    const hidden = options.hidden ?? DEFAULT_HIDDEN;
    const embed = options.embedDim ?? 32;
    if (!Number.isInteger(embed) || embed < 1)
      inputError(`embedDim must be a positive integer, got ${embed}`);
    const rng = new Rng(options.seed ?? 0);
    const activation = options.activation ?? DEFAULT_ACTIVATION;
    this.g = new Mlp(xDim, hidden, embed, { activation, seed: rng.nextSeed() });
    // One zero side makes every score 0 at the start (g . 0), while the gradient w.r.t. h's output
    // layer (g's embedding times h's last hidden layer) is not zero.
    this.h = new Mlp(yDim, hidden, embed, { activation, seed: rng.nextSeed(), zeroOutput: true });
  }

  get variables(): tf.Variable[] {
    return [...this.g.variables, ...this.h.variables];
  }

  pairScores(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.sum(tf.mul(this.g.apply(x), this.h.apply(y)), 1) as tf.Tensor1D);
  }

  scoreMatrix(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.matMul(this.g.apply(x), this.h.apply(y), false, true));
  }

  dispose(): void {
    this.g.dispose();
    this.h.dispose();
  }
}

export function createCritic(xDim: number, yDim: number, options: CriticOptions = {}): Critic {
  const kind = options.kind ?? 'separable';
  if (!(CRITIC_KINDS as readonly string[]).includes(kind)) {
    inputError(`critic must be one of ${CRITIC_KINDS.join(', ')}; got '${kind}'`);
  }
  if (options.hidden) checkWidths(options.hidden, 'hidden');
  if (options.activation) checkActivation(options.activation);
  return kind === 'joint'
    ? new JointCritic(xDim, yDim, options)
    : new SeparableCritic(xDim, yDim, options);
}

/** How product-of-marginals pairs are formed: every (x_i, y_j), j != i, or `count` in-batch
 * shuffles of y (each a permutation; row i is paired with y at the permuted position). */
export type Negatives = 'all' | 'shuffle';
export const NEGATIVE_KINDS: readonly Negatives[] = ['all', 'shuffle'];

/** Rows of t reordered by perm (row i of the result = row perm[i] of t), differentiable w.r.t. t on
 * every backend: gather's own gradient needs UnsortedSegmentSum, which wasm lacks, but the gradient
 * of a permutation is the inverse permutation, another gather. */
export function permuteRows(t: tf.Tensor2D, perm: ArrayLike<number>): tf.Tensor2D {
  const n = t.shape[0];
  if (perm.length !== n) inputError(`permutation of length ${perm.length} for ${n} rows`);
  const forward = Int32Array.from(perm);
  const inverse = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!(forward[i] >= 0 && forward[i] < n) || inverse[forward[i]] !== -1)
      inputError(`not a permutation of 0..${n - 1}`);
    inverse[forward[i]] = i;
  }
  const op = tf.customGrad(((x: tf.Tensor) => ({
    value: tf.tidy(() => tf.gather(x, tf.tensor1d(forward, 'int32'))),
    gradFunc: (dy: tf.Tensor) => tf.tidy(() => tf.gather(dy, tf.tensor1d(inverse, 'int32'))),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(t) as tf.Tensor2D;
}

/** A permutation of 0..n-1 with no fixed point when n > 1 (a shuffled pair is never a joint
 * pair). */
export function derangement(n: number, rng: Rng): Int32Array {
  const p = rng.permutation(n);
  for (let i = 0; i < n; i++) {
    if (p[i] === i && n > 1) {
      const j = i === n - 1 ? rng.int(n - 1) : i + 1 + rng.int(n - 1 - i);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
  }
  return p;
}

/** Joint and marginal scores of a batch. `perms` (one per shuffle) is required for 'shuffle'. */
export function criticScores(
  critic: Critic,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  negatives: Negatives,
  perms?: readonly ArrayLike<number>[],
): CriticScores {
  if (negatives === 'all') {
    const s = critic.scoreMatrix(x, y);
    const out = scoresFromMatrix(s);
    s.dispose();
    return out;
  }
  if (!perms || perms.length === 0)
    inputError("criticScores: 'shuffle' negatives need permutations");
  return tf.tidy(() => {
    const joint = critic.pairScores(x, y);
    const marginal = tf.stack(
      perms.map((p) => critic.pairScores(x, permuteRows(y, p))),
      1,
    ) as tf.Tensor2D;
    return { joint, marginal };
  });
}

/** How a neural bound builds its critic and its negatives (one-call estimators and
 * regularisers). */
export interface CriticChoice {
  /** 'separable' (default: N x N scores from one matrix product), 'joint', or a Critic you built
   * (e.g. to warm-start from an earlier estimate; it is trained further and not disposed). */
  critic?: CriticKind | Critic;
  /** Hidden widths of the critic's MLPs. Default [128, 128]. */
  hidden?: readonly number[];
  /** Separable critic embedding size. Default 32. */
  embedDim?: number;
  activation?: Activation;
  /** 'all' N x N pairs (default) or in-batch 'shuffle's of y. */
  negatives?: Negatives;
  /** Shuffles per batch with negatives = 'shuffle'. Default 1 (2 for the alpha bound). */
  shuffles?: number;
}
