// Variational lower bounds on I(X;Y) as pure functions of critic scores (all values in nats).
// Scores come in one shape: `joint` [N] = T(x_i, y_i) and `marginal` [N, K] = T(x_i, y'_ik) with y'
// drawn from the product of marginals (K = N-1 off-diagonal entries of a score matrix, or K
// in-batch shuffles). Row i of `marginal` shares x_i, so baselines a(x_i) line up with rows.
// Scores may also carry leading axes of independent critics (joint [..., N], marginal [..., N, K]):
// each bound is then taken per critic and the SUM is returned (e.g. sum_i I(Y; h_i) in one op).
// Each bound returns a scalar whose VALUE is the estimate and whose GRADIENT is the training signal
// (maximise it); where they differ (MINE, JS, SMILE) the value is spliced onto the surrogate's
// gradient, as in Poole et al. 2019 and Song & Ermon 2020.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';

export interface CriticScores {
  joint: tf.Tensor;
  marginal: tf.Tensor;
}

/** Split a score matrix scores[..., i, j] = T(x_i, y_j) into its diagonal [..., N] and its
 * off-diagonal rows [..., N, N-1], with slices and reshapes only (differentiable on every
 * backend). */
export function scoresFromMatrix(scores: tf.Tensor): CriticScores {
  return tf.tidy(() => {
    const lead = scores.shape.slice(0, -2);
    const [n, m] = scores.shape.slice(-2);
    if (m !== n) inputError(`score matrix must be square, got [${scores.shape}]`);
    if (n < 2) inputError('a score matrix needs at least 2 rows to have negatives');
    const b = lead.reduce((a, c) => a * c, 1);
    const joint = tf.reshape(tf.sum(tf.mul(scores, tf.eye(n)), -1), [...lead, n]);
    // Dropping the first entry of each flattened matrix and reading the rest as [N-1, N+1] puts
    // every diagonal entry in the last column; without that column, the entries left are in
    // row-major order exactly the rows of the [N, N-1] off-diagonal matrix.
    const flat = tf.reshape(scores, [b, n * n]);
    const shifted = tf.reshape(tf.slice(flat, [0, 1], [b, n * n - 1]), [b, n - 1, n + 1]);
    const offDiagonal = tf.slice(shifted, [0, 0, 0], [b, n - 1, n]);
    return { joint, marginal: tf.reshape(offDiagonal, [...lead, n, n - 1]) };
  });
}

/** Concatenate the rows of several batches' scores (a pooled held-out estimate). */
export function concatScores(parts: readonly CriticScores[]): CriticScores {
  return tf.tidy(() => ({
    joint: tf.concat(
      parts.map((p) => p.joint),
      -1,
    ),
    marginal: tf.concat(
      parts.map((p) => p.marginal),
      -2,
    ),
  }));
}

export function disposeScores(s: CriticScores): void {
  s.joint.dispose();
  s.marginal.dispose();
}

/** Identity in the forward pass, zero gradient (TF.js has no stop_gradient op). */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

/** log sum exp over `axis`, as tf.logSumExp, with the softmax as its gradient directly:
 * tf.logSumExp differentiates through Max, whose gradient is a broadcast Equal and Multiply that
 * cost the wasm backend more than a small critic's whole forward pass (measured: Equal alone
 * 14-30 ms of a batched per-unit critic's ~45 ms step). */
export function logSumExp(x: tf.Tensor, axis?: number | number[], keepDims = false): tf.Tensor {
  const axes =
    axis === undefined
      ? x.shape.map((_, i) => i)
      : (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + x.rank : a));
  const withSoftmaxGradient = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const shift = tf.max(input, axes, true);
    const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(input, shift)), axes, true)), shift);
    save([input, lse]);
    return {
      value: lse,
      gradFunc: (dy: tf.Tensor, [saved, savedLse]: tf.Tensor[]) =>
        tf.mul(dy, tf.exp(tf.sub(saved, savedLse))),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    input: tf.Tensor,
  ) => tf.Tensor;
  return tf.tidy(() => {
    const lse = withSoftmaxGradient(x);
    return keepDims
      ? lse
      : tf.reshape(
          lse,
          x.shape.filter((_, i) => !axes.includes(i)),
        );
  });
}

/** A scalar with the value of `value` and the gradient of `surrogate`. */
export function valueWithGradientOf(value: tf.Scalar, surrogate: tf.Scalar): tf.Scalar {
  return tf.tidy(() => tf.add(surrogate, stopGradient(tf.sub(value, surrogate))) as tf.Scalar);
}

