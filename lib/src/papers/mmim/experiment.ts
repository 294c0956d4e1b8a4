// One MMIM training run (Xie & Hou 2021) on Fashion-MNIST: a network, a penalty on its penultimate
// layer (penalties.ts), and for MMIM the second step on the last layer. The orchestration over
// lambdas and seeds is in study.ts; the table and verdicts in table.ts.
//
// Step 1 (every method except the baseline): loss = CE + lambda * penalty(h), h the penultimate
// layer; the penalty's gradient is rescaled to at most the task gradient's norm (trainClassifier's
// capExtraGradient; the scale is measured every `capEvery` steps and reused in between, which
// saves the second pass on the other steps), and after each network step the critics take
// `criticSteps` steps on the batch.
// Step 2 (MMIM only): minimise C3 = I(W; h(S_x)) / n for the last layer W with everything below
// frozen. MINE, as the paper says, is ill-posed here: W is a single point once trained. We bound
// the information W stores about the training set instead (I(W; h(S_x)) <= I(W; S) by data
// processing, up to the labels, which the paper's own inequality 5 already drops): the last layer
// is retrained as a Bayes-by-backprop layer on E_q[CE] + KL(q||p)/n, the task loss plus the bound
// on C3 with the paper's 1/n weight (regularizers/bayes-last-layer.ts).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { Classifier } from '../../nn/classifier';
import { mlpClassifier, smallCnn } from '../../nn/models';
import {
  EpochSummary,
  collectActivations,
  evaluateAccuracy,
  trainClassifier,
} from '../../nn/train';
import { BayesLastLayer, trainBayesLastLayer } from '../../regularizers/bayes-last-layer';
import type { LayerMiRegularizer } from '../../regularizers/layer-regularizer';
import { LayerTermName, LayerTermOptions } from '../../regularizers/layer-terms';
import { PenaltyKind, penaltyRegularizer } from './penalties';
import { LayerIdentityOptions, LayerIdentityReport, layerIdentityCheck } from './identity';
import { toMatrixAsync } from '../../mi/matrix';
import { takeScalar } from '../../backend/read';

export type Net = 'DNN' | 'CNN';
export const NETS: readonly Net[] = ['DNN', 'CNN'];
export type Method = 'baseline' | 'MMIM' | 'C4' | 'C5' | 'C6' | 'RDM';
export const METHODS: readonly Method[] = ['baseline', 'MMIM', 'C4', 'C5', 'C6', 'RDM'];

/** The penalty of step 1 for each method (MMIM's is C1). */
export const METHOD_PENALTY: Readonly<Record<Exclude<Method, 'baseline'>, PenaltyKind>> = {
  MMIM: 'C1',
  C4: 'C4',
  C5: 'C5',
  C6: 'C6',
  RDM: 'RDM',
};

/** Table 1 of the paper: test accuracy (%). RDM is not in the table. */
export const PAPER_TABLE1: Readonly<Record<Net, Readonly<Partial<Record<Method, number>>>>> = {
  DNN: { baseline: 89.15, MMIM: 90.82, C4: 90.1, C5: 89.64, C6: 89.37 },
  CNN: { baseline: 90.89, MMIM: 92.39, C4: 91.85, C5: 91.3, C6: 91.06 },
};

/** The row names of the results file: 'DNN baseline', 'DNN with MMIM', 'CNN with C4', ... */
export function rowName(net: Net, method: Method): string {
  return method === 'baseline' ? `${net} baseline` : `${net} with ${method}`;
}

/** DNN 784-256-128-10 (ReLU) or the CNN conv32 3x3 - pool - conv64 3x3 - pool - fc128 - 10. */
export function network(net: Net, seed: number): Classifier {
  if (net === 'DNN') return mlpClassifier({ inputShape: [28, 28, 1], hidden: [256, 128], seed });
  if (net === 'CNN') return smallCnn({ seed });
  return inputError(`net must be DNN or CNN, got '${net as string}'`);
}

export interface Split {
  /** Pixels in [0, 1], [N, 784] (both networks reshape rows themselves). */
  x: tf.Tensor2D;
  /** Class ids [N] int32. */
  y: tf.Tensor1D;
  labels: Int32Array;
}

export interface Data {
  train: Split;
  val: Split;
  test: Split;
  classes: number;
}

