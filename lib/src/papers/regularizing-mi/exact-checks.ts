// Part A of notebook 002: every slide formula checked exactly (protocol §2d-2e) on random joint
// tables, sources and channels with closed forms, and the enumerable Gibbs learner. Each check
// returns its numbers; claims() turns them into verdicts: reproduced when the check agrees within
// its tolerance, "not reproduced" for a formula that is wrong as printed (the evidence gives the
// correction and the size of the error), inconclusive for M8, which cannot be tested as stated.
import { entropyFromCounts, miFromJointTable } from '../../mi/binning';
import {
  becCapacity,
  binaryRateDistortion,
  bscCapacity,
  channelCapacity,
  posteriorTable,
  rateDistortion,
  uniformRateDistortion,
  variationalMiLower,
  variationalMiUpper,
  zChannelCapacity,
} from '../../mi/discrete';
import { Rng } from '../../random/rng';
import type { Claim, Verdict } from '../../report/results';
import {
  gibbsCase,
  metaLearningIdentity,
  type GibbsCase,
  type MetaLearningIdentity,
} from './gibbs';

/** Identities must hold to this (float64 sums of at most 64 terms). */
export const IDENTITY_TOLERANCE = 1e-10;
/** Blahut-Arimoto against a closed form, after convergence. */
export const ITERATION_TOLERANCE = 1e-6;

function simplex(n: number, rng: Rng): number[] {
  const v = Array.from({ length: n }, () => -Math.log(1 - rng.uniform()));
  const s = v.reduce((a, b) => a + b, 0);
  return v.map((x) => x / s);
}

function randomJoint(rng: Rng): number[][] {
  const rows = 2 + rng.int(7);
  const cols = 2 + rng.int(7);
  const flat = simplex(rows * cols, rng);
  return Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

const entropy = (p: ArrayLike<number>) => entropyFromCounts(p, { millerMadow: false });

export interface IdentityCheck {
  tables: number;
  /** Largest |difference| over all tables of M1's, M2's and M3's attained forms. */
  maxError: { m1: number; m2: number; m3: number };
  /** Random phi above I or random m below I (M3): must be 0. */
  violations: number;
}

/** M1-M3 on `tables` random joint tables of 2x2 to 8x8. */
export function checkIdentities(tables = 200, seed = 0): IdentityCheck {
  const rng = new Rng(seed).fork('identities');
  const maxError = { m1: 0, m2: 0, m3: 0 };
  let violations = 0;
  for (let t = 0; t < tables; t++) {
    const pxy = randomJoint(rng);
    const mi = miFromJointTable(pxy);
    const px = pxy.map((r) => r.reduce((a, b) => a + b, 0));
    const py = pxy[0].map((_, j) => pxy.reduce((a, r) => a + r[j], 0));
    const hxy = entropy(pxy.flat());
    const hx = entropy(px);
    const hy = entropy(py);
    const hxGivenY = hxy - hy;
    const hyGivenX = hxy - hx;
    // H(X) = I(X;X): the joint of X with itself is diagonal.
    const self = px.map((v, i) => px.map((_, j) => (i === j ? v : 0)));
    maxError.m1 = Math.max(
      maxError.m1,
      Math.abs(mi - (hxy - hxGivenY - hyGivenX)),
      Math.abs(mi - (hx - hxGivenY)),
      Math.abs(hx - miFromJointTable(self)),
    );
    // M2: E_x KL(q(y|x) || q(y)).
    let m2 = 0;
    pxy.forEach((row, i) =>
      row.forEach((v, j) => {
        if (v > 0) m2 += v * Math.log(v / px[i] / py[j]);
      }),
    );
    maxError.m2 = Math.max(maxError.m2, Math.abs(mi - m2));
    maxError.m3 = Math.max(
      maxError.m3,
      Math.abs(variationalMiLower(pxy, posteriorTable(pxy)) - mi),
      Math.abs(variationalMiUpper(pxy, py) - mi),
    );
    const phi = py.map(() => simplex(px.length, rng));
    if (variationalMiLower(pxy, phi) > mi + 1e-12) violations++;
    if (variationalMiUpper(pxy, simplex(py.length, rng)) < mi - 1e-12) violations++;
  }
  return { tables, maxError, violations };
}

export interface SourceCheck {
  source: string;
  /** One point per beta: rate, distortion, the closed form at that distortion. */
  points: Array<{ beta: number; rate: number; distortion: number; exact: number }>;
  maxError: number;
  /** Iterations where the objective rose (must be 0), over every run of this source. */
  increases: number;
  /** Spread of the limit over `starts` random initial test channels at one beta. */
  spread: number;
  starts: number;
}

const hamming = (m: number) =>
  Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 0 : 1)));

