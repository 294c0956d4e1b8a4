// Counting labels per class: how balanced a split is, shown at the top of every notebook.
import { inputError } from '../errors';

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
