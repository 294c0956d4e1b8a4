// A model's weights as plain JSON (float32 bytes in base64), so a stored run can carry a trained
// network, e.g. the teacher every student of a distillation study needs, and any process can
// rebuild it bit for bit.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import type { Classifier } from './classifier';

export interface EncodedTensor {
  shape: number[];
  /** The float32 values, little-endian, base64. */
  base64: string;
}

/** The model's weights, read asynchronously (a GPU backend has no synchronous read). */
export async function encodeWeights(model: Classifier): Promise<EncodedTensor[]> {
  return Promise.all(
    model.model.getWeights().map(async (w) => {
      const values = (await w.data()) as Float32Array;
      const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
      return { shape: [...w.shape], base64: bytes.toString('base64') };
    }),
  );
}

/** Sets `model`'s weights from encodeWeights' output (same architecture). */
export function restoreWeights(model: Classifier, encoded: readonly EncodedTensor[]): void {
  const current = model.model.getWeights();
  if (current.length !== encoded.length)
    inputError(
      `the stored weights have ${encoded.length} tensors, ${model.name} ${current.length}`,
    );
  const tensors = encoded.map((e, i) => {
    if (!tf.util.arraysEqual(e.shape, current[i].shape))
      inputError(`stored weight ${i} has shape [${e.shape}], ${model.name} [${current[i].shape}]`);
    const bytes = Buffer.from(e.base64, 'base64');
    const values = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    return tf.tensor(values, e.shape);
  });
  model.model.setWeights(tensors);
  tf.dispose(tensors);
}
