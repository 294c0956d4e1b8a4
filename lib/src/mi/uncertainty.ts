// Uncertainty for any registered estimator (or a function of the registry's shape).
//
// permutationTest: is the MI zero? Shuffling the rows of y breaks any dependence while keeping both
// marginals; p = (b + 1) / (B + 1) where b of the B shuffled estimates reach the observed one
// (never exactly 0, so it is a valid p-value). With z given, y is shuffled only among rows with the
// same z (z must be discrete), which keeps the Y-Z dependence and tests I(X;Y|Z) = 0.
//
// bootstrapCi: a percentile interval. Two resampling schemes:
//  - 'replacement': the classic bootstrap, rows drawn with replacement.
//  - 'subsample': half-samples drawn without replacement, for estimators that duplicated rows break
//    (a duplicate is a k-NN neighbour at distance 0, which inflates KSG and KDE estimates badly;
//    the tiny tie-breaking jitter does not fix that). For a smooth statistic the spread of
//    half-sample estimates around the full-sample one matches the full-sample estimator's sampling
//    spread (variance sigma^2/m * (1 - m/n) = sigma^2/n at m = n/2). Half-samples have a different
//    bias than the full sample (KSG's grows as N shrinks), so the interval is the half-sample
//    quantiles re-centred from their median onto the full-sample estimate.
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { rowSymbols } from './binning';
import {
  checkOptionNames,
  checkOptionsObject,
  EstimateOptions,
  estimate,
  EstimatorFn,
  estimatorSpec,
  MiResult,
  minRowsOf,
  validateEstimate,
} from './estimate';
import { checkPaired, Matrix, SampleInput, takeRows, toMatrixAsync } from './matrix';

export type Resampling = 'replacement' | 'subsample';

export interface PermutationOptions extends EstimateOptions {
  /** Number of shuffles B (default 100). */
  permutations?: number;
  /** The estimate on the unshuffled data, if already computed with the same options. */
  observed?: number;
}

export interface PermutationResult {
  mi: number;
  pValue: number;
  permutations: number;
  /** Mean and standard deviation of the shuffled (null) estimates. */
  nullMean: number;
  nullSd: number;
}

export interface BootstrapOptions extends EstimateOptions {
  /** Number of resamples (default 100). */
  resamples?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
  /** Default: the estimator's own preference ('subsample' for ksg and kde). */
  resampling?: Resampling;
  /** The estimate on the full data, if already computed with the same options. */
  observed?: number;
}

export interface BootstrapResult {
  mi: number;
  ci: [number, number];
  level: number;
  resamples: number;
  resampling: Resampling;
  /** Standard deviation of the resampled estimates (for 'subsample', the half-sample spread). */
  sd: number;
}

/** An estimator: a registered name, or a function with the registry's signature. */
export type EstimatorRef = string | EstimatorFn;

/** Permutation test of MI = 0 (or of I(X;Y|Z) = 0 for a discrete z). Seeded by options.seed. */
export async function permutationTest(
  estimator: EstimatorRef,
  x: SampleInput,
  y: SampleInput,
  options: PermutationOptions = {},
): Promise<PermutationResult> {
  checkOptionsObject(options);
  const { permutations: b = 100, observed: known, onProgress, ...rest } = options;
  checkPermutations(b);
  checkObserved(known);
  if (typeof estimator === 'string') {
    checkOptionNames(estimatorSpec(estimator), options, ['permutations', 'observed']);
  }
  const data = await inputs(estimator, x, y, rest);
  const run = runner(estimator, rest);
  const observed = known ?? (await run(data.x, data.y, data.z));
  const strata = data.z
    ? discreteStrata(data.z)
    : [Array.from({ length: data.x.rows }, (_, i) => i)];
  const rng = new Rng(rest.seed ?? 0).fork('permutation');
  const nulls: number[] = [];
  let reached = 0;
  for (let r = 0; r < b; r++) {
    const order = new Int32Array(data.x.rows);
    for (const stratum of strata) {
      const shuffled = rng.shuffleInPlace(stratum.slice());
      stratum.forEach((row, i) => (order[row] = shuffled[i]));
    }
    const value = await run(data.x, takeRows(data.y, order), data.z);
    nulls.push(value);
    if (value >= observed) reached++;
    onProgress?.({ step: r + 1, total: b, metrics: { mi: value } });
  }
  const { mean, sd } = meanSd(nulls);
  return {
    mi: observed,
    pValue: (reached + 1) / (b + 1),
    permutations: b,
    nullMean: mean,
    nullSd: sd,
  };
}

