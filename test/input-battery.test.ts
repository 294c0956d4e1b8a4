// Edge inputs through the one validation path (estimate() and the uncertainty functions): every
// sample form a user may pass is either read exactly or refused with one MilabInputError line,
// option names and values are checked per estimator, and each estimator's row limits hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapCi,
  correlatedGaussianTask,
  estimate,
  KDE_MAX_ROWS,
  MilabInputError,
  mine,
  neuralTotalCorrelation,
  permutationTest,
  tf,
  useBackend,
} from 'milab';

/** Rejects with one MilabInputError line matching `pattern`. */
async function refused(
  run: () => Promise<unknown>,
  pattern: RegExp,
  what = pattern.source,
): Promise<void> {
  await assert.rejects(run, (e: Error) => {
    assert.ok(e instanceof MilabInputError, `${what}: ${e.name}: ${e.message}`);
    assert.match(e.message, pattern, what);
    assert.ok(!e.message.includes('\n'), `${what}: one line`);
    return true;
  });
}

type Case = [string, () => Promise<unknown>, RegExp];

async function allRefused(cases: Case[]): Promise<void> {
  for (const [what, run, pattern] of cases) await refused(run, pattern, what);
}

const X = [0.1, 0.4, 0.35, 0.8, 0.9, 0.2, 0.55, 0.7];
const Y = X.map((v, i) => v + 0.1 * Math.sin(i));
const ROWS = X.map((v) => [v]);
const REST = ROWS.slice(2);
const FLAT_REST = X.slice(2);

