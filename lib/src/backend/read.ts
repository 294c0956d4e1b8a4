// Reading values back from the device. Every read is asynchronous: a GPU backend cannot read
// synchronously in Node (webgpu.ts), and each read waits for the work queued before it, so loops
// gather what they need into one read and do it rarely.
import * as tf from '@tensorflow/tfjs';

/** Whether the current backend can read a tensor synchronously (dataSync): every one but webgpu.
 * For the few computations that must stay synchronous (a loss inside a gradient tape) and have a
 * way to do without the read on a GPU. */
export function readsSynchronously(): boolean {
  return tf.getBackend() !== 'webgpu';
}

/** The values of scalar tensors (numbers pass through), in one asynchronous read-back. Disposes
 * nothing: the caller still owns the tensors. */
export async function readScalars(values: readonly (tf.Tensor | number)[]): Promise<number[]> {
  const tensors = values.filter((v): v is tf.Tensor => typeof v !== 'number');
  for (const t of tensors)
    if (t.size !== 1) throw new Error(`readScalars expects scalars, got shape [${t.shape}]`);
  if (tensors.length === 0) return [...(values as number[])];
  const stacked = tf.tidy(() =>
    tf.concat(tensors.map((t) => tf.reshape(tf.cast(t, 'float32'), [1]))),
  );
  try {
    const data = await stacked.data();
    let k = 0;
    return values.map((v) => (typeof v === 'number' ? v : data[k++]));
  } finally {
    stacked.dispose();
  }
}

/** The value of one scalar tensor, read asynchronously; disposes the tensor. */
export async function takeScalar(value: tf.Tensor): Promise<number> {
  try {
    return (await readScalars([value]))[0];
  } finally {
    value.dispose();
  }
}
