// Part B's runs: one beta-BNN variant at one beta (trainBetaBnn on the paper's 784-400-400-10 MLP,
// batch 128, Adam or plain SGD) and the control the protocol asks for, the same MLP trained
// deterministically for the same steps. Every run scores its E[w] network on the validation and
// test rows after every pass, so one run gives the selection score, the final accuracy and the
// convergence curve.
import * as tf from '@tensorflow/tfjs';
import { bayesMlp, mlpClassifier } from '../../nn/models';
import { makeOptimizer } from '../../nn/optimizers';
import { evaluateAccuracy, trainClassifier } from '../../nn/train';
import { trainBetaBnn, type BetaBnnVariant } from '../../regularizers/beta-bnn';
import type { LabelledSplit, SplitData } from './data';
import type { BnnConfig } from './profiles';

/** Progress of one run's training, for a notebook's progress bar. */
export type Progress = (p: {
  step: number;
  total: number;
  metrics: Record<string, number>;
}) => void;

export type BnnMethod = BetaBnnVariant | 'deterministic';

/** What sets a part-B run apart (with the profile's settings and the seed). */
export interface BnnSetting {
  method: BnnMethod;
  /** Each component's optimiser (at the profile's learning rate). */
  optimizer: 'adam' | 'sgd';
  /** Weight of the KL term (vanilla: 1/n; deterministic: none). */
  beta: number | null;
  components: number;
  epochs: number;
  estimator: 'mc' | 'upper';
}

export interface BnnEpoch {
  epoch: number;
  /** Mean KL term (nats, before beta) and NLL over the pass (deterministic: NLL only). */
  kl: number | null;
  nll: number;
  /** Mean posterior sd (deterministic: none). */
  meanSd: number | null;
  valAccuracy: number;
  testAccuracy: number;
  seconds: number;
}

export interface BnnRun extends BnnSetting {
  seed: number;
  curve: BnnEpoch[];
  /** The last pass's accuracies (%). */
  valAccuracy: number;
  testAccuracy: number;
  steps: number;
  seconds: number;
}

const percent = (a: number) => 100 * a;

export async function runBnn(
  data: SplitData,
  config: BnnConfig,
  setting: BnnSetting,
  seed: number,
  progress?: Progress,
): Promise<BnnRun> {
  const val = scored(data.val);
  const test = scored(data.test);
  const curve: BnnEpoch[] = [];
  const score = async (model: Parameters<typeof evaluateAccuracy>[0]) => ({
    valAccuracy: percent(await evaluateAccuracy(model, val)),
    testAccuracy: percent(await evaluateAccuracy(model, test)),
  });
  try {
    if (setting.method === 'deterministic') {
      const model = mlpClassifier({ inputShape: data.shape, hidden: config.hidden, seed });
      const y = tf.tensor1d(data.train.labels, 'int32');
      const optimizer = makeOptimizer({
        name: setting.optimizer,
        learningRate: config.learningRate,
      });
      try {
        const history = await trainClassifier(
          model,
          { x: data.train.x, y },
          {
            epochs: setting.epochs,
            batchSize: config.batchSize,
            optimizer,
            seed,
            maxStepsPerEpoch: config.maxStepsPerEpoch,
            onProgress: progress,
            onEpochEnd: async (e) => {
              const s = await score(model);
              curve.push({
                epoch: e.epoch,
                kl: null,
                nll: e.loss,
                meanSd: null,
                seconds: e.seconds,
                ...s,
              });
            },
          },
        );
        return finish(setting, seed, curve, history.steps, history.seconds);
      } finally {
        y.dispose();
        model.dispose();
        optimizer.dispose();
      }
    }
    const result = await trainBetaBnn(
      (s) => bayesMlp({ inputShape: data.shape, hidden: config.hidden, seed: s }),
      { x: data.train.x, labels: data.train.labels },
      {
        variant: setting.method,
        components: setting.components,
        beta: setting.beta!,
        epochs: setting.epochs,
        batchSize: config.batchSize,
        optimizer: { name: setting.optimizer, learningRate: config.learningRate },
        klEstimator: setting.estimator,
        seed,
        maxStepsPerEpoch: config.maxStepsPerEpoch,
      },
      {
        onProgress: progress,
        onEpochEnd: async (e, mean) => {
          const s = await score(mean);
          curve.push({
            epoch: e.epoch,
            kl: e.kl,
            nll: e.nll,
            meanSd: e.meanSd,
            seconds: e.seconds,
            ...s,
          });
        },
      },
    );
    result.mean.dispose();
    return finish(setting, seed, curve, result.steps, result.seconds);
  } finally {
    tf.dispose([val.y, test.y]);
  }
}

function scored(split: LabelledSplit) {
  return { x: split.x, y: tf.tensor1d(split.labels, 'int32') };
}

function finish(
  setting: BnnSetting,
  seed: number,
  curve: BnnEpoch[],
  steps: number,
  seconds: number,
): BnnRun {
  const last = curve[curve.length - 1];
  return {
    ...setting,
    seed,
    curve,
    valAccuracy: last.valAccuracy,
    testAccuracy: last.testAccuracy,
    steps,
    seconds,
  };
}
