// The MI between every pair of a table's columns, with what a reader needs to trust each number:
// the rows it used (missing cells are dropped per pair, never imputed), a bootstrap interval, a
// permutation p-value for "no dependence", and Pearson/Spearman beside it for numeric pairs.
// The estimator follows the column kinds: numeric-numeric uses the chosen continuous estimator
// (ksg by default), numeric-categorical Ross's k-NN estimator (knn-label), categorical-categorical
// the plug-in on symbols (discrete). All values are in nats.
import type { OnProgress } from '../display/progress';
import { heatmap, type PlotlyFigure } from '../display/plot';
import { inputError, MilabInputError } from '../errors';
import { estimate, estimatorSpec, type EstimateOptions } from '../mi/estimate';
import { bootstrapCi, permutationTest } from '../mi/uncertainty';
import { gaussianMiFromCorrelation, pearson, spearman } from './correlation';
import { completeRows, type DataTable, type TableColumn, tableColumn } from './table';

export interface MiMatrixOptions {
  /** The columns to pair (default: all of them). */
  columns?: readonly string[];
  /** Estimator for two numeric columns (default 'ksg'). */
  estimator?: string;
  /** Neighbours for the k-NN estimators (ksg, knn-label); their default when absent. */
  k?: number;
  /** Bootstrap resamples for a confidence interval per pair; absent or 0: no interval. */
  resamples?: number;
  /** Coverage of the intervals (default 0.95). */
  level?: number;
  /** Shuffles for a permutation p-value per pair; absent or 0: no p-value. */
  permutations?: number;
  /** Seeds every estimate, resample and shuffle (default 0). */
  seed?: number;
  /** Called after each pair (step = pairs done). */
  onProgress?: OnProgress;
}

// Types, not interfaces: showTable takes these rows as they are (an interface has no index
// signature, so it would not be a Record<string, unknown>).
/** One estimate with what backs it: the rows it used, its interval and its p-value. */
export type MiEstimateRow = {
  estimator: string;
  /** Rows with every cell present, which the estimate used. */
  n: number;
  /** Rows dropped for a missing cell. */
  dropped: number;
  mi: number;
  ciLow: number | null;
  ciHigh: number | null;
  /** Permutation p-value for "no dependence". */
  pValue: number | null;
};

export type MiPairRow = {
  x: string;
  y: string;
} & MiEstimateRow & {
    /** Correlations, for two numeric columns only. */
    pearson: number | null;
    spearman: number | null;
    /** -log(1 - pearson^2) / 2: the MI if the dependence were linear and Gaussian. */
    linearMi: number | null;
  };

export interface MiMatrix {
  names: string[];
  /** Symmetric, in nats; null on the diagonal (a column's MI with itself is its entropy). */
  mi: Array<Array<number | null>>;
  /** One row per pair, in the order the pairs were computed (for showTable). */
  pairs: MiPairRow[];
  /** The matrix as a Plotly heatmap (for showPlot); a '*' marks p ≤ 0.05 when tested. */
  figure: PlotlyFigure;
}

/** The estimator milab uses for a pair of column kinds, given the numeric-numeric choice. */
export function pairEstimator(x: TableColumn, y: TableColumn, numeric = 'ksg'): string {
  if (x.kind === 'numeric' && y.kind === 'numeric') return numeric;
  if (x.kind === 'categorical' && y.kind === 'categorical') return 'discrete';
  return 'knn-label';
}

/** MI, interval and p-value for every pair of the chosen columns. */
export async function miMatrix(table: DataTable, options: MiMatrixOptions = {}): Promise<MiMatrix> {
  const names = [...(options.columns ?? table.columns.map((c) => c.name))];
  if (names.length < 2) inputError(`miMatrix needs at least 2 columns, got ${names.length}`);
  names.forEach((name) => tableColumn(table, name));
  const pairs: MiPairRow[] = [];
  const total = (names.length * (names.length - 1)) / 2;
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      pairs.push(await miPair(table, names[i], names[j], options));
      const mi = pairs[pairs.length - 1].mi;
      options.onProgress?.({ step: pairs.length, total, metrics: { mi } });
    }
  }
  const index = new Map(names.map((name, i) => [name, i]));
  const mi = names.map(() => names.map((): number | null => null));
  const text = names.map(() => names.map(() => ''));
  for (const p of pairs) {
    const [a, b] = [index.get(p.x)!, index.get(p.y)!];
    mi[a][b] = mi[b][a] = p.mi;
    const star = p.pValue !== null && p.pValue <= 0.05 ? '*' : '';
    text[a][b] = text[b][a] = `${p.mi.toFixed(2)}${star}`;
  }
  const tested = options.permutations ? ' (* p ≤ 0.05, permutation test)' : '';
  const title = `Mutual information, nats${tested}`;
  const figure = heatmap(mi, { x: names, text, title, zmin: 0, name: 'MI (nats)' });
  return { names, mi, pairs, figure };
}

/** One pair: complete rows of x and y, the estimate, and its uncertainty. */
export async function miPair(
  table: DataTable,
  xName: string,
  yName: string,
  options: MiMatrixOptions = {},
): Promise<MiPairRow> {
  const { table: both, dropped } = completeRows(table, [xName, yName]);
  let [x, y] = both.columns;
  const estimator = pairEstimator(x, y, options.estimator);
  // knn-label takes the numeric column as x and the class codes as y (MI is symmetric).
  if (estimator === 'knn-label' && x.kind === 'categorical') [x, y] = [y, x];
  const base: EstimateOptions = { seed: options.seed ?? 0 };
  if (options.k !== undefined && (estimatorSpec(estimator).optionNames ?? []).includes('k')) {
    base.k = options.k;
  }
  try {
    const mi = (await estimate(estimator, x.values, y.values, base)).mi;
    let ciLow: number | null = null;
    let ciHigh: number | null = null;
    if (options.resamples) {
      const level = options.level ?? 0.95;
      const ci = await bootstrapCi(estimator, x.values, y.values, {
        ...base,
        resamples: options.resamples,
        level,
        observed: mi,
      });
      [ciLow, ciHigh] = ci.ci;
    }
    let pValue: number | null = null;
    if (options.permutations) {
      const settings = { ...base, permutations: options.permutations, observed: mi };
      pValue = (await permutationTest(estimator, x.values, y.values, settings)).pValue;
    }
    const numeric = x.kind === 'numeric' && y.kind === 'numeric';
    const r = numeric ? pearson(x.values, y.values) : null;
    return {
      x: xName,
      y: yName,
      estimator,
      n: both.rows,
      dropped,
      mi,
      ciLow,
      ciHigh,
      pValue,
      pearson: r,
      spearman: numeric ? spearman(x.values, y.values) : null,
      linearMi: r === null ? null : gaussianMiFromCorrelation(r),
    };
  } catch (err) {
    // Say which pair failed: a table has many, and the estimator's message names only x and y.
    if (err instanceof MilabInputError) inputError(`'${xName}' and '${yName}': ${err.message}`);
    throw err;
  }
}