/** Percentile bootstrap confidence interval for the MI. Seeded by options.seed. */
export async function bootstrapCi(
  estimator: EstimatorRef,
  x: SampleInput,
  y: SampleInput,
  options: BootstrapOptions = {},
): Promise<BootstrapResult> {
  checkOptionsObject(options);
  const {
    resamples: b = 100,
    level = 0.95,
    resampling: chosen,
    observed,
    onProgress,
    ...rest
  } = options;
  checkBootstrapSettings(b, level);
  checkObserved(observed);
  if (typeof estimator === 'string') {
    const own = ['resamples', 'level', 'resampling', 'observed'];
    checkOptionNames(estimatorSpec(estimator), options, own);
  }
  const resampling =
    chosen ??
    (typeof estimator === 'string' ? estimatorSpec(estimator).resampling : undefined) ??
    'replacement';
  if (resampling !== 'replacement' && resampling !== 'subsample') {
    inputError(`resampling must be 'replacement' or 'subsample', got '${resampling}'`);
  }
  const data = await inputs(estimator, x, y, rest);
  const n = data.x.rows;
  const min = typeof estimator === 'string' ? minRowsOf(estimatorSpec(estimator), rest) : undefined;
  if (resampling === 'subsample' && min !== undefined && n >> 1 < min) {
    inputError(
      `'subsample' resampling runs ${estimator} on half-samples of ${n >> 1} rows, below its ` +
        `minimum of ${min}: the interval needs at least ${2 * min} rows`,
    );
  }
  const run = runner(estimator, rest);
  const full = observed ?? (await run(data.x, data.y, data.z));
  const rng = new Rng(rest.seed ?? 0).fork('bootstrap');
  const values: number[] = [];
  for (let r = 0; r < b; r++) {
    const rows =
      resampling === 'replacement'
        ? Int32Array.from({ length: n }, () => rng.int(n))
        : rng.permutation(n).slice(0, n >> 1);
    const value = await run(
      takeRows(data.x, rows),
      takeRows(data.y, rows),
      data.z && takeRows(data.z, rows),
    );
    values.push(value);
    onProgress?.({ step: r + 1, total: b, metrics: { mi: value } });
  }
  values.sort((p, q) => p - q);
  const alpha = (1 - level) / 2;
  let lo = quantile(values, alpha);
  let hi = quantile(values, 1 - alpha);
  if (resampling === 'subsample') {
    const shift = full - quantile(values, 0.5);
    lo += shift;
    hi += shift;
  }
  return { mi: full, ci: [lo, hi], level, resamples: b, resampling, sd: meanSd(values).sd };
}

interface Paired {
  x: Matrix;
  y: Matrix;
  z?: Matrix;
}

/** The inputs as matrices: through the registry's whole validation for a named estimator (the
 * request it checked is the data used), else converted and paired. */
async function inputs(
  estimator: EstimatorRef,
  x: SampleInput,
  y: SampleInput,
  options: EstimateOptions,
): Promise<Paired> {
  if (typeof estimator === 'string') return validateEstimate(estimator, x, y, options);
  return paired(x, y, options.z);
}

async function paired(x: SampleInput, y: SampleInput, z: SampleInput | undefined): Promise<Paired> {
  const mx = await toMatrixAsync(x, 'x');
  const my = await toMatrixAsync(y, 'y');
  checkPaired(mx, my);
  if (z === undefined) return { x: mx, y: my };
  const mz = await toMatrixAsync(z, 'z');
  checkPaired(mx, mz, ['x', 'z']);
  return { x: mx, y: my, z: mz };
}

/** A function returning just the MI, through the registry for names (so inputs get its checks). */
function runner(
  estimator: EstimatorRef,
  options: EstimateOptions,
): (x: Matrix, y: Matrix, z?: Matrix) => Promise<number> {
  const { z: _unused, ...base } = options;
  if (typeof estimator === 'string') {
    return async (x, y, z) => (await estimate(estimator, x, y, z ? { ...base, z } : base)).mi;
  }
  return async (x, y, z) => {
    if (z) inputError('conditional uncertainty needs a registered estimator name, not a function');
    const result: MiResult = await estimator(x, y, base);
    if (!Number.isFinite(result.mi))
      inputError(`the estimator produced a non-finite MI (${result.mi})`);
    return result.mi;
  };
}

/** Rows grouped by their z value; refuses a z that is not discrete enough to shuffle within. */
function discreteStrata(z: Matrix): number[][] {
  const { symbols, count } = rowSymbols(z);
  if (count * 5 > z.rows) {
    inputError(
      'a permutation test of conditional MI shuffles y among rows with equal z, ' +
        'so z must be discrete with several rows per value; ' +
        `z has ${count} distinct values in ${z.rows} rows`,
    );
  }
  const strata: number[][] = Array.from({ length: count }, () => []);
  symbols.forEach((s, i) => strata[s].push(i));
  return strata;
}

/** Linear interpolation between order statistics (type 7) of sorted values. */
function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function meanSd(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(values.length - 1, 1);
  return { mean, sd: Math.sqrt(variance) };
}

/** A percentile interval needs resamples beyond each end: at least 2 / (1 - level) of them (40 at
 * 0.95), and never fewer than 20 (1 resample gave a zero-width interval). */
export function minResamples(level: number): number {
  return Math.max(20, Math.ceil(2 / (1 - level) - 1e-9));
}

/** Checks bootstrapCi's resamples and level (the CLI calls it before any work starts). */
export function checkBootstrapSettings(resamples: unknown, level: unknown): void {
  if (typeof level !== 'number' || !(level > 0 && level < 1)) {
    inputError(`level must be a number between 0 and 1 (exclusive), got ${shown(level)}`);
  }
  const min = minResamples(level);
  if (!Number.isInteger(resamples) || (resamples as number) < min) {
    const got = shown(resamples);
    inputError(`resamples must be an integer >= ${min} for a ${level} interval, got ${got}`);
  }
}

/** A setting as the user wrote it: numbers as JavaScript prints them (NaN, not JSON's null). */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** A caller's own full-sample estimate is reported as the MI, so it must be a finite number. */
function checkObserved(observed: unknown): void {
  if (observed !== undefined && !(typeof observed === 'number' && Number.isFinite(observed))) {
    const got = shown(observed);
    inputError(`observed must be a finite number (the full-sample MI), got ${got}`);
  }
}

/** The fewest shuffles for which the smallest p-value, 1 / (B + 1), reaches 0.05. */
export const MIN_PERMUTATIONS = 19;

/** Checks permutationTest's number of shuffles (the CLI calls it before any work starts). */
export function checkPermutations(permutations: unknown): void {
  if (!Number.isInteger(permutations) || (permutations as number) < MIN_PERMUTATIONS) {
    inputError(
      `permutations must be an integer >= ${MIN_PERMUTATIONS} (so that p can reach 0.05), ` +
        `got ${shown(permutations)}`,
    );
  }
}
