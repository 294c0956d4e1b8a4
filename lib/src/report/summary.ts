// The one summary of repeated runs: mean, sample standard deviation and count, and the one way it
// is written (mean ± sd). Every table, chart band and results row goes through these.
import { inputError } from '../errors';

/** Mean, sample standard deviation (n - 1; 0 when n = 1) and count of repeated runs. */
export interface Summary {
  mean: number;
  sd: number;
  n: number;
}

/** Mean ± sd of finite numbers; anything else is an input error (a lost run must not vanish). */
export function summarize(values: readonly number[]): Summary {
  if (!Array.isArray(values) || values.length === 0)
    inputError('summarize needs at least one value');
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      inputError(`summarize: value ${i} is ${v}, not a finite number`);
    }
  });
  return moments(values);
}

/** Mean ± sd of the finite values, skipping null, NaN and ±Infinity (n counts what was used;
 * { NaN, NaN, 0 } when nothing is left). For measurements that may legitimately be missing, such
 * as an estimate a diverged run did not produce. */
export function summarizeFinite(values: ReadonlyArray<number | null | undefined>): Summary {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return finite.length === 0 ? { mean: NaN, sd: NaN, n: 0 } : moments(finite);
}

function moments(values: readonly number[]): Summary {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

/** A number for a table: integers as they are, very large or small values in exponent form,
 * others to four significant digits. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  const extreme = Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3;
  return extreme ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** "mean ± sd" with the sd to two significant digits and the mean to the same decimal place, so
 * the two read together (88.229 ± 0.029, not 88.23 ± 0.02887). One run (n = 1) or no spread
 * gives the mean alone, to four significant digits. */
export function formatMeanSd(s: { mean: number; sd: number; n?: number }): string {
  if (!Number.isFinite(s.mean)) return String(s.mean);
  if (s.n === 1 || !(s.sd > 0)) return formatNumber(s.mean);
  if (Math.abs(s.mean) >= 1e4 || Math.abs(s.mean) < 1e-3) {
    return `${formatNumber(s.mean)} ± ${formatNumber(s.sd)}`;
  }
  const decimals = Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(s.sd))));
  return `${s.mean.toFixed(decimals)} ± ${s.sd.toFixed(decimals)}`;
}
