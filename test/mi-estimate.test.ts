// The estimator registry: one call shape for every estimator, validated inputs, extensibility.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conditionalGaussianTask,
  correlatedGaussianTask,
  estimate,
  estimatorNames,
  estimatorSpec,
  MilabInputError,
  registerEstimator,
  Rng,
  tf,
  useBackend,
} from 'milab';
import { toMatrix, toMatrixAsync } from 'milab/internal';

test('the non-neural estimators are registered and agree on a 1-D Gaussian pair', async () => {
  for (const name of ['ksg', 'gaussian', 'binning', 'discrete', 'kde'])
    assert.ok(estimatorNames().includes(name), name);
  const task = correlatedGaussianTask(1, 0.8);
  const { x, y } = task.sample(3000, 1);
  for (const name of ['ksg', 'gaussian', 'binning', 'kde']) {
    const r = await estimate(name, x, y);
    assert.equal(r.estimator, name);
    assert.equal(r.n, 3000);
    assert.equal(r.conditional, false);
    assert.ok(Math.abs(r.mi - task.mi) < 0.08, `${name}: ${r.mi} vs ${task.mi}`);
  }
  const k = await estimate('ksg', x, y, { k: 5 });
  assert.equal(k.k, 5);
});

test('conditional estimates route through options.z', async () => {
  const task = conditionalGaussianTask(1, 0.6);
  const { x, y, z } = task.sample(3000, 2);
  for (const name of ['ksg', 'gaussian', 'binning']) {
    const r = await estimate(name, x, y, { z });
    assert.equal(r.conditional, true);
    assert.ok(Math.abs(r.mi - task.mi) < 0.1, `${name}: ${r.mi} vs ${task.mi}`);
  }
  await assert.rejects(
    estimate('kde', x, y, { z }),
    /does not estimate conditional MI; ones that do: ksg, gaussian/,
  );
});

test('inputs in every accepted form: nested arrays, flat arrays, tensors', async () => {
  await useBackend({ quiet: true });
  const x = [0.1, 0.4, 0.35, 0.8, 0.9, 0.2, 0.55, 0.7];
  const y = x.map((v, i) => v + 0.1 * Math.sin(i));
  const fromArrays = await estimate('gaussian', x, y);
  const fromRows = await estimate(
    'gaussian',
    x.map((v) => [v]),
    y.map((v) => [v]),
  );
  const tx = tf.tensor1d(x);
  const ty = tf.tensor2d(y, [8, 1]);
  const fromTensors = await estimate('gaussian', tx, ty);
  tx.dispose();
  ty.dispose();
  assert.equal(fromArrays.mi, fromRows.mi);
  assert.ok(Math.abs(fromArrays.mi - fromTensors.mi) < 1e-6); // tensors are float32
});

