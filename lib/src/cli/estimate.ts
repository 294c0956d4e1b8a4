// `milab estimate data.csv --x COLS --y COLS [--z COLS] --estimator NAME ...`
import { useBackend } from '../backend/backend';
import { progressReporter } from '../display/progress';
import { inputError } from '../errors';
import '../mi'; // registers every estimator
import {
  checkOptionNames,
  EstimateOptions,
  estimate,
  estimatorNames,
  estimatorSpec,
  validateEstimate,
} from '../mi/estimate';
import { columnStats, Matrix } from '../mi/matrix';
import {
  bootstrapCi,
  checkBootstrapSettings,
  checkPermutations,
  permutationTest,
} from '../mi/uncertainty';
import {
  columnList,
  DECIMAL_HINT,
  flagValue,
  integerFlag,
  parseArgs,
  parseDecimal,
  parseOptionAssignment,
} from './args';
import { numericColumns, readCsvFile } from './csv';

export const ESTIMATE_USAGE = `Usage: milab estimate FILE.csv --x COLS --y COLS [options]

Estimate the mutual information I(X;Y) (or I(X;Y|Z) with --z) between column groups of a CSV file
whose first line names the columns. Values are in nats (1 nat = 1.4427 bits).

  --x COLS            comma-separated column names forming X
  --y COLS            comma-separated column names forming Y
  --z COLS            condition on these columns: I(X;Y|Z)
  --estimator NAME    default ksg; see the list below
  --seed N            seed for every random draw (default 0)
  --k K               neighbours for ksg and knn-label (default 3)
  --bins B            bins per column for binning
  --option KEY=VALUE  an estimator-specific option (repeatable), e.g. --option standardize=false
  --ci                add a bootstrap confidence interval
  --resamples B       bootstrap resamples for --ci (default 100; at least 2/(1 - level) and 20)
  --level L           coverage of the interval for --ci (default 0.95)
  --permutations B    add a permutation-test p-value for MI = 0, from B >= 19 shuffles
  --json              print one JSON object on the last line of stdout
  --help              this text

Numeric cells are decimal literals (12, -3.5, 1.2e-3). A column may appear in only one of --x,
--y and --z. A flag or option the estimator does not use is an error, as are too few rows for it
(kde also takes at most 20000 rows: its time grows as N^2).
Inputs are standardised per column by the estimators that need it (ksg, kde, neural).
Exit status 2 with a one-line 'error: ...' on stderr for bad input.`;

export async function estimateCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(
    argv,
    {
      values: [
        'x',
        'y',
        'z',
        'estimator',
        'seed',
        'k',
        'bins',
        'resamples',
        'level',
        'permutations',
      ],
      repeatable: ['option'],
      booleans: ['ci', 'json', 'help'],
    },
    'estimate',
  );
  if (args.booleans.has('help')) {
    console.log(`${ESTIMATE_USAGE}\n\n${estimatorList()}`);
    return;
  }
  if (args.positional.length === 0)
    inputError('missing the CSV file (usage: milab estimate FILE.csv --x COLS --y COLS)');
  if (args.positional.length > 1)
    inputError(
      `expected one CSV file, got ${args.positional.length} arguments: ` +
        args.positional.join(' '),
    );
  const name = flagValue(args, 'estimator') ?? 'ksg';
  const spec = estimatorSpec(name);
  const options = estimatorOptions(args);
  checkOptionNames(spec, options); // again in validateEstimate; here before the file is read
  for (const flag of ['resamples', 'level']) {
    if (args.values.has(flag) && !args.booleans.has('ci')) {
      inputError(`--${flag} is only used with --ci`);
    }
  }
  const level = levelFlag(flagValue(args, 'level'));
  const resamples = integerFlag(args, 'resamples', 100, 1);
  if (args.booleans.has('ci')) checkBootstrapSettings(resamples, level);
  const permutations = args.values.has('permutations')
    ? integerFlag(args, 'permutations', 0, 1)
    : undefined;
  if (permutations !== undefined) checkPermutations(permutations);

  const table = readCsvFile(args.positional[0]);
  const names = {
    x: requiredColumns(args.values.get('x')?.[0], '--x'),
    y: requiredColumns(args.values.get('y')?.[0], '--y'),
    z: args.values.has('z') ? requiredColumns(flagValue(args, 'z'), '--z') : undefined,
  };
  rejectSharedNames(names);
  const x = numericColumns(table, names.x, '--x');
  const y = numericColumns(table, names.y, '--y');
  const z = names.z && numericColumns(table, names.z, '--z');
  if (z) options.z = z;
  // The one validation path (as estimate() runs it), before a backend starts or anything prints.
  await validateEstimate(name, x, y, options);
  if (!spec.acceptsConstantColumns) {
    rejectConstant(x, names.x, '--x', name);
    rejectConstant(y, names.y, '--y', name);
    if (z && names.z) rejectConstant(z, names.z, '--z', name);
  }

  let banner = '';
  if (spec.usesTensorflow) {
    const backend = await useBackend({ quiet: true });
    banner = `milab: backend ${backend.name} (${backend.detail})\n`;
    const progress = progressReporter(name);
    // The banner waits for training to start: an error an estimator finds before (its own minimum
    // of rows, a bad option value) stays the one line on stderr.
    options.onProgress = (p) => {
      process.stderr.write(banner);
      banner = '';
      progress(p);
    };
  }
  const started = Date.now();
  const result = await estimate(name, x, y, options);
  process.stderr.write(banner);
  if (typeof result.warning === 'string') process.stderr.write(`warning: ${result.warning}\n`);
  const { onProgress: _training, ...repeatOptions } = options;
  const ci = args.booleans.has('ci')
    ? await bootstrapCi(name, x, y, {
        ...repeatOptions,
        resamples,
        level,
        observed: result.mi,
        onProgress: progressReporter('bootstrap'),
      })
    : undefined;
  const test =
    permutations !== undefined
      ? await permutationTest(name, x, y, {
          ...repeatOptions,
          permutations,
          observed: result.mi,
          onProgress: progressReporter('permutations'),
        })
      : undefined;
  const seconds = (Date.now() - started) / 1000;

  const summary: Record<string, unknown> = {
    estimator: name,
    mi: result.mi,
    n: result.n,
    conditional: result.conditional,
    x: names.x,
    y: names.y,
    ...(names.z ? { z: names.z } : {}),
    ...scalarDetails(result),
    ...(ci
      ? { ci: ci.ci, level: ci.level, resampling: ci.resampling, resamples: ci.resamples }
      : {}),
    ...(test ? { pValue: test.pValue, permutations: test.permutations } : {}),
    seed: options.seed,
    seconds,
  };
  if (args.booleans.has('json')) console.log(JSON.stringify(summary));
  else console.log(humanReport(summary, ci?.ci, test?.pValue));
}

