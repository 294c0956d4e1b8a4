// Verdicts for "method vs baseline" tables (a paper's method against its baseline over paired
// seeds), computed from the runs, never written by hand. The rules (stated again in the notebook):
//  * Nothing is decided unless the run is at the paper's scale (`comparable`: the paper's full
//    training set; a subset changes every accuracy) and has at least 3 paired seeds.
//  * A baseline row is reproduced when the paper's accuracy lies within our mean +- 2 sd.
//  * A method row is judged on its improvement over the baseline (the paper's claim), using the
//    95% paired-t interval of our per-seed improvements: reproduced when it excludes 0 and contains
//    the paper's improvement; not reproduced when it excludes the paper's improvement; otherwise
//    inconclusive (too wide to tell).
//  * A claim "method beats the baseline" is reproduced when the interval lies above 0, not
//    reproduced when it lies below the paper's improvement (we can rule out the effect the paper
//    reports), inconclusive otherwise. A claim over several methods needs every one reproduced and
//    fails if any one fails.
//  * A claim "comparable or better" is judged against a non-inferiority margin (judgeNonInferior).
import { inputError } from '../errors';
import type { Verdict } from './results';
import { PairedComparison, pairedComparison, studentTQuantile } from './paired-stats';

export const MIN_SEEDS_FOR_VERDICT = 3;

export interface JudgedComparison {
  verdict: Verdict;
  /** One sentence with the numbers behind the verdict. */
  evidence: string;
  comparison: PairedComparison;
}

function fmt(v: number, digits = 2): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

function scaleNote(comparable: boolean, n: number): string | null {
  if (!comparable) return "not at the paper's scale (training subset), so it cannot be compared";
  if (n < MIN_SEEDS_FOR_VERDICT)
    return `only ${n} seed(s); at least ${MIN_SEEDS_FOR_VERDICT} are needed`;
  return null;
}

