// Masks over the units of a layer (the last axis): a fixed keep mask, to switch units off without
// changing the weights, and dropout restricted to a chosen subset of units. Both sit after a dense
// layer in a Classifier's chain.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { StepSeededLayer, first, type Inputs } from './layers';

function checkWidth(x: tf.Tensor, width: number, what: string): void {
  const got = x.shape[x.rank - 1];
  if (got !== width) inputError(`${what} covers ${width} units but the layer has ${got}`);
}

/** Multiplies each unit by a fixed 0/1 keep value, in training and at inference alike. */
export class UnitMask extends tf.layers.Layer {
  static readonly className = 'MilabUnitMask';
  readonly keep: Float32Array;

  /** `keep[i]` is 1 (or true) to keep unit i, 0 (or false) to silence it. */
  constructor(keep: ArrayLike<number | boolean>, config: { name?: string } = {}) {
    super(config);
    if (keep.length < 1) inputError('UnitMask needs at least one unit');
    this.keep = Float32Array.from({ length: keep.length }, (_, i) => {
      const v = Number(keep[i]);
      if (v !== 0 && v !== 1) inputError(`UnitMask: keep[${i}] must be 0 or 1, got ${keep[i]}`);
      return v;
    });
  }

  /** Indices of the kept units, in order. */
  get kept(): number[] {
    return [...this.keep.keys()].filter((i) => this.keep[i] === 1);
  }

  override call(inputs: Inputs): tf.Tensor {
    const x = first(inputs);
    checkWidth(x, this.keep.length, 'the unit mask');
    return tf.tidy(() => tf.mul(x, tf.tensor1d(this.keep)));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  copy(): UnitMask {
    return new UnitMask(this.keep);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), keep: Array.from(this.keep) };
  }
}
tf.serialization.registerClass(UnitMask);

/** Dropout of the given units only: in training each of them is zeroed with probability `rate`,
 * independently per example, and scaled by 1 / (1 - rate) when kept (inverted dropout, so that the
 * expected activation is unchanged and inference needs no rescaling); every other unit passes
 * through. Seeded by the step seed, like StepDropout. */
export class SubsetDropout extends StepSeededLayer {
  static readonly className = 'MilabSubsetDropout';
  readonly units: readonly number[];

  constructor(
    units: readonly number[],
    readonly rate: number,
    salt: number,
    config: { name?: string } = {},
  ) {
    super(salt, config);
    if (!(rate >= 0 && rate < 1)) inputError(`dropout rate must be in [0, 1), got ${rate}`);
    for (const u of units) {
      if (!Number.isInteger(u) || u < 0)
        inputError(`SubsetDropout: units must be non-negative integers, got ${u}`);
    }
    if (new Set(units).size !== units.length)
      inputError(`SubsetDropout: units must not repeat, got [${units}]`);
    this.units = [...units];
  }

  override call(inputs: Inputs, kwargs: { training?: boolean }): tf.Tensor {
    const x = first(inputs);
    const width = x.shape[x.rank - 1];
    const outside = this.units.find((u) => u >= width);
    if (outside !== undefined)
      inputError(`SubsetDropout: unit ${outside} is outside the layer's ${width} units`);
    if (!kwargs.training || this.rate === 0 || this.units.length === 0) return x;
    const subset = new Float32Array(width);
    for (const u of this.units) subset[u] = 1;
    return tf.tidy(() => {
      const s = tf.tensor1d(subset);
      const uniform = tf.randomUniform(x.shape, 0, 1, 'float32', this.drawSeed());
      const kept = tf.cast(tf.greaterEqual(uniform, this.rate), 'float32');
      // factor = 1 outside the subset, kept / (1 - rate) inside it.
      const factor = tf.add(tf.sub(1, s), tf.mul(s, tf.div(kept, 1 - this.rate)));
      return tf.mul(x, factor);
    });
  }

  copy(): SubsetDropout {
    return new SubsetDropout(this.units, this.rate, this.salt);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: [...this.units], rate: this.rate, salt: this.salt };
  }
}
tf.serialization.registerClass(SubsetDropout);
