// Blahut-Arimoto: the alternating minimisations that compute rate-distortion functions and channel
// capacities of discrete sources and channels exactly (Cover & Thomas 10.8; Blahut 1972, Arimoto
// 1972). Both rest on a variational form of MI with one argument fixed at a time, so each update
// is a closed-form minimiser and the objective moves monotonically: the trace lets a caller (or a
// test) check that, and that every start reaches the same limit.
//
//   rate-distortion, slope -beta: minimise
//       F(q, m) = sum_x p(x) sum_xh q(xh|x) [ln(q(xh|x) / m(xh)) + beta d(x, xh)];
//       q(xh|x) is proportional to m(xh) exp(-beta d(x, xh)) (the normaliser sums over xh'; the
//       slide's typo wrote d(x, xh) there), m(xh) = sum_x p(x) q(xh|x).
//   capacity: maximise I(p, W) over p; p(x) proportional to p(x) exp(D(x)),
//       D(x) = KL(W(.|x) || sum_x' p(x') W(.|x')); sum_x p(x) D(x) <= C <= max_x D(x) bracket the
//       answer at every step.
import { inputError } from '../../errors';
import { Rng } from '../../random/rng';
import { channelMi, checkConditional, checkDistribution, outputMarginal } from './tables';

export interface IterationOptions {
  /** Stop when the objective moves less than this (rate-distortion) or the capacity bracket is
   * narrower (capacity). Default 1e-12. */
  tolerance?: number;
  /** Default 100000. */
  maxIterations?: number;
  /** The starting point: 'uniform' (default) or 'random' (seeded by `seed`). */
  init?: 'uniform' | 'random';
  seed?: number;
}

export interface RateDistortionPoint {
  beta: number;
  /** I(X; Xhat) at the optimum (nats). */
  rate: number;
  /** E d(X, Xhat) at the optimum. */
  distortion: number;
}

export interface RateDistortionResult extends RateDistortionPoint {
  /** The optimal test channel q(xh | x) (rows: x). */
  q: Float64Array[];
  /** Its output marginal m(xh). */
  m: Float64Array;
  /** F = rate + beta * distortion after each iteration (the first entry: the start). */
  trace: number[];
  iterations: number;
  converged: boolean;
}

