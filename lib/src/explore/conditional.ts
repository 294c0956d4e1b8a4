// I(X;Y) beside I(X;Y|Z) for two columns and a categorical third: does the dependence run
// through Z (the conditional MI drops towards 0), or does Z hide it (the conditional MI is larger:
// within each group the columns are more dependent than across the pooled groups)?
// Both use the same rows (complete in all three columns), so the two numbers are comparable.
import { inputError, MilabInputError } from '../errors';
import { estimate, type EstimateOptions } from '../mi/estimate';
import { bootstrapCi, permutationTest } from '../mi/uncertainty';
import type { MiEstimateRow, MiMatrixOptions } from './mi-matrix';
import { completeRows, type DataTable } from './table';

/** For the conditional row, y is shuffled only within each group of z for the p-value. */
export type ConditionalRow = { quantity: string } & MiEstimateRow;

type GivenOptions = Omit<MiMatrixOptions, 'columns' | 'onProgress'>;

/** Rows for I(x; y) and I(x; y | given): MI, interval and p-value of each, on the same rows. */
export async function miGiven(
  table: DataTable,
  xName: string,
  yName: string,
  given: string,
  options: GivenOptions = {},
): Promise<ConditionalRow[]> {
  const { table: rows, dropped } = completeRows(table, [xName, yName, given]);
  const [x, y, z] = rows.columns;
  if (z.kind !== 'categorical') {
    inputError(`'${given}' must be categorical to condition on it (a group per value)`);
  }
  if (x.kind !== y.kind) {
    inputError(`'${xName}' and '${yName}' must both be numeric or both categorical to condition`);
  }
  const estimator = x.kind === 'categorical' ? 'discrete' : (options.estimator ?? 'ksg');
  const base: EstimateOptions = { seed: options.seed ?? 0 };
  if (options.k !== undefined && estimator === 'ksg') base.k = options.k;
  const one = async (quantity: string, extra: EstimateOptions): Promise<ConditionalRow> => {
    const settings = { ...base, ...extra };
    const mi = (await estimate(estimator, x.values, y.values, settings)).mi;
    let ciLow: number | null = null;
    let ciHigh: number | null = null;
    if (options.resamples) {
      const ci = await bootstrapCi(estimator, x.values, y.values, {
        ...settings,
        resamples: options.resamples,
        level: options.level ?? 0.95,
        observed: mi,
      });
      [ciLow, ciHigh] = ci.ci;
    }
    let pValue: number | null = null;
    if (options.permutations) {
      const test = { ...settings, permutations: options.permutations, observed: mi };
      pValue = (await permutationTest(estimator, x.values, y.values, test)).pValue;
    }
    return { quantity, estimator, n: rows.rows, dropped, mi, ciLow, ciHigh, pValue };
  };
  try {
    return [
      await one(`I(${xName}; ${yName})`, {}),
      await one(`I(${xName}; ${yName} | ${given})`, { z: z.values }),
    ];
  } catch (err) {
    const which = `'${xName}', '${yName}' | '${given}'`;
    if (err instanceof MilabInputError) inputError(`${which}: ${err.message}`);
    throw err;
  }
}
