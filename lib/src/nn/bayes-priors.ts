// Priors for BayesDense networks beyond N(0, s^2): another posterior, or the beta-BNN paper's
// mixture of posteriors m(w) = (1/K) sum_j q_j(w) over whole weight vectors (each q_j a frozen
// snapshot of a network's factorised Gaussian posterior). KL(q || one Gaussian) has a closed
// form; KL(q || mixture) does not, so two estimates: a one-sample Monte Carlo estimate
// ln q(w) - ln m(w) at w ~ q (unbiased, reparametrised, so it has a gradient), and the closed-form
// variational upper bound -ln sum_j (1/K) exp(-KL(q || q_j)) (Hershey & Olsen 2007).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { bayesLayers } from './bayes-dense';
import type { Classifier } from './classifier';

/** A frozen factorised Gaussian over a network's posterior tensors (kernel and bias of each
 * BayesDense layer, in order). The caller disposes it (disposeSnapshot). */
export interface PosteriorSnapshot {
  means: tf.Tensor[];
  sds: tf.Tensor[];
}

/** Frozen copies of the model's current posterior. */
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
  return { means, sds };
}

export function disposeSnapshot(s: PosteriorSnapshot): void {
  tf.dispose([...s.means, ...s.sds]);
}

/** The model's live posterior tensors (inside a gradient tape they carry the gradient). */
function live(model: Classifier): { means: tf.Tensor[]; sds: tf.Tensor[] } {
  const means: tf.Tensor[] = [];
  const sds: tf.Tensor[] = [];
  for (const layer of bayesLayers(model)) {
    const [kMu, kRho, bMu, bRho] = layer.posteriorVariables().map((v) => v.read());
    means.push(kMu, bMu);
    sds.push(tf.softplus(kRho), tf.softplus(bRho));
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

/** KL(q || p) of two factorised Gaussians given as tensor lists. */
function gaussianPairKl(
  q: { means: tf.Tensor[]; sds: tf.Tensor[] },
  p: PosteriorSnapshot,
): tf.Scalar {
  let total: tf.Tensor = tf.scalar(0);
  q.means.forEach((mu, i) => {
    const s1 = q.sds[i];
    const s2 = p.sds[i];
    const term = tf.sub(
      tf.add(
        tf.log(tf.div(s2, s1)),
        tf.div(tf.add(tf.square(s1), tf.square(tf.sub(mu, p.means[i]))), tf.mul(2, tf.square(s2))),
      ),
      0.5,
    );
    total = tf.add(total, tf.sum(term));
  });
  return total as tf.Scalar;
}

/** KL(q_model || snapshot) in closed form (a trust region around an earlier posterior). */
export function posteriorKl(model: Classifier, snapshot: PosteriorSnapshot): tf.Scalar {
  return tf.tidy(() => {
    const q = live(model);
    checkMatches(q, snapshot, 'the snapshot');
    return gaussianPairKl(q, snapshot);
  });
}

export interface MixtureKlOptions {
  /** 'mc': one reparametrised sample (unbiased); 'upper': the closed-form upper bound. */
  estimator: 'mc' | 'upper';
  /** Seed of the Monte Carlo draw (vary it per step). */
  seed?: number;
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
    if (options.estimator === 'upper') {
      const negKl = tf.stack(components.map((c) => tf.neg(gaussianPairKl(q, c))));
      return tf.sub(logK, tf.logSumExp(negKl)) as tf.Scalar;
    }
    // w = mu + sigma * eps; ln q(w) and each ln q_j(w) up to the shared -D/2 ln(2 pi).
    const eps = q.means.map((m, i) =>
      tf.randomNormal(m.shape, 0, 1, 'float32', ((options.seed ?? 0) * 7919 + i) >>> 0),
    );
    const w = q.means.map((m, i) => tf.add(m, tf.mul(q.sds[i], eps[i])));
    let logQ: tf.Tensor = tf.scalar(0);
    q.sds.forEach((s, i) => {
      logQ = tf.sub(logQ, tf.add(tf.sum(tf.log(s)), tf.mul(0.5, tf.sum(tf.square(eps[i])))));
    });
    const logComponents = components.map((c) => {
      let l: tf.Tensor = tf.scalar(0);
      w.forEach((wi, i) => {
        const z = tf.div(tf.sub(wi, c.means[i]), c.sds[i]);
        l = tf.sub(l, tf.add(tf.sum(tf.log(c.sds[i])), tf.mul(0.5, tf.sum(tf.square(z)))));
      });
      return l;
    });
    const logMixture = tf.sub(tf.logSumExp(tf.stack(logComponents)), logK);
    return tf.sub(logQ, logMixture) as tf.Scalar;
  });
}