export function estimatorList(): string {
  const width = Math.max(...estimatorNames().map((n) => n.length));
  const lines = estimatorNames().map((n) => {
    const spec = estimatorSpec(n);
    return `  ${n.padEnd(width)}  ${spec.description}${spec.conditional ? '' : ' (no --z)'}`;
  });
  return `Estimators:\n${lines.join('\n')}`;
}

/** The estimator's options from --seed, --k, --bins and --option; the registry (validateEstimate)
 * refuses any the estimator does not use, so --k with gaussian is an error, not ignored. */
function estimatorOptions(args: ReturnType<typeof parseArgs>): EstimateOptions {
  const options: EstimateOptions = { seed: integerFlag(args, 'seed', 0, -2147483648, 2147483647) };
  if (args.values.has('k')) options.k = integerFlag(args, 'k', 3, 1);
  if (args.values.has('bins')) options.bins = integerFlag(args, 'bins', 10, 1);
  for (const text of args.values.get('option') ?? []) {
    const [key, value] = parseOptionAssignment(text);
    if (['seed', 'k', 'bins'].includes(key)) inputError(`--option ${key}: use the --${key} flag`);
    if (Object.hasOwn(options, key)) inputError(`--option ${key} is given twice`);
    options[key] = value;
  }
  return options;
}

function levelFlag(raw: string | undefined): number {
  if (raw === undefined) return 0.95;
  const v = parseDecimal(raw);
  if (v === undefined || !(v > 0 && v < 1)) {
    inputError(`--level must be a number between 0 and 1, got '${raw}' (${DECIMAL_HINT})`);
  }
  return v;
}

/** A column in two of --x, --y, --z (or twice in one) is the same variable twice: I(X;X) is
 * infinite for continuous data, and an estimator would still print a finite number. */
function rejectSharedNames(names: { x: string[]; y: string[]; z?: string[] }): void {
  const seen = new Map<string, string>();
  const flags = [
    ['--x', names.x],
    ['--y', names.y],
    ['--z', names.z ?? []],
  ] as const;
  for (const [flag, list] of flags) {
    for (const column of list) {
      const earlier = seen.get(column);
      if (earlier === flag) inputError(`${flag} names column '${column}' twice`);
      if (earlier) {
        inputError(
          `column '${column}' is in both ${earlier} and ${flag}: the same variable on both ` +
            'sides makes the MI infinite (or, with --z, undefined); choose disjoint columns',
        );
      }
      seen.set(column, flag);
    }
  }
}

function requiredColumns(raw: string | undefined, flag: string): string[] {
  if (raw === undefined) inputError(`missing ${flag} COLS (comma-separated column names)`);
  const names = columnList(raw);
  if (names.length === 0) inputError(`${flag} selects no columns`);
  return names;
}

function rejectConstant(m: Matrix, names: string[], flag: string, estimator: string): void {
  const { sd } = columnStats(m);
  sd.forEach((s, j) => {
    if (!(s > 0))
      inputError(
        `column '${names[j]}' (${flag}) is constant: ` +
          `it carries no information and breaks the ${estimator} estimator`,
      );
  });
}

/** Numbers, strings and booleans among an estimate's details (curves and arrays are left out). */
function scalarDetails(result: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (['estimator', 'mi', 'n', 'conditional'].includes(key)) continue;
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    )
      out[key] = value;
  }
  return out;
}

function humanReport(
  s: Record<string, unknown>,
  ci: [number, number] | undefined,
  pValue: number | undefined,
): string {
  const mi = s.mi as number;
  const what = s.z ? 'I(X;Y|Z)' : 'I(X;Y)';
  const lines = [
    `estimator   ${s.estimator}${s.k !== undefined ? ` (k = ${s.k})` : ''}`,
    `samples     ${s.n}`,
    `X           ${(s.x as string[]).join(', ')}`,
    `Y           ${(s.y as string[]).join(', ')}`,
    ...(s.z ? [`Z           ${(s.z as string[]).join(', ')}`] : []),
    `${what.padEnd(12)}${fmt(mi)} nats (${fmt(mi / Math.LN2)} bits)`,
  ];
  if (ci)
    lines.push(
      `${Math.round((s.level as number) * 100)}% CI      [${fmt(ci[0])}, ${fmt(ci[1])}] nats ` +
        `(${s.resampling} resampling, ${s.resamples} resamples)`,
    );
  if (pValue !== undefined)
    lines.push(
      `p-value     ${fmt(pValue)} (permutation test of MI = 0, ${s.permutations} shuffles)`,
    );
  lines.push(`time        ${(s.seconds as number).toFixed(2)} s`);
  return lines.join('\n');
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2);
}
