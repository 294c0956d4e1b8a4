// A learner small enough to enumerate exactly, for the slides' two information-theoretic
// statements about learning (protocol §2d, M7 and M9). Inputs x in {0..inputs-1} uniform, the label
// y = 1[x >= inputs/2] flipped with probability `noise`; hypotheses are the thresholds
// h_t(x) = 1[x >= t], t in {0..inputs}, under a uniform prior; the Gibbs learner draws
// w ~ q(w|S) proportional to prior(w) exp(-gamma n L_S(w)) from n examples S. Every quantity is a
// finite sum over the datasets, which depend on S only through its counts, so the sums run over
// multisets weighted by their multinomial probability.
import { inputError } from '../../errors';

export interface GibbsToyOptions {
  /** Distinct inputs (default 4). */
  inputs?: number;
  /** Label noise of the data (default 0.1). */
  noise?: number;
  /** Label noise the Bayesian model assumes (M9; default: the data's). */
  modelNoise?: number;
}

interface Toy {
  /** Every (x, y) value: x = v >> 1, y = v & 1. */
  values: number;
  /** p*(v): the data distribution. */
  pStar: Float64Array;
  /** loss[w][v]: the 0-1 loss of hypothesis w on value v. */
  loss: Float64Array[];
  /** True risk L_D(w). */
  risk: Float64Array;
  /** log p(v | w) under the Bayesian model (M9). */
  logLik: Float64Array[];
  hypotheses: number;
}

function toy(options: GibbsToyOptions): Toy {
  const { inputs = 4, noise = 0.1 } = options;
  const modelNoise = options.modelNoise ?? noise;
  if (!Number.isInteger(inputs) || inputs < 2 || inputs > 8)
    inputError(`inputs must be an integer in 2..8, got ${inputs}`);
  for (const [name, v] of [
    ['noise', noise],
    ['modelNoise', modelNoise],
  ] as const)
    if (!(v > 0 && v < 0.5)) inputError(`${name} must be in (0, 0.5), got ${v}`);
  const values = 2 * inputs;
  const truth = (x: number) => (x >= inputs / 2 ? 1 : 0);
  const pStar = Float64Array.from({ length: values }, (_, v) => {
    const x = v >> 1;
    const y = v & 1;
    return (1 / inputs) * (y === truth(x) ? 1 - noise : noise);
  });
  const hypotheses = inputs + 1;
  const predict = (t: number, x: number) => (x >= t ? 1 : 0);
  const loss = Array.from({ length: hypotheses }, (_, t) =>
    Float64Array.from({ length: values }, (_, v) => (predict(t, v >> 1) === (v & 1) ? 0 : 1)),
  );
  const risk = Float64Array.from(loss, (row) => row.reduce((a, l, v) => a + l * pStar[v], 0));
  const logLik = Array.from({ length: hypotheses }, (_, t) =>
    Float64Array.from(
      { length: values },
      (_, v) => Math.log(1 / inputs) + Math.log(loss[t][v] === 0 ? 1 - modelNoise : modelNoise),
    ),
  );
  return { values, pStar, loss, risk, logLik, hypotheses };
}

/** Every way to put n examples in `values` boxes, with its log multinomial coefficient. */
function* multisets(n: number, values: number): Generator<{ counts: number[]; logCoef: number }> {
  const logFactorial = [0];
  for (let i = 1; i <= n; i++) logFactorial.push(logFactorial[i - 1] + Math.log(i));
  const counts = new Array(values).fill(0);
  function* place(box: number, left: number): Generator<{ counts: number[]; logCoef: number }> {
    if (box === values - 1) {
      counts[box] = left;
      const logCoef = logFactorial[n] - counts.reduce((a, c) => a + logFactorial[c], 0);
      yield { counts: [...counts], logCoef };
      return;
    }
    for (let c = left; c >= 0; c--) {
      counts[box] = c;
      yield* place(box + 1, left - c);
    }
  }
  yield* place(0, n);
}

function checkCase(n: number, gamma: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 12)
    inputError(`n must be an integer in 1..12, got ${n}`);
  if (!(gamma >= 0) || !Number.isFinite(gamma))
    inputError(`gamma must be a finite non-negative number, got ${gamma}`);
}