/** M4: rate-distortion of binary sources (p = 0.5, 0.3, 0.1) and uniform 4- and 8-ary sources. */
export function checkRateDistortion(starts = 20, betas = [0.5, 1, 2, 3, 5, 8]): SourceCheck[] {
  const sources: Array<{ source: string; px: number[]; exact: (d: number) => number }> = [
    ...[0.5, 0.3, 0.1].map((p) => ({
      source: `Bernoulli(${p})`,
      px: [p, 1 - p],
      exact: (d: number) => binaryRateDistortion(p, d),
    })),
    ...[4, 8].map((m) => ({
      source: `uniform on ${m}`,
      px: new Array(m).fill(1 / m),
      exact: (d: number) => uniformRateDistortion(m, d),
    })),
  ];
  return sources.map(({ source, px, exact }) => {
    const d = hamming(px.length);
    let increases = 0;
    const count = (trace: number[]) => {
      for (let i = 1; i < trace.length; i++) if (trace[i] > trace[i - 1] + 1e-12) increases++;
    };
    const points = betas.map((beta) => {
      const r = rateDistortion(px, d, beta);
      count(r.trace);
      return { beta, rate: r.rate, distortion: r.distortion, exact: exact(r.distortion) };
    });
    const limits = Array.from({ length: starts }, (_, seed) => {
      const r = rateDistortion(px, d, betas[Math.floor(betas.length / 2)], {
        init: 'random',
        seed,
      });
      count(r.trace);
      return r.trace[r.trace.length - 1];
    });
    return {
      source,
      points,
      maxError: Math.max(...points.map((p) => Math.abs(p.rate - p.exact))),
      increases,
      spread: Math.max(...limits) - Math.min(...limits),
      starts,
    };
  });
}

/** The slide's typo: with d(x, xh) in the normaliser, the update returns q(xh|x) = m(xh) for every
 * x (the exponentials cancel), a test channel that ignores the source: rate 0 at any beta. */
export function typoUpdateRate(beta = 2): { typo: number; correct: number } {
  const px = [0.3, 0.7];
  const d = hamming(2);
  const m = [0.5, 0.5];
  const typoQ = d.map((row) =>
    row.map((dv, j) => (m[j] * Math.exp(-beta * dv)) / (Math.exp(-beta * dv) * (m[0] + m[1]))),
  );
  const joint = typoQ.map((row, x) => row.map((v) => px[x] * v));
  return { typo: miFromJointTable(joint), correct: rateDistortion(px, d, beta).rate };
}

export interface ChannelCheck {
  channel: string;
  capacity: number;
  exact: number;
  error: number;
  decreases: number;
}

/** M5: Arimoto's capacity of the BSC (0.1), the BEC (0.3) and the Z channel (0.5). */
export function checkCapacity(): ChannelCheck[] {
  const cases: Array<[string, number[][], number]> = [
    [
      'BSC, crossover 0.1',
      [
        [0.9, 0.1],
        [0.1, 0.9],
      ],
      bscCapacity(0.1),
    ],
    [
      'BEC, erasure 0.3',
      [
        [0.7, 0.3, 0],
        [0, 0.3, 0.7],
      ],
      becCapacity(0.3),
    ],
    [
      'Z channel, 0.5',
      [
        [1, 0],
        [0.5, 0.5],
      ],
      zChannelCapacity(0.5),
    ],
  ];
  return cases.map(([channel, w, exact]) => {
    const c = channelCapacity(w);
    let decreases = 0;
    for (let i = 1; i < c.trace.length; i++) if (c.trace[i] < c.trace[i - 1] - 1e-12) decreases++;
    return { channel, capacity: c.capacity, exact, error: Math.abs(c.capacity - exact), decreases };
  });
}

export interface ChiSquareCheck {
  /** Largest |E_S Var[q(w)/q(w|S)] - D_f(P_w P_S || P_wS)| over full-support tables. */
  fullSupportError: number;
  /** The usual convention, D_f(P_wS || P_w P_S) = E_S chi2(q(.|S) || q): a different number. */
  usualConvention: { slide: number; usual: number };
  /** Learners with q(w|S) = 0 where q(w) > 0: P_w P_S puts mass where P_wS has none, so the
   * divergence is infinite, while the slide's variance stays finite and E[q(w)/q(w|S)] < 1. */
  partialSupport: { variance: number; meanRatio: number; divergence: number };
}

