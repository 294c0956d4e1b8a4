// Repeated MINE measurements of one pair (X or Y against one layer) during a classifier's training.
// Between measurements the statistics network is either re-initialised (a fresh estimate each time)
// or warm-started (fine-tuned from the previous measurement's weights).
// The bounds, batching, held-out evaluation, early stopping and training loop are the neural
// estimators' (mi/neural); what is added here is the noise on L, drawn afresh for every training
// batch (fixed for the held-out rows), the per-epoch curve, and divergence kept as a result.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { toMatrixAsync } from '../mi/matrix';
import { concatScores, type CriticScores } from '../mi/neural/bounds';
import { criticScores, derangement, type Negatives } from '../mi/neural/critics';
import {
  EpochBatcher,
  Float32Rows,
  evaluationBlocks,
  splitTrainHeldOut,
} from '../mi/neural/batches';
import { LowerBoundObjective, checkBoundName, type LowerBoundName } from '../mi/neural/objectives';
import {
  NeuralTrainingError,
  trainToPlateau,
  type ProgressCallback,
  type TrainTask,
} from '../mi/neural/train';
import {
  buildStatisticsNetwork,
  sampleWidth,
  type SampleShape,
  type StatisticsNetwork,
  type StatisticsNetworkSpec,
} from './critics';

/** Noise vectors drawn per measurement; each training row takes a random one per batch, so the
 * statistics network sees (row, noise) pairs afresh without a normal draw per value per step. */
const NOISE_POOL_ROWS = 2048;

export interface MineMeasurerOptions {
  spec: StatisticsNetworkSpec;
  shapes: { a: SampleShape; l: SampleShape };
  /** Fixes the initial weights, every re-initialisation, noise draw, split and batch. */
  seed: number;
  /** Keep the weights between measurements (fine-tune) instead of drawing fresh ones. */
  warmStart: boolean;
  /** The bound trained and reported. Default 'mine' (DV value, moving-average gradient). */
  bound?: LowerBoundName;
}

export interface MeasureOptions {
  /** Most MINE epochs (passes over the training rows). */
  epochs: number;
  /** Run all `epochs` (false) or stop when the held-out estimate plateaus (true). Default true. */
  earlyStopping?: boolean;
  /** Epochs without a held-out improvement of minDelta before stopping. Default 5. */
  patience?: number;
  /** Never stop before this many epochs. Default min(5, epochs). */
  minEpochs?: number;
  /** Default 0.01 nats. */
  minDelta?: number;
  /** Default 128. */
  batchSize?: number;
  /**
   * Adam learning rate. Default 3e-3: these small statistics networks reached on LeNet-5's layers
   * in 300 steps what 1e-3 had not reached (measured), without diverging under noise.
   */
  learningRate?: number;
  /** Fraction of the rows held out for the curve and the estimate. Default 0.2. */
  heldOut?: number;
  /**
   * 'all' pairs of a batch (default) or in-batch 'shuffle's of l (MINE's Algorithm 1, Belghazi et
   * al. 2018).
   */
  negatives?: Negatives;
  onProgress?: ProgressCallback;
}

export interface MineMeasurement {
  label: string;
  bound: LowerBoundName;
  warmStart: boolean;
  /** 0 for the first measurement of this measurer, then 1, 2, ... */
  index: number;
  /** Best held-out estimate, nats; NaN when training diverged before a finite estimate. */
  estimate: number;
  /** Held-out estimate after each MINE epoch (NaN where it was not finite). */
  curve: number[];
  /** Mean training-batch estimate over each epoch. */
  trainCurve: number[];
  /** The estimate became non-finite (training stopped there). */
  diverged: boolean;
  stopReason: 'plateau' | 'maxSteps' | 'diverged';
  seconds: number;
}

export class MineMeasurer {
  readonly network: StatisticsNetwork;
  readonly bound: LowerBoundName;
  private readonly rng: Rng;
  private count = 0;

  constructor(readonly options: MineMeasurerOptions) {
    if (options === null || typeof options !== 'object')
      inputError('MineMeasurer needs { spec, shapes, seed, warmStart }');
    if (typeof options.warmStart !== 'boolean')
      inputError(`warmStart must be true or false, got ${options.warmStart}`);
    this.bound = checkBoundName(options.bound ?? 'mine');
    this.rng = new Rng(options.seed);
    this.network = buildStatisticsNetwork(options.spec, options.shapes, this.rng.nextSeed());
  }

