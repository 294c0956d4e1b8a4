// beta-BNN (Hu et al., NeurIPS BDL 2018): Bayes by backprop read as approximate Blahut-Arimoto.
// The rate-distortion view of learning minimises I(w;S) + beta' E d(w,S); its variational form
// replaces the unknown marginal q(w) by a prior m, and Blahut-Arimoto's m-step sets m to the
// average posterior. The paper approximates that average by K components, each trained on its own
// part of the data: m~ = (1/K) sum_k q(w | theta_k). Four variants:
//   vanilla       K = 1, prior N(0, s^2), beta = 1/n (Blundell et al.'s free energy per example);
//   fixed-prior   K components on a K-way partition of each epoch, prior N(0, s^2);
//   beta-bnn      the same, prior m~ (frozen snapshots of the K posteriors, refreshed after each
//                 full pass; N(0, s^2) in the first pass, the literal theta^(0) = (0, I));
//   online        one minibatch per component step, round-robin, m~ refreshed after every step
//                 (N(0, s^2) for the very first step).
// Convention (the paper's numbers imply it, eq. 10 reads the other way): each step minimises
// beta * KL(q_k || prior) + the mean negative log-likelihood of its batch. Prediction uses E[w]
// under m~: the average of the components' means. Every component starts from the same weights
// (the literal Algorithm 1 starts all of them at theta^(0)): averaging the means of networks
// initialised apart would mix unrelated hidden units, so the E[w] network would predict nothing.
// They differ by their data and by their own noise.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import {
  bayesLayers,
  posteriorSd,
  disposeSnapshot,
  gaussianKl,
  mixtureKl,
  snapshotPosterior,
  type PosteriorSnapshot,
} from '../nn';
import type { Classifier } from '../nn/classifier';
import { makeOptimizer, type OptimizerSpec } from '../nn/optimizers';
import { checkConverging, evaluateAccuracy } from '../nn/train';
import { ClassifierTrainer } from '../nn/trainer';
import { Rng } from '../random/rng';

export const BETA_BNN_VARIANTS = ['vanilla', 'fixed-prior', 'beta-bnn', 'online'] as const;
export type BetaBnnVariant = (typeof BETA_BNN_VARIANTS)[number];

export interface BetaBnnConfig {
  variant: BetaBnnVariant;
  /** Components K (vanilla: 1). */
  components: number;
  /** Weight of the KL term (vanilla: 1 / n). */
  beta: number;
  /** Passes over the data (the paper's T for the batch variants). */
  epochs: number;
  batchSize: number;
  /** Per component (the paper: plain SGD at 1e-3). */
  optimizer: OptimizerSpec;
  /** Sd of the N(0, s^2) prior (default 1). */
  priorSd?: number;
  /** KL to the mixture: one-sample estimate (default) or the closed-form upper bound. */
  klEstimator?: 'mc' | 'upper';
  seed: number;
  /** Cut each pass short (reduced profiles). */
  maxStepsPerEpoch?: number;
}

export interface BetaBnnEpoch {
  epoch: number;
  /** Mean KL term (nats, before beta) and mean NLL over the pass's steps. */
  kl: number;
  nll: number;
  /** Accuracy of the E[w] network on the evaluation rows, when given. */
  accuracy?: number;
  /** Mean posterior sd over every weight of every component. */
  meanSd: number;
  seconds: number;
}

export interface BetaBnnResult {
  epochs: BetaBnnEpoch[];
  steps: number;
  seconds: number;
  /** The E[w] network (posterior means averaged over the components); the caller disposes it. */
  mean: Classifier;
}

export interface BetaBnnData {
  x: tf.Tensor;
  labels: Int32Array;
}

