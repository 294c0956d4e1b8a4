// Paired statistics and the verdict rules for method-vs-baseline tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MilabInputError,
  pairedComparison,
  judgeBaselineRow,
  judgeImprovementRow,
  judgeBeatsBaseline,
  combineVerdicts,
} from 'milab';
import { signTestP, studentTQuantile, studentTTwoSidedP } from 'milab/internal';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('Student t tail probabilities and quantiles match tables', () => {
  close(studentTTwoSidedP(2, 5), 0.101939, 1e-5, 'P(|T5| > 2)');
  close(studentTTwoSidedP(1, 1), 0.5, 1e-12, 'Cauchy: P(|T1| > 1)');
  close(studentTTwoSidedP(0, 3), 1, 1e-12, 'P(|T| > 0)');
  close(studentTQuantile(0.975, 2), 4.302653, 1e-5, 't(0.975, 2)');
  close(studentTQuantile(0.975, 30), 2.042272, 1e-5, 't(0.975, 30)');
});

test('the sign test is exact', () => {
  close(signTestP(3, 0), 0.25, 1e-12, '3 of 3'); // 2 * (1/2)^3
  close(signTestP(9, 1), 2 * (11 / 1024), 1e-12, '9 of 10');
  assert.equal(signTestP(0, 0), 1);
});

test('pairedComparison: mean difference, interval, t and counts', () => {
  const c = pairedComparison([91, 92, 90.5], [90, 90.5, 90]);
  close(c.meanDiff, 1, 1e-12, 'mean');
  close(c.sdDiff, 0.5, 1e-12, 'sd');
  close(c.t, 1 / (0.5 / Math.sqrt(3)), 1e-9, 't');
  close(c.ci95[0], 1 - (4.302653 * 0.5) / Math.sqrt(3), 1e-5, 'lower');
  assert.deepEqual([c.wins, c.losses, c.ties], [3, 0, 0]);
  const single = pairedComparison([1], [0]);
  assert.deepEqual(single.ci95, [-Infinity, Infinity]);
  assert.ok(Number.isNaN(single.pT));
  assert.throws(() => pairedComparison([1, 2], [1]), MilabInputError);
  assert.throws(() => pairedComparison([NaN], [1]), /not finite/);
});

test('verdicts: undecided below the paper scale or with fewer than 3 seeds', () => {
  assert.equal(judgeBaselineRow(89.15, [89.1, 89.2, 89.0], false).verdict, 'inconclusive');
  assert.equal(judgeBaselineRow(89.15, [89.1, 89.2], true).verdict, 'inconclusive');
  assert.equal(
    judgeImprovementRow(1.67, [91, 92, 91], [89, 90, 89], false).verdict,
    'inconclusive',
  );
  assert.equal(judgeBeatsBaseline(1.67, [91, 92], [89, 90], true).verdict, 'inconclusive');
});

test('verdicts follow the stated rules at the paper scale', () => {
  assert.equal(judgeBaselineRow(89.15, [89.1, 89.3, 89.0], true).verdict, 'reproduced');
  assert.equal(judgeBaselineRow(89.15, [88.1, 88.2, 88.0], true).verdict, 'not reproduced');
  // improvements 1.6, 1.8, 1.7: interval around 1.7 excludes 0 and contains the paper's 1.67
  assert.equal(
    judgeImprovementRow(1.67, [90.7, 90.9, 90.8], [89.1, 89.1, 89.1], true).verdict,
    'reproduced',
  );
  // improvements ~0.1: interval excludes 1.67
  const small = judgeImprovementRow(1.67, [89.2, 89.25, 89.15], [89.1, 89.1, 89.1], true);
  assert.equal(small.verdict, 'not reproduced');
  assert.match(small.evidence, /excludes the paper's improvement/);
  // noisy: contains both 0 and 1.67
  assert.equal(judgeImprovementRow(1.67, [92, 88, 90], [89, 89, 89], true).verdict, 'inconclusive');
  // a small but clear improvement: the direction claim holds although the size does not
  assert.equal(
    judgeBeatsBaseline(1.67, [89.2, 89.21, 89.22], [89.1, 89.1, 89.1], true).verdict,
    'reproduced',
  );
  // interval [-0.02, 0.22]: contains 0, rules out the paper's 1.67
  assert.equal(
    judgeBeatsBaseline(1.67, [89.2, 89.25, 89.15], [89.1, 89.1, 89.1], true).verdict,
    'not reproduced',
  );
  assert.equal(
    judgeBeatsBaseline(1.67, [91, 87, 89.5], [89.1, 89.1, 89.1], true).verdict,
    'inconclusive',
  );
  assert.equal(
    judgeBeatsBaseline(1.67, [89.0, 89.1, 89.05], [89.1, 89.1, 89.1], true).verdict,
    'not reproduced',
  );
  assert.equal(combineVerdicts(['reproduced', 'reproduced']), 'reproduced');
  assert.equal(combineVerdicts(['reproduced', 'inconclusive']), 'inconclusive');
  assert.equal(combineVerdicts(['inconclusive', 'not reproduced']), 'not reproduced');
});
