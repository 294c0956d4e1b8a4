// The estimator registry: one call shape for every estimator, used by the CLI, the uncertainty
// functions and notebooks that compare estimators.
//   await estimate('ksg', x, y, { k: 5 })            I(X;Y)
//   await estimate('ksg', x, y, { z })               I(X;Y|Z)
// Inputs are validated once here (toMatrixAsync, so a tensor on a GPU backend works; equal row counts);
// an estimator receives Matrix values.
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

/** Options understood by the registry; every other key goes to the estimator unchanged. */
export interface EstimateOptions {
  /** Seeds every random draw of the estimator (jitter, initialisation, batches). Default 0. */
  seed?: number;
  /** Neighbour rank of the k-NN estimators. */
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

export type EstimatorFn = (x: Matrix, y: Matrix, options: EstimateOptions) => MiResult | Promise<MiResult>;
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
  /** Option keys the estimator reads besides seed/k/z/onProgress (the CLI's --option checks them). */
  optionNames?: readonly string[];
}

export interface RegisteredEstimator extends EstimatorSpec {
  name: string;
}

const registry = new Map<string, RegisteredEstimator>();

/** Add (or replace) an estimator under a lower-case name such as 'ksg' or 'infonce'. */
export function registerEstimator(name: string, spec: EstimatorSpec): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`estimator names are lower-case words, got '${name}'`);
  registry.set(name, { ...spec, name });
}

/** Registered names, in registration order. */
export function estimatorNames(): string[] {
  return [...registry.keys()];
}

/** The registered estimator, or an input error listing the known names. */
export function estimatorSpec(name: string): RegisteredEstimator {
  const spec = registry.get(name);
  if (!spec) inputError(`unknown estimator '${name}'; known estimators: ${estimatorNames().join(', ')}`);
  return spec;
}

/** Estimate I(X;Y), or I(X;Y|Z) when options.z is given, with a registered estimator. */
export async function estimate(name: string, x: SampleInput, y: SampleInput, options: EstimateOptions = {}): Promise<MiEstimate> {
  const spec = estimatorSpec(name);
  const mx = await toMatrixAsync(x, 'x');
  const my = await toMatrixAsync(y, 'y');
  checkPaired(mx, my);
  let result: MiResult;
  if (options.z !== undefined) {
    if (!spec.conditional) {
      const able = [...registry.values()].filter((s) => s.conditional).map((s) => s.name);
      inputError(`estimator '${name}' does not estimate conditional MI; ones that do: ${able.join(', ')}`);
    }
    const mz = await toMatrixAsync(options.z, 'z');
    checkPaired(mx, mz, ['x', 'z']);
    result = await spec.conditional(mx, my, mz, options);
  } else {
    result = await spec.estimate(mx, my, options);
  }
  if (!Number.isFinite(result.mi)) {
    throw new Error(`estimator '${name}' produced a non-finite MI (${result.mi}); this is a bug in the estimator`);
  }
  return { ...(result as object), estimator: name, mi: result.mi, n: mx.rows, conditional: options.z !== undefined };
}

/** A numeric option, checked, or undefined when absent. */
export function numberOption(options: EstimateOptions, key: string): number | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) inputError(`option ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** A boolean option, checked, or undefined when absent. */
export function booleanOption(options: EstimateOptions, key: string): boolean | undefined {
  const v = options[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') inputError(`option ${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function knnOptions(o: EstimateOptions) {
  const jitter: number | false | undefined = o.jitter === false ? false : numberOption(o, 'jitter');
  return { k: numberOption(o, 'k'), seed: numberOption(o, 'seed'), standardize: booleanOption(o, 'standardize'), jitter };
}

function binningOptions(o: EstimateOptions) {
  return { bins: numberOption(o, 'bins'), millerMadow: booleanOption(o, 'millerMadow') };
}

registerEstimator('ksg', {
  description: 'Kraskov k-NN estimator (algorithm 1, max-norm); conditional: Frenzel-Pompe',
  estimate: (x, y, o) => ksgMi(x, y, knnOptions(o)),
  conditional: (x, y, z, o) => ksgConditionalMi(x, y, z, knnOptions(o)),
  resampling: 'subsample',
  optionNames: ['standardize', 'jitter'],
});

registerEstimator('gaussian', {
  description: 'closed form for jointly Gaussian data (linear dependence only)',
  estimate: (x, y) => gaussianMi(x, y),
  conditional: (x, y, z) => gaussianConditionalMi(x, y, z),
});

registerEstimator('binning', {
  description: 'plug-in on equal-width bins per column, Miller-Madow corrected',
  estimate: (x, y, o) => binnedMi(x, y, binningOptions(o)),
  conditional: (x, y, z, o) => binnedConditionalMi(x, y, z, binningOptions(o)),
  acceptsConstantColumns: true,
  optionNames: ['bins', 'millerMadow'],
});

registerEstimator('discrete', {
  description: 'plug-in for discrete data (each distinct row is a symbol), Miller-Madow corrected',
  estimate: (x, y, o) => discreteMi(x, y, binningOptions(o)),
  conditional: (x, y, z, o) => discreteConditionalMi(x, y, z, binningOptions(o)),
  acceptsConstantColumns: true,
  optionNames: ['millerMadow'],
});

registerEstimator('kde', {
  description: 'Gaussian kernel density resubstitution estimate (O(N^2) time)',
  estimate: (x, y, o) => kdeMi(x, y, { bandwidth: numberOption(o, 'bandwidth'), standardize: booleanOption(o, 'standardize') }),
  resampling: 'subsample',
  optionNames: ['bandwidth', 'standardize'],
});

registerEstimator('knn-label', {
  description: "Ross's k-NN estimator for continuous x and a discrete y (one column of class ids)",
  estimate: (x, y, o) => {
    if (y.cols !== 1) inputError(`knn-label needs y to be one column of class ids, got ${y.cols} columns`);
    return { mi: knnLabelMi(x, y.data, { k: numberOption(o, 'k') }) };
  },
  resampling: 'subsample',
});
