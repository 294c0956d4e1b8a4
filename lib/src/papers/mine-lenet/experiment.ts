// One seed of the information-plane experiment: train a classifier epoch by epoch; after each epoch
// its test accuracy; at chosen epochs, for every named layer L, I(X; L) and I(Y; L) by each configured
// estimator (MINE measurers that persist across epochs, so warm starts fine-tune) and the references
// of references.ts; at other chosen epochs, the seed's Table 2 architecture study. Everything comes
// back as plain JSON (non-finite values as null) so a full run can be cached and resumed (runOnce).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { Rng } from '../../random/rng';
import type { Classifier } from '../../nn/classifier';
import { evaluateAccuracy, trainClassifier, collectActivations, type ClassifierData } from '../../nn/train';
import { checkBoundName, type LowerBoundName } from '../../mi/neural/objectives';
import type { StatisticsNetworkSpec } from '../../infoplane/critics';
import { MineMeasurer, type MeasureOptions } from '../../infoplane/mine-measurer';
import { flattenRows, oneHotLabels, standardizeGlobally, standardizeUnits } from '../../infoplane/prepare';
import { layerReferences, type LayerReferences } from '../../infoplane/references';
import { inputArchitectures, targetArchitectures } from './architectures';

export type PlaneVariable = 'X' | 'Y';

export interface PlaneEstimator {
  /** Name in the records, e.g. 'MINE h=20'. */
  name: string;
  spec: StatisticsNetworkSpec;
  bound: LowerBoundName;
  warmStart: boolean;
  measure: Omit<MeasureOptions, 'onProgress'>;
  /** Only these layers / variables / classifier epochs (default all of config.measureAt). */
  layers?: readonly string[];
  variables?: readonly PlaneVariable[];
  epochs?: readonly number[];
}

export interface PlaneExperimentConfig {
  seed: number;
  /** Classifier epochs; they are numbered 0 .. epochs-1 as in the seed. */
  epochs: number;
  /** Epochs after which the layers are measured. */
  measureAt: readonly number[];
  /** Activation names of the classifier to measure. */
  layers: readonly string[];
  batchSize: number;
  optimizer: { name: 'sgd' | 'momentum' | 'adam'; learningRate: number; momentum?: number };
  /** Cut each epoch short (reduced profiles). */
  maxStepsPerEpoch?: number;
  estimators: readonly PlaneEstimator[];
  /** The main noise level: references are always computed at it (runs without noise are judged
   * against these); also at every other noise an estimator or the study uses. */
  noiseSigma: number;
  /** Rows for the O(N^2) kernel references (the first rows of the evaluation set). */
  kdeRows: number;
  /** The Table 2 study: every seed architecture, re-initialised, at these epochs. */
  study?: { at: readonly number[]; noiseSigma: number; measure: Omit<MeasureOptions, 'onProgress'>; layers?: readonly string[] };
}

export interface PlaneData {
  train: ClassifierData;
  test: ClassifierData;
  /** The fixed rows every MI quantity is computed on: images [n, ...] and class ids. */
  evaluation: { x: tf.Tensor; labels: ArrayLike<number> };
}

/** A MINE (or other neural bound) run, as stored. */
export interface PlaneRun {
  epoch: number;
  layer: string;
  variable: PlaneVariable;
  /** Estimator name (plane) or the seed's architecture label (study). */
  name: string;
  noiseSigma: number;
  /** Best held-out estimate, nats (null: diverged before a finite estimate). */
  value: number | null;
  /** Held-out estimate per MINE epoch (null where non-finite). */
  curve: Array<number | null>;
  stopReason: string;
  seconds: number;
}

export interface PlaneRecord {
  seed: number;
  /** config.noiseSigma */
  noiseSigma: number;
  /** Test accuracy after each epoch (index = epoch). */
  accuracy: number[];
  /** Mean training cross-entropy per epoch. */
  loss: number[];
  references: Array<{ epoch: number; layer: string } & LayerReferences>;
  runs: PlaneRun[];
  study: PlaneRun[];
  seconds: number;
}

export interface PlaneProgress {
  step: number;
  total: number;
  metrics: Record<string, number>;
}

