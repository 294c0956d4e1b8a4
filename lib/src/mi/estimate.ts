// The estimator registry: one call shape for every estimator, used by the CLI, the uncertainty
// functions and notebooks that compare estimators.
//   await estimate('ksg', x, y, { k: 5 })            I(X;Y)
//   await estimate('ksg', x, y, { z })               I(X;Y|Z)
// Every request is validated once, by validateEstimate (which the CLI also calls before it starts a
// backend): the estimator name, option names and values, the inputs (toMatrixAsync, so a tensor on
// a GPU backend works), equal row counts, the estimator's row limits, and, for continuous
// estimators, columns shared by x, y and z. An estimator receives Matrix values.
// Estimators register themselves with registerEstimator (the non-neural ones at the bottom of this
// file, the neural ones from ./neural); import the mi index (not this file alone) to get them all.
import { inputError } from '../errors';
import { binnedConditionalMi, binnedMi, discreteConditionalMi, discreteMi } from './binning';
import { ksgConditionalMi } from './conditional';
import { gaussianConditionalMi, gaussianMi } from './gaussian';
import { kdeMi } from './kde';
import { knnLabelMi } from './knn-label';
import { ksgMi } from './ksg';
import { checkPaired, Matrix, SampleInput, toMatrixAsync } from './matrix';

export interface EstimateProgress {
  step: number;
  total: number;
  metrics: Record<string, number>;
}

/** Options understood by the registry; every other key must be one of the estimator's optionNames
 * (an unknown key is an input error, so a misspelt option never falls back to a default). */
export interface EstimateOptions {
  /** Seeds every random draw of the estimator (jitter, initialisation, batches). Default 0.
   * Accepted by every estimator, including those that draw nothing. */
  seed?: number;
  /** Neighbour rank of the k-NN estimators (ksg, knn-label: in their optionNames). */
  k?: number;
  /** Condition on z: estimate I(X;Y|Z). */
  z?: SampleInput;
  onProgress?: (p: EstimateProgress) => void;
  [option: string]: unknown;
}

/** What an estimator function returns: the MI in nats, plus any details (k, bins, training curve)
 * as further properties, which estimate() passes through. */
export interface MiResult {
  mi: number;
}

export interface MiEstimate {
  estimator: string;
  /** nats */
  mi: number;
  n: number;
  conditional: boolean;
  /** The estimator's details. */
  [detail: string]: unknown;
}

export type EstimatorFn = (
  x: Matrix,
  y: Matrix,
  options: EstimateOptions,
) => MiResult | Promise<MiResult>;
export type ConditionalEstimatorFn = (
  x: Matrix,
  y: Matrix,
  z: Matrix,
  options: EstimateOptions,
) => MiResult | Promise<MiResult>;

export interface EstimatorSpec {
  /** One line for `milab --help` and estimatorNames listings. */
  description: string;
  estimate: EstimatorFn;
  /** I(X;Y|Z); without it, asking for a conditional estimate is an input error. */
  conditional?: ConditionalEstimatorFn;
  /** How bootstrapCi resamples by default: 'replacement' (classic bootstrap) or 'subsample'
   * (half-samples without replacement), for estimators that duplicated rows break (k-NN, kernels:
   * a duplicate is a neighbour at distance 0). Default 'replacement'. */
  resampling?: 'replacement' | 'subsample';
  /** Needs an initialised TensorFlow.js backend (the CLI calls useBackend first). */
  usesTensorflow?: boolean;
  /** Constant columns are fine for this estimator (plug-in on symbols); otherwise the CLI rejects
   * them up front with the column's name. */
  acceptsConstantColumns?: boolean;
  /** Option keys the estimator reads besides seed, z and onProgress; any other key is refused. */
  optionNames?: readonly string[];
  /** Checks option values (types and ranges) without running anything, so that a bad value fails
   * before any work starts (the CLI calls it before starting a backend). */
  checkOptions?: (options: EstimateOptions) => void;
  /** Fewest rows the estimator accepts, as a number or from the options (k-NN: k + 1); the registry
   * refuses fewer. The neural estimators omit it: they enforce their own minimum. */
  minRows?: number | ((options: EstimateOptions) => number);
  /** Most rows it accepts (kde: time grows as N^2); the registry refuses more, naming the limit. */
  maxRows?: number;
  /** x, y and z are continuous: a column shared by two of them makes I(X;Y) infinite (or leaves a
   * column constant given Z), which no finite estimate reports, so the registry refuses it. */
  continuous?: boolean;
}

