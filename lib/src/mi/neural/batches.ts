// Sample handling for neural estimators: float32 copies of the data, the seeded train/held-out
// split, epoch-shuffled minibatches, fixed evaluation blocks, and the permutations that make
// negatives (plain, within strata of a discrete variable, per coordinate).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { Rng } from '../../random/rng';
import { Matrix, toFloat32 } from '../matrix';
import { derangement } from './critics';

/** Row-major float32 samples, ready to be cut into batches. */
export class Float32Rows {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;

  constructor(m: Matrix, name = 'data') {
    this.data = toFloat32(m, name); // refuses values float32 would turn into Infinity or 0
    this.rows = m.rows;
    this.cols = m.cols;
  }

  /** The rows listed in `index` as a [index.length, cols] tensor (caller disposes). */
  take(index: ArrayLike<number>): tf.Tensor2D {
    const out = new Float32Array(index.length * this.cols);
    for (let r = 0; r < index.length; r++) {
      const i = index[r];
      out.set(this.data.subarray(i * this.cols, (i + 1) * this.cols), r * this.cols);
    }
    return tf.tensor2d(out, [index.length, this.cols]);
  }
}

/** Seeded split of 0..n-1 into training and held-out indices. */
export function splitTrainHeldOut(
  n: number,
  heldOutFraction: number,
  rng: Rng,
): { train: Int32Array; heldOut: Int32Array } {
  if (!(heldOutFraction > 0 && heldOutFraction < 1))
    inputError(`heldOut must be a fraction in (0, 1), got ${heldOutFraction}`);
  const perm = rng.permutation(n);
  const nHeld = Math.round(n * heldOutFraction);
  if (nHeld < 2 || n - nHeld < 2)
    inputError(`${n} samples are too few to hold out ${heldOutFraction} of them for evaluation`);
  return { heldOut: perm.slice(0, nHeld), train: perm.slice(nHeld) };
}

/** Minibatches that visit every training index once per epoch, in a fresh seeded order each
 * epoch. */
export class EpochBatcher {
  private order: Int32Array;
  private position = 0;

  constructor(
    private readonly indices: Int32Array,
    readonly batchSize: number,
    private readonly rng: Rng,
  ) {
    if (batchSize > indices.length)
      inputError(`batch size ${batchSize} exceeds ${indices.length} training samples`);
    this.order = this.shuffled();
  }

  next(): Int32Array {
    if (this.position + this.batchSize > this.order.length) {
      this.order = this.shuffled();
      this.position = 0;
    }
    const batch = this.order.slice(this.position, this.position + this.batchSize);
    this.position += this.batchSize;
    return batch;
  }

  private shuffled(): Int32Array {
    return this.rng.shuffleInPlace(Int32Array.from(this.indices));
  }
}

/** Held-out indices cut into equal blocks of `size` (the remainder, < size rows, is left out) so
 * every block has the same number of negatives per row. */
export function evaluationBlocks(heldOut: Int32Array, size: number): Int32Array[] {
  const blockSize = Math.min(size, heldOut.length);
  const blocks: Int32Array[] = [];
  for (let start = 0; start + blockSize <= heldOut.length; start += blockSize) {
    blocks.push(heldOut.slice(start, start + blockSize));
  }
  return blocks;
}

/** Discrete strata: each distinct row of z gets an id 0..count-1 (in order of first appearance). */
export function strata(z: Matrix): { ids: Int32Array; count: number; sizes: number[] } {
  const ids = new Int32Array(z.rows);
  const seen = new Map<string, number>();
  const sizes: number[] = [];
  for (let i = 0; i < z.rows; i++) {
    const key = Array.from(z.data.subarray(i * z.cols, (i + 1) * z.cols)).join(',');
    let id = seen.get(key);
    if (id === undefined) {
      id = seen.size;
      seen.set(key, id);
      sizes.push(0);
    }
    ids[i] = id;
    sizes[id]++;
  }
  return { ids, count: seen.size, sizes };
}

/** A permutation that moves each position only within its stratum (a derangement inside every
 * stratum of size > 1; singletons stay put). `ids` are the strata of the batch's rows. */
export function stratifiedPermutation(ids: ArrayLike<number>, rng: Rng): Int32Array {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < ids.length; i++) {
    const g = groups.get(ids[i]);
    if (g) g.push(i);
    else groups.set(ids[i], [i]);
  }
  const perm = new Int32Array(ids.length);
  for (const members of groups.values()) {
    const d = derangement(members.length, rng);
    members.forEach((position, k) => (perm[position] = members[d[k]]));
  }
  return perm;
}

/** One-hot rows [n, count] for stratum ids. */
export function oneHotRows(ids: ArrayLike<number>, count: number): Matrix {
  const data = new Float64Array(ids.length * count);
  for (let i = 0; i < ids.length; i++) data[i * count + ids[i]] = 1;
  return { data, rows: ids.length, cols: count };
}