/** Train `model` on `data.train` and measure it as `config` says. The model is trained in place. */
export async function runInformationPlane(
  model: Classifier,
  data: PlaneData,
  config: PlaneExperimentConfig,
  onProgress?: (p: PlaneProgress) => void,
): Promise<PlaneRecord> {
  checkConfig(model, data, config);
  const started = Date.now();
  const rng = new Rng(config.seed);
  const labels = Array.from(data.evaluation.labels);
  const record: PlaneRecord = { seed: config.seed, noiseSigma: config.noiseSigma, accuracy: [], loss: [], references: [], runs: [], study: [], seconds: 0 };
  const total = plannedUnits(config);
  let done = 0;
  const tick = (metrics: Record<string, number>) => onProgress?.({ step: ++done, total, metrics });

  // The two fixed sides: X standardised with one scale (keeps the pixels' relative contrast), Y one-hot.
  const sides: Record<PlaneVariable, { rows: tf.Tensor2D; shape: number[] }> = {
    X: { rows: await standardizeFlat(data.evaluation.x), shape: data.evaluation.x.shape.slice(1) },
    Y: { rows: oneHotLabels(labels, model.classes), shape: [model.classes] },
  };
  const measurers = new Map<string, MineMeasurer>();
  const optimizer = makeOptimizer(config.optimizer);
  try {
    await trainClassifier(model, data.train, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      optimizer,
      seed: rng.fork('classifier').nextSeed(),
      maxStepsPerEpoch: config.maxStepsPerEpoch,
      // Training steps show as metrics on the same bar, whose steps are epochs and estimator runs.
      onProgress: onProgress && ((p) => onProgress({ step: done, total, metrics: { 'training step': p.step, 'of': p.total, loss: p.metrics.loss ?? NaN } })),
      onEpochEnd: async (summary) => {
        const epoch = summary.epoch - 1;
        record.loss.push(summary.loss);
        record.accuracy.push(await evaluateAccuracy(model, data.test));
        tick({ epoch, accuracy: record.accuracy[epoch] });
        const measure = config.measureAt.includes(epoch);
        const study = config.study?.at.includes(epoch) ?? false;
        if (!measure && !study) return;
        const activations = collectActivations(model, data.evaluation.x, config.layers);
        try {
          for (const layer of config.layers) {
            const raw = activations[layer];
            const flat = flattenRows(raw);
            const z = await standardizeUnits(flat);
            const layerSide = { rows: z, shape: raw.shape.slice(1) };
            try {
              for (const noiseSigma of referenceSigmas(config, epoch, layer)) {
                const refs = layerReferences(z, flat, labels, { noiseSigma, kdeRows: config.kdeRows });
                record.references.push({ epoch, layer, ...refs });
                tick({ epoch });
              }
              if (measure) {
                for (const estimator of config.estimators) {
                  for (const variable of ['X', 'Y'] as const) {
                    if (!applies(estimator, layer, variable, epoch)) continue;
                    const key = `${estimator.name}|${variable}|${layer}`;
                    let measurer = measurers.get(key);
                    if (!measurer) {
                      measurer = new MineMeasurer({
                        spec: estimator.spec,
                        shapes: { a: sides[variable].shape, l: layerSide.shape },
                        seed: rng.fork(key).nextSeed(),
                        warmStart: estimator.warmStart,
                        bound: estimator.bound,
                      });
                      measurers.set(key, measurer);
                    }
                    const m = await measurer.measure(sides[variable].rows, z, estimator.measure);
                    record.runs.push(stored(epoch, layer, variable, estimator.name, estimator.spec.noiseSigma, m));
                    tick({ epoch, mi: m.estimate });
                  }
                }
              }
              if (study && config.study && (!config.study.layers || config.study.layers.includes(layer))) {
                for (const [variable, specs] of [['X', inputArchitectures(config.study.noiseSigma)], ['Y', targetArchitectures(config.study.noiseSigma)]] as const) {
                  for (const spec of specs) {
                    const measurer = new MineMeasurer({
                      spec,
                      shapes: { a: sides[variable].shape, l: layerSide.shape },
                      seed: rng.fork(`study ${epoch} ${layer} ${variable} ${spec.label}`).nextSeed(),
                      warmStart: false,
                    });
                    try {
                      const m = await measurer.measure(sides[variable].rows, z, config.study.measure);
                      record.study.push(stored(epoch, layer, variable, spec.label, spec.noiseSigma, m));
                    } finally {
                      measurer.dispose();
                    }
                    tick({ epoch });
                  }
                }
              }
            } finally {
              flat.dispose();
              z.dispose();
            }
          }
        } finally {
          tf.dispose(Object.values(activations));
        }
      },
    });
  } finally {
    optimizer.dispose();
    for (const m of measurers.values()) m.dispose();
    sides.X.rows.dispose();
    sides.Y.rows.dispose();
  }
  record.seconds = (Date.now() - started) / 1000;
  return record;
}

