// Samples from the product of a layer's marginals, made inside the batch: column j of the layer is
// reordered by its own permutation, which breaks the dependence between units while keeping each
// unit's distribution. Restricting every permutation to rows with the same label gives samples of
// prod_i p(h_i | y) instead (for the conditional total correlation).
//
// The reordering must be differentiable w.r.t. the layer (the penalty's gradient flows through the
// shuffled samples too). tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend
// lacks, and a one-hot matrix per column would cost m * n^2; but the gradient of a permutation is
// the inverse permutation, so a custom gradient that gathers with the inverse index is exact and as
// cheap as the forward gather.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { derangement } from '../mi/neural/critics';
import { stratifiedPermutation } from '../mi/neural/batches';

/** One permutation of 0..rows-1 per column. */
export type ColumnPermutations = readonly Int32Array[];

/** Independent derangements, one per column (no row keeps its own value in any column). */
export function columnPermutations(rows: number, cols: number, rng: Rng): Int32Array[] {
  if (!Number.isInteger(rows) || rows < 2)
    inputError(`shuffling columns needs at least 2 rows, got ${rows}`);
  return Array.from({ length: cols }, () => derangement(rows, rng));
}

/** Per-column permutations that move rows only among rows with the same label. A label seen once in
 * the batch stays in place (there is nothing to exchange it with). */
export function stratifiedColumnPermutations(
  labels: ArrayLike<number>,
  cols: number,
  rng: Rng,
): Int32Array[] {
  if (labels.length < 2)
    inputError(`shuffling columns needs at least 2 rows, got ${labels.length}`);
  return Array.from({ length: cols }, () => stratifiedPermutation(labels, rng));
}

/** Row i, column j of the result is row perms[j][i], column j of h. Differentiable w.r.t. h. */
export function shuffleColumns(h: tf.Tensor2D, perms: ColumnPermutations): tf.Tensor2D {
  const [rows, cols] = h.shape;
  if (perms.length !== cols)
    inputError(`${perms.length} column permutations for a layer of ${cols} units`);
  const forward = new Int32Array(rows * cols);
  const backward = new Int32Array(rows * cols);
  const seen = new Uint8Array(rows);
  for (let j = 0; j < cols; j++) {
    const p = perms[j];
    if (p.length !== rows)
      inputError(`column ${j}'s permutation has length ${p.length}, the batch has ${rows} rows`);
    seen.fill(0);
    for (let i = 0; i < rows; i++) {
      if (!(p[i] >= 0 && p[i] < rows) || seen[p[i]])
        inputError(`column ${j}'s index list is not a permutation of 0..${rows - 1}`);
      seen[p[i]] = 1;
      forward[i * cols + j] = p[i] * cols + j;
      // The value at row i came from row p[i]: its gradient goes back there.
      backward[p[i] * cols + j] = i * cols + j;
    }
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const value = tf.tidy(() =>
      tf.reshape(tf.gather(tf.reshape(x, [-1]), tf.tensor1d(forward, 'int32')), [rows, cols]),
    );
    const gradFunc = (dy: tf.Tensor) =>
      tf.tidy(() =>
        tf.reshape(tf.gather(tf.reshape(dy, [-1]), tf.tensor1d(backward, 'int32')), [rows, cols]),
      );
    return { value, gradFunc };
  });
  return op(h) as tf.Tensor2D;
}