  /** Estimate I(A; L + noise) on paired rows: `a` [n, prod(shapes.a)], `l` [n, prod(shapes.l)],
   * l already standardised (see standardizeUnits). */
  async measure(a: tf.Tensor2D, l: tf.Tensor2D, options: MeasureOptions): Promise<MineMeasurement> {
    const o = resolve(options);
    checkPair(a, l, this.options.shapes);
    const index = this.count++;
    const rng = this.rng.fork(`measurement ${index}`);
    if (index > 0 && !this.options.warmStart) this.network.reinitialise(rng.nextSeed());

    const n = a.shape[0];
    const split = splitTrainHeldOut(n, o.heldOut, rng.fork('split'));
    const batchSize = Math.min(o.batchSize, split.train.length);
    const stepsPerEpoch = Math.max(1, Math.floor(split.train.length / batchSize));
    const as = new Float32Rows(await toMatrixAsync(a, 'a'));
    const noisy = new NoisyRows(
      new Float32Rows(await toMatrixAsync(l, 'l')),
      this.options.spec.noiseSigma,
      rng.fork('noise'),
    );
    const objective = new LowerBoundObjective(this.bound, as.cols, rng.fork('baseline').nextSeed());
    const batcher = new EpochBatcher(split.train, batchSize, rng.fork('batches'));
    const negativeRng = rng.fork('negatives');
    const perms = (rows: number, r: Rng) =>
      o.negatives === 'shuffle' ? [derangement(rows, r)] : undefined;
    // Held-out blocks are uploaded once, with their noise and shuffles fixed, so the curve is not
    // resampled.
    const evalRng = rng.fork('evaluation');
    const blocks = evaluationBlocks(split.heldOut, batchSize).map((rows) => ({
      a: as.take(rows),
      l: noisy.take(rows, 'once'),
      perms: perms(rows.length, evalRng),
    }));
    const task: TrainTask = {
      variables: [...this.network.variables, ...objective.variables],
      objective: () => {
        const rows = batcher.next();
        const ab = as.take(rows);
        return objective.train(
          criticScores(
            this.network,
            ab,
            noisy.take(rows, 'fresh'),
            o.negatives,
            perms(rows.length, negativeRng),
          ),
          ab,
        );
      },
      evaluate: () =>
        tf.tidy(() => {
          const parts: CriticScores[] = blocks.map((b) =>
            criticScores(this.network, b.a, b.l, o.negatives, b.perms),
          );
          return objective.evaluate(
            concatScores(parts),
            tf.concat(blocks.map((b) => b.a)) as tf.Tensor2D,
          );
        }),
      onRestore: () => objective.resetState(),
    };

    const curve: number[] = [];
    const trainCurve: number[] = [];
    const started = Date.now();
    try {
      const report = await trainToPlateau(
        task,
        {
          learningRate: o.learningRate,
          maxSteps: o.epochs * stepsPerEpoch,
          evalEvery: stepsPerEpoch,
          minSteps: o.minEpochs * stepsPerEpoch,
          patience: o.patience,
          minDelta: o.minDelta,
          earlyStopping: o.earlyStopping,
          // A divergence is one of the outcomes studied here, so it is reported, never repaired.
          maxRecoveries: 0,
          onProgress: (p) => {
            curve.push(p.metrics.heldOut);
            trainCurve.push(p.metrics.train);
            o.onProgress?.({ step: p.step / stepsPerEpoch, total: o.epochs, metrics: p.metrics });
          },
        },
        `MINE ${this.options.spec.label}`,
      );
      return this.result(index, report.best, curve, trainCurve, report.stopReason, started);
    } catch (err) {
      if (!(err instanceof NeuralTrainingError)) throw err;
      curve.push(NaN);
      // Weights that produced NaN cannot be fine-tuned: the next measurement starts afresh.
      this.network.reinitialise(rng.nextSeed());
      const finite = curve.filter(Number.isFinite);
      return this.result(
        index,
        finite.length > 0 ? Math.max(...finite) : NaN,
        curve,
        trainCurve,
        'diverged',
        started,
      );
    } finally {
      for (const b of blocks) tf.dispose([b.a, b.l]);
      objective.dispose();
      const done = (o.onProgress as { done?: () => void } | undefined)?.done;
      if (typeof done === 'function') done();
    }
  }