export interface RegisteredEstimator extends EstimatorSpec {
  name: string;
}

const registry = new Map<string, RegisteredEstimator>();

/** Add (or replace) an estimator under a lower-case name such as 'ksg' or 'infonce'. */
export function registerEstimator(name: string, spec: EstimatorSpec): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name))
    inputError(`estimator names are lower-case words, got '${name}'`);
  registry.set(name, { ...spec, name });
}

/** Registered names, in registration order. */
export function estimatorNames(): string[] {
  return [...registry.keys()];
}

/** The registered estimator, or an input error listing the known names. */
export function estimatorSpec(name: string): RegisteredEstimator {
  const spec = registry.get(name);
  if (!spec)
    inputError(`unknown estimator '${name}'; known estimators: ${estimatorNames().join(', ')}`);
  return spec;
}

/** Keys every estimator accepts (z only the conditional ones; see validateEstimate). */
const REGISTRY_OPTIONS = ['seed', 'z', 'onProgress'];

export interface EstimateRequest {
  spec: RegisteredEstimator;
  x: Matrix;
  y: Matrix;
  z?: Matrix;
}

/** Everything estimate() checks before it runs the estimator, as the one validation path of the
 * API and the CLI: the name, the options (names, then values), the inputs, the row limits. */
export async function validateEstimate(
  name: string,
  x: SampleInput,
  y: SampleInput,
  options: EstimateOptions = {},
): Promise<EstimateRequest> {
  const spec = estimatorSpec(name);
  checkOptionNames(spec, options);
  if (options.z !== undefined && !spec.conditional) {
    const able = [...registry.values()]
      .filter((s) => s.conditional)
      .map((s) => s.name)
      .join(', ');
    inputError(`estimator '${name}' does not estimate conditional MI; ones that do: ${able}`);
  }
  spec.checkOptions?.(options);
  const mx = await toMatrixAsync(x, 'x');
  const my = await toMatrixAsync(y, 'y');
  checkPaired(mx, my);
  const mz = options.z === undefined ? undefined : await toMatrixAsync(options.z, 'z');
  if (mz) checkPaired(mx, mz, ['x', 'z']);
  checkRows(spec, mx.rows, options);
  if (spec.continuous) {
    rejectSharedColumns(spec.name, mx, my, 'x', 'y');
    if (mz) rejectSharedColumns(spec.name, mx, mz, 'x', 'z');
    if (mz) rejectSharedColumns(spec.name, my, mz, 'y', 'z');
  }
  return { spec, x: mx, y: my, z: mz };
}

/** Options must be an object whose keys the estimator reads; a near miss gets a suggestion.
 * `extra` names further accepted keys (bootstrapCi's resamples, level, ...). */
export function checkOptionNames(
  spec: RegisteredEstimator,
  options: unknown,
  extra: readonly string[] = [],
): void {
  checkOptionsObject(options);
  const known = [...(spec.optionNames ?? []), ...extra, 'seed', ...(spec.conditional ? ['z'] : [])];
  for (const [key, value] of Object.entries(options)) {
    // undefined means absent (as numberOption reads it): a spread-in `k: undefined` is harmless.
    if (value === undefined || known.includes(key) || REGISTRY_OPTIONS.includes(key)) continue;
    const guess = closest(key, known);
    const hint = guess ? ` (did you mean '${guess}'?)` : '';
    const list = known.join(', ');
    inputError(`estimator '${spec.name}' has no option '${key}'${hint}; its options: ${list}`);
  }
}

