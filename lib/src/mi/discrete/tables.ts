// Checked probability tables for the discrete-information tools: a distribution is a vector of
// non-negative finite numbers summing to 1 (within 1e-9), a conditional (channel, test channel,
// posterior) is a matrix whose every row is one. One clear line when a table is not one.
import { inputError } from '../../errors';

export type Distribution = ArrayLike<number>;
/** Rows: the conditioning value; columns: the outcome. Row x is p(. | x). */
export type Conditional = ArrayLike<ArrayLike<number>>;

const SUM_TOLERANCE = 1e-9;

export function checkDistribution(p: Distribution, name: string): Float64Array {
  if (!p || typeof p.length !== 'number' || p.length === 0) inputError(`${name} is empty`);
  const out = Float64Array.from(p);
  let total = 0;
  for (let i = 0; i < out.length; i++) {
    if (!(out[i] >= 0) || !Number.isFinite(out[i]))
      inputError(`${name}[${i}] must be a finite non-negative probability, got ${out[i]}`);
    total += out[i];
  }
  if (Math.abs(total - 1) > SUM_TOLERANCE) inputError(`${name} must sum to 1, sums to ${total}`);
  return out;
}

/** A conditional table as rows of Float64Array; `cols` checks the outcome count when given. */
export function checkConditional(
  q: Conditional,
  name: string,
  rows?: number,
  cols?: number,
): Float64Array[] {
  if (!q || typeof q.length !== 'number' || q.length === 0) inputError(`${name} is empty`);
  if (rows !== undefined && q.length !== rows)
    inputError(`${name} has ${q.length} rows, expected ${rows}`);
  const width = cols ?? q[0].length;
  return Array.from({ length: q.length }, (_, i) => {
    if (!q[i] || q[i].length !== width)
      inputError(`${name} row ${i} has ${q[i]?.length} entries, expected ${width}`);
    return checkDistribution(q[i], `${name} row ${i}`);
  });
}

/** A joint table of probabilities (rows X, columns Y) summing to 1. */
export function checkJoint(pxy: Conditional, name = 'the joint table'): Float64Array[] {
  if (!pxy || typeof pxy.length !== 'number' || pxy.length === 0) inputError(`${name} is empty`);
  const cols = pxy[0].length;
  let total = 0;
  const rows = Array.from({ length: pxy.length }, (_, i) => {
    if (!pxy[i] || pxy[i].length !== cols)
      inputError(`${name} row ${i} has ${pxy[i]?.length} entries, expected ${cols}`);
    const row = Float64Array.from(pxy[i]);
    row.forEach((v, j) => {
      if (!(v >= 0) || !Number.isFinite(v))
        inputError(`${name}[${i}][${j}] must be a finite non-negative probability, got ${v}`);
      total += v;
    });
    return row;
  });
  if (Math.abs(total - 1) > SUM_TOLERANCE) inputError(`${name} must sum to 1, sums to ${total}`);
  return rows;
}

/** p(x) and p(y) of a joint table. */
export function marginals(pxy: Float64Array[]): { px: Float64Array; py: Float64Array } {
  const px = new Float64Array(pxy.length);
  const py = new Float64Array(pxy[0].length);
  pxy.forEach((row, i) =>
    row.forEach((v, j) => {
      px[i] += v;
      py[j] += v;
    }),
  );
  return { px, py };
}

/** I(p, q) = sum_x p(x) KL(q(.|x) || q(.)), q(y) = sum_x p(x) q(y|x): nats. */
export function channelMi(px: Float64Array, q: Float64Array[]): number {
  const qy = outputMarginal(px, q);
  let mi = 0;
  q.forEach((row, x) =>
    row.forEach((v, y) => {
      if (px[x] > 0 && v > 0) mi += px[x] * v * Math.log(v / qy[y]);
    }),
  );
  return Math.max(0, mi);
}

export function outputMarginal(px: Float64Array, q: Float64Array[]): Float64Array {
  const qy = new Float64Array(q[0].length);
  q.forEach((row, x) => row.forEach((v, y) => (qy[y] += px[x] * v)));
  return qy;
}
