// Seeded building blocks for the model builders. tf.layers' own Dropout takes one fixed seed (the
// same mask at every step) or none (Math.random: not reproducible); StepDropout instead derives
// each step's mask from the seed the classifier's forward pass carries, so a run is reproducible
// and two forward passes of one step (task and regulariser gradients) see the same mask.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random/rng';
import type { StepSeedSource } from './classifier';
import { inputError } from '../errors';

/** What a tf.layers Layer's call() receives. */
export type Inputs = tf.Tensor | tf.Tensor[];

/** The one tensor a single-input layer works on. */
export function first(inputs: Inputs): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** A layer whose random draws follow the step seed of the classifier it is attached to
 * (Classifier's constructor attaches every such layer). `salt` separates layers of one model. */
export abstract class StepSeededLayer extends tf.layers.Layer {
  private source: StepSeedSource | null = null;

  constructor(
    readonly salt: number,
    config: { name?: string } = {},
  ) {
    super(config);
  }

  /** The classifier whose forward pass supplies the step seed. */
  attach(source: StepSeedSource): void {
    this.source = source;
  }

  /** A new layer of the same settings, unattached (network surgery rebuilds chains from copies). */
  abstract copy(): StepSeededLayer;

  /** This step's seed for this layer: the same step seed and salt, the same draws. */
  protected drawSeed(): number {
    return (Math.imul((this.source?.stepSeed() ?? 0) | 0, 0x9e3779b1) ^ this.salt) >>> 1;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }
}

/** A seeded layer with a dropout rate in [0, 1): the dropout family's shared settings. */
export abstract class StepRateLayer extends StepSeededLayer {
  constructor(
    readonly rate: number,
    salt: number,
    config: { name?: string } = {},
  ) {
    super(salt, config);
    if (!(rate >= 0 && rate < 1)) inputError(`dropout rate must be in [0, 1), got ${rate}`);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, salt: this.salt };
  }
}

export class StepDropout extends StepRateLayer {
  static readonly className = 'MilabStepDropout';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, this.drawSeed());
  }

  /** A new layer with the same rate and salt (network surgery rebuilds chains from copies). */
  copy(): StepDropout {
    return new StepDropout(this.rate, this.salt);
  }
}
tf.serialization.registerClass(StepDropout);

/** Draws the initialiser seeds of one model: each layer gets its own stream, named by the layer. */
export class InitSeeds {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** Glorot-uniform (Keras' default) with a seed for `layerName`. */
  glorot(layerName: string): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: this.rng.fork(layerName).nextSeed() });
  }

  uniform(layerName: string, limit: number): ReturnType<typeof tf.initializers.randomUniform> {
    return tf.initializers.randomUniform({
      minval: -limit,
      maxval: limit,
      seed: this.rng.fork(layerName).nextSeed(),
    });
  }

  salt(layerName: string): number {
    return this.rng.fork(`${layerName}/salt`).nextSeed();
  }

  /** A random matrix [rows, cols] with orthonormal columns (rows >= cols) or rows, as Keras'
   * orthogonal initialiser for recurrent kernels; computed here (modified Gram-Schmidt in float64)
   * because TF.js's version warns and is slow above 2000 entries. */
  orthogonal(layerName: string, rows: number, cols: number): tf.Tensor2D {
    const rng = this.rng.fork(`${layerName}/orthogonal`);
    const tall = rows >= cols;
    const [n, m] = tall ? [rows, cols] : [cols, rows]; // m orthonormal vectors of length n
    const q = new Float64Array(n * m);
    for (let i = 0; i < q.length; i++) q[i] = rng.normal();
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * m + j] * q[i * m + k];
        for (let i = 0; i < n; i++) q[i * m + j] -= dot * q[i * m + k];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += q[i * m + j] ** 2;
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) q[i * m + j] /= norm;
    }
    const matrix = tf.tensor2d(Float32Array.from(q), [n, m]);
    if (tall) return matrix;
    const t = tf.transpose(matrix);
    matrix.dispose();
    return t as tf.Tensor2D;
  }
}
