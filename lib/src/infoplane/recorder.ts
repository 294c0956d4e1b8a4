// The information plane of a classifier during training, with any estimators: "train this
// classifier; after these epochs, for these named layers, measure I(X;T) and I(T;Y) with these
// measurers". A measurer is any object with a name and a measure(activations, context) method
// (measurers.ts has binning, KDE, the KDE/binning references and MINE); the recorder trains,
// collects each layer's activations of the fixed evaluation rows once per measured epoch, hands
// them to every measurer that applies, and returns plain JSON: the test accuracy and training loss
// per epoch and one entry per (epoch, layer, measurer).
import * as tf from '@tensorflow/tfjs';
import { makeOptimizer, type OptimizerSpec } from '../nn/optimizers';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import type { Classifier } from '../nn/classifier';
import {
  collectActivations,
  evaluateAccuracy,
  trainClassifier,
  type ClassifierData,
} from '../nn/train';
import { flattenRows } from './prepare';

/** What a measurer is told besides the activations. */
export interface PlaneContext {
  /** The evaluation inputs [n, ...]: the fixed rows every quantity is computed on. */
  inputs: tf.Tensor;
  /** Their class ids, 0..classes-1. */
  labels: readonly number[];
  classes: number;
  /** The classifier's epoch, counted from 0: measured after epoch + 1 passes over the data. */
  epoch: number;
  layer: string;
  /** Per-sample shape of the layer's activations, e.g. [12, 12, 20] for a feature map. */
  shape: readonly number[];
}

/** I(X;T) and I(T;Y) in nats (null or absent: not measured); any other field is a detail the
 * measurer wants kept, which must survive JSON. */
export interface PlaneMeasurement {
  ixt?: number | null;
  ity?: number | null;
  [detail: string]: unknown;
}

export interface PlaneMeasurer {
  /** Names the measurer's entries; unique within a recording. */
  readonly name: string;
  /**
   * Whether it measures this layer after this epoch (default: every layer at every measured epoch).
   */
  appliesTo?(epoch: number, layer: string): boolean;
  /** `activations` [n, d]: the layer's activations of the evaluation rows, flattened. The recorder
   * owns them (do not dispose); everything else the measurer allocates, it disposes. */
  measure(activations: tf.Tensor2D, context: PlaneContext): Promise<PlaneMeasurement>;
  /** Frees what the measurer keeps between measurements (e.g. a warm-started network). */
  dispose?(): void;
}

/** One measurement as recorded. */
export interface PlaneEntry {
  epoch: number;
  layer: string;
  measurer: string;
  /** Nats; null when not measured or not finite. */
  ixt: number | null;
  ity: number | null;
  /** The measurement's other fields. */
  details: Record<string, unknown>;
}

export interface PlaneRecording {
  /** Test accuracy after each epoch (index = epoch); empty without test data. */
  accuracy: number[];
  /** Mean training cross-entropy per epoch. */
  loss: number[];
  /** In the order measured: by epoch, then layer (config order), then measurer (config order). */
  entries: PlaneEntry[];
  seconds: number;
}

export interface RecorderConfig {
  /** Fixes the training's shuffles: they are drawn from new Rng(seed).fork('classifier'). */
  seed: number;
  epochs: number;
  /** Epochs (from 0) after which the layers are measured. */
  measureAt: readonly number[];
  /** Activation names of the classifier to measure. */
  layers: readonly string[];
  batchSize: number;
  optimizer: OptimizerSpec;
  /** Cut each epoch short (reduced profiles). */
  maxStepsPerEpoch?: number;
  /** The recorder takes them over: it disposes every one when it returns or throws. */
  measurers: readonly PlaneMeasurer[];
}

export interface RecorderData {
  train: ClassifierData;
  /** For the accuracy after each epoch. */
  test?: ClassifierData;
  /** The fixed rows measured: inputs [n, ...] and their class ids. */
  evaluation: { x: tf.Tensor; labels: ArrayLike<number> };
}

export interface RecorderProgress {
  step: number;
  total: number;
  metrics: Record<string, number>;
}

/** Train `model` on `data.train` (in place) and measure it as `config` says. */
export async function recordInformationPlane(
  model: Classifier,
  data: RecorderData,
  config: RecorderConfig,
  onProgress?: (p: RecorderProgress) => void,
): Promise<PlaneRecording> {
  try {
    checkRecorderConfig(model, data, config);
    return await record(model, data, config, onProgress);
  } finally {
    for (const m of config?.measurers ?? []) m.dispose?.();
  }
}

