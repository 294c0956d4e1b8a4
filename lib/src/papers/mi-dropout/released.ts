// Part R: the authors' released MNIST pipeline (MI/MI.py, branch `MI`), replicated as written and
// fixed. Their MLP (784-512-256-10, Adam 1e-3, batch 200) trains 10 epochs; then the 256-unit layer
// is scored with scikit-learn's mutual_info_classif against COLUMN 0 of the one-hot labels (the
// indicator "class 0 vs rest", a bug for 10 classes), units under 0.05 nats are "re-initialised" by
// np.delete-ing their kernel columns and appending as many N(0, 0.01²) columns (a bug: the biases
// and the next layer's rows stay in the old order, so every unit after the first deleted one gets
// another unit's bias and outgoing weights), and the network trains 10 more epochs. The released
// code reports the last epoch's test accuracy, and so does this part.
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../../nn/classifier';
import type { DropoutKind } from '../../nn/dropout';
import { cloneClassifier, reinitDenseUnits } from '../../nn/surgery';
import { Rng } from '../../random/rng';
import type { LabelledData } from './data';
import { Progress, TrainedRun, fit, measurementRows, releasedMlp, scoreUnits } from './experiment';
import { RELEASED_THRESHOLD } from './paper';
import type { ReleasedConfig } from './profiles';
import { selectUnits, unitsBelow } from './selection';

/** The layer the released code scores (Keras' model.layers[1]: the 256-unit layer). */
export const RELEASED_LAYER = 'hidden2';

/** The released step's variants (protocol §1d, part R). */
export type ReleasedStep =
  | 'released' // R1: as written, both bugs
  | 'fixed' // R2: 10-class labels, consistent re-initialisation
  | 'continued' // R3: no MI step, 10 more epochs
  | 'random'; // R4: as many units as R1, drawn at random, consistent re-initialisation

export interface ReleasedStepRun {
  step: ReleasedStep;
  units: number[];
  run: TrainedRun;
}

export interface ReleasedRun {
  seed: number;
  /** The MLP after the first 10 epochs (what the notebooks print as "base"). */
  base: TrainedRun;
  /** Per-unit MI of the scored layer against the class-0 indicator and the 10-class label. */
  miClass0: number[];
  miLabels: number[];
  steps: ReleasedStepRun[];
}

/** The released code's settings, last epoch reported. */
function settings(config: ReleasedConfig, epochs: number, seed: number) {
  return {
    epochs,
    batchSize: config.batchSize,
    learningRate: 1e-3,
    maxStepsPerEpoch: config.maxStepsPerEpoch,
    seed,
    restoreBest: false,
  };
}

export async function runReleased(
  data: LabelledData,
  config: ReleasedConfig,
  seed: number,
  progress?: (label: string) => Progress | undefined,
): Promise<ReleasedRun> {
  const model = releasedMlp(seed);
  const rows = measurementRows(data.train, config.miRows, seed);
  try {
    const base = await fit(model, data, settings(config, config.epochs, seed), {
      progress: progress?.(`MLP, seed ${seed}`),
    });
    const class0 = Int32Array.from(rows.labels, (y) => (y === 0 ? 1 : 0));
    const [scored0] = await scoreUnits(model, rows, [RELEASED_LAYER], {
      labels: class0,
      seed,
      estimators: 'knn',
    });
    const [scored] = await scoreUnits(model, rows, [RELEASED_LAYER], { seed, estimators: 'knn' });
    const low0 = unitsBelow(scored0.knn, RELEASED_THRESHOLD);
    const low = unitsBelow(scored.knn, RELEASED_THRESHOLD);
    const rng = new Rng(seed).fork('released');
    const random = selectUnits('random', scored.knn, low0.length, rng.nextSeed());
    const plans: Array<{ step: ReleasedStep; units: number[]; make: () => Classifier }> = [
      {
        step: 'released',
        units: low0,
        make: () => scrambledReinit(model, RELEASED_LAYER, low0, rng.fork('r1').nextSeed()),
      },
      { step: 'fixed', units: low, make: () => consistentReinit(model, low, seed) },
      { step: 'continued', units: [], make: () => cloneClassifier(model) },
      { step: 'random', units: random, make: () => consistentReinit(model, random, seed) },
    ];
    const steps: ReleasedStepRun[] = [];
    for (const plan of plans) {
      const next = plan.make();
      try {
        const run = await fit(next, data, settings(config, config.retrainEpochs, seed + 1000), {
          progress: progress?.(`${plan.step}, seed ${seed}`),
        });
        steps.push({ step: plan.step, units: plan.units, run });
      } finally {
        next.dispose();
      }
    }
    return { seed, base, miClass0: scored0.knn, miLabels: scored.knn, steps };
  } finally {
    model.dispose();
    tf.dispose([rows.x, rows.y]);
  }
}

