// judgeNonInferior: paired t intervals computed by hand, and the four classifications.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, judgeNonInferior } from 'milab';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

const T975_4 = 2.776445; // Student t quantile 0.975, 4 degrees of freedom
const T95_4 = 2.131847; // 0.95, 4 degrees of freedom
const base = [80, 80, 80, 80, 80];
const plus = (diffs: number[]) => diffs.map((d, i) => base[i] + d);

test('a gain whose interval lies above 0 is better', () => {
  // diffs 1, 2, 3, 2, 2: mean 2, sd sqrt(0.5).
  const j = judgeNonInferior(plus([1, 2, 3, 2, 2]), base, 0.5);
  const half = (T975_4 * Math.sqrt(0.5)) / Math.sqrt(5);
  close(j.ci[0], 2 - half, 1e-5, 'lower');
  close(j.ci[1], 2 + half, 1e-5, 'upper');
  assert.equal(j.classification, 'better');
  assert.equal(j.verdict, 'reproduced');
  assert.match(j.evidence, /difference 2\.00 \(95% CI 1\.12 \.\. 2\.88, n = 5\), margin 0\.50/);
});

test('an interval above -margin is non-inferior, even when it lies below 0', () => {
  // diffs -0.2, 0.1, -0.1, 0, 0.2: mean 0, sd sqrt(0.025).
  const even = judgeNonInferior(plus([-0.2, 0.1, -0.1, 0, 0.2]), base, 0.5);
  const half = (T975_4 * Math.sqrt(0.025)) / Math.sqrt(5);
  close(even.ci[0], -half, 1e-5, 'lower');
  assert.equal(even.classification, 'nonInferior');
  assert.equal(even.verdict, 'reproduced');
  const smallLoss = judgeNonInferior(plus([-0.3, -0.2, -0.25, -0.3, -0.2]), base, 0.5);
  assert.ok(smallLoss.ci[1] < 0 && smallLoss.ci[0] > -0.5, `${smallLoss.ci}`);
  assert.equal(smallLoss.classification, 'nonInferior');
});

test('an interval below 0 reaching past -margin is worse; a wide one is inconclusive', () => {
  const worse = judgeNonInferior(plus([-2, -1, -3, -2, -2]), base, 0.5);
  assert.equal(worse.classification, 'worse');
  assert.equal(worse.verdict, 'not reproduced');
  // diffs -2, 2, -1, 1, 0: mean 0, sd sqrt(2.5).
  const wide = judgeNonInferior(plus([-2, 2, -1, 1, 0]), base, 0.5);
  close(wide.ci[1], (T975_4 * Math.sqrt(2.5)) / Math.sqrt(5), 1e-5, 'upper');
  assert.equal(wide.classification, 'inconclusive');
  assert.equal(wide.verdict, 'inconclusive');
});

test('the level sets the interval; too few seeds or a stand-in run decide nothing', () => {
  const j = judgeNonInferior(plus([1, 2, 3, 2, 2]), base, 0.5, { confidence: 0.9 });
  close(j.ci[0], 2 - (T95_4 * Math.sqrt(0.5)) / Math.sqrt(5), 1e-5, '90% lower');
  assert.match(j.evidence, /90% CI/);
  const two = judgeNonInferior([90, 91], [80, 80], 0.5);
  assert.equal(two.classification, 'inconclusive');
  assert.match(two.evidence, /only 2 seed\(s\); at least 3 are needed/);
  const standIn = judgeNonInferior(plus([1, 2, 3, 2, 2]), base, 0.5, { comparable: false });
  assert.equal(standIn.verdict, 'inconclusive');
});

test('bad margins and levels are input errors', () => {
  assert.throws(() => judgeNonInferior(base, base, 0), MilabInputError);
  assert.throws(() => judgeNonInferior(base, base, -1), /margin must be a positive number/);
  assert.throws(() => judgeNonInferior(base, base, 0.5, { confidence: 1 }), /confidence/);
  assert.throws(() => judgeNonInferior([1, 2, 3], [1, 2], 0.5), /equal lengths/);
});
