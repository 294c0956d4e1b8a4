// Benchmark tasks: truths, reproducible sampling, and the rho <-> MI helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  additiveTask,
  conditionalGaussianTask,
  correlatedGaussianTask,
  cubicTask,
  discreteTableTask,
  gaussianMi,
  gaussianMiForRho,
  gaussianTcTask,
  independentTask,
  MilabInputError,
  rhoForMi,
  staircaseTasks,
} from 'milab';

test('rhoForMi inverts gaussianMiForRho; the staircase has the published correlations', () => {
  // Near rho = 1 (10 nats in one pair), 1 - rho^2 ~ 2e-9 keeps only ~8 significant digits.
  for (const d of [1, 5, 20])
    for (const mi of [0.1, 2, 10])
      assert.ok(Math.abs(gaussianMiForRho(rhoForMi(mi, d), d) - mi) < 1e-6 * mi);
  const rhos = staircaseTasks().map((t) => rhoForMi(t.mi, t.dimX));
  const published = [0.426, 0.574, 0.672, 0.742, 0.795]; // Poole et al. 2019, d = 20
  rhos.forEach((r, i) => assert.ok(Math.abs(r - published[i]) < 0.001, `level ${i}: ${r}`));
  assert.deepEqual(
    staircaseTasks().map((t) => t.mi),
    [2, 4, 6, 8, 10],
  );
});

test('tasks sample reproducibly from a seed and differently across seeds', () => {
  const tasks = [
    correlatedGaussianTask(3, 0.5),
    cubicTask(correlatedGaussianTask(2, 0.5)),
    independentTask(2, 3),
    additiveTask(correlatedGaussianTask(1, 0.5), independentTask(2)),
    discreteTableTask([
      [1, 2],
      [3, 4],
    ]),
    conditionalGaussianTask(2, 0.5),
  ];
  for (const task of tasks) {
    const a = task.sample(50, 1);
    const b = task.sample(50, 1);
    const c = task.sample(50, 2);
    assert.deepEqual(a, b, task.name);
    assert.notDeepEqual(a.y.data, c.y.data, task.name);
    assert.equal(a.x.cols, task.dimX);
    assert.equal(a.y.cols, task.dimY);
    assert.equal(a.x.rows, 50);
  }
  const tc = gaussianTcTask(4, 0.3);
  assert.deepEqual(tc.sample(20, 3), tc.sample(20, 3));
});

test('task truths agree with the Gaussian closed form on large samples', () => {
  const additive = additiveTask(correlatedGaussianTask(2, 0.5), correlatedGaussianTask(1, 0.9));
  const s = additive.sample(20000, 1);
  assert.ok(Math.abs(gaussianMi(s.x, s.y).mi - additive.mi) < 0.03);
  const cond = conditionalGaussianTask(1, 0.5, 2);
  const c = cond.sample(20000, 2);
  assert.ok(Math.abs(gaussianMi(c.x, c.y).mi - cond.unconditionalMi) < 0.03);
  const cubic = cubicTask(correlatedGaussianTask(1, 0.5));
  assert.equal(cubic.mi, correlatedGaussianTask(1, 0.5).mi);
});

test('discrete table task: sample frequencies follow the table', () => {
  const task = discreteTableTask([
    [0.1, 0.4],
    [0.3, 0.2],
  ]);
  const { x, y } = task.sample(40000, 5);
  const freq = [0, 0, 0, 0];
  for (let i = 0; i < x.rows; i++) freq[x.data[i] * 2 + y.data[i]] += 1 / x.rows;
  [0.1, 0.4, 0.3, 0.2].forEach((p, i) =>
    assert.ok(Math.abs(freq[i] - p) < 0.01, `cell ${i}: ${freq[i]}`),
  );
});

test('task input errors', () => {
  const isInput = (e: Error) => e instanceof MilabInputError;
  assert.throws(() => correlatedGaussianTask(2, 1), isInput);
  assert.throws(() => correlatedGaussianTask(0, 0.5), isInput);
  assert.throws(() => rhoForMi(-1, 2), isInput);
  assert.throws(() => gaussianTcTask(3, -0.2), isInput);
  assert.throws(
    () =>
      discreteTableTask([
        [0, 0],
        [0, 0],
      ]),
    isInput,
  );
});