function options(o: IterationOptions) {
  const { tolerance = 1e-12, maxIterations = 100000, init = 'uniform', seed = 0 } = o;
  if (!(tolerance > 0)) inputError(`tolerance must be positive, got ${tolerance}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1)
    inputError(`maxIterations must be a positive integer, got ${maxIterations}`);
  if (init !== 'uniform' && init !== 'random')
    inputError(`init must be 'uniform' or 'random', got '${init}'`);
  return { tolerance, maxIterations, init, seed };
}

function randomDistribution(size: number, rng: Rng): Float64Array {
  // Exponential draws normalised: a uniform draw from the simplex.
  const v = Float64Array.from({ length: size }, () => -Math.log(1 - rng.uniform()));
  const total = v.reduce((a, b) => a + b, 0);
  return v.map((x) => x / total);
}

/** The rate-distortion point of slope -beta for source `px` and distortion matrix `d[x][xh]`. */
export function rateDistortion(
  px: ArrayLike<number>,
  d: ArrayLike<ArrayLike<number>>,
  beta: number,
  iteration: IterationOptions = {},
): RateDistortionResult {
  const p = checkDistribution(px, 'the source distribution');
  if (!d || d.length !== p.length)
    inputError(
      `the distortion matrix needs ${p.length} rows (one per source symbol), got ${d?.length}`,
    );
  const outputs = d[0].length;
  const dist = Array.from({ length: p.length }, (_, x) => {
    if (!d[x] || d[x].length !== outputs)
      inputError(`distortion row ${x} has ${d[x]?.length} entries, expected ${outputs}`);
    const row = Float64Array.from(d[x]);
    row.forEach((v, j) => {
      if (!(v >= 0) || !Number.isFinite(v))
        inputError(`distortion[${x}][${j}] must be finite and non-negative, got ${v}`);
    });
    return row;
  });
  if (!(beta >= 0) || !Number.isFinite(beta))
    inputError(`beta must be a finite non-negative number, got ${beta}`);
  const { tolerance, maxIterations, init, seed } = options(iteration);
  const rng = new Rng(seed).fork('blahut-arimoto');

  let q =
    init === 'uniform'
      ? dist.map(() => new Float64Array(outputs).fill(1 / outputs))
      : dist.map(() => randomDistribution(outputs, rng));
  let m = outputMarginal(p, q);
  const objective = () => {
    let f = 0;
    q.forEach((row, x) =>
      row.forEach((v, j) => {
        if (p[x] > 0 && v > 0) f += p[x] * v * (Math.log(v / m[j]) + beta * dist[x][j]);
      }),
    );
    return f;
  };
  const trace = [objective()];
  let converged = false;
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    // q(xh|x) proportional to m(xh) exp(-beta d(x, xh)), in logs so a large beta cannot underflow.
    q = dist.map((row) => {
      const logits = row.map((dv, j) => (m[j] > 0 ? Math.log(m[j]) - beta * dv : -Infinity));
      const top = Math.max(...logits);
      const w = logits.map((l) => Math.exp(l - top));
      const total = w.reduce((a, b) => a + b, 0);
      return w.map((v) => v / total);
    });
    m = outputMarginal(p, q);
    trace.push(objective());
    if (Math.abs(trace[trace.length - 2] - trace[trace.length - 1]) < tolerance) {
      converged = true;
      break;
    }
  }
  let distortion = 0;
  q.forEach((row, x) => row.forEach((v, j) => (distortion += p[x] * v * dist[x][j])));
  return { beta, rate: channelMi(p, q), distortion, q, m, trace, iterations, converged };
}

/** The rate-distortion curve at each slope -beta (one Blahut-Arimoto run per beta). */
export function rateDistortionCurve(
  px: ArrayLike<number>,
  d: ArrayLike<ArrayLike<number>>,
  betas: readonly number[],
  iteration: IterationOptions = {},
): RateDistortionPoint[] {
  return betas.map((beta) => {
    const { rate, distortion } = rateDistortion(px, d, beta, iteration);
    return { beta, rate, distortion };
  });
}

export interface CapacityResult {
  /** I(p*, W) at the last iterate: a lower bound on the capacity (nats). */
  capacity: number;
  /** max_x KL(W(.|x) || output marginal): an upper bound; the two meet at the optimum. */
  upperBound: number;
  /** The capacity-achieving input distribution. */
  p: Float64Array;
  /** The lower bound after each iteration (the first entry: the start); never decreases. */
  trace: number[];
  iterations: number;
  converged: boolean;
}

/** Arimoto's algorithm for the capacity of the channel W (rows: inputs x, W[x][y] = W(y|x)). */
export function channelCapacity(
  channel: ArrayLike<ArrayLike<number>>,
  iteration: IterationOptions = {},
): CapacityResult {
  const w = checkConditional(channel, 'the channel');
  const { tolerance, maxIterations, init, seed } = options(iteration);
  const rng = new Rng(seed).fork('arimoto');
  let p =
    init === 'uniform'
      ? new Float64Array(w.length).fill(1 / w.length)
      : randomDistribution(w.length, rng);
  const divergences = () => {
    const qy = outputMarginal(p, w);
    return w.map((row) => {
      let kl = 0;
      row.forEach((v, y) => {
        if (v > 0) kl += v * Math.log(v / qy[y]);
      });
      return kl;
    });
  };
  let dx = divergences();
  const lower = () => dx.reduce((a, v, x) => a + p[x] * v, 0);
  const trace = [lower()];
  let converged = false;
  let iterations = 0;
  while (iterations < maxIterations) {
    if (Math.max(...dx) - trace[trace.length - 1] < tolerance) {
      converged = true;
      break;
    }
    iterations++;
    const top = Math.max(...dx);
    const next = p.map((v, x) => v * Math.exp(dx[x] - top));
    const total = next.reduce((a, b) => a + b, 0);
    p = next.map((v) => v / total);
    dx = divergences();
    trace.push(lower());
  }
  return {
    capacity: Math.max(0, trace[trace.length - 1]),
    upperBound: Math.max(...dx),
    p,
    trace,
    iterations,
    converged,
  };
}
