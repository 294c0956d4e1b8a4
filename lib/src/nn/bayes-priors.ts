// Priors for BayesDense networks beyond N(0, s^2): another posterior, or the beta-BNN paper's
// mixture of posteriors m(w) = (1/K) sum_j q_j(w) over whole weight vectors (each q_j a frozen
// snapshot of a network's factorised Gaussian posterior). KL(q || one Gaussian) has a closed
// form; KL(q || mixture) does not, so two estimates: a one-sample Monte Carlo estimate
// ln q(w) - ln m(w) at w ~ q (unbiased, reparametrised, so it has a gradient), and the closed-form
// variational upper bound -ln sum_j (1/K) exp(-KL(q || q_j)) (Hershey & Olsen 2007).
//
// Cost: every term is a sum over every weight (~480k for the paper's 784-400-400-10 MLP), once per
// component, and each pass over that many values costs about a millisecond on the wasm backend.
// So a snapshot keeps 1/sd, mean/sd and sum ln sd ready, and a mixture's gradient goes through
// the components that carry weight only: the gradient of a log-sum-exp is sum_j r_j grad L_j
// with r = softmax(L), and in ~500k dimensions one component nearly always holds all of r. The
// value stays exact (every component's L_j is computed); those with r_j < 1e-12 are left out of
// the backward pass.
import * as tf from '@tensorflow/tfjs';
import { readsSynchronously } from '../backend/read';
import { inputError } from '../errors';
import { seededNormal } from '../random/normal';
import { bayesLayers, posteriorSd } from './bayes-dense';
import type { Classifier } from './classifier';

/** A frozen factorised Gaussian over a network's posterior tensors (kernel and bias of each
 * BayesDense layer, in order), with what every KL to it reuses. The caller disposes it
 * (disposeSnapshot). */
export interface PosteriorSnapshot {
  means: tf.Tensor[];
  sds: tf.Tensor[];
  /** 1/sd and mean/sd, per tensor. */
  inverseSds: tf.Tensor[];
  scaledMeans: tf.Tensor[];
  /** sum ln sd over every tensor (a tensor: webgpu cannot read it back inside a step). */
  logSdSum: tf.Scalar;
}

/** A snapshot from given means and sds (kept, not copied: the snapshot owns them). */
export function gaussianSnapshot(means: tf.Tensor[], sds: tf.Tensor[]): PosteriorSnapshot {
  if (
    means.length !== sds.length ||
    means.some((m, i) => !tf.util.arraysEqual(m.shape, sds[i].shape))
  )
    inputError('gaussianSnapshot: means and sds must be tensors of the same shapes');
  const logSdSum = tf.tidy(() => tf.addN(sds.map((sd) => tf.sum(tf.log(sd))))) as tf.Scalar;
  // The check needs a read, which webgpu cannot do here; there a non-positive sd shows up as a
  // non-finite KL instead, on which the trainers stop (checkConverging).
  if (readsSynchronously() && !Number.isFinite(logSdSum.dataSync()[0])) {
    logSdSum.dispose();
    inputError('gaussianSnapshot: sds must be positive');
  }
  const inverseSds = sds.map((sd) => tf.reciprocal(sd));
  const scaledMeans = means.map((m, i) => tf.mul(m, inverseSds[i]));
  return { means, sds, inverseSds, scaledMeans, logSdSum };
}

/** A frozen copy of the model's current posterior. */
export function snapshotPosterior(model: Classifier): PosteriorSnapshot {
  const layers = bayesLayers(model);
  if (layers.length === 0) inputError(`${model.name} has no BayesDense layer`);
  const means: tf.Tensor[] = [];
  const sds: tf.Tensor[] = [];
  for (const layer of layers) {
    const { mean, sd } = layer.posterior();
    means.push(...mean);
    sds.push(...sd);
  }
  return gaussianSnapshot(means, sds);
}

export function disposeSnapshot(s: PosteriorSnapshot): void {
  tf.dispose([...s.means, ...s.sds, ...s.inverseSds, ...s.scaledMeans, s.logSdSum]);
}

/** The model's live posterior tensors (inside a gradient tape they carry the gradient). */
function live(model: Classifier): { means: tf.Tensor[]; sds: tf.Tensor[] } {
  const means: tf.Tensor[] = [];
  const sds: tf.Tensor[] = [];
  for (const layer of bayesLayers(model)) {
    const [kMu, kRho, bMu, bRho] = layer.posteriorVariables().map((v) => v.read());
    means.push(kMu, bMu);
    sds.push(posteriorSd(kRho), posteriorSd(bRho));
  }
  if (means.length === 0) inputError(`${model.name} has no BayesDense layer`);
  return { means, sds };
}

function checkMatches(model: { means: tf.Tensor[] }, s: PosteriorSnapshot, what: string): void {
  if (s.means.length !== model.means.length)
    inputError(`${what} has ${s.means.length} posterior tensors, the model ${model.means.length}`);
  s.means.forEach((t, i) => {
    if (!tf.util.arraysEqual(t.shape, model.means[i].shape))
      inputError(`${what} tensor ${i} has shape [${t.shape}], the model [${model.means[i].shape}]`);
  });
}

