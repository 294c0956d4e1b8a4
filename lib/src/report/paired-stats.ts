// Paired comparison of a method against its baseline across seeds: the same seed fixes the data
// order and the initial weights of both runs, so the per-seed differences cancel most of the
// seed-to-seed noise. Reports the mean difference with a Student-t interval and an exact sign test.
import { inputError } from '../errors';

export interface PairedComparison {
  n: number;
  /** Mean of (treated - baseline). */
  meanDiff: number;
  /** Sample standard deviation of the differences (0 when n = 1). */
  sdDiff: number;
  /** Two-sided 95% Student-t interval for the mean difference ([-Inf, Inf] when n < 2). */
  ci95: [number, number];
  /** Paired t statistic and its two-sided p-value (NaN when n < 2 or all differences are equal). */
  t: number;
  pT: number;
  wins: number;
  losses: number;
  ties: number;
  /** Exact two-sided sign test p-value over the non-tied pairs (1 when every pair ties). */
  pSign: number;
}

export function pairedComparison(
  treated: readonly number[],
  baseline: readonly number[],
): PairedComparison {
  if (treated.length !== baseline.length) {
    inputError(
      `paired comparison needs equal lengths, ` +
        `got ${treated.length} treated vs ${baseline.length} baseline values`,
    );
  }
  if (treated.length === 0) inputError('paired comparison needs at least one pair');
  const diffs = treated.map((v, i) => {
    const d = v - baseline[i];
    if (!Number.isFinite(d))
      inputError(`paired comparison: pair ${i} is not finite (${v} vs ${baseline[i]})`);
    return d;
  });
  const n = diffs.length;
  const meanDiff = diffs.reduce((a, b) => a + b, 0) / n;
  const sdDiff =
    n > 1 ? Math.sqrt(diffs.reduce((a, d) => a + (d - meanDiff) ** 2, 0) / (n - 1)) : 0;
  let t = NaN;
  let pT = NaN;
  let ci95: [number, number] = [-Infinity, Infinity];
  if (n > 1) {
    const se = sdDiff / Math.sqrt(n);
    const half = studentTQuantile(0.975, n - 1) * se;
    ci95 = [meanDiff - half, meanDiff + half];
    if (se > 0) {
      t = meanDiff / se;
      pT = studentTTwoSidedP(t, n - 1);
    }
  }
  const wins = diffs.filter((d) => d > 0).length;
  const losses = diffs.filter((d) => d < 0).length;
  return {
    n,
    meanDiff,
    sdDiff,
    ci95,
    t,
    pT,
    wins,
    losses,
    ties: n - wins - losses,
    pSign: signTestP(wins, losses),
  };
}

/** Exact two-sided binomial sign test with p = 1/2. */
export function signTestP(wins: number, losses: number): number {
  const m = wins + losses;
  if (m === 0) return 1;
  const k = Math.min(wins, losses);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(m, i) - m * Math.LN2);
  return Math.min(1, 2 * tail);
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom. */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) inputError(`Student t needs df > 0, got ${df}`);
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The q-quantile of Student's t (q in (0.5, 1)), by bisection on the tail probability. */
export function studentTQuantile(q: number, df: number): number {
  if (!(q > 0.5 && q < 1)) inputError(`studentTQuantile needs q in (0.5, 1), got ${q}`);
  const tail = 2 * (1 - q);
  let lo = 0;
  let hi = 1;
  while (studentTTwoSidedP(hi, df) > tail) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTTwoSidedP(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** log Gamma(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** I_x(a, b) by the continued fraction (modified Lentz), using the symmetry for large x. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  if (x > (a + 1) / (a + b + 2)) return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
  return (front * betaContinuedFraction(x, a, b)) / a;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/**
 * McNemar's exact test of two paired yes/no outcomes: only the discordant pairs count, `b` where
 * the first says yes and the second no, `c` the reverse; under "no difference" each discordant
 * pair goes either way with probability 1/2, so the p-value is the exact two-sided sign test.
 */
export function mcnemarTest(b: number, c: number): { b: number; c: number; p: number } {
  for (const [name, v] of [
    ['b', b],
    ['c', c],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) inputError(`mcnemarTest: ${name} must be a count, got ${v}`);
  }
  return { b, c, p: signTestP(b, c) };
}

/**
 * Holm's step-down adjustment of p-values for testing several hypotheses at once (controls the
 * family-wise error rate without assuming independence): sorted ascending, the k-th smallest of m
 * becomes max over j <= k of min(1, (m - j + 1) p_(j)). Returned in the input's order.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  for (const p of pValues) {
    if (!(p >= 0 && p <= 1)) inputError(`holmAdjust: p-values lie in [0, 1], got ${p}`);
  }
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