test('toMatrixAsync reads a tensor like toMatrix, and a disposed tensor is an input error', async () => {
  await useBackend({ quiet: true });
  const t = tf.tensor2d([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const fromAsync = await toMatrixAsync(t, 't');
  assert.deepEqual(fromAsync, toMatrix(t, 't'));
  assert.deepEqual(
    { rows: fromAsync.rows, cols: fromAsync.cols, data: Array.from(fromAsync.data) },
    { rows: 3, cols: 2, data: [1, 2, 3, 4, 5, 6] },
  );
  const withNaN = tf.tensor1d([1, NaN]);
  await assert.rejects(toMatrixAsync(withNaN, 'v'), /v has NaN at row 1/);
  withNaN.dispose();
  t.dispose();
  assert.throws(
    () => toMatrix(t, 't'),
    (err: Error) => err instanceof MilabInputError && /t is a disposed tensor/.test(err.message),
  );
  await assert.rejects(toMatrixAsync(t, 't'), /t is a disposed tensor/);
});

test('bad inputs give one-line input errors', async () => {
  const good = [1, 2, 3, 4, 5, 6];
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      'unknown estimator',
      () => estimate('nope', good, good),
      /unknown estimator 'nope'; known estimators: ksg, gaussian/,
    ],
    ['NaN', () => estimate('ksg', [1, NaN, 3, 4, 5, 6], good), /x has NaN at row 1/],
    ['Inf', () => estimate('gaussian', good, [1, 2, 3, -Infinity, 5, 6]), /y has Inf at row 3/],
    ['mismatched rows', () => estimate('ksg', good, [1, 2, 3]), /mismatched lengths: 6 vs 3/],
    [
      'too few rows for k',
      () => estimate('ksg', [1, 2, 3], [3, 2, 1]),
      /needs at least 4 rows, got 3/,
    ],
    ['empty', () => estimate('ksg', [], []), /x is empty/],
    ['ragged', () => estimate('ksg', [[1, 2], [3]], [1, 2]), /ragged/],
    ['constant column', () => estimate('ksg', good, [7, 7, 7, 7, 7, 7]), /constant/],
    [
      'bad option type',
      () => estimate('ksg', good, good, { jitter: 'big' }),
      /option jitter must be a number/,
    ],
    ['z rows', () => estimate('ksg', good, good, { z: [1, 2] }), /mismatched lengths/],
  ];
  for (const [what, run, pattern] of cases) {
    await assert.rejects(run(), (e: Error) => {
      assert.ok(e instanceof MilabInputError, `${what}: ${e}`);
      assert.match(e.message, pattern, what);
      assert.ok(!e.message.includes('\n'), `${what}: one line`);
      return true;
    });
  }
});

test('registerEstimator adds an estimator usable everywhere; non-finite results are refused', async () => {
  registerEstimator('test-constant', {
    description: 'returns a fixed number (test only)',
    estimate: (x) => ({ mi: 0.25, rows: x.rows }),
  });
  const r = await estimate('test-constant', [1, 2, 3], [4, 5, 6]);
  assert.deepEqual(r, { mi: 0.25, rows: 3, estimator: 'test-constant', n: 3, conditional: false });
  assert.equal(estimatorSpec('test-constant').resampling, undefined);
  registerEstimator('test-nan', {
    description: 'broken (test only)',
    estimate: () => ({ mi: NaN }),
  });
  await assert.rejects(estimate('test-nan', [1, 2, 3], [4, 5, 6]), /non-finite MI/);
  assert.throws(
    () => registerEstimator('Bad Name', { description: '', estimate: () => ({ mi: 0 }) }),
    /lower-case/,
  );
});

test('knn-label: continuous x against class ids; the truth of a two-class Gaussian mixture; y must be one column', async () => {
  // x | y ~ N(+-1, 1), y uniform on {0, 1}: I = H(x) - H(x | y), H(x) by quadrature of the mixture.
  const rows = 4000;
  const rng = new Rng(5);
  const labels = Array.from({ length: rows }, (_, i) => i % 2);
  const x = labels.map((y) => [rng.normal() + (y === 0 ? -1 : 1)]);
  const density = (v: number) =>
    (0.5 * (Math.exp(-((v + 1) ** 2) / 2) + Math.exp(-((v - 1) ** 2) / 2))) /
    Math.sqrt(2 * Math.PI);
  let hx = 0;
  for (let v = -10; v <= 10; v += 1e-3) hx -= density(v) * Math.log(density(v)) * 1e-3;
  const truth = hx - 0.5 * Math.log(2 * Math.PI * Math.E);
  const r = await estimate('knn-label', x, labels);
  assert.equal(r.estimator, 'knn-label');
  assert.ok(Math.abs(r.mi - truth) < 0.03, `knn-label ${r.mi} vs truth ${truth}`);
  await assert.rejects(
    estimate(
      'knn-label',
      x,
      x.map((v, i) => [v[0], i % 2]),
    ),
    /one column of class ids, got 2 columns/,
  );
  await assert.rejects(
    estimate(
      'knn-label',
      x,
      labels.map((y) => y + 0.5),
    ),
    /not a class index/,
  );
});
