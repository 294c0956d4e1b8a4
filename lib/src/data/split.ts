// Seeded train/validation/test splits of example indices, optionally stratified by label so each
// part keeps the class balance (IMDB, for one, is stored sorted by label).
import { inputError } from '../errors';
import { Rng } from '../random/rng';

export interface IndexSplit {
  readonly train: Int32Array;
  readonly val: Int32Array;
  readonly test: Int32Array;
}

export interface SplitOptions {
  seed: number;
  /** Fractions of the examples for validation and test (train gets the rest). */
  val: number;
  test: number;
  /** Class labels: split each class separately so every part has the same class proportions. */
  stratify?: ArrayLike<number>;
}

/** Disjoint index sets covering 0..n-1, each in seeded random order. */
export function trainValTestSplit(n: number, options: SplitOptions): IndexSplit {
  const { seed, val, test, stratify } = options;
  if (!Number.isInteger(n) || n < 1)
    inputError(`trainValTestSplit: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(seed))
    inputError(`trainValTestSplit: seed must be an integer, got ${seed}`);
  if (!(val >= 0 && test >= 0 && val + test < 1))
    inputError(
      'trainValTestSplit: need val >= 0, test >= 0 and val + test < 1; ' +
        `got val ${val}, test ${test}`,
    );
  if (stratify && stratify.length !== n)
    inputError(`trainValTestSplit: stratify has ${stratify.length} labels for n = ${n}`);
  const rng = new Rng(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = stratify ? stratify[i] : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const parts = { train: [] as number[], val: [] as number[], test: [] as number[] };
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const members = rng.shuffleInPlace(groups.get(key)!);
    const nVal = Math.round(members.length * val);
    const nTest = Math.round(members.length * test);
    parts.val.push(...members.slice(0, nVal));
    parts.test.push(...members.slice(nVal, nVal + nTest));
    parts.train.push(...members.slice(nVal + nTest));
  }
  // Shuffle again so the classes are interleaved rather than in blocks.
  return {
    train: rng.shuffleInPlace(Int32Array.from(parts.train)),
    val: rng.shuffleInPlace(Int32Array.from(parts.val)),
    test: rng.shuffleInPlace(Int32Array.from(parts.test)),
  };
}

/** The texts and labels of a text dataset at `indices` (e.g. one part of a split). */
export function subsetTexts<
  T extends { texts: readonly string[]; labels: Uint8Array; count: number },
>(dataset: T, indices: ArrayLike<number>): T {
  const texts: string[] = new Array(indices.length);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= dataset.count)
      inputError(`subsetTexts: index ${k} at position ${i} is outside 0..${dataset.count - 1}`);
    texts[i] = dataset.texts[k];
    labels[i] = dataset.labels[k];
  }
  return { ...dataset, count: indices.length, texts, labels };
}

/**
 * A seeded subset of `count` of `indices`, the same number from each class of `labels` (indexed by
 * example; the remainder goes to the first classes), in random order. A class with too few
 * examples gives all it has and the others make up the difference, so the subset always holds
 * exactly `count`. All of `indices` when `count` is at least their number.
 */
export function stratifiedSubset(
  indices: Int32Array,
  labels: Uint8Array,
  count: number,
  rng: Rng,
): Int32Array {
  if (count >= indices.length) return indices;
  const byClass = groupByClass(indices, labels);
  const picked: number[] = [];
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const taken = classes.map((c, k) => {
    const members = rng.shuffleInPlace(byClass.get(c)!);
    // Spread the remainder over the first classes so the total is exactly `count`.
    const share = Math.floor(count / classes.length) + (k < count % classes.length ? 1 : 0);
    const n = Math.min(share, members.length);
    picked.push(...members.slice(0, n));
    return n;
  });
  // Classes short of their share leave a deficit: one more from each class with examples left,
  // in class order, until the subset is full.
  for (let k = 0; picked.length < count; k = (k + 1) % classes.length) {
    const members = byClass.get(classes[k])!;
    if (taken[k] < members.length) picked.push(members[taken[k]++]);
  }
  return rng.shuffleInPlace(Int32Array.from(picked));
}

/**
 * `perClass` seeded examples of every class among `indices` (a few-samples-per-class training
 * set), in random order. A class with fewer examples than asked is one clear error, not a silently
 * smaller set.
 */
export function perClassSubset(
  indices: Int32Array,
  labels: ArrayLike<number>,
  perClass: number,
  rng: Rng,
): Int32Array {
  if (!Number.isInteger(perClass) || perClass < 1)
    inputError(`perClass must be a positive integer, got ${perClass}`);
  const byClass = groupByClass(indices, labels);
  const picked: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(c)!;
    if (members.length < perClass)
      inputError(`class ${c} has ${members.length} examples, fewer than the ${perClass} asked for`);
    picked.push(...rng.shuffleInPlace(members).slice(0, perClass));
  }
  return rng.shuffleInPlace(Int32Array.from(picked));
}

/** The indices of each class, in their order of appearance. */
function groupByClass(indices: Int32Array, labels: ArrayLike<number>): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  for (const i of indices) {
    let g = byClass.get(labels[i]);
    if (!g) byClass.set(labels[i], (g = []));
    g.push(i);
  }
  return byClass;
}