/** Baseline row: is the paper's value within mean +- 2 sd of ours? */
export function judgeBaselineRow(
  paper: number,
  ours: readonly number[],
  comparable: boolean,
): { verdict: Verdict; evidence: string } {
  if (ours.length === 0) inputError('judgeBaselineRow needs at least one run');
  const n = ours.length;
  const mean = ours.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(ours.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const stated = `ours ${fmt(mean)} +- ${fmt(sd)} (n = ${n}) vs paper ${fmt(paper)}`;
  const note = scaleNote(comparable, n);
  if (note) return { verdict: 'inconclusive', evidence: `${stated}; ${note}` };
  const inside = Math.abs(paper - mean) <= 2 * sd;
  return {
    verdict: inside ? 'reproduced' : 'not reproduced',
    evidence: `${stated}: the paper's value is ${inside ? 'inside' : 'outside'} mean +- 2 sd`,
  };
}

/** Method row: our paired improvement over the baseline against the paper's improvement. */
export function judgeImprovementRow(
  paperImprovement: number,
  treated: readonly number[],
  baseline: readonly number[],
  comparable: boolean,
): JudgedComparison {
  const c = pairedComparison(treated, baseline);
  const stated =
    `improvement ${fmt(c.meanDiff)} (95% CI ${fmt(c.ci95[0])} .. ${fmt(c.ci95[1])}, ` +
    `${c.wins}/${c.n} seeds better, paired t p = ${fmt(c.pT, 3)}) ` +
    `vs paper ${fmt(paperImprovement)}`;
  const note = scaleNote(comparable, c.n);
  if (note) return { verdict: 'inconclusive', evidence: `${stated}; ${note}`, comparison: c };
  const [lo, hi] = c.ci95;
  const containsPaper = lo <= paperImprovement && paperImprovement <= hi;
  if (!containsPaper) {
    return {
      verdict: 'not reproduced',
      evidence: `${stated}: the interval excludes the paper's improvement`,
      comparison: c,
    };
  }
  if (lo > 0 || hi < 0) {
    return {
      verdict: 'reproduced',
      evidence: `${stated}: the interval contains the paper's improvement and excludes 0`,
      comparison: c,
    };
  }
  return {
    verdict: 'inconclusive',
    evidence: `${stated}: the interval contains both 0 and the paper's improvement`,
    comparison: c,
  };
}

/** Claim "method beats the baseline" (or any paired control; `difference` names it in the
 * evidence). */
export function judgeBeatsBaseline(
  paperImprovement: number,
  treated: readonly number[],
  baseline: readonly number[],
  comparable: boolean,
  difference = 'improvement',
): JudgedComparison {
  const c = pairedComparison(treated, baseline);
  const stated =
    `${difference} ${fmt(c.meanDiff)} (95% CI ${fmt(c.ci95[0])} .. ${fmt(c.ci95[1])}, ` +
    `n = ${c.n}) vs paper ${fmt(paperImprovement)}`;
  const note = scaleNote(comparable, c.n);
  if (note) return { verdict: 'inconclusive', evidence: `${stated}; ${note}`, comparison: c };
  if (c.ci95[0] > 0)
    return {
      verdict: 'reproduced',
      evidence: `${stated}: the interval lies above 0`,
      comparison: c,
    };
  if (c.ci95[1] < paperImprovement) {
    return {
      verdict: 'not reproduced',
      evidence: `${stated}: the interval lies below the paper's improvement`,
      comparison: c,
    };
  }
  return {
    verdict: 'inconclusive',
    evidence: `${stated}: the interval is too wide to decide`,
    comparison: c,
  };
}

/** All parts must be reproduced for the whole; any failed part fails it. */
export function combineVerdicts(parts: readonly Verdict[]): Verdict {
  if (parts.length === 0) inputError('combineVerdicts needs at least one verdict');
  if (parts.includes('not reproduced')) return 'not reproduced';
  return parts.every((p) => p === 'reproduced') ? 'reproduced' : 'inconclusive';
}

/** Where a paired difference D = treated - baseline stands against a non-inferiority margin. */
export type NonInferiority = 'better' | 'nonInferior' | 'worse' | 'inconclusive';

export interface NonInferiorityJudgement extends JudgedComparison {
  classification: NonInferiority;
  /** The paired Student-t interval of D at `confidence`. */
  ci: [number, number];
  confidence: number;
  margin: number;
}

/**
 * Claim "the treated method is comparable to or better than the baseline" (non-inferiority with
 * margin `margin` > 0, in the units of the values, fixed before any run). From the paired t
 * interval [lo, hi] of D = treated - baseline, checked in this order:
 *  * 'better' when lo > 0, and 'nonInferior' when lo > -margin: the verdict is 'reproduced';
 *  * 'worse' when hi < 0 (and lo <= -margin): 'not reproduced'. A loss that is significant but
 *    lies within the margin stays non-inferior, since the margin says what "comparable" allows;
 *  * 'inconclusive' otherwise, and always with fewer than MIN_SEEDS_FOR_VERDICT seeds or when
 *    the run is not comparable.
 */
export function judgeNonInferior(
  treated: readonly number[],
  baseline: readonly number[],
  margin: number,
  options: { confidence?: number; comparable?: boolean; difference?: string } = {},
): NonInferiorityJudgement {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    inputError(`confidence must be in (0, 1), got ${confidence}`);
  if (!(margin > 0 && Number.isFinite(margin)))
    inputError(`the non-inferiority margin must be a positive number, got ${margin}`);
  const c = pairedComparison(treated, baseline);
  let ci: [number, number] = [-Infinity, Infinity];
  if (c.n > 1) {
    const half = (studentTQuantile((1 + confidence) / 2, c.n - 1) * c.sdDiff) / Math.sqrt(c.n);
    ci = [c.meanDiff - half, c.meanDiff + half];
  }
  const [lo, hi] = ci;
  const level = `${fmt(confidence * 100, 0)}%`;
  const stated =
    `${options.difference ?? 'difference'} ${fmt(c.meanDiff)} ` +
    `(${level} CI ${fmt(lo)} .. ${fmt(hi)}, n = ${c.n}), margin ${fmt(margin)}`;
  const judged = (classification: NonInferiority, verdict: Verdict, why: string) => ({
    verdict,
    classification,
    evidence: `${stated}: ${why}`,
    comparison: c,
    ci,
    confidence,
    margin,
  });
  const note = scaleNote(options.comparable ?? true, c.n);
  if (note) return judged('inconclusive', 'inconclusive', note);
  if (lo > 0) return judged('better', 'reproduced', 'the interval lies above 0');
  if (lo > -margin) return judged('nonInferior', 'reproduced', 'the interval lies above -margin');
  if (hi < 0) return judged('worse', 'not reproduced', 'the interval lies below 0');
  return judged('inconclusive', 'inconclusive', 'the interval reaches below -margin and above 0');
}