/** Mean over the rows: [..., N] -> [...]. */
function rowMean(t: tf.Tensor): tf.Tensor {
  return tf.mean(t, -1);
}

/** log of the mean of exp over the last two axes: [..., N, K] -> [...]. */
function logMeanExp(t: tf.Tensor): tf.Tensor {
  const [n, k] = t.shape.slice(-2);
  return tf.sub(logSumExp(t, [-2, -1]), Math.log(n * k));
}

/** Sum over independent critics (identity for a single critic). */
function total(t: tf.Tensor): tf.Scalar {
  return tf.sum(t) as tf.Scalar;
}

/** Donsker-Varadhan: E_p[T] - log E_q[e^T]. Tightest of the unnormalised bounds, biased in
 * minibatches. */
export function dvBound(s: CriticScores): tf.Scalar {
  return tf.tidy(() => total(tf.sub(rowMean(s.joint), logMeanExp(s.marginal))));
}

/** Moving average of E_q[e^T] for MINE's bias-corrected gradient, kept in log space on the device
 * (no read-back per step). `rate` is the weight of the newest batch. */
export class MineEma {
  private logAverage: tf.Variable | null = null;

  constructor(readonly rate = 0.01) {
    if (!(rate > 0 && rate <= 1)) inputError(`MINE EMA rate must be in (0, 1], got ${rate}`);
  }

  /** Fold in a batch's log E_q[e^T] (detached) and return the updated log average (a copy). */
  update(logMeanExpMarginal: tf.Tensor): tf.Tensor {
    const batch = tf.tidy(() => stopGradient(logMeanExpMarginal));
    if (!this.logAverage) {
      this.logAverage = tf.variable(batch, false);
    } else {
      const next = tf.tidy(() =>
        logSumExp(
          tf.stack([
            tf.add(this.logAverage!, Math.log(1 - this.rate)),
            tf.add(batch, Math.log(this.rate)),
          ]),
          0,
        ),
      );
      this.logAverage.assign(next);
      next.dispose();
    }
    batch.dispose();
    return tf.clone(this.logAverage);
  }

  /** The current log average (a copy), or null before the first update. */
  current(): tf.Tensor | null {
    return this.logAverage ? tf.clone(this.logAverage) : null;
  }

  reset(): void {
    this.logAverage?.dispose();
    this.logAverage = null;
  }

  dispose(): void {
    this.reset();
  }
}

/** MINE (Belghazi et al. 2018): the DV value, with the gradient of E_p[T] - E_q[e^T] / ema where
 * ema is the detached moving average of E_q[e^T]; this removes the minibatch bias of the DV
 * gradient (whose denominator would otherwise be the batch mean). `update` = false reads the
 * average without folding this batch in (for a gradient w.r.t. inputs between critic steps). */
export function mineBound(s: CriticScores, ema: MineEma, update = true): tf.Scalar {
  return tf.tidy(() => {
    const lme = logMeanExp(s.marginal);
    const logAvg = update ? ema.update(lme) : (ema.current() ?? stopGradient(lme));
    const joint = rowMean(s.joint);
    const surrogate = total(tf.sub(joint, tf.exp(tf.sub(lme, logAvg))));
    return valueWithGradientOf(total(tf.sub(joint, lme)), surrogate);
  });
}

/** TUBA: 1 + E_p[T - log a] - E_q[e^T / a], with a log-baseline per row (a function of x_i; a
 * number for a constant baseline). */
export function tubaBound(s: CriticScores, logBaseline: tf.Tensor | number): tf.Scalar {
  return tf.tidy(() => {
    const perRow = typeof logBaseline !== 'number';
    const joint = tf.sub(s.joint, logBaseline);
    const marginal = tf.sub(s.marginal, perRow ? tf.expandDims(logBaseline, -1) : logBaseline);
    return total(tf.sub(tf.add(1, rowMean(joint)), tf.exp(logMeanExp(marginal))));
  });
}

/** NWJ / MINE-f: E_p[T] - E_q[e^(T-1)] (TUBA with the constant baseline e). Unbiased; its variance
 * grows like e^I. */
export function nwjBound(s: CriticScores): tf.Scalar {
  return tubaBound(s, 1);
}

/** InfoNCE: mean_i [T_ii - log mean over {T_ii} and the K negatives of row i]. Never exceeds
 * log(K + 1) (log N with all pairs), so it saturates at high MI. */