function applies(estimator: PlaneEstimator, layer: string, variable: PlaneVariable, epoch: number): boolean {
  return (
    (!estimator.layers || estimator.layers.includes(layer)) &&
    (!estimator.variables || estimator.variables.includes(variable)) &&
    (!estimator.epochs || estimator.epochs.includes(epoch))
  );
}

/** Every noise level whose references a run at this epoch and layer will be judged by. */
function referenceSigmas(c: PlaneExperimentConfig, epoch: number, layer: string): number[] {
  const sigmas = new Set<number>([c.noiseSigma]);
  if (c.measureAt.includes(epoch)) {
    for (const e of c.estimators) {
      if (e.spec.noiseSigma > 0 && (['X', 'Y'] as const).some((v) => applies(e, layer, v, epoch))) sigmas.add(e.spec.noiseSigma);
    }
  }
  if (c.study?.at.includes(epoch) && (!c.study.layers || c.study.layers.includes(layer)) && c.study.noiseSigma > 0) sigmas.add(c.study.noiseSigma);
  return [...sigmas];
}

function stored(
  epoch: number,
  layer: string,
  variable: PlaneVariable,
  name: string,
  noiseSigma: number,
  m: { estimate: number; curve: number[]; stopReason: string; seconds: number },
): PlaneRun {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return { epoch, layer, variable, name, noiseSigma, value: finite(m.estimate), curve: m.curve.map(finite), stopReason: m.stopReason, seconds: m.seconds };
}

function makeOptimizer(o: PlaneExperimentConfig['optimizer']): tf.Optimizer {
  if (!(o.learningRate > 0)) inputError(`learningRate must be positive, got ${o.learningRate}`);
  switch (o.name) {
    case 'sgd':
      return tf.train.sgd(o.learningRate);
    case 'momentum':
      return tf.train.momentum(o.learningRate, o.momentum ?? 0.9);
    case 'adam':
      return tf.train.adam(o.learningRate);
    default:
      return inputError(`optimizer must be sgd, momentum or adam; got '${(o as { name: string }).name}'`);
  }
}

/** LeNet epochs + reference computations + MINE runs, for the progress bar. */
function plannedUnits(c: PlaneExperimentConfig): number {
  let units = c.epochs;
  const epochs = new Set([...c.measureAt, ...(c.study?.at ?? [])].filter((e) => e < c.epochs));
  for (const epoch of epochs) {
    for (const layer of c.layers) {
      units += referenceSigmas(c, epoch, layer).length;
      if (c.measureAt.includes(epoch)) {
        for (const e of c.estimators) for (const v of ['X', 'Y'] as const) if (applies(e, layer, v, epoch)) units++;
      }
      if (c.study?.at.includes(epoch) && (!c.study.layers || c.study.layers.includes(layer))) {
        units += inputArchitectures().length + targetArchitectures().length;
      }
    }
  }
  return units;
}

function checkConfig(model: Classifier, data: PlaneData, c: PlaneExperimentConfig): void {
  if (c === null || typeof c !== 'object') inputError('runInformationPlane needs a config');
  if (!Number.isInteger(c.epochs) || c.epochs < 1) inputError(`epochs must be a positive integer, got ${c.epochs}`);
  if (!(c.noiseSigma > 0)) inputError(`noiseSigma must be positive (the references need noise), got ${c.noiseSigma}`);
  for (const e of [...c.measureAt, ...(c.study?.at ?? [])]) {
    if (!Number.isInteger(e) || e < 0 || e >= c.epochs) inputError(`measurement epoch ${e} is outside 0..${c.epochs - 1}`);
  }
  for (const layer of c.layers) {
    if (!model.activationNames.includes(layer)) inputError(`${model.name} has no activation '${layer}'; it has ${model.activationNames.join(', ')}`);
  }
  const names = new Set<string>();
  for (const e of c.estimators) {
    if (names.has(e.name)) inputError(`estimator names must be unique, '${e.name}' repeats`);
    names.add(e.name);
    checkBoundName(e.bound);
  }
  const n = data.evaluation.x.shape[0];
  if (data.evaluation.labels.length !== n) inputError(`evaluation has ${n} images but ${data.evaluation.labels.length} labels`);
}

/** The image side of the plane: flattened, then standardised with one scale. */
async function standardizeFlat(images: tf.Tensor): Promise<tf.Tensor2D> {
  const flat = flattenRows(images);
  try {
    return await standardizeGlobally(flat);
  } finally {
    if (flat !== images) flat.dispose();
  }
}
