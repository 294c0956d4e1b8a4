// Which units the MI step removes, and what removing them does to a layer's average MI. Pure
// functions of per-unit scores, so the same rule serves the MI reading and every control: the
// lowest MI (the method), the highest MI (the sanity check), the smallest outgoing weights and a
// random draw, always the same NUMBER of units per layer.
import { inputError } from '../../errors';
import { Rng } from '../../random/rng';

/** How the units to remove are chosen. */
export type Selection = 'mi' | 'inverse' | 'magnitude' | 'random';

/** Units removed for a fraction of a layer of `width` units; at least one unit always stays. */
export function removalCount(width: number, fraction: number): number {
  if (!(fraction >= 0 && fraction < 1))
    inputError(`prune fraction must be in [0, 1), got ${fraction}`);
  return Math.min(width - 1, Math.round(width * fraction));
}

/** Indices of the `count` lowest scores (ties: the lower index first), ascending by index. */
export function lowestUnits(scores: ArrayLike<number>, count: number): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[a] - scores[b] || a - b,
  );
  return order.slice(0, count).sort((a, b) => a - b);
}

/** Indices whose score is below the absolute threshold `t` (at most width - 1 of them). */
export function unitsBelow(scores: ArrayLike<number>, t: number): number[] {
  const below = Array.from({ length: scores.length }, (_, i) => i).filter((i) => scores[i] < t);
  return below.length < scores.length ? below : lowestUnits(scores, scores.length - 1);
}

/**
 * The `count` units a selection removes. `scores` are per-unit label MI for 'mi' and 'inverse',
 * outgoing-weight norms for 'magnitude'; 'random' ignores them and draws with `seed`.
 */
export function selectUnits(
  selection: Selection,
  scores: ArrayLike<number>,
  count: number,
  seed = 0,
): number[] {
  if (!Number.isInteger(count) || count < 0 || count >= scores.length)
    inputError(`can remove 0..${scores.length - 1} of ${scores.length} units, got ${count}`);
  switch (selection) {
    case 'mi':
    case 'magnitude':
      return lowestUnits(scores, count);
    case 'inverse':
      return lowestUnits(
        Array.from(scores, (v) => -v),
        count,
      );
    case 'random':
      return Array.from(new Rng(seed).permutation(scores.length).subarray(0, count)).sort(
        (a, b) => a - b,
      );
  }
}

/** The units a removal keeps, ascending. */
export function keptUnits(width: number, removed: readonly number[]): number[] {
  const gone = new Set(removed);
  return Array.from({ length: width }, (_, i) => i).filter((i) => !gone.has(i));
}

/**
 * The absolute threshold a removal by lowest score implies: halfway between the highest removed
 * and the lowest kept score (what the paper's t would have to be to remove exactly these units).
 * NaN when nothing is removed.
 */
export function impliedThreshold(scores: ArrayLike<number>, removed: readonly number[]): number {
  if (removed.length === 0) return NaN;
  const gone = new Set(removed);
  let highestRemoved = -Infinity;
  let lowestKept = Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (gone.has(i)) highestRemoved = Math.max(highestRemoved, scores[i]);
    else lowestKept = Math.min(lowestKept, scores[i]);
  }
  return (highestRemoved + lowestKept) / 2;
}

export interface MiDecomposition {
  /** Mean MI of all units before the step. */
  before: number;
  /** Mean MI, before the step, of the units the step keeps. */
  retainedBefore: number;
  /** Mean MI of the layer's units after retraining. */
  after: number;
  /** after - before = selection + retraining. */
  total: number;
  /** retainedBefore - before: what removing units does to the mean by itself. */
  selection: number;
  /** after - retainedBefore: what retraining adds. */
  retraining: number;
}

/**
 * Fig. 2's "the average MI rises" split in two: removing the lowest values raises a mean by
 * construction (selection); only the rest (retraining) says the kept units improved.
 */
export function decomposeMi(
  before: ArrayLike<number>,
  kept: readonly number[],
  after: ArrayLike<number>,
): MiDecomposition {
  if (kept.length === 0 || after.length === 0) inputError('decomposeMi: no units kept');
  const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
  const b = mean(before);
  const rb = mean(kept.map((i) => before[i]));
  const a = mean(after);
  return {
    before: b,
    retainedBefore: rb,
    after: a,
    total: a - b,
    selection: rb - b,
    retraining: a - rb,
  };
}