/** M6 on random learners q(w|S) (rows S, uniform p(S)). */
export function checkChiSquare(tables = 100, seed = 0): ChiSquareCheck {
  const rng = new Rng(seed).fork('chi-square');
  const sides = (q: number[][]) => {
    const pS = 1 / q.length;
    const qw = q[0].map((_, w) => q.reduce((a, row) => a + pS * row[w], 0));
    let variance = 0;
    let meanRatio = 0;
    let divergence = 0;
    let usual = 0;
    for (const row of q) {
      // q(w)/q(w|S) under q(w|S): only where q(w|S) > 0.
      const mean = row.reduce((a, v, w) => a + (v > 0 ? qw[w] : 0), 0);
      const second = row.reduce((a, v, w) => a + (v > 0 ? qw[w] ** 2 / v : 0), 0);
      variance += pS * (second - mean ** 2);
      meanRatio += pS * mean;
      // D_f(P_w P_S || P_wS) = sum_S p(S) sum_w q(w|S) f(q(w) / q(w|S)), f(t) = (t - 1)^2.
      row.forEach((v, w) => {
        if (v > 0) divergence += pS * v * (qw[w] / v - 1) ** 2;
        else if (qw[w] > 0) divergence = Infinity;
      });
      usual += pS * row.reduce((a, v, w) => a + qw[w] * (v / qw[w] - 1) ** 2, 0);
    }
    return { variance, meanRatio, divergence, usual };
  };
  let fullSupportError = 0;
  let usualConvention = { slide: 0, usual: 0 };
  for (let t = 0; t < tables; t++) {
    const S = 2 + rng.int(6);
    const W = 2 + rng.int(6);
    const q = Array.from({ length: S }, () => simplex(W, rng));
    const s = sides(q);
    fullSupportError = Math.max(fullSupportError, Math.abs(s.variance - s.divergence));
    if (t === 0) usualConvention = { slide: s.variance, usual: s.usual };
  }
  // Two datasets whose learners put no mass on each other's favourite hypothesis.
  const partial = sides([
    [0.9, 0.1, 0],
    [0, 0.1, 0.9],
  ]);
  return {
    fullSupportError,
    usualConvention,
    partialSupport: {
      variance: partial.variance,
      meanRatio: partial.meanRatio,
      divergence: partial.divergence,
    },
  };
}

/** M7 on n in {4, 6, 8} and a grid of gamma; M9 on one case with two model noises. */
export function checkLearner(): { cases: GibbsCase[]; identity: MetaLearningIdentity[] } {
  const cases = [4, 6, 8].flatMap((n) => [0.5, 1, 2, 5, 20].map((g) => gibbsCase(n, g)));
  const identity = [0.1, 0.3].map((modelNoise) => metaLearningIdentity(6, 2, { modelNoise }));
  return { cases, identity };
}

const sci = (v: number) => v.toExponential(1);