/** Options are an object (null, an array or a number is an input error, not a TypeError later). */
export function checkOptionsObject(options: unknown): asserts options is EstimateOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const what = options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options;
    inputError(`options must be an object such as { seed: 0 }, got ${what}`);
  }
}

/** The fewest rows the estimator accepts with these options, if it states a minimum. */
export function minRowsOf(spec: EstimatorSpec, options: EstimateOptions): number | undefined {
  return typeof spec.minRows === 'function' ? spec.minRows(options) : spec.minRows;
}

/** The estimator's row limits, for n rows. */
export function checkRows(spec: RegisteredEstimator, rows: number, options: EstimateOptions): void {
  const min = minRowsOf(spec, options);
  if (min !== undefined && rows < min) {
    inputError(`estimator '${spec.name}' needs at least ${min} rows, got ${rows}`);
  }
  if (spec.maxRows !== undefined && rows > spec.maxRows) {
    inputError(
      `estimator '${spec.name}' takes at most ${spec.maxRows} rows (its time grows as N^2), ` +
        `got ${rows}; use ksg (N log N), or estimate on a random subsample of the rows`,
    );
  }
}

/** Refuses a column of `a` equal, row for row, to a column of `b` (the same variable twice). */
function rejectSharedColumns(name: string, a: Matrix, b: Matrix, an: string, bn: string): void {
  for (let i = 0; i < a.cols; i++) {
    for (let j = 0; j < b.cols; j++) {
      let r = 0;
      while (r < a.rows && a.data[r * a.cols + i] === b.data[r * b.cols + j]) r++;
      if (r < a.rows) continue;
      const why =
        bn === 'y'
          ? 'the same continuous variable in x and y makes I(X;Y) infinite'
          : `given z, that column of ${an} is constant, which the estimator cannot handle`;
      inputError(
        `${an} column ${i} and ${bn} column ${j} hold the same values: ${why}; '${name}' ` +
          'would return a finite number, so remove the duplicate',
      );
    }
  }
}

/** The known name nearest to `key` (equal ignoring case, or within an edit distance of a third of
 * its length, at most 2: one letter off a one-letter key is no hint), if any. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(key.length / 3)) + 1;
  for (const name of known) {
    const d = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Estimate I(X;Y), or I(X;Y|Z) when options.z is given, with a registered estimator. */
export async function estimate(
  name: string,
  x: SampleInput,
  y: SampleInput,
  options: EstimateOptions = {},
): Promise<MiEstimate> {
  const { spec, x: mx, y: my, z: mz } = await validateEstimate(name, x, y, options);
  const result: MiResult = mz
    ? await spec.conditional!(mx, my, mz, options)
    : await spec.estimate(mx, my, options);
  if (!Number.isFinite(result.mi)) {
    throw new Error(
      `estimator '${name}' produced a non-finite MI (${result.mi}); this is a bug in the estimator`,
    );
  }
  return {
    ...(result as object),
    estimator: name,
    mi: result.mi,
    n: mx.rows,
    conditional: options.z !== undefined,
  };
}

