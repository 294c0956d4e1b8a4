// Counting labels per class (how balanced a split is, shown at the top of every notebook), and
// corrupting a share of them (label-noise experiments).
import { inputError } from '../errors';
import { Rng } from '../random/rng';

/** How many labels equal each class id 0..classes-1 (a label outside that range is an error). */
export function classCounts(labels: ArrayLike<number>, classes: number): number[] {
  if (!Number.isInteger(classes) || classes < 1)
    inputError(`classes must be a positive integer, got ${classes}`);
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      inputError(`label ${i} is ${y}, not a class id in 0..${classes - 1}`);
    }
    counts[y]++;
  }
  return counts;
}

/** One row per class, one column per named set of labels: { class, [set]: count }, for
 * showTable. */
export function classCountTable(
  sets: Readonly<Record<string, ArrayLike<number>>>,
  classNames: readonly string[],
): Array<Record<string, string | number>> {
  const columns = Object.entries(sets).map(
    ([name, labels]) => [name, classCounts(labels, classNames.length)] as const,
  );
  return classNames.map((name, k) => ({
    class: name,
    ...Object.fromEntries(columns.map(([set, counts]) => [set, counts[k]])),
  }));
}

/**
 * A copy of `labels` in which exactly round(rate * n) of them, chosen with `seed`, are replaced by
 * another class drawn uniformly from the other classes-1 (so every chosen label really changes):
 * training labels with a known share of noise, as in Zhang et al.'s random-label experiments.
 */
export function corruptLabels(
  labels: ArrayLike<number>,
  rate: number,
  classes: number,
  seed: number,
): Int32Array {
  classCounts(labels, classes); // checks every label is a class id
  if (classes < 2) inputError(`corruptLabels needs at least 2 classes, got ${classes}`);
  if (!(rate >= 0 && rate <= 1)) inputError(`corruptLabels: rate must be in [0, 1], got ${rate}`);
  const out = Int32Array.from(labels);
  const rng = new Rng(seed).fork('corrupt-labels');
  const chosen = rng.permutation(out.length).subarray(0, Math.round(rate * out.length));
  for (const i of chosen) {
    // One of the other classes: draw from classes - 1 values and skip over the true one.
    const other = rng.int(classes - 1);
    out[i] = other >= out[i] ? other + 1 : other;
  }
  return out;
}
