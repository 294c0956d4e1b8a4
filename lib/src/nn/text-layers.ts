// Layers for a bag-of-embeddings text encoder. A Classifier is one chain of layers passing one
// tensor, so the padding is marked in the tensor itself: the embedding of a pad token is a row of
// exact zeros, and the pool averages over the rows that are not all zero. A real token's row is
// all zero only if every one of its (kept) channels is exactly 0.0, which trained float weights
// never are; spatial dropout, which zeroes a channel at every position at once, keeps that true.
import * as tf from '@tensorflow/tfjs';
import { first, type Inputs } from './layers';
import { PAD_ID } from '../data/vocabulary';

/** Token ids [batch, time] -> embeddings [batch, time, outputDim], pad tokens (PAD_ID) -> 0. */
export class PadMaskedEmbedding extends tf.layers.Layer {
  static readonly className = 'MilabPadMaskedEmbedding';
  private embeddings: tf.LayerVariable | null = null;

  constructor(
    readonly inputDim: number,
    readonly outputDim: number,
    private readonly initializer: ReturnType<typeof tf.initializers.randomUniform>,
    config: { name?: string } = {},
  ) {
    super(config);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    void inputShape;
    this.embeddings = this.addWeight(
      'embeddings',
      [this.inputDim, this.outputDim],
      'float32',
      this.initializer,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(inputShape as tf.Shape), this.outputDim];
  }

  override call(inputs: Inputs): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(first(inputs), 'int32');
      const rows = tf.gather(this.embeddings!.read(), ids);
      const real = tf.expandDims(tf.cast(tf.notEqual(ids, PAD_ID), 'float32'), -1);
      return tf.mul(rows, real);
    });
  }

  copy(): PadMaskedEmbedding {
    return new PadMaskedEmbedding(this.inputDim, this.outputDim, this.initializer);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim };
  }
}
tf.serialization.registerClass(PadMaskedEmbedding);

/** Real tokens per row [batch, 1] (at least 1), a constant to differentiation: it only counts,
 * and TF.js has no gradient for Any. customGrad runs its forward pass off the gradient tape. */
const realTokenCount = tf.customGrad(((h: tf.Tensor) => ({
  value: tf.maximum(tf.sum(tf.cast(tf.any(tf.notEqual(h, 0), -1), 'float32'), 1, true), 1),
  gradFunc: () => tf.zerosLike(h),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (h: tf.Tensor) => tf.Tensor;

/** [batch, time, channels] -> [batch, channels]: the mean over the rows that are not all zero
 * (the real tokens after PadMaskedEmbedding); an all-pad row gives 0. */
export class MaskedMeanPool extends tf.layers.Layer {
  static readonly className = 'MilabMaskedMeanPool';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, , channels] = inputShape as tf.Shape;
    return [batch, channels];
  }

  override call(inputs: Inputs): tf.Tensor {
    return tf.tidy(() => {
      const h = first(inputs);
      return tf.div(tf.sum(h, 1), realTokenCount(h));
    });
  }

  copy(): MaskedMeanPool {
    return new MaskedMeanPool({});
  }
}
tf.serialization.registerClass(MaskedMeanPool);