/** A numeric option, checked, or undefined when absent. */
export function numberOption(options: EstimateOptions, key: string): number | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    inputError(`option ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** A boolean option, checked, or undefined when absent. */
export function booleanOption(options: EstimateOptions, key: string): boolean | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean')
    inputError(`option ${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function knnOptions(o: EstimateOptions) {
  const jitter: number | false | undefined = o.jitter === false ? false : numberOption(o, 'jitter');
  return {
    k: numberOption(o, 'k'),
    seed: numberOption(o, 'seed'),
    standardize: booleanOption(o, 'standardize'),
    jitter,
  };
}

/** k-NN estimators need k + 1 rows: each row's k-th neighbour must exist. */
function knnMinRows(o: EstimateOptions): number {
  const k = numberOption(o, 'k') ?? 3;
  return Number.isInteger(k) && k >= 1 ? k + 1 : 2; // a bad k is refused by the estimator itself
}

/** Plug-in estimates: the default bins aim at 5 rows per joint cell, so fewer than 5 rows cannot
 * fill even one; every estimate below that is noise. */
const PLUG_IN_MIN_ROWS = 5;

/** kde costs N^2 kernel evaluations: 12 s for 10,000 rows of 1-D x and y on a 2-core build machine,
 * so about 50 s at this limit; 200,000 rows would take over an hour. */
export const KDE_MAX_ROWS = 20000;

function binningOptions(o: EstimateOptions) {
  return { bins: numberOption(o, 'bins'), millerMadow: booleanOption(o, 'millerMadow') };
}

function kdeOptions(o: EstimateOptions) {
  return { bandwidth: numberOption(o, 'bandwidth'), standardize: booleanOption(o, 'standardize') };
}

registerEstimator('ksg', {
  description: 'Kraskov k-NN estimator (algorithm 1, max-norm); conditional: Frenzel-Pompe',
  estimate: (x, y, o) => ksgMi(x, y, knnOptions(o)),
  conditional: (x, y, z, o) => ksgConditionalMi(x, y, z, knnOptions(o)),
  resampling: 'subsample',
  optionNames: ['k', 'standardize', 'jitter'],
  checkOptions: (o) => void knnOptions(o),
  minRows: knnMinRows,
  continuous: true,
});

registerEstimator('gaussian', {
  description: 'closed form for jointly Gaussian data (linear dependence only)',
  estimate: (x, y) => gaussianMi(x, y),
  conditional: (x, y, z) => gaussianConditionalMi(x, y, z),
  // Any two points are perfectly correlated; it also needs more rows than columns (gaussian.ts).
  minRows: 3,
  continuous: true,
});

registerEstimator('binning', {
  description: 'plug-in on equal-width bins per column, Miller-Madow corrected',
  estimate: (x, y, o) => binnedMi(x, y, binningOptions(o)),
  conditional: (x, y, z, o) => binnedConditionalMi(x, y, z, binningOptions(o)),
  acceptsConstantColumns: true,
  optionNames: ['bins', 'millerMadow'],
  checkOptions: (o) => void binningOptions(o),
  minRows: PLUG_IN_MIN_ROWS,
});

registerEstimator('discrete', {
  description: 'plug-in for discrete data (each distinct row is a symbol), Miller-Madow corrected',
  estimate: (x, y, o) => discreteMi(x, y, binningOptions(o)),
  conditional: (x, y, z, o) => discreteConditionalMi(x, y, z, binningOptions(o)),
  acceptsConstantColumns: true,
  optionNames: ['millerMadow'],
  checkOptions: (o) => void binningOptions(o),
  minRows: PLUG_IN_MIN_ROWS,
});

registerEstimator('kde', {
  description: 'Gaussian kernel density resubstitution estimate (O(N^2) time)',
  estimate: (x, y, o) => kdeMi(x, y, kdeOptions(o)),
  resampling: 'subsample',
  optionNames: ['bandwidth', 'standardize'],
  checkOptions: (o) => void kdeOptions(o),
  minRows: 3,
  maxRows: KDE_MAX_ROWS,
  continuous: true,
});

registerEstimator('knn-label', {
  description: "Ross's k-NN estimator for continuous x and a discrete y (one column of class ids)",
  estimate: (x, y, o) => {
    if (y.cols !== 1)
      inputError(`knn-label needs y to be one column of class ids, got ${y.cols} columns`);
    return {
      mi: knnLabelMi(x, y.data, { k: numberOption(o, 'k'), seed: numberOption(o, 'seed') }),
    };
  },
  resampling: 'subsample',
  optionNames: ['k'],
  checkOptions: (o) => void numberOption(o, 'k'),
  minRows: knnMinRows,
});
