// The seeded dropout family beside StepDropout: alpha, Gaussian and spatial (1-D) dropout. TF.js
// has all three in tf.layers, but they draw unseeded masks; these draw from the step seed as
// StepDropout does, so a run is reproducible. All are the identity at inference.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { StepDropout, StepRateLayer, StepSeededLayer, first, type Inputs } from './layers';

/** SELU's negative saturation, -lambda * alpha (Klambauer et al. 2017; Keras' AlphaDropout). */
export const ALPHA_PRIME = -1.7580993408473766;

export type DropoutKind = 'dropout' | 'alpha' | 'gaussian' | 'spatial1d';
export const DROPOUT_KINDS: readonly DropoutKind[] = ['dropout', 'alpha', 'gaussian', 'spatial1d'];

/** Alpha dropout as in Keras: a dropped value becomes alpha' and the result is mapped by a*x + b,
 * with a = ((1-p)(1 + p alpha'^2))^(-1/2) and b = -a alpha' p, so that an input of mean 0 and
 * variance 1 keeps them (the self-normalising property SELU networks rely on). */
export class StepAlphaDropout extends StepRateLayer {
  static readonly className = 'MilabStepAlphaDropout';

  override call(inputs: Inputs, kwargs: { training?: boolean }): tf.Tensor {
    const x = first(inputs);
    if (!kwargs.training || this.rate === 0) return x;
    const p = this.rate;
    const a = 1 / Math.sqrt((1 - p) * (1 + p * ALPHA_PRIME ** 2));
    const b = -a * ALPHA_PRIME * p;
    return tf.tidy(() => {
      const kept = tf.cast(
        tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', this.drawSeed()), p),
        'float32',
      );
      // kept ? x : alpha', then the affine map; written as x*kept + alpha'*(1-kept).
      const dropped = tf.add(tf.mul(x, kept), tf.mul(tf.sub(1, kept), ALPHA_PRIME));
      return tf.add(tf.mul(dropped, a), b);
    });
  }

  copy(): StepAlphaDropout {
    return new StepAlphaDropout(this.rate, this.salt);
  }
}
tf.serialization.registerClass(StepAlphaDropout);

/** Multiplicative Gaussian noise N(1, p / (1 - p)): the variance of inverted dropout at rate p
 * (Srivastava et al. 2014), with mean 1 so that the expectation is kept. */
export class StepGaussianDropout extends StepRateLayer {
  static readonly className = 'MilabStepGaussianDropout';

  override call(inputs: Inputs, kwargs: { training?: boolean }): tf.Tensor {
    const x = first(inputs);
    if (!kwargs.training || this.rate === 0) return x;
    const sd = Math.sqrt(this.rate / (1 - this.rate));
    return tf.tidy(() => tf.mul(x, tf.randomNormal(x.shape, 1, sd, 'float32', this.drawSeed())));
  }

  copy(): StepGaussianDropout {
    return new StepGaussianDropout(this.rate, this.salt);
  }
}
tf.serialization.registerClass(StepGaussianDropout);

/** Spatial dropout of a sequence [batch, time, channels]: one inverted-dropout mask per example
 * and channel, the same at every time step (Keras' SpatialDropout1D), so a channel is dropped
 * whole rather than position by position. */
export class StepSpatialDropout1D extends StepRateLayer {
  static readonly className = 'MilabStepSpatialDropout1D';

  override call(inputs: Inputs, kwargs: { training?: boolean }): tf.Tensor {
    const x = first(inputs);
    if (x.rank !== 3)
      inputError(`spatial dropout needs [batch, time, channels] inputs, got [${x.shape}]`);
    if (!kwargs.training || this.rate === 0) return x;
    const [n, , c] = x.shape;
    return tf.dropout(x, this.rate, [n, 1, c], this.drawSeed());
  }

  copy(): StepSpatialDropout1D {
    return new StepSpatialDropout1D(this.rate, this.salt);
  }
}
tf.serialization.registerClass(StepSpatialDropout1D);

/** A seeded dropout layer of the given kind ('dropout': StepDropout). */
export function stepDropoutLayer(
  kind: DropoutKind,
  rate: number,
  salt: number,
  config: { name?: string } = {},
): StepSeededLayer {
  switch (kind) {
    case 'dropout':
      return new StepDropout(rate, salt, config);
    case 'alpha':
      return new StepAlphaDropout(rate, salt, config);
    case 'gaussian':
      return new StepGaussianDropout(rate, salt, config);
    case 'spatial1d':
      return new StepSpatialDropout1D(rate, salt, config);
    default:
      return inputError(
        `dropoutKind must be one of ${DROPOUT_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
      );
  }
}