export function infonceBound(s: CriticScores): tf.Scalar {
  return tf.tidy(() => {
    const k = s.marginal.shape[s.marginal.rank - 1];
    const row = tf.concat([tf.expandDims(s.joint, -1), s.marginal], -1);
    const lse = logSumExp(row, -1);
    return total(tf.add(rowMean(tf.sub(s.joint, lse)), Math.log(k + 1)));
  });
}

/** The f-GAN Jensen-Shannon objective E_p[-softplus(-T)] - E_q[softplus(T)] (a training objective,
 * not an MI value): its optimum is T = log p(x,y)/(p(x)p(y)). */
export function jsFganObjective(s: CriticScores): tf.Scalar {
  return tf.tidy(() =>
    total(
      tf.sub(
        rowMean(tf.neg(tf.softplus(tf.neg(s.joint)))),
        tf.mean(tf.softplus(s.marginal), [-2, -1]),
      ),
    ),
  );
}

/** JS-trained critic read out through NWJ on T + 1 (exact at the JS optimum): value NWJ(T + 1),
 * gradient of the JS objective (Poole et al. 2019). */
export function jsBound(s: CriticScores): tf.Scalar {
  return tf.tidy(() => {
    const shifted = { joint: tf.add(s.joint, 1), marginal: tf.add(s.marginal, 1) };
    return valueWithGradientOf(nwjBound(shifted), jsFganObjective(s));
  });
}

/** SMILE (Song & Ermon 2020): E_p[T] - log E_q[clip(e^T, e^-tau, e^tau)], i.e. DV with the critic
 * clipped to [-tau, tau] in the partition term; trained with the JS objective. Clipping trades a
 * little bias for a variance that no longer grows exponentially with I. */
export function smileBound(s: CriticScores, tau = 5): tf.Scalar {
  if (!(tau > 0)) inputError(`SMILE tau must be positive, got ${tau}`);
  return tf.tidy(() => {
    const value = total(
      tf.sub(rowMean(s.joint), logMeanExp(tf.clipByValue(s.marginal, -tau, tau))),
    );
    return valueWithGradientOf(value, jsFganObjective(s));
  });
}

/** log(exp(d) - 1) for d > 0, stable at both ends. */
function softplusInverse(d: tf.Tensor): tf.Tensor {
  return tf.add(d, tf.log(tf.neg(tf.expm1(tf.neg(d)))));
}

/** Poole et al.'s interpolated bound I_alpha: the TUBA bound whose baseline interpolates between
 * the InfoNCE multi-sample baseline (leave-one-out mean of e^T over the row) and a learned baseline
 * a(x_i): alpha -> 1 approaches InfoNCE (low variance, capped near log N / alpha), alpha -> 0
 * approaches TUBA (unbiased, high variance). */
export function interpolatedBound(
  s: CriticScores,
  logBaseline: tf.Tensor,
  alpha = 0.01,
): tf.Scalar {
  if (!(alpha > 0 && alpha < 1)) inputError(`alpha must be in (0, 1), got ${alpha}`);
  return tf.tidy(() => {
    const k = s.marginal.shape[s.marginal.rank - 1];
    if (k < 2) inputError('the interpolated bound needs at least 2 negatives per row');
    const logA = Math.log(alpha);
    const log1mA = Math.log(1 - alpha);
    const base = tf.expandDims(logBaseline, -1);
    const mix = (logMultiSample: tf.Tensor) =>
      logSumExp(
        tf.stack([
          tf.add(logMultiSample, logA),
          tf.add(tf.zerosLike(logMultiSample), tf.add(base, log1mA)),
        ]),
        0,
      );

    // Marginal term: each negative of row i against the baseline built from row i's negatives.
    const rowLme = tf.expandDims(tf.sub(logSumExp(s.marginal, -1), Math.log(k)), -1);
    const marginalTerm = tf.exp(logMeanExp(tf.sub(s.marginal, mix(rowLme))));

    // Joint term: the positive of row i against baselines that each leave out one negative m, so
    // the multi-sample mean runs over the positive and the other K-1 negatives (K values).
    const row = tf.concat([tf.expandDims(s.joint, -1), s.marginal], -1);
    const gap = tf.maximum(tf.sub(logSumExp(row, -1, true), s.marginal), 1e-6);
    const leaveOneOut = tf.sub(tf.add(s.marginal, softplusInverse(gap)), Math.log(k));
    const jointTerm = tf.mean(tf.sub(tf.expandDims(s.joint, -1), mix(leaveOneOut)), [-2, -1]);
    return total(tf.sub(tf.add(1, jointTerm), marginalTerm));
  });
}
