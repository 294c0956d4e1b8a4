// The MINE-run outcome classifier on synthetic convergence curves, and epochs-to-plateau.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, classifyMineRun, epochsToPlateau } from 'milab';

const rising = (n: number, top: number, rate = 0.3) =>
  Array.from({ length: n }, (_, i) => top * (1 - Math.exp(-rate * (i + 1))));

test('a NaN or Inf anywhere in the curve is an explosion', () => {
  assert.equal(classifyMineRun([0.1, 0.5, NaN], { upperLimit: 2.3 }).outcome, 'exploded');
  assert.equal(classifyMineRun([0.1, Infinity, 0.4], { upperLimit: 2.3 }).outcome, 'exploded');
  assert.match(classifyMineRun([0.1, NaN], { upperLimit: 2.3 }).reason, /NaN at epoch 2/);
});

test('rising above the limit (plus slack) is an explosion; within the slack it is not', () => {
  const flat = Array(10).fill(2.35);
  assert.equal(classifyMineRun(flat, { upperLimit: 2.3 }).outcome, 'converged');
  const r = classifyMineRun([...flat, 3.1, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3], { upperLimit: 2.3 });
  assert.equal(r.outcome, 'exploded');
  assert.match(r.reason, /peak 3.100/);
  assert.equal(classifyMineRun(flat, { upperLimit: 2.3, explosionSlack: 0 }).outcome, 'exploded');
});

test('a curve still climbing at the end has not converged; the same curve run longer has', () => {
  assert.equal(classifyMineRun(rising(8, 2, 0.2), { upperLimit: 5 }).outcome, 'not converged');
  const long = classifyMineRun(rising(60, 2, 0.2), { upperLimit: 5 });
  assert.equal(long.outcome, 'converged');
  assert.ok(Math.abs(long.plateau - 2) < 0.01);
  assert.equal(classifyMineRun([0.5], { upperLimit: 5 }).outcome, 'not converged');
});

test('a flat plateau below half the reference is underestimated; near the reference it converged', () => {
  const low = Array(12).fill(0.4);
  assert.equal(classifyMineRun(low, { upperLimit: 5, reference: 1.0 }).outcome, 'underestimated');
  assert.equal(classifyMineRun(low, { upperLimit: 5, reference: 0.7 }).outcome, 'converged');
  assert.equal(
    classifyMineRun(low, { upperLimit: 5, reference: 0.7, underestimateRatio: 0.9 }).outcome,
    'underestimated',
  );
  // No reference: nothing to be below.
  assert.equal(classifyMineRun(low, { upperLimit: 5 }).outcome, 'converged');
});

test('noise within the tolerance still counts as flat', () => {
  const noisy = Array.from({ length: 20 }, (_, i) => 1.5 + (i % 2 === 0 ? 0.04 : -0.04));
  assert.equal(classifyMineRun(noisy, { upperLimit: 5 }).outcome, 'converged');
});

test('bad criteria are input errors', () => {
  assert.throws(() => classifyMineRun([], { upperLimit: 1 }), MilabInputError);
  assert.throws(() => classifyMineRun([1], { upperLimit: -1 }), /upperLimit/);
  assert.throws(() => classifyMineRun([1], { upperLimit: 1, plateauWindow: 1 }), /plateauWindow/);
  assert.throws(
    () => classifyMineRun([1], { upperLimit: 1, underestimateRatio: 2 }),
    /underestimateRatio/,
  );
});

test('epochsToPlateau: a warm start is there at once, a cold one takes its time', () => {
  assert.equal(epochsToPlateau(Array(10).fill(1.2)), 1);
  const cold = rising(60, 2, 0.1);
  const epochs = epochsToPlateau(cold);
  // 2 (1 - e^{-0.1 t}) >= 2 - 0.1  <=>  t >= 10 ln 20 = 29.96
  assert.equal(epochs, 30);
  assert.ok(Number.isNaN(epochsToPlateau([1, NaN])));
});
