// The Gaussian closed form against exact truth, and its refusal of singular data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  correlatedGaussianTask,
  gaussianConditionalMi,
  gaussianMi,
  gaussianTaskWithMi,
  gaussianTcTask,
  gaussianTotalCorrelation,
  conditionalGaussianTask,
  MilabInputError,
} from 'milab';

// With N samples the estimator's sampling sd is about sqrt(d / N) nats at these MIs; its bias is
// upward by about d^2 / (2N). Tolerance 0.05 at N = 5000 is several sd.
for (const d of [1, 5, 10]) {
  test(`gaussian estimator recovers the closed form at d = ${d}`, () => {
    const task = gaussianTaskWithMi(d, 1);
    const { x, y } = task.sample(5000, 11);
    const { mi, n } = gaussianMi(x, y);
    assert.equal(n, 5000);
    assert.ok(Math.abs(mi - task.mi) < 0.05, `estimate ${mi} vs truth ${task.mi}`);
  });
}

test('gaussian estimator: independent data gives ~0, invariant to scaling a column', () => {
  const { x, y } = correlatedGaussianTask(2, 0).sample(4000, 3);
  assert.ok(Math.abs(gaussianMi(x, y).mi) < 0.01);
  const task = correlatedGaussianTask(1, 0.7);
  const s = task.sample(3000, 5);
  const scaled = { ...s.y, data: s.y.data.map((v) => 1000 * v + 7) };
  assert.ok(Math.abs(gaussianMi(s.x, s.y).mi - gaussianMi(s.x, scaled).mi) < 1e-9);
});

test('gaussian conditional MI matches I(X;Y|Z) of the conditional task', () => {
  const task = conditionalGaussianTask(2, 0.6);
  const { x, y, z } = task.sample(5000, 7);
  const cmi = gaussianConditionalMi(x, y, z!).mi;
  assert.ok(Math.abs(cmi - task.mi) < 0.04, `conditional ${cmi} vs ${task.mi}`);
  const plain = gaussianMi(x, y).mi;
  assert.ok(
    Math.abs(plain - task.unconditionalMi) < 0.05,
    `unconditional ${plain} vs ${task.unconditionalMi}`,
  );
});

test('gaussian total correlation matches the equicorrelated closed form', () => {
  const task = gaussianTcTask(6, 0.4);
  const tc = gaussianTotalCorrelation(task.sample(5000, 2)).mi;
  assert.ok(Math.abs(tc - task.tc) < 0.05, `${tc} vs ${task.tc}`);
});

test('gaussian estimator refuses singular covariance and too few rows with input errors', () => {
  const x = [1, 2, 3, 4, 5, 6];
  const y = [
    [1, 2],
    [2, 4],
    [3, 6],
    [4, 8],
    [5, 10],
    [6, 12.0],
  ]; // second column = 2 * first
  assert.throws(
    () => gaussianMi(x, y),
    (e: Error) => e instanceof MilabInputError && /singular/.test(e.message),
  );
  assert.throws(
    () => gaussianMi([1, 2, 3, 4], [5, 5, 5, 5]),
    (e: Error) => e instanceof MilabInputError && /y column 0 is constant/.test(e.message),
  );
  assert.throws(
    () => gaussianMi([1, 2], [3, 1]),
    (e: Error) => e instanceof MilabInputError && /more rows/.test(e.message),
  );
});