async function record(
  model: Classifier,
  data: RecorderData,
  config: RecorderConfig,
  onProgress?: (p: RecorderProgress) => void,
): Promise<PlaneRecording> {
  const started = Date.now();
  const labels = Array.from(data.evaluation.labels);
  const recording: PlaneRecording = { accuracy: [], loss: [], entries: [], seconds: 0 };
  const applying = (epoch: number, layer: string) =>
    config.measureAt.includes(epoch)
      ? config.measurers.filter((m) => m.appliesTo?.(epoch, layer) ?? true)
      : [];
  let total = config.epochs;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    for (const layer of config.layers) total += applying(epoch, layer).length;
  }
  let done = 0;
  const tick = (metrics: Record<string, number>) => onProgress?.({ step: ++done, total, metrics });
  const optimizer = makeOptimizer(config.optimizer);
  try {
    await trainClassifier(model, data.train, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      optimizer,
      seed: new Rng(config.seed).fork('classifier').nextSeed(),
      maxStepsPerEpoch: config.maxStepsPerEpoch,
      // Training steps show as metrics on the same bar, whose steps are epochs and measurements.
      onProgress:
        onProgress &&
        ((p) =>
          onProgress({
            step: done,
            total,
            metrics: { 'training step': p.step, of: p.total, loss: p.metrics.loss ?? NaN },
          })),
      onEpochEnd: async (summary) => {
        const epoch = summary.epoch - 1;
        recording.loss.push(summary.loss);
        if (data.test) recording.accuracy.push(await evaluateAccuracy(model, data.test));
        tick(data.test ? { epoch, accuracy: recording.accuracy[epoch] } : { epoch });
        const layers = config.layers.filter((layer) => applying(epoch, layer).length > 0);
        if (layers.length === 0) return;
        const activations = collectActivations(model, data.evaluation.x, layers);
        try {
          for (const layer of layers) {
            const flat = flattenRows(activations[layer]);
            const context: PlaneContext = {
              inputs: data.evaluation.x,
              labels,
              classes: model.classes,
              epoch,
              layer,
              shape: activations[layer].shape.slice(1),
            };
            try {
              for (const measurer of applying(epoch, layer)) {
                const entry = toEntry(
                  epoch,
                  layer,
                  measurer.name,
                  await measurer.measure(flat, context),
                );
                recording.entries.push(entry);
                tick(entry.ixt !== null ? { epoch, 'I(X;T)': entry.ixt } : { epoch });
              }
            } finally {
              flat.dispose();
            }
          }
        } finally {
          tf.dispose(Object.values(activations));
        }
      },
    });
  } finally {
    optimizer.dispose();
  }
  recording.seconds = (Date.now() - started) / 1000;
  return recording;
}

function toEntry(epoch: number, layer: string, measurer: string, m: PlaneMeasurement): PlaneEntry {
  if (m === null || typeof m !== 'object')
    inputError(`measurer '${measurer}' returned ${m}, not a measurement object`);
  const { ixt, ity, ...details } = m;
  const finite = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { epoch, layer, measurer, ixt: finite(ixt), ity: finite(ity), details };
}

function checkRecorderConfig(model: Classifier, data: RecorderData, c: RecorderConfig): void {
  if (c === null || typeof c !== 'object') inputError('recordInformationPlane needs a config');
  if (!Number.isInteger(c.epochs) || c.epochs < 1)
    inputError(`epochs must be a positive integer, got ${c.epochs}`);
  if (!Array.isArray(c.measureAt as unknown)) inputError('measureAt must be an array of epochs');
  for (const e of c.measureAt) {
    if (!Number.isInteger(e) || e < 0 || e >= c.epochs)
      inputError(`measurement epoch ${e} is outside 0..${c.epochs - 1}`);
  }
  for (const layer of c.layers) {
    if (!model.activationNames.includes(layer)) {
      inputError(
        `${model.name} has no activation '${layer}'; it has ${model.activationNames.join(', ')}`,
      );
    }
  }
  if (!Array.isArray(c.measurers as unknown)) inputError('measurers must be an array');
  const names = new Set<string>();
  for (const m of c.measurers) {
    if (
      m === null ||
      typeof m !== 'object' ||
      typeof m.measure !== 'function' ||
      typeof m.name !== 'string'
    ) {
      inputError('every measurer needs a name and a measure(activations, context) method');
    }
    if (names.has(m.name)) inputError(`measurer names must be unique, '${m.name}' repeats`);
    names.add(m.name);
  }
  if (!data || !data.train || !data.evaluation)
    inputError('recordInformationPlane needs data { train, test?, evaluation }');
  const n = data.evaluation.x.shape[0];
  if (data.evaluation.labels.length !== n)
    inputError(`evaluation has ${n} inputs but ${data.evaluation.labels.length} labels`);
}