export interface RunConfig {
  net: Net;
  method: Method;
  /** Weight of the step-1 penalty (ignored by the baseline). */
  lambda: number;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Stop each epoch early (smoke/quick profiles). */
  maxStepsPerEpoch?: number;
  /** Critic steps per network step. */
  criticSteps: number;
  /** Steps between measurements of the gradient cap's scale (default 1: every step). */
  capEvery?: number;
  critic?: LayerTermOptions;
  /** Train C1's critics alongside (without a penalty when the method does not use them) so every
   * run records curves of TC, TC(h|Y) and sum I(Y;h_i). */
  monitorTerms: boolean;
  /** Step 2 of MMIM. */
  c3Epochs: number;
  c3LearningRate: number;
  /** Check TC(h) - TC(h|Y) = sum_i I(Y;h_i) - I(Y;h) on the trained layer's test features. */
  identity?: LayerIdentityOptions;
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  /** Mean penalty value over the epoch (nats, before lambda). */
  penalty?: number;
  trainAccuracy: number;
  valAccuracy: number;
  /** Critic estimates of the terms over the epoch (nats). */
  terms: Partial<Record<LayerTermName, number>>;
  seconds: number;
}

/** One epoch of step 2, as the stored runs record it. */
export interface C3EpochPoint {
  epoch: number;
  /** Mean cross-entropy of the sampled logits over the epoch. */
  crossEntropy: number;
  /** KL(q || p) / n at the end of the epoch (nats): the bound on C3. */
  c3Bound: number;
}

export interface RunResult {
  config: RunConfig;
  /** Final accuracies in percent (after step 2 for MMIM). */
  valAccuracy: number;
  testAccuracy: number;
  /** MMIM only: accuracies after step 1, before the last layer is retrained. */
  step1?: { valAccuracy: number; testAccuracy: number };
  /** Baseline only: controls for step 2, which also trains the last layer for more epochs. The
   * baseline network's last layer retrained exactly as in MMIM's step 2 (`withC3`), and retrained
   * the same way without the KL term (`withoutKl`): MMIM's gain minus these is what C1 adds. */
  lastLayerControls?: {
    withC3: { valAccuracy: number; testAccuracy: number };
    withoutKl: { valAccuracy: number; testAccuracy: number };
  };
  curve: EpochPoint[];
  c3Curve?: C3EpochPoint[];
  identity?: LayerIdentityReport;
  seconds: number;
}

type Progress = (p: { step: number; total: number; metrics: Record<string, number> }) => void;

