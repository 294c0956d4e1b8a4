// Estimates of the layer terms on fixed features (a trained network's layer on a data set), with
// the same critics the regularizers train: each term's critic is trained on part of the rows and
// read out on the rest, once per seed, so the spread over seeds shows the estimator's own
// variability.
import * as tf from '@tensorflow/tfjs';
import { readScalars } from '../backend/read';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { summarizeFinite, type Summary } from '../report/summary';
import { SampleInput, toMatrixAsync } from '../mi/matrix';
import {
  EpochBatcher,
  Float32Rows,
  evaluationBlocks,
  splitTrainHeldOut,
} from '../mi/neural/batches';
import { LAYER_TERM_NAMES, LayerTermName, LayerTermOptions, createLayerTerm } from './layer-terms';

/** One term's estimates over seeds: mean ± sd of the finite ones (n counts them: a critic that
 * diverged leaves NaN in `values` and is not counted), and the estimate of every seed, in the order
 * of the seeds. */
export interface LayerTermEstimate extends Summary {
  values: number[];
}

export interface LayerTermEstimateOptions {
  terms?: readonly LayerTermName[];
  /** Critic steps per term and seed. Default 1000. */
  steps?: number;
  /** Default 256 (capped by the training rows). */
  batchSize?: number;
  /** Fraction of rows held out for the read-out. Default 0.3. */
  heldOut?: number;
  /** One estimate per seed (split, critic initialisation, batches, shuffles). Default [0, 1, 2]. */
  seeds?: readonly number[];
  critic?: LayerTermOptions;
  onProgress?: (p: { step: number; total: number; metrics: Record<string, number> }) => void;
}

/** Held-out neural estimates (nats) of the requested terms of the columns of `features`. */
export async function estimateLayerInformation(
  features: SampleInput,
  labels: ArrayLike<number>,
  classes: number,
  options: LayerTermEstimateOptions = {},
): Promise<Partial<Record<LayerTermName, LayerTermEstimate>>> {
  const m = await toMatrixAsync(features, 'features');
  if (labels.length !== m.rows)
    inputError(`features have ${m.rows} rows but there are ${labels.length} labels`);
  const y = Int32Array.from(labels);
  const terms = options.terms ?? LAYER_TERM_NAMES;
  for (const t of terms) if (!LAYER_TERM_NAMES.includes(t)) inputError(`unknown layer term '${t}'`);
  const steps = options.steps ?? 1000;
  const seeds = options.seeds ?? [0, 1, 2];
  if (!Number.isInteger(steps) || steps < 1)
    inputError(`steps must be a positive integer, got ${steps}`);
  if (seeds.length === 0) inputError('estimateLayerInformation needs at least one seed');
  const rows = new Float32Rows(m);
  const values: Partial<Record<LayerTermName, number[]>> = {};
  const total = seeds.length * terms.length * steps;
  let done = 0;
  for (const seed of seeds) {
    const rng = new Rng(seed);
    const split = splitTrainHeldOut(m.rows, options.heldOut ?? 0.3, rng.fork('split'));
    const batchSize = Math.min(options.batchSize ?? 256, split.train.length, split.heldOut.length);
    if (batchSize < 2) inputError(`too few rows (${m.rows}) to train and read out a critic`);
    const blocks = evaluationBlocks(split.heldOut, batchSize);
    for (const name of terms) {
      const term = createLayerTerm(name, m.cols, classes, {
        ...options.critic,
        seed: rng.fork(name).nextSeed(),
      });
      const batcher = new EpochBatcher(split.train, batchSize, rng.fork(`${name}-batches`));
      try {
        for (let s = 0; s < steps; s++) {
          const index = batcher.next();
          const h = rows.take(index);
          term.updateCritic(h, takeLabels(y, index));
          h.dispose();
          done++;
          if (s % 50 === 49) {
            options.onProgress?.({
              step: done,
              total,
              metrics: { [name]: await term.takeAverage() },
            });
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
        const estimates = blocks.map((block) =>
          tf.tidy(() => term.estimate(rows.take(block), takeLabels(y, block))),
        );
        const read = await readScalars(estimates).finally(() => tf.dispose(estimates));
        (values[name] ??= []).push(read.reduce((a, v) => a + v, 0) / blocks.length);
      } finally {
        term.dispose();
      }
    }
  }
  const out: Partial<Record<LayerTermName, LayerTermEstimate>> = {};
  for (const name of terms)
    out[name] = { ...summarizeFinite(values[name]!), values: values[name]! };
  return out;
}

function takeLabels(y: Int32Array, index: ArrayLike<number>): Int32Array {
  const out = new Int32Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = y[index[i]];
  return out;
}
