// Closed forms the Blahut-Arimoto algorithms are checked against (Cover & Thomas ch. 7 and 10), in
// nats: binary entropy, rate-distortion of a binary and of a uniform M-ary source under Hamming
// distortion, and the capacities of the binary symmetric, binary erasure and Z channels.
import { inputError } from '../../errors';

function probability(p: number, name: string): number {
  if (!(p >= 0 && p <= 1)) inputError(`${name} must be a probability in [0, 1], got ${p}`);
  return p;
}

/** H_b(p) = -p ln p - (1 - p) ln(1 - p). */
export function binaryEntropy(p: number): number {
  probability(p, 'p');
  const term = (v: number) => (v > 0 ? -v * Math.log(v) : 0);
  return term(p) + term(1 - p);
}

/** R(D) of a Bernoulli(p) source with Hamming distortion: H_b(p) - H_b(D) for D < min(p, 1-p),
 * else 0. */
export function binaryRateDistortion(p: number, distortion: number): number {
  probability(p, 'p');
  probability(distortion, 'distortion');
  return distortion >= Math.min(p, 1 - p) ? 0 : binaryEntropy(p) - binaryEntropy(distortion);
}

/** R(D) of a uniform source on M symbols with Hamming distortion: ln M - H_b(D) - D ln(M - 1) for
 * D < 1 - 1/M, else 0. */
export function uniformRateDistortion(symbols: number, distortion: number): number {
  if (!Number.isInteger(symbols) || symbols < 2)
    inputError(`symbols must be an integer >= 2, got ${symbols}`);
  probability(distortion, 'distortion');
  if (distortion >= 1 - 1 / symbols) return 0;
  return Math.log(symbols) - binaryEntropy(distortion) - distortion * Math.log(symbols - 1);
}

/** Binary symmetric channel with crossover probability eps: ln 2 - H_b(eps). */
export function bscCapacity(eps: number): number {
  return Math.log(2) - binaryEntropy(probability(eps, 'eps'));
}

/** Binary erasure channel with erasure probability eps: (1 - eps) ln 2. */
export function becCapacity(eps: number): number {
  return (1 - probability(eps, 'eps')) * Math.log(2);
}

/** Z channel: input 0 always arrives, input 1 turns into 0 with probability eps:
 * ln(1 + (1 - eps) eps^(eps / (1 - eps))). */
export function zChannelCapacity(eps: number): number {
  probability(eps, 'eps');
  if (eps === 1) return 0;
  if (eps === 0) return Math.log(2);
  return Math.log(1 + (1 - eps) * Math.pow(eps, eps / (1 - eps)));
}
