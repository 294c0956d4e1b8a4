// Pearson and Spearman correlations, the measures an MI analysis is read against: both see only
// linear (Pearson) or monotone (Spearman) dependence, so a pair with |r| near 0 and a clearly
// positive MI is a dependence that correlation misses (a U shape, clusters, a seasonal cycle).
import { inputError } from '../errors';

function checkPair(x: ArrayLike<number>, y: ArrayLike<number>, what: string): void {
  if (x.length !== y.length) inputError(`${what}: x has ${x.length} values, y has ${y.length}`);
  if (x.length < 3) inputError(`${what} needs at least 3 pairs, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      inputError(`${what}: pair ${i} is not finite (${x[i]}, ${y[i]}); drop missing rows first`);
    }
  }
}

/** Pearson's r; an input error when a side is constant (r is undefined there). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPair(x, y, 'pearson');
  return pearsonOf(x, y);
}

function pearsonOf(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) inputError('correlation is undefined for a constant column');
  // Rounding can push |r| a hair past 1 for exactly linear data.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks 1..n, ties given their average rank (so Spearman's rho handles tied values). */
export function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + end + 1) / 2; // mean of the 1-based ranks start+1 .. end
    for (let i = start; i < end; i++) out[order[i]] = rank;
    start = end;
  }
  return out;
}

/** Spearman's rho: Pearson's r of the ranks (average ranks for ties). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPair(x, y, 'spearman');
  return pearsonOf(ranks(x), ranks(y));
}

/** The MI a bivariate Gaussian with correlation r has, -log(1 - r^2) / 2 nats: what the MI would
 * be if the dependence were only linear. An MI estimate well above it is non-linear dependence. */
export function gaussianMiFromCorrelation(r: number): number {
  if (!(r >= -1 && r <= 1)) inputError(`a correlation lies in [-1, 1], got ${r}`);
  return -0.5 * Math.log1p(-r * r);
}

/**
 * Kendall's tau-b: (concordant - discordant) pairs over the geometric mean of the pairs untied in x
 * and untied in y, so ties on either side count as neither (the usual choice with ties; it equals
 * tau-a without them). O(n^2), for the tens to thousands of values a verdict compares.
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPair(x, y, 'kendallTau');
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiedX++;
      else if (dy === 0) tiedY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt(
    (concordant + discordant + tiedY) * (concordant + discordant + tiedX),
  );
  if (denominator === 0) inputError('kendallTau is undefined for a constant column');
  return (concordant - discordant) / denominator;
}