export async function trainBetaBnn(
  build: (seed: number) => Classifier,
  data: BetaBnnData,
  config: BetaBnnConfig,
  options: {
    evaluation?: BetaBnnData;
    onProgress?: (p: { step: number; total: number; metrics: Record<string, number> }) => void;
    /** After each pass, with the E[w] network of that pass (e.g. to score it on more rows). */
    onEpochEnd?: (summary: BetaBnnEpoch, mean: Classifier) => void | Promise<void>;
  } = {},
): Promise<BetaBnnResult> {
  const { variant, beta, epochs, batchSize } = config;
  const k = variant === 'vanilla' ? 1 : config.components;
  const n = data.labels.length;
  checkConfig(config, k, n);
  const priorSd = config.priorSd ?? 1;
  const estimator = config.klEstimator ?? 'mc';
  const rng = new Rng(config.seed).fork('beta-bnn');
  // The one-sample mixture KL draws its noise from this run's seed (runs of other seeds must not
  // share the draws).
  const klSeed = rng.fork('mixture kl').nextUint32() % 1000003;
  const components = Array.from({ length: k }, () => build(config.seed));
  const mean = build(config.seed);
  if (bayesLayers(mean).length === 0) inputError('trainBetaBnn: build() made no BayesDense layer');
  const optimizers = components.map(() => makeOptimizer(config.optimizer));
  let snapshots: PosteriorSnapshot[] | null = null; // null: the N(0, s^2) prior
  const labels = tf.tensor1d(data.labels, 'int32');
  let step = 0;
  const trainers = components.map(
    (model, i) =>
      new ClassifierTrainer(model, {
        optimizer: optimizers[i],
        seed: rng.fork(`steps ${i}`).nextSeed(),
        capExtraGradient: false,
        extraLoss: () => {
          const kl =
            snapshots === null
              ? gaussianKl(model, priorSd)
              : mixtureKl(model, snapshots, { estimator, seed: klSeed + step });
          return tf.mul(beta, kl) as tf.Scalar;
        },
      }),
  );
  const refresh = (which: number[]) => {
    if (snapshots === null) {
      snapshots = components.map((c) => snapshotPosterior(c));
      return;
    }
    for (const i of which) {
      disposeSnapshot(snapshots[i]);
      snapshots[i] = snapshotPosterior(components[i]);
    }
  };
  const stepsPerEpoch = Math.min(Math.floor(n / batchSize), config.maxStepsPerEpoch ?? Infinity);
  const total = epochs * stepsPerEpoch;
  const history: BetaBnnEpoch[] = [];
  const started = performance.now();
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const epochStart = performance.now();
      const order = rng.permutation(n);
      const sums: tf.Scalar[] = [];
      // The batches of this pass and the component each goes to: batch variants give component
      // i the i-th K-th of the pass, the online variant deals the batches round-robin.
      const plan = Array.from({ length: stepsPerEpoch }, (_, s) => ({
        rows: order.subarray(s * batchSize, (s + 1) * batchSize),
        component: variant === 'online' ? s % k : Math.floor((s * k) / stepsPerEpoch),
      }));
      for (const { rows, component } of plan) {
        const index = tf.tensor1d(rows, 'int32');
        const xb = tf.gather(data.x, index);
        const yb = tf.gather(labels, index) as tf.Tensor1D;
        index.dispose();
        try {
          const r = trainers[component].step(xb, yb);
          sums.push(r.loss, r.extra!);
          r.correct.dispose();
        } finally {
          tf.dispose([xb, yb]);
        }
        step++;
        if (variant === 'online') refresh([component]);
        options.onProgress?.({ step, total, metrics: { epoch } });
      }
      if (variant === 'beta-bnn') refresh(components.map((_, i) => i));
      // Mean NLL and KL of the pass (the extra term is beta * KL).
      const values = await Promise.all(sums.map((t) => t.data()));
      tf.dispose(sums);
      let nll = 0;
      let kl = 0;
      for (let i = 0; i < values.length; i += 2) {
        nll += values[i][0];
        kl += values[i + 1][0] / beta;
      }
      checkConverging('trainBetaBnn', epoch, { NLL: nll, KL: kl });
      averageMeans(components, mean);
      const summary: BetaBnnEpoch = {
        epoch,
        kl: kl / (values.length / 2),
        nll: nll / (values.length / 2),
        meanSd: await meanPosteriorSd(components),
        seconds: (performance.now() - epochStart) / 1000,
      };
      if (options.evaluation) {
        const y = tf.tensor1d(options.evaluation.labels, 'int32');
        summary.accuracy = await evaluateAccuracy(mean, { x: options.evaluation.x, y }).finally(
          () => y.dispose(),
        );
      }
      history.push(summary);
      await options.onEpochEnd?.(summary, mean);
    }
  } catch (err) {
    mean.dispose();
    throw err;
  } finally {
    labels.dispose();
    trainers.forEach((t) => t.dispose());
    optimizers.forEach((o) => o.dispose());
    components.forEach((c) => c.dispose());
    if (snapshots) (snapshots as PosteriorSnapshot[]).forEach(disposeSnapshot);
  }
  return { epochs: history, steps: step, seconds: (performance.now() - started) / 1000, mean };
}

function checkConfig(c: BetaBnnConfig, k: number, n: number): void {
  if (!BETA_BNN_VARIANTS.includes(c.variant))
    inputError(`variant must be one of ${BETA_BNN_VARIANTS.join(', ')}, got '${c.variant}'`);
  if (!Number.isInteger(k) || k < 1) inputError(`components must be a positive integer, got ${k}`);
  // beta = 0 drops the prior: not a Bayesian network (and the KL could not be reported).
  if (!(c.beta > 0) || !Number.isFinite(c.beta))
    inputError(`beta must be a finite positive number, got ${c.beta}`);
  if (!Number.isInteger(c.epochs) || c.epochs < 1)
    inputError(`epochs must be a positive integer, got ${c.epochs}`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1 || c.batchSize * k > n)
    inputError(
      `batchSize must be a positive integer with batchSize x components <= ${n} rows, ` +
        `got ${c.batchSize} x ${k}`,
    );
}

/** Writes the average of the components' posterior means into `target`'s means. */
function averageMeans(components: Classifier[], target: Classifier): void {
  const layers = components.map((c) => bayesLayers(c));
  bayesLayers(target).forEach((layer, l) => {
    const vars = layer.posteriorVariables();
    for (const v of [0, 2]) {
      const avg = tf.tidy(() =>
        tf.div(tf.addN(layers.map((ls) => ls[l].posteriorVariables()[v].read())), layers.length),
      );
      vars[v].write(avg);
      avg.dispose();
    }
  });
}

async function meanPosteriorSd(components: Classifier[]): Promise<number> {
  const t = tf.tidy(() => {
    let sum: tf.Tensor = tf.scalar(0);
    let count = 0;
    for (const c of components)
      for (const layer of bayesLayers(c)) {
        const [, kRho, , bRho] = layer.posteriorVariables().map((v) => v.read());
        sum = tf.add(sum, tf.add(tf.sum(posteriorSd(kRho)), tf.sum(posteriorSd(bRho))));
        count += kRho.size + bRho.size;
      }
    return tf.div(sum, count);
  });
  const v = (await t.data())[0];
  t.dispose();
  return v;
}