  dispose(): void {
    this.network.dispose();
  }

  private result(
    index: number,
    estimate: number,
    curve: number[],
    trainCurve: number[],
    stopReason: MineMeasurement['stopReason'],
    started: number,
  ): MineMeasurement {
    return {
      label: this.options.spec.label,
      bound: this.bound,
      warmStart: this.options.warmStart,
      index,
      estimate,
      curve,
      trainCurve,
      diverged: stopReason === 'diverged',
      stopReason,
      seconds: (Date.now() - started) / 1000,
    };
  }
}

/** Rows of the standardised layer with noise added in JavaScript as the batch is cut (a normal draw
 * per value per step through tf.randomNormal would cost more than the step itself). */
class NoisyRows {
  private readonly pool: Float32Array;

  constructor(
    private readonly rows: Float32Rows,
    private readonly sigma: number,
    private readonly rng: Rng,
  ) {
    this.pool =
      sigma > 0 ? scaled(rng.normals(NOISE_POOL_ROWS * rows.cols), sigma) : new Float32Array(0);
  }

  /**
   * 'fresh': each row takes a random pool row; 'once': a new draw per row (for the held-out blocks,
   * which are cut once per measurement).
   */
  take(index: ArrayLike<number>, noise: 'fresh' | 'once'): tf.Tensor2D {
    const d = this.rows.cols;
    const out = new Float32Array(index.length * d);
    for (let r = 0; r < index.length; r++) {
      const i = index[r];
      out.set(this.rows.data.subarray(i * d, (i + 1) * d), r * d);
      if (this.sigma === 0) continue;
      if (noise === 'once') {
        const draw = this.rng.normals(d);
        for (let j = 0; j < d; j++) out[r * d + j] += this.sigma * draw[j];
      } else {
        const k = this.rng.int(NOISE_POOL_ROWS) * d;
        for (let j = 0; j < d; j++) out[r * d + j] += this.pool[k + j];
      }
    }
    return tf.tensor2d(out, [index.length, d]);
  }
}

function scaled(values: Float32Array, factor: number): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] *= factor;
  return values;
}

function resolve(
  options: MeasureOptions,
): Required<Omit<MeasureOptions, 'onProgress'>> & Pick<MeasureOptions, 'onProgress'> {
  if (options === null || typeof options !== 'object')
    inputError('measure needs options { epochs, ... }');
  const epochs = options.epochs;
  if (!Number.isInteger(epochs) || epochs < 1)
    inputError(`epochs must be a positive integer, got ${epochs}`);
  const o = {
    epochs,
    earlyStopping: options.earlyStopping ?? true,
    patience: options.patience ?? 5,
    minEpochs: Math.min(options.minEpochs ?? 5, epochs),
    minDelta: options.minDelta ?? 0.01,
    batchSize: options.batchSize ?? 128,
    learningRate: options.learningRate ?? 3e-3,
    heldOut: options.heldOut ?? 0.2,
    negatives: options.negatives ?? 'all',
    onProgress: options.onProgress,
  };
  if (!Number.isInteger(o.batchSize) || o.batchSize < 2)
    inputError(`batchSize must be an integer >= 2, got ${o.batchSize}`);
  return o;
}

function checkPair(
  a: tf.Tensor2D,
  l: tf.Tensor2D,
  shapes: { a: SampleShape; l: SampleShape },
): void {
  if (!(a instanceof tf.Tensor) || !(l instanceof tf.Tensor))
    inputError('measure needs two tensors a [n, da] and l [n, dl]');
  const [da, dl] = [sampleWidth(shapes.a), sampleWidth(shapes.l)];
  if (a.rank !== 2 || a.shape[1] !== da) inputError(`a must be [n, ${da}], got [${a.shape}]`);
  if (l.rank !== 2 || l.shape[1] !== dl) inputError(`l must be [n, ${dl}], got [${l.shape}]`);
  if (a.shape[0] !== l.shape[0])
    inputError(`a and l have mismatched lengths: ${a.shape[0]} vs ${l.shape[0]} rows`);
}