/** One dataset's probability under p*, its Gibbs posterior and its empirical risks. */
function* datasets(t: Toy, n: number, gamma: number) {
  const prior = 1 / t.hypotheses;
  for (const { counts, logCoef } of multisets(n, t.values)) {
    const logSeq = counts.reduce((a, c, v) => a + c * Math.log(t.pStar[v]), 0);
    const empirical = t.loss.map((row) => row.reduce((a, l, v) => a + l * counts[v], 0) / n);
    const logits = empirical.map((l) => Math.log(prior) - gamma * n * l);
    const top = Math.max(...logits);
    const w = logits.map((l) => Math.exp(l - top));
    const z = w.reduce((a, b) => a + b, 0);
    yield {
      counts,
      probability: Math.exp(logCoef + logSeq),
      logSeq,
      empirical,
      q: w.map((v) => v / z),
    };
  }
}

export interface GibbsCase {
  n: number;
  gamma: number;
  /** I(w; S) of the Gibbs learner (nats). */
  mi: number;
  /** E_S E_{q(w|S)} [L_D(w) - L_S(w)]: the expected generalisation gap, 0-1 loss. */
  gap: number;
  /** Xu & Raginsky: sqrt(2 sigma^2 I / n) with sigma = 1/2 (0-1 loss is 1/2-subgaussian). */
  bound: number;
  /** Whether |gap| <= bound. */
  holds: boolean;
}

/** M7 on one (n, gamma): exact I(w;S), exact expected gap, the bound. */
export function gibbsCase(n: number, gamma: number, options: GibbsToyOptions = {}): GibbsCase {
  checkCase(n, gamma);
  const t = toy(options);
  const qw = new Float64Array(t.hypotheses);
  const all = [...datasets(t, n, gamma)];
  for (const s of all) s.q.forEach((v, w) => (qw[w] += s.probability * v));
  let mi = 0;
  let gap = 0;
  for (const s of all) {
    s.q.forEach((v, w) => {
      if (v > 0) mi += s.probability * v * Math.log(v / qw[w]);
      gap += s.probability * v * (t.risk[w] - s.empirical[w]);
    });
  }
  mi = Math.max(0, mi);
  const bound = Math.sqrt(mi / (2 * n));
  return { n, gamma, mi, gap, bound, holds: Math.abs(gap) <= bound + 1e-12 };
}

export interface MetaLearningIdentity {
  /** E_S KL(q(w|S) || p(w|S)), p(w|S) the Bayesian posterior of the model. */
  lhs: number;
  /** The slide's right-hand side: -H(p*(S)) + KL(q(w) || p(w)) + E E d(w,S) + I(w;S). */
  printed: number;
  /** The identity as it holds: E_{p*} ln p(S) in place of -H(p*(S)). */
  corrected: number;
  /** KL(p*(S) || p(S)): what the printed form misses (0 only when the model's p(S) is p*). */
  missing: number;
}

/** M9: both sides of the meta-learning identity, exactly, for the Gibbs learner. */
export function metaLearningIdentity(
  n: number,
  gamma: number,
  options: GibbsToyOptions = {},
): MetaLearningIdentity {
  checkCase(n, gamma);
  const t = toy(options);
  const prior = 1 / t.hypotheses;
  const all = [...datasets(t, n, gamma)];
  const qw = new Float64Array(t.hypotheses);
  for (const s of all) s.q.forEach((v, w) => (qw[w] += s.probability * v));
  let lhs = 0;
  let entropy = 0; // H(p*(S)) over ordered datasets
  let crossLog = 0; // E_{p*} ln p(S)
  let distortion = 0; // E_S E_q d(w, S), d = -ln p(S|w)
  let mi = 0;
  for (const s of all) {
    // ln p(S|w) of one ordered dataset with these counts.
    const logLik = t.logLik.map((row) => row.reduce((a, l, v) => a + l * s.counts[v], 0));
    const logEvidence = logSumExp(logLik.map((l) => Math.log(prior) + l));
    entropy -= s.probability * s.logSeq;
    crossLog += s.probability * logEvidence;
    s.q.forEach((v, w) => {
      if (v <= 0) return;
      const logPosterior = Math.log(prior) + logLik[w] - logEvidence;
      lhs += s.probability * v * (Math.log(v) - logPosterior);
      distortion += s.probability * v * -logLik[w];
      mi += s.probability * v * Math.log(v / qw[w]);
    });
  }
  let klPrior = 0;
  qw.forEach((v) => {
    if (v > 0) klPrior += v * Math.log(v / prior);
  });
  const printed = -entropy + klPrior + distortion + mi;
  const corrected = crossLog + klPrior + distortion + mi;
  return { lhs, printed, corrected, missing: -entropy - crossLog };
}

function logSumExp(xs: number[]): number {
  const top = Math.max(...xs);
  return top + Math.log(xs.reduce((a, x) => a + Math.exp(x - top), 0));
}
