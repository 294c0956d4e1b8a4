// Choosing what to prune: the units of a layer ranked by a score (e.g. their label MI), and the
// prune fraction picked on a validation split.
import { inputError } from '../errors';

export interface PruneCandidate {
  /** Fraction of units removed, in [0, 1). */
  fraction: number;
  /** Validation accuracy of the network pruned by that fraction (and retrained). */
  valAccuracy: number;
}

/**
 * The candidate with the largest prune fraction whose validation accuracy is within `tolerance`
 * of the best candidate's: prune as much as the validation split says costs nothing that
 * matters. `tolerance` is in the units of valAccuracy; the default 0.5 means half a point of
 * accuracy in %, so fractional accuracies (all <= 1) need an explicit tolerance (0.005 for the
 * same half point), and are refused without one.
 */
export function selectPruneFraction<T extends PruneCandidate>(
  candidates: readonly T[],
  options: { tolerance?: number } = {},
): T {
  if (candidates.length === 0) inputError('selectPruneFraction needs at least one candidate');
  for (const { fraction, valAccuracy } of candidates) {
    if (!(fraction >= 0 && fraction < 1))
      inputError(`prune fractions must be in [0, 1), got ${fraction}`);
    if (!Number.isFinite(valAccuracy))
      inputError(`validation accuracy must be finite, got ${valAccuracy} at fraction ${fraction}`);
  }
  if (options.tolerance === undefined && candidates.every((c) => c.valAccuracy <= 1)) {
    inputError(
      'validation accuracies are all <= 1 (fractions?): give them in % or set tolerance explicitly',
    );
  }
  const tolerance = options.tolerance ?? 0.5;
  if (!(tolerance >= 0)) inputError(`tolerance must be non-negative, got ${tolerance}`);
  const best = Math.max(...candidates.map((c) => c.valAccuracy));
  // A hair of slack so that a difference of exactly `tolerance` in decimal (88.4 vs 87.8 at 0.6)
  // counts as within it despite binary rounding.
  const floor = best - tolerance - 1e-9 * Math.max(1, Math.abs(best));
  const within = candidates.filter((c) => c.valAccuracy >= floor);
  return within.reduce((a, b) => (b.fraction > a.fraction ? b : a));
}

/**
 * Indices of the units to keep when the `fraction` of them with the lowest `scores` is removed
 * (round(fraction * K) units; ties broken by the lower index going first), in increasing order.
 */
export function keepHighestScoring(scores: ArrayLike<number>, fraction: number): number[] {
  if (!(fraction >= 0 && fraction < 1))
    inputError(`the prune fraction must be in [0, 1), got ${fraction}`);
  const order = Array.from({ length: scores.length }, (_, i) => i);
  for (const i of order) {
    if (Number.isNaN(scores[i])) inputError(`score ${i} is NaN`);
  }
  order.sort((a, b) => scores[a] - scores[b] || a - b);
  const removed = Math.round(fraction * scores.length);
  return order.slice(removed).sort((a, b) => a - b);
}