test('arrays are read strictly: no cell is coerced, nested and flat arrays agree', async () => {
  const inputs: [string, unknown, RegExp][] = [
    ['null cell in a row', [[0.1], [null], ...REST], /x\[1\]\[0\] is null, not a number/],
    ['null in a flat array', [0.1, null, ...FLAT_REST], /x\[1\] is null, not a number/],
    ['numeric string in a row', [[0.1], ['0.4'], ...REST], /x\[1\]\[0\] is the string "0\.4", not/],
    ['numeric string, flat', [0.1, '0.4', ...FLAT_REST], /x\[1\] is the string "0\.4", not a/],
    ['boolean cell', [[0.1], [true], ...REST], /x\[1\]\[0\] is a boolean, not a number/],
    ['bigint cell', [0.1, 4n, ...FLAT_REST], /x\[1\] is a bigint, not a number/],
    // eslint-disable-next-line no-sparse-arrays
    ['hole in a sparse array', [0.1, , ...FLAT_REST], /x\[1\] is missing \(undefined/],
    ['nested deeper than 2', X.map((v) => [[v]]), /x\[0\]\[0\] is an array, not a number \(.*nest/],
    ['rows of length 0', X.map(() => []), /x is empty \(shape 8x0\)/],
    ['a string of digits', '01234567', /x must be rows of numbers.*got the string "01234567"/],
    ['a number', 5, /x must be rows of numbers.*got a number/],
    ['null', null, /x must be rows of numbers.*got null/],
    ['an object without length', { a: 1 }, /x must be rows of numbers.*got an object/],
    ['a Map', new Map([[0, 1]]), /x must be rows of numbers.*got a Map/],
    ['a BigInt64Array', BigInt64Array.from(X.map((_, i) => BigInt(i))), /x\[0\] is a bigint/],
    ['a row that is a string', [[0.1], '4', ...REST], /x\[1\] is the string "4", not a row/],
    [
      'Matrix data shorter than rows x cols',
      { data: new Float64Array(7), rows: 8, cols: 1 },
      /8x1 Matrix but its data has 7 values/,
    ],
    ['Matrix data not a Float64Array', { data: X, rows: 8, cols: 1 }, /data is an array, not/],
    ['fractional rows', { data: new Float64Array(8), rows: 4.5, cols: 1 }, /integers >= 0/],
  ];
  const gaussianOf = (x: unknown) => () => estimate('gaussian', x as [], Y);
  await allRefused(inputs.map(([what, x, re]) => [what, gaussianOf(x), re]));
  // The flat and nested paths give one answer; typed arrays and array-likes are read exactly.
  const reference = (await estimate('gaussian', X, Y)).mi;
  const forms: [string, unknown][] = [
    ['rows', ROWS],
    ['Float64Array', Float64Array.from(X)],
    ['rows of Float64Array', X.map((v) => Float64Array.of(v))],
    ['object with length', Object.assign({ length: X.length }, X)],
  ];
  for (const [what, x] of forms) {
    assert.equal((await estimate('gaussian', x as number[], Y)).mi, reference, what);
  }
  const ints = [1, 4, 3, 8, 9, 2, 5, 7];
  const fromInts = (await estimate('gaussian', ints, Y)).mi;
  assert.equal((await estimate('gaussian', Int32Array.from(ints), Y)).mi, fromInts);
});

test('tensors: int32 is read; bool, string and ranks other than 1 and 2 are refused', async () => {
  await useBackend({ quiet: true });
  const before = tf.memory().numTensors;
  const ints = [1, 4, 3, 8, 9, 2, 5, 7];
  const t = tf.tensor1d(ints, 'int32');
  assert.equal((await estimate('gaussian', t, Y)).mi, (await estimate('gaussian', ints, Y)).mi);
  t.dispose();
  const bad: [string, () => tf.Tensor, RegExp][] = [
    [
      'bool',
      () =>
        tf.tensor1d(
          X.map((v) => v > 0.5),
          'bool',
        ),
      /x is a bool tensor; samples/,
    ],
    ['string', () => tf.tensor1d(X.map(String), 'string'), /x is a string tensor/],
    ['rank 0', () => tf.scalar(1), /x must be a 1-D or 2-D tensor, got shape \[\]/],
    ['rank 3', () => tf.zeros([8, 1, 1]), /x must be a 1-D or 2-D tensor, got shape \[8,1,1\]/],
    ['no columns', () => tf.zeros([8, 0]), /x is empty \(shape 8x0\)/],
  ];
  for (const [what, make, pattern] of bad) {
    const x = make();
    await refused(() => estimate('gaussian', x, Y), pattern, what);
    x.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});

test('options: an object, with only the names the estimator reads (did you mean ...)', async () => {
  const { x, y } = correlatedGaussianTask(1, 0.5).sample(200, 1);
  const run = (name: string, options: unknown) => () => estimate(name, x, y, options as never);
  await allRefused([
    ['null options', run('ksg', null), /options must be an object .*got null/],
    ['numeric options', run('ksg', 3), /options must be an object.*got number/],
    [
      'misspelt key',
      () => estimate('ksg', x, y, { jiter: 0 }),
      /'ksg' has no option 'jiter' \(did you mean 'jitter'\?\); its options: k,/,
    ],
    ['wrong case', () => estimate('kde', x, y, { BandWidth: 1 }), /did you mean 'bandwidth'/],
    ['k with gaussian', run('gaussian', { k: 3 }), /no option 'k'; its options: seed, z$/],
    ['bins with ksg', () => estimate('ksg', x, y, { bins: 4 }), /'ksg' has no option 'bins'/],
    ['z where not conditional', run('kde', { z: x }), /does not estimate conditional/],
    ['tau with mine', () => estimate('mine', x, y, { tau: 2 }), /'mine' has no option 'tau'/],
    ['emaRate with nwj', run('nwj', { emaRate: 0.1 }), /'nwj' has no option 'emaRate'/],
    ['value before data', () => estimate('ksg', x, x, { jitter: 'big' }), /option jitter must/],
  ]);
  // An undefined value is an absent option, as everywhere in the option readers.
  assert.ok(Number.isFinite((await estimate('gaussian', x, y, { k: undefined })).mi));
});

test('neural option values out of range are input errors and leave no tensors behind', async () => {
  await useBackend({ quiet: true });
  const { x, y } = correlatedGaussianTask(1, 0.5).sample(200, 1);
  const before = tf.memory().numTensors;
  for (const emaRate of [2, 0]) {
    const run = () => estimate('mine', x, y, { emaRate, maxSteps: 5 });
    await refused(run, /emaRate must be in \(0, 1\], got/);
  }
  // Direct calls skip the registry: the check must still come before the critic is built.
  const wide = correlatedGaussianTask(2, 0.5).sample(200, 1);
  await refused(() => mine(x, y, { emaRate: 2 }), /emaRate must be in/);
  await refused(() => neuralTotalCorrelation(wide.x, { bound: 'smile', tau: -1 }), /tau must be/);
  assert.equal(tf.memory().numTensors, before);
});

test('each estimator states its minimum of rows and the registry enforces it', async () => {
  const cases: [string, number, Record<string, unknown>, RegExp][] = [
    ['binning', 4, {}, /estimator 'binning' needs at least 5 rows, got 4/],
    ['binning', 1, {}, /needs at least 5 rows, got 1/],
    ['discrete', 4, {}, /estimator 'discrete' needs at least 5 rows, got 4/],
    ['gaussian', 2, {}, /estimator 'gaussian' needs at least 3 rows, got 2/],
    ['kde', 2, {}, /estimator 'kde' needs at least 3 rows, got 2/],
    ['ksg', 3, {}, /estimator 'ksg' needs at least 4 rows, got 3/],
    ['ksg', 5, { k: 5 }, /estimator 'ksg' needs at least 6 rows, got 5/],
    ['knn-label', 3, {}, /estimator 'knn-label' needs at least 4 rows, got 3/],
  ];
  for (const [name, rows, options, pattern] of cases) {
    const x = X.slice(0, rows);
    const y = name === 'knn-label' ? x.map((_, i) => i % 2) : Y.slice(0, rows);
    await refused(() => estimate(name, x, y, options), pattern, name);
  }
  assert.ok(Number.isFinite((await estimate('binning', X.slice(0, 5), Y.slice(0, 5))).mi));
});

test('kde refuses more rows than its limit, naming the limit and the alternative', async () => {
  const rows = KDE_MAX_ROWS + 1;
  const x = Array.from({ length: rows }, (_, i) => Math.sin(i));
  const y = Array.from({ length: rows }, (_, i) => Math.cos(i * 1.3));
  const pattern = new RegExp(`at most ${KDE_MAX_ROWS} rows .*got ${rows}; use ksg`);
  await refused(() => estimate('kde', x, y), pattern);
});

test('a column in two of x, y, z: refused by continuous estimators, not plug-in ones', async () => {
  const sample = correlatedGaussianTask(1, 0.5).sample(200, 1);
  const [x, y] = [Array.from(sample.x.data), Array.from(sample.y.data)];
  const xy = x.map((v, i) => [v, y[i]]);
  for (const name of ['ksg', 'gaussian', 'kde']) {
    const pattern = /x column 0 and y column 0 hold the same values: .*infinite/;
    await refused(() => estimate(name, x, x), pattern, name);
  }
  await refused(() => estimate('ksg', xy, y), /x column 1 and y column 0 hold the same values/);
  await refused(() => estimate('ksg', x, y, { z: xy }), /x column 0 and z column 0 hold the same/);
  // For symbols, I(X;X) = H(X) is finite and is what the plug-in estimate gives.
  const symbols = x.map((v) => Math.round(v));
  const same = await estimate('discrete', symbols, symbols, { millerMadow: false });
  const counts = new Map<number, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  const entropy = -[...counts.values()].reduce((h, c) => h + (c / 200) * Math.log(c / 200), 0);
  assert.ok(Math.abs(same.mi - entropy) < 1e-12);
});

test('bootstrapCi, permutationTest: enough resamples, level in (0, 1), known options', async () => {
  const { x, y } = correlatedGaussianTask(1, 0.5).sample(100, 1);
  const ci = (options: unknown) => () => bootstrapCi('gaussian', x, y, options as never);
  const perm = (options: unknown) => () => permutationTest('gaussian', x, y, options as never);
  await allRefused([
    ['1 resample', ci({ resamples: 1 }), /resamples must be an integer >= 40 for a 0\.95 interval/],
    ['39 resamples', ci({ resamples: 39 }), />= 40/],
    ['0.99 needs 200', ci({ level: 0.99, resamples: 100 }), />= 200 for a 0\.99 interval/],
    ['level 1', ci({ level: 1 }), /level must be a number between 0 and 1/],
    ['level 0', ci({ level: 0 }), /level must be a number between 0 and 1/],
    ['level as a string', ci({ level: '0.9' }), /level must be a number.*"0\.9"/],
    ['misspelt resamples', ci({ resample: 50 }), /no option 'resample' \(did you mean 'resamples'/],
    ['null options', ci(null), /options must be an object/],
    [
      'half-samples too small',
      () => bootstrapCi('ksg', X.slice(0, 7), Y.slice(0, 7)),
      /half-samples of 3 rows, below its minimum of 4/,
    ],
    ['1 permutation', perm({ permutations: 1 }), /permutations must be an integer >= 19/],
    ['18 permutations', perm({ permutations: 18 }), />= 19/],
    ['misspelt permutations', perm({ permutation: 50 }), /did you mean 'permutations'/],
    ['k with gaussian', perm({ k: 3 }), /'gaussian' has no option 'k'/],
    ['observed not a number', perm({ observed: '0.3' }), /observed must be a finite number/],
    ['observed NaN', ci({ observed: NaN }), /observed must be a finite number .*got NaN/],
  ]);
  const interval = await bootstrapCi('gaussian', x, y, { resamples: 40 });
  assert.ok(interval.ci[0] < interval.ci[1]);
  assert.equal((await permutationTest('gaussian', x, y, { permutations: 19 })).permutations, 19);
});