/** R2 and R4: the chosen units' incoming weights drawn afresh from N(0, 0.01²), biases 0, their
 * outgoing weights kept, every other unit untouched (what np.delete + append meant to do). */
function consistentReinit(model: Classifier, units: number[], seed: number): Classifier {
  const drawSeed = new Rng(seed).fork('reinit').nextSeed();
  return reinitDenseUnits(model, RELEASED_LAYER, units, drawSeed, {
    init: 'normal',
    normalSd: 0.01,
  });
}

/**
 * The released code's step as written: the kernel's columns of `units` deleted and as many
 * N(0, 0.01²) columns appended at the end; the bias and the next layer's kernel left as they were.
 * Unit j of the result computes kept unit j's (or a new unit's) input with unit j's old bias and
 * outgoing weights.
 */
export function scrambledReinit(
  model: Classifier,
  layer: string,
  units: readonly number[],
  seed: number,
): Classifier {
  const copy = cloneClassifier(model);
  const named = copy.layers.find((l) => l.name === layer);
  if (!named) throw new Error(`scrambledReinit: no layer '${layer}'`);
  const [kernel, bias] = named.layer.getWeights();
  const [fanIn, width] = kernel.shape;
  const gone = new Set(units);
  const keptColumns = Array.from({ length: width }, (_, c) => c).filter((c) => !gone.has(c));
  // The kept columns move to the front (a gather on the device: no read-back, which a GPU backend
  // cannot do synchronously); the fresh ones, drawn column by column, fill the rest.
  const fresh = width - keptColumns.length;
  const draws = new Float32Array(fanIn * fresh);
  const rng = new Rng(seed);
  for (let j = 0; j < fresh; j++) {
    for (let r = 0; r < fanIn; r++) draws[r * fresh + j] = 0.01 * rng.normal();
  }
  const newKernel = tf.tidy(() =>
    tf.concat(
      [tf.gather(kernel, tf.tensor1d(keptColumns, 'int32'), 1), tf.tensor2d(draws, [fanIn, fresh])],
      1,
    ),
  ) as tf.Tensor2D;
  const sameBias = tf.clone(bias);
  named.layer.setWeights([newKernel, sameBias]);
  tf.dispose([newKernel, sameBias]);
  return copy;
}

export interface ReleasedDropoutRun {
  kind: DropoutKind;
  seed: number;
  /** After 10 epochs (branch `Original`) and after 20 (the MI pipeline's budget). */
  at10: TrainedRun;
  at20: TrainedRun;
}

/** R5-R7: the MLP with Dropout/AlphaDropout/GaussianDropout(0.5) after each hidden layer, as in
 * branch `Original`, for 10 epochs and then 10 more (fresh Adam, as the MI step's retraining). */
export async function runReleasedDropout(
  data: LabelledData,
  config: ReleasedConfig,
  kind: DropoutKind,
  seed: number,
  progress?: Progress,
): Promise<ReleasedDropoutRun> {
  const model = releasedMlp(seed, { kind, rate: 0.5 });
  try {
    const at10 = await fit(model, data, settings(config, config.epochs, seed), { progress });
    const more = settings(config, config.retrainEpochs, seed + 1000);
    const at20 = await fit(model, data, more, { progress });
    return { kind, seed, at10, at20 };
  } finally {
    model.dispose();
  }
}