/** Part A's verdicts. */
export function partAClaims(): Claim[] {
  const ids = checkIdentities();
  const rd = checkRateDistortion();
  const typo = typoUpdateRate();
  const cap = checkCapacity();
  const chi = checkChiSquare();
  const learner = checkLearner();
  const ok = (cond: boolean): Verdict => (cond ? 'reproduced' : 'not reproduced');
  const rdError = Math.max(...rd.map((s) => s.maxError));
  const rdIncreases = rd.reduce((a, s) => a + s.increases, 0);
  const rdSpread = Math.max(...rd.map((s) => s.spread));
  const tight = learner.cases.map((c) => Math.abs(c.gap) / c.bound);
  const [sameNoise, otherNoise] = learner.identity;
  return [
    {
      claim: 'M1: I(X;Y) = H(X,Y) - H(X|Y) - H(Y|X) = H(X) - H(X|Y); H(X) = I(X;X)',
      verdict: ok(ids.maxError.m1 < IDENTITY_TOLERANCE),
      evidence: `Largest error over ${ids.tables} random joint tables (2x2 to 8x8): ${sci(ids.maxError.m1)} nats.`,
    },
    {
      claim: 'M2: I(p, q) = E_x KL(q(y|x) || q(y))',
      verdict: ok(ids.maxError.m2 < IDENTITY_TOLERANCE),
      evidence: `Largest error over ${ids.tables} tables: ${sci(ids.maxError.m2)} nats.`,
    },
    {
      claim: 'M3: I = max over phi of the lower form = min over m of the upper form',
      verdict: ok(ids.maxError.m3 < IDENTITY_TOLERANCE && ids.violations === 0),
      evidence:
        `The posterior and the marginal attain I (largest error ${sci(ids.maxError.m3)}); ` +
        `random phi and m crossed I ${ids.violations} times in ${2 * ids.tables} draws.`,
    },
    {
      claim: 'M4: Blahut-Arimoto converges to the rate-distortion function (the global minimum)',
      verdict: ok(rdError < ITERATION_TOLERANCE && rdIncreases === 0 && rdSpread < 1e-8),
      evidence:
        `${rd.map((s) => s.source).join(', ')} with Hamming distortion: largest |R - R(D)| ` +
        `${sci(rdError)} nats; the objective rose in ${rdIncreases} iterations; 20 random ` +
        `starts per source end within ${sci(rdSpread)} (with the update corrected, next claim).`,
    },
    {
      claim: "M4: the slide's update formula, as printed",
      verdict: ok(Math.abs(typo.typo - typo.correct) < ITERATION_TOLERANCE),
      evidence:
        `With d(x, xh) in the normaliser the test channel is q(xh|x) = m(xh): rate ` +
        `${typo.typo.toFixed(3)} nats at beta = 2 on Bernoulli(0.3), where the rate-distortion ` +
        `point has ${typo.correct.toFixed(3)}. Corrected: q(xh|x) = m(xh) exp(-beta d(x, xh)) / ` +
        `sum_xh' m(xh') exp(-beta d(x, xh')).`,
    },
    {
      claim: "M5: Arimoto's algorithm computes the channel capacity",
      verdict: ok(cap.every((c) => c.error < ITERATION_TOLERANCE && c.decreases === 0)),
      evidence:
        cap
          .map((c) => `${c.channel}: ${c.capacity.toFixed(6)} vs ${c.exact.toFixed(6)} nats`)
          .join('; ') + '; the lower bound never decreased.',
    },
    {
      claim: 'M6: the chi-square f-MI equals E_S Var_q(w|S)[q(w)/q(w|S)]',
      verdict: ok(chi.fullSupportError < IDENTITY_TOLERANCE),
      evidence:
        `Holds to ${sci(chi.fullSupportError)} on 100 random full-support learners, with the ` +
        `f-divergence read as D_f(P_w P_S || P_wS); the usual f-MI convention ` +
        `D_f(P_wS || P_w P_S) gives another number (${chi.usualConvention.usual.toFixed(4)} vs ` +
        `${chi.usualConvention.slide.toFixed(4)} on the first). The slide omits a condition: ` +
        `where q(w|S) = 0 but q(w) > 0, E[q(w)/q(w|S)] = ` +
        `${chi.partialSupport.meanRatio.toFixed(2)} < 1 and the divergence is infinite while ` +
        `the variance is ${chi.partialSupport.variance.toFixed(3)}.`,
    },
    {
      claim: 'M7: |expected generalisation gap| <= sqrt(2 sigma^2 I(w;S) / n)',
      verdict: ok(learner.cases.every((c) => c.holds)),
      evidence:
        `Gibbs learner on 4 inputs, thresholds, 10 % label noise, every dataset enumerated, ` +
        `n in {4, 6, 8} x gamma in {0.5, 1, 2, 5, 20}: the bound holds in ` +
        `${learner.cases.filter((c) => c.holds).length} of ${learner.cases.length}; ` +
        `|gap| / bound from ${Math.min(...tight).toFixed(2)} to ${Math.max(...tight).toFixed(2)}.`,
    },
    {
      claim: 'M8: I(w;S) is bounded by sharpness (flat minimum => small I)',
      verdict: 'inconclusive',
      evidence:
        'The slide defines no sharpness, so there is nothing to compute: untestable as stated.',
    },
    {
      claim: 'M9: the meta-learning identity, as printed',
      verdict: ok(Math.abs(sameNoise.printed - sameNoise.lhs) < IDENTITY_TOLERANCE),
      evidence:
        `Exact on the Gibbs toy (n = 6, gamma = 2): left side ${sameNoise.lhs.toFixed(4)}, the ` +
        `slide's right side ${sameNoise.printed.toFixed(4)}; off by KL(p*(S) || p(S)) = ` +
        `${sameNoise.missing.toFixed(4)} (${otherNoise.missing.toFixed(4)} under a model noise ` +
        `of 0.3). It holds with E_p* ln p(S) = -H(p*) - KL(p* || p) in place of -H(p*) ` +
        `(error ${sci(Math.abs(sameNoise.corrected - sameNoise.lhs))}), i.e. only when the ` +
        `model's evidence p(S) is the data distribution.`,
    },
  ];
}