/** sum ln sd of the live posterior (shared by every KL term of a step). */
function logSdSum(q: { sds: tf.Tensor[] }): tf.Tensor {
  return tf.addN(q.sds.map((sd) => tf.sum(tf.log(sd))));
}

/**
 * KL(q || p) of two factorised Gaussians, given q's sum ln sd:
 * sum ln s_p - sum ln s_q + 1/2 sum [(s_q / s_p)^2 + (mu_q / s_p - mu_p / s_p)^2] - D/2.
 */
function gaussianPairKl(
  q: { means: tf.Tensor[]; sds: tf.Tensor[] },
  qLogSdSum: tf.Tensor,
  p: PosteriorSnapshot,
): tf.Scalar {
  const squares = q.means.map((mu, i) =>
    tf.add(
      tf.sum(tf.square(tf.mul(q.sds[i], p.inverseSds[i]))),
      tf.sum(tf.squaredDifference(tf.mul(mu, p.inverseSds[i]), p.scaledMeans[i])),
    ),
  );
  const size = q.means.reduce((a, m) => a + m.size, 0);
  return tf.add(tf.sub(tf.sub(p.logSdSum, size / 2), qLogSdSum), tf.mul(0.5, tf.addN(squares)));
}

/** KL(q_model || snapshot) in closed form (a trust region around an earlier posterior). */
export function posteriorKl(model: Classifier, snapshot: PosteriorSnapshot): tf.Scalar {
  return tf.tidy(() => {
    const q = live(model);
    checkMatches(q, snapshot, 'the snapshot');
    return gaussianPairKl(q, logSdSum(q), snapshot);
  });
}

export interface MixtureKlOptions {
  /** 'mc': one reparametrised sample (unbiased); 'upper': the closed-form upper bound. */
  estimator: 'mc' | 'upper';
  /** Seed of the Monte Carlo draw (vary it per step). */
  seed?: number;
}

/** Below this responsibility a component is left out of the backward pass. */
const NEGLIGIBLE = 1e-12;

/**
 * log-sum-exp of the scalars `terms` with its exact value, differentiated only through the terms
 * whose softmax weight is not negligible: LSE + sum_j r_j (L_j - value(L_j)) over those j has the
 * value LSE and the gradient sum_j r_j grad L_j (r_j read as constants, as the gradient wants).
 */
function sparseLogSumExp(terms: tf.Scalar[]): tf.Scalar {
  // Choosing the terms needs their values now; webgpu cannot read them inside the step, so there
  // every term is differentiated (the same value; the gradient differs by under 1e-12 relative).
  if (!readsSynchronously()) return tf.logSumExp(tf.stack(terms)) as tf.Scalar;
  const values = terms.map((t) => t.dataSync()[0]);
  const max = Math.max(...values);
  const e = values.map((v) => Math.exp(v - max));
  const total = e.reduce((a, b) => a + b, 0);
  let out: tf.Tensor = tf.scalar(max + Math.log(total));
  terms.forEach((t, j) => {
    const r = e[j] / total;
    if (r >= NEGLIGIBLE) out = tf.add(out, tf.mul(r, tf.sub(t, values[j])));
  });
  return out as tf.Scalar;
}

/** KL(q_model || (1/K) sum_j components[j]), by a one-sample estimate or the upper bound. */
export function mixtureKl(
  model: Classifier,
  components: readonly PosteriorSnapshot[],
  options: MixtureKlOptions,
): tf.Scalar {
  if (components.length === 0) inputError('mixtureKl needs at least one component');
  if (options.estimator !== 'mc' && options.estimator !== 'upper')
    inputError(`estimator must be 'mc' or 'upper', got '${options.estimator}'`);
  const logK = Math.log(components.length);
  return tf.tidy(() => {
    const q = live(model);
    components.forEach((c, j) => checkMatches(q, c, `component ${j}`));
    const qLogSdSum = logSdSum(q);
    if (options.estimator === 'upper') {
      const negKl = components.map((c) => tf.neg(gaussianPairKl(q, qLogSdSum, c)) as tf.Scalar);
      return tf.sub(logK, sparseLogSumExp(negKl)) as tf.Scalar;
    }
    // w = mu + sigma * eps; ln q(w) = -sum ln sd - 1/2 sum eps^2 (up to the shared -D/2 ln 2 pi);
    // ln q_j(w) = -sum ln s_j - 1/2 sum (w / s_j - mu_j / s_j)^2.
    const eps = q.means.map((m, i) =>
      seededNormal(m.shape, ((options.seed ?? 0) * 7919 + i) >>> 0),
    );
    const w = q.means.map((m, i) => tf.add(m, tf.mul(q.sds[i], eps[i])));
    const logQ = tf.neg(
      tf.add(qLogSdSum, tf.mul(0.5, tf.addN(eps.map((e) => tf.sum(tf.square(e)))))),
    );
    const logComponents = components.map((c) => {
      const squares = w.map((wi, i) =>
        tf.sum(tf.squaredDifference(tf.mul(wi, c.inverseSds[i]), c.scaledMeans[i])),
      );
      return tf.sub(tf.neg(c.logSdSum), tf.mul(0.5, tf.addN(squares))) as tf.Scalar;
    });
    return tf.sub(logQ, tf.sub(sparseLogSumExp(logComponents), logK)) as tf.Scalar;
  });
}
