// The rules that turn this notebook's measurements into verdicts on the paper's claims, stated once
// here (the notebook states them again in prose before applying them):
//
//  * Table 3 row: inconclusive unless the run is at the paper's scale (all 60 000 training images,
//    21 full epochs); then reproduced when our mean accuracy is within max(3 points, 2 sd) of the
//    paper's, not reproduced otherwise.
//  * Table 2 row: reproduced when the paper's outcome is that of more than half our runs, not
//    reproduced when it never occurs, inconclusive otherwise, and always inconclusive with fewer
//    than MIN_RUNS_FOR_VERDICT runs.
//  * An ordering of two layers: orderingVerdict (analysis.ts) on the bands mean ± sd over seeds.
//    A chain of orderings (Figure 5) is combined by combineVerdicts: every link must hold.
//  * Stability of 100 against 20 hidden units: reproduced when the share of h=100 runs that explode
//    or do not converge is at least 10 points higher than for h=20; not reproduced when it is not
//    higher, with at least 8 runs each and most h=100 runs converged; inconclusive otherwise.
//  * Warm start (Figures 1-2): reproduced when warm-started runs converge in a median of at most 2
//    MINE epochs and re-initialised ones need at least 3 x that + 2; not reproduced when warm needs
//    at least as many as re-initialised. Per figure: re-initialised needs many epochs (median >=
//    10: reproduced; <= 3: not); warm-started about one (median <= 2: reproduced; >= 5: not). Our
//    MINE epoch is a pass over the MI rows, the paper's of unstated size: only "many, not one"
//    compares.
import type { MineOutcome } from '../../infoplane/outcome';
import type { Verdict } from '../../report/results';
import type { Summary } from '../../report/summary';
import { MIN_SEEDS_FOR_VERDICT } from '../../report/verdicts';

/** A Table 2 row needs this many runs of its architecture. The threshold is the shared one, counted
 * in MINE runs rather than classifier seeds: each run of an architecture (any seed, layer or epoch)
 * is one trial of whether it converges, and fewer than this cannot tell an outcome from chance. */
export const MIN_RUNS_FOR_VERDICT = MIN_SEEDS_FOR_VERDICT;

/** Table 3 accuracy tolerance, percentage points (the sd over seeds widens it). */
export const ACCURACY_TOLERANCE = 3;

export function accuracyVerdict(ours: Summary, paper: number, paperScale: boolean): Verdict {
  if (!paperScale) return 'inconclusive';
  return Math.abs(ours.mean - paper) <= Math.max(ACCURACY_TOLERANCE, 2 * ours.sd)
    ? 'reproduced'
    : 'not reproduced';
}

/** `counts` of our runs' outcomes against the paper's outcome for the row. */
export function table2Verdict(counts: Record<MineOutcome, number>, paper: MineOutcome): Verdict {
  const runs = Object.values(counts).reduce((a, b) => a + b, 0);
  if (runs < MIN_RUNS_FOR_VERDICT) return 'inconclusive';
  if (counts[paper] === 0) return 'not reproduced';
  return counts[paper] > runs / 2 ? 'reproduced' : 'inconclusive';
}

export interface Stability {
  runs: number;
  counts: Record<MineOutcome, number>;
  /** Runs that exploded or did not converge. */
  failing: number;
}

/** Runs needed for each width before "not reproduced" can be said of the stability claim. */
export const MIN_RUNS_FOR_STABILITY = 8;

export function stabilityVerdict(h20: Stability, h100: Stability): Verdict {
  const failShare = (s: Stability) => (s.runs === 0 ? NaN : s.failing / s.runs);
  const difference = failShare(h100) - failShare(h20);
  if (difference >= 0.1) return 'reproduced';
  const enough = h20.runs >= MIN_RUNS_FOR_STABILITY && h100.runs >= MIN_RUNS_FOR_STABILITY;
  if (difference <= 0 && enough && h100.counts.converged > h100.runs / 2) return 'not reproduced';
  return 'inconclusive';
}

/** Medians of MINE epochs to converge: warm-started (later runs) and re-initialised. */
export function transferVerdict(warmMedian: number, freshMedian: number): Verdict {
  if (!Number.isFinite(warmMedian) || !Number.isFinite(freshMedian)) return 'inconclusive';
  if (warmMedian <= 2 && freshMedian >= 3 * warmMedian + 2) return 'reproduced';
  return warmMedian >= freshMedian ? 'not reproduced' : 'inconclusive';
}

/** Figure 1 row: a re-initialised MINE needs many epochs. */
export function freshRowVerdict(freshMedian: number): Verdict {
  return freshMedian >= 10 ? 'reproduced' : freshMedian <= 3 ? 'not reproduced' : 'inconclusive';
}

/** Figure 2 row: a warm-started MINE needs about one. */
export function warmRowVerdict(warmMedian: number): Verdict {
  return warmMedian <= 2 ? 'reproduced' : warmMedian >= 5 ? 'not reproduced' : 'inconclusive';
}
