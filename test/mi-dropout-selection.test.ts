// MI-Dropout's unit selection and Fig. 2's decomposition, against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { miDropout, MilabInputError } from 'milab';

const scores = [0.3, 0.01, 0.5, 0.01, 0.2];

test('mi-dropout selection: lowest, highest, magnitude and random removals of the same count', () => {
  assert.equal(miDropout.removalCount(64, 0.25), 16);
  assert.equal(miDropout.removalCount(4, 0.9), 3); // at least one unit stays
  assert.throws(() => miDropout.removalCount(10, 1), MilabInputError);
  assert.deepEqual(miDropout.selectUnits('mi', scores, 2), [1, 3]); // tie: both 0.01
  assert.deepEqual(miDropout.selectUnits('mi', scores, 3), [1, 3, 4]);
  assert.deepEqual(miDropout.selectUnits('inverse', scores, 2), [0, 2]);
  assert.deepEqual(miDropout.selectUnits('magnitude', scores, 1), [1]);
  const random = miDropout.selectUnits('random', scores, 3, 7);
  assert.equal(random.length, 3);
  assert.equal(new Set(random).size, 3);
  assert.deepEqual(miDropout.selectUnits('random', scores, 3, 7), random);
  assert.deepEqual(miDropout.keptUnits(5, [1, 3]), [0, 2, 4]);
  assert.throws(() => miDropout.selectUnits('mi', scores, 5), MilabInputError);
});

test('mi-dropout selection: absolute thresholds and the threshold a removal implies', () => {
  assert.deepEqual(miDropout.unitsBelow(scores, 0.05), [1, 3]);
  assert.deepEqual(miDropout.unitsBelow(scores, 2.0), [0, 1, 3, 4]); // t = 2 would remove all
  assert.ok(Math.abs(miDropout.impliedThreshold(scores, [1, 3]) - (0.01 + 0.2) / 2) < 1e-12);
  assert.ok(Number.isNaN(miDropout.impliedThreshold(scores, [])));
});

test('mi-dropout selection: the rise of a layer mean splits into selection and retraining', () => {
  const d = miDropout.decomposeMi([0.1, 0.2, 0.3, 0.6], [2, 3], [0.5, 0.6]);
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  near(d.before, 0.3);
  near(d.retainedBefore, 0.45);
  near(d.after, 0.55);
  near(d.selection, 0.15);
  near(d.retraining, 0.1);
  near(d.total, d.selection + d.retraining);
});