/** Train one configuration and evaluate it on the validation and test splits. */
export async function runConfiguration(
  data: Data,
  config: RunConfig,
  onProgress?: Progress,
): Promise<RunResult> {
  const started = performance.now();
  if (!(config.lambda >= 0 && Number.isFinite(config.lambda)))
    inputError(`lambda must be a finite number >= 0, got ${config.lambda}`);
  const model = network(config.net, config.seed);
  const units = penultimateWidth(model);
  const penaltyKind = config.method === 'baseline' ? null : METHOD_PENALTY[config.method];
  const criticKind: PenaltyKind | null = config.monitorTerms ? 'C1' : penaltyKind;
  const options = { criticSteps: config.criticSteps, critic: config.critic, seed: config.seed };
  // The penalty's critics, and (when monitoring) C1's critics for the terms the penalty lacks.
  const regularizer = (kind: PenaltyKind): LayerMiRegularizer =>
    penaltyRegularizer(kind, units, data.classes, options);
  const penalty = penaltyKind ? regularizer(penaltyKind) : null;
  const monitor = criticKind && criticKind !== penaltyKind ? regularizer(criticKind) : null;
  const curve: EpochPoint[] = [];
  let step1: RunResult['step1'];
  let c3Curve: C3EpochPoint[] | undefined;
  try {
    await trainClassifier(
      model,
      { x: data.train.x, y: data.train.y },
      {
        epochs: config.epochs,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        seed: config.seed,
        maxStepsPerEpoch: config.maxStepsPerEpoch,
        validation: { x: data.val.x, y: data.val.y },
        extraLoss: penalty
          ? (activations, labels, labelIds) =>
              tf.mul(
                config.lambda,
                penalty.estimate(activations[model.penultimate] as tf.Tensor2D, labelIds ?? labels),
              ) as tf.Scalar
          : undefined,
        capExtraGradient: true,
        capEvery: config.capEvery,
        afterStep:
          penalty || monitor
            ? ({ activations, labelIds }) => {
                const h = activations[model.penultimate] as tf.Tensor2D;
                penalty?.updateCritic(h, labelIds);
                monitor?.updateCritic(h, labelIds);
              }
            : undefined,
        onProgress,
        onEpochEnd: async (s: EpochSummary) => {
          const terms = {
            ...(await monitor?.takeEstimates()),
            ...(await penalty?.takeEstimates()),
          };
          curve.push({
            epoch: s.epoch,
            loss: s.loss,
            penalty:
              s.extraLoss === undefined ? undefined : s.extraLoss / Math.max(config.lambda, 1e-300),
            trainAccuracy: 100 * s.trainAccuracy,
            valAccuracy: 100 * (s.validationAccuracy ?? NaN),
            terms,
            seconds: s.seconds,
          });
        },
      },
    );
    const identity = config.identity
      ? await checkIdentity(model, data, config.identity)
      : undefined;
    let valAccuracy = 100 * (await evaluateAccuracy(model, { x: data.val.x, y: data.val.y }));
    let testAccuracy = 100 * (await evaluateAccuracy(model, { x: data.test.x, y: data.test.y }));
    let lastLayerControls: RunResult['lastLayerControls'];
    if (config.method === 'MMIM') {
      step1 = { valAccuracy, testAccuracy };
      const second = await retrainLastLayer(model, data, config, 1);
      c3Curve = second.curve.map((p) => ({
        epoch: p.epoch,
        crossEntropy: p.crossEntropy,
        c3Bound: p.klPerExample,
      }));
      valAccuracy = second.valAccuracy;
      testAccuracy = second.testAccuracy;
    } else if (config.method === 'baseline') {
      const pick = (r: { valAccuracy: number; testAccuracy: number }) => ({
        valAccuracy: r.valAccuracy,
        testAccuracy: r.testAccuracy,
      });
      lastLayerControls = {
        withC3: pick(await retrainLastLayer(model, data, config, 1)),
        withoutKl: pick(await retrainLastLayer(model, data, config, 0)),
      };
    }
    return {
      config,
      valAccuracy,
      testAccuracy,
      step1,
      lastLayerControls,
      curve,
      c3Curve,
      identity,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    penalty?.dispose();
    monitor?.dispose();
    model.dispose();
  }
}

function penultimateWidth(model: Classifier): number {
  const shape = tf.tidy(
    () => model.forward(tf.zeros([1, ...model.inputShape]))[model.penultimate].shape,
  );
  if (shape.length !== 2)
    inputError(`${model.name}: the penultimate layer must be flat, got [${shape}]`);
  return shape[1];
}

async function checkIdentity(
  model: Classifier,
  data: Data,
  options: LayerIdentityOptions,
): Promise<LayerIdentityReport> {
  const h = collectActivations(model, data.test.x, [model.penultimate])[model.penultimate];
  const features = await toMatrixAsync(h, 'penultimate features').finally(() => h.dispose());
  return layerIdentityCheck(features, data.test.labels, data.classes, options);
}

/** MMIM step 2 on the frozen network's penultimate features; klWeight 0 drops the C3 term. */
async function retrainLastLayer(
  model: Classifier,
  data: Data,
  config: RunConfig,
  klWeight: number,
) {
  const logitsLayer = model.model.layers[model.model.layers.length - 2];
  // getWeights() hands out the model's own variables: BayesLastLayer copies them, nobody disposes
  // them.
  const [kernel, bias] = logitsLayer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
  const features = (split: Split) =>
    collectActivations(model, split.x, [model.penultimate])[model.penultimate] as tf.Tensor2D;
  const train = features(data.train);
  const layer = new BayesLastLayer(kernel.shape[0], kernel.shape[1], { kernel, bias });
  try {
    const curve = await trainBayesLastLayer(layer, train, data.train.labels, {
      epochs: config.c3Epochs,
      batchSize: config.batchSize,
      learningRate: config.c3LearningRate,
      lambda: klWeight,
      seed: config.seed,
    });
    const accuracy = async (split: Split) => {
      const h = features(split);
      const correct = tf.tidy(
        () =>
          tf.sum(
            tf.cast(tf.equal(tf.argMax(layer.meanLogits(h), 1), split.y), 'float32'),
          ) as tf.Scalar,
      );
      h.dispose();
      return (100 * (await takeScalar(correct))) / split.labels.length;
    };
    return {
      curve,
      valAccuracy: await accuracy(data.val),
      testAccuracy: await accuracy(data.test),
    };
  } finally {
    layer.dispose();
    train.dispose();
  }
}
