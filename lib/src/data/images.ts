// The in-memory form of an image dataset and the conversions to what models consume.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';

export type DatasetSplit = 'train' | 'test';

export interface ImageDataset {
  /** 'fashion-mnist', 'mnist', 'cifar10'. */
  readonly name: string;
  readonly split: DatasetSplit;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Pixels 0-255, row-major [count, height, width] (grey) or [count, height, width, channels]. */
  readonly images: Uint8Array;
  /** The layout of `images`, e.g. [60000, 28, 28] or [50000, 32, 32, 3]. */
  readonly shape: readonly number[];
  /** Class index per image, 0 .. classNames.length - 1. */
  readonly labels: Uint8Array;
  readonly classNames: readonly string[];
}

/** Pixels scaled to [0, 1] as a Float32Array of shape [count, height * width * channels]. */
export function imagesAsFloat32(dataset: ImageDataset): Float32Array {
  const out = new Float32Array(dataset.images.length);
  const src = dataset.images;
  for (let i = 0; i < src.length; i++) out[i] = src[i] / 255;
  return out;
}

/**
 * Pixels scaled to [0, 1] as a float32 tensor: 'flat' -> [count, h*w*c] (dense models),
 * 'nhwc' -> [count, h, w, c] (convolutional models). The caller owns (and disposes) the tensor.
 */
export function imagesToTensor(
  dataset: ImageDataset,
  layout: 'flat' | 'nhwc',
): tf.Tensor2D | tf.Tensor4D {
  const { count, height, width, channels } = dataset;
  const pixels = imagesAsFloat32(dataset);
  if (layout === 'flat') return tf.tensor2d(pixels, [count, height * width * channels]);
  if (layout === 'nhwc') return tf.tensor4d(pixels, [count, height, width, channels]);
  inputError(`imagesToTensor: layout must be 'flat' or 'nhwc', got ${JSON.stringify(layout)}`);
}

/** Labels as an int32 [count] tensor, or one-hot float32 [count, classes]. The caller disposes
 * it. */
export function labelsToTensor(
  dataset: { labels: Uint8Array; classNames: readonly string[] },
  encoding: 'index' | 'onehot',
): tf.Tensor1D | tf.Tensor2D {
  const { labels } = dataset;
  const classes = dataset.classNames.length;
  if (encoding === 'index') return tf.tensor1d(Int32Array.from(labels), 'int32');
  if (encoding !== 'onehot')
    inputError(
      `labelsToTensor: encoding must be 'index' or 'onehot', got ${JSON.stringify(encoding)}`,
    );
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes)
      inputError(
        `labelsToTensor: label ${labels[i]} at row ${i} is not below the ${classes} classes`,
      );
    out[i * classes + labels[i]] = 1;
  }
  return tf.tensor2d(out, [labels.length, classes]);
}

/** A new dataset holding the given rows (in that order) of `dataset`; pixels are copied. */
export function subsetImages(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const rowLength = dataset.height * dataset.width * dataset.channels;
  return {
    ...dataset,
    count: indices.length,
    shape: [indices.length, ...dataset.shape.slice(1)],
    images: takeRows(dataset.images, rowLength, indices),
    labels: takeRows(dataset.labels, 1, indices),
  };
}

/** Rows `indices` of a row-major array whose rows hold `rowLength` elements, copied in order. */
export function takeRows<T extends Uint8Array | Int32Array | Float32Array>(
  data: T,
  rowLength: number,
  indices: ArrayLike<number>,
): T {
  const rows = data.length / rowLength;
  if (!Number.isInteger(rowLength) || rowLength < 1 || !Number.isInteger(rows)) {
    inputError(`takeRows: array of length ${data.length} does not split into rows of ${rowLength}`);
  }
  const out = new (data.constructor as new (n: number) => T)(indices.length * rowLength);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows)
      inputError(`takeRows: index ${r} at position ${i} is outside 0..${rows - 1}`);
    out.set(data.subarray(r * rowLength, (r + 1) * rowLength), i * rowLength);
  }
  return out;
}
