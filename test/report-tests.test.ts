// The tests behind pair-prediction verdicts, against hand-computed cases: McNemar's exact test,
// Holm's adjustment, Kendall's tau-b with ties, and the cluster bootstrap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, clusterBootstrap, holmAdjust, kendallTau, mcnemarTest } from 'milab';

const near = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('mcnemarTest: the exact two-sided binomial on the discordant pairs', () => {
  // b = 1, c = 7: P(X <= 1) for Binomial(8, 1/2) = 9/256, doubled.
  near(mcnemarTest(1, 7).p, 18 / 256);
  near(mcnemarTest(7, 1).p, 18 / 256);
  assert.equal(mcnemarTest(0, 0).p, 1);
  assert.equal(mcnemarTest(4, 4).p, 1);
  assert.throws(() => mcnemarTest(-1, 2), MilabInputError);
  assert.throws(() => mcnemarTest(1.5, 2), MilabInputError);
});

test('holmAdjust: step-down, monotone, capped at 1, in the input order', () => {
  // Sorted 0.01, 0.02, 0.04 (m = 3): 0.03, max(0.03, 0.04) = 0.04, max(0.04, 0.04) = 0.04.
  const adjusted = holmAdjust([0.04, 0.01, 0.02]);
  [0.04, 0.03, 0.04].forEach((v, i) => near(adjusted[i], v));
  assert.deepEqual(holmAdjust([0.5, 0.9]), [1, 1]);
  assert.deepEqual(holmAdjust([]), []);
  assert.throws(() => holmAdjust([1.2]), MilabInputError);
});

test('kendallTau: tau-b with ties', () => {
  near(kendallTau([1, 2, 3, 4], [1, 2, 3, 4]), 1);
  near(kendallTau([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // x = 1,2,3,4, y = 1,3,2,4: 5 concordant, 1 discordant of 6 pairs.
  near(kendallTau([1, 2, 3, 4], [1, 3, 2, 4]), 4 / 6);
  // A tie in y: pairs (1,2)... x = 1,2,3, y = 1,1,2: C = 2, D = 0, tied only in y = 1.
  near(kendallTau([1, 2, 3], [1, 1, 2]), 2 / Math.sqrt(3 * 2));
  assert.throws(() => kendallTau([1, 1, 1], [1, 2, 3]), MilabInputError);
});

test('clusterBootstrap: whole clusters resampled, reproducible, percentile interval', () => {
  const clusters = [
    [1, 1],
    [2, 2],
    [3, 3],
    [4, 4],
    [5, 5],
  ];
  const mean = (sample: readonly number[][]) => {
    const all = sample.flat();
    return all.reduce((a, b) => a + b, 0) / all.length;
  };
  const a = clusterBootstrap(clusters, mean, { seed: 3 });
  const b = clusterBootstrap(clusters, mean, { seed: 3 });
  assert.deepEqual(a, b);
  near(a.estimate, 3);
  assert.ok(a.ci[0] >= 1 && a.ci[0] < 3 && a.ci[1] > 3 && a.ci[1] <= 5, `${a.ci}`);
  assert.equal(a.resamples, 2000);
  // A statistic undefined on some resamples: those are left out, not fatal.
  const picky = clusterBootstrap(clusters, (s) => {
    if (new Set(s.map((c) => c[0])).size < 3) throw new Error('too few');
    return mean(s);
  });
  assert.ok(picky.resamples < 2000 && picky.resamples > 0);
  assert.throws(() => clusterBootstrap([[1]], mean), MilabInputError);
});
