// Choosing what to prune: the largest fraction within tolerance of the best validation accuracy,
// and the units kept when the lowest-scoring ones go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, keepHighestScoring, selectPruneFraction } from 'milab';

test('the largest fraction within half a point of the best validation accuracy', () => {
  const candidates = [
    { fraction: 0.1, valAccuracy: 88.0 },
    { fraction: 0.25, valAccuracy: 88.4 },
    { fraction: 0.5, valAccuracy: 87.95 },
    { fraction: 0.75, valAccuracy: 87.8 },
    { fraction: 0.9, valAccuracy: 85.0 },
  ];
  assert.equal(selectPruneFraction(candidates).fraction, 0.5); // 88.4 - 0.5 = 87.9
  assert.equal(selectPruneFraction(candidates, { tolerance: 0.6 }).fraction, 0.75);
  assert.equal(selectPruneFraction(candidates, { tolerance: 0 }).fraction, 0.25);
  // Extra fields travel with the chosen candidate.
  const withThreshold = candidates.map((c, i) => ({ ...c, threshold: i / 10 }));
  assert.equal(selectPruneFraction(withThreshold).threshold, 0.2);
});

test('fractional accuracies need an explicit tolerance; bad candidates are input errors', () => {
  const fractions = [
    { fraction: 0.1, valAccuracy: 0.88 },
    { fraction: 0.5, valAccuracy: 0.876 },
  ];
  assert.throws(() => selectPruneFraction(fractions), /give them in % or set tolerance/);
  assert.equal(selectPruneFraction(fractions, { tolerance: 0.005 }).fraction, 0.5);
  assert.throws(() => selectPruneFraction([]), MilabInputError);
  assert.throws(() => selectPruneFraction([{ fraction: 1, valAccuracy: 80 }]), /\[0, 1\)/);
  assert.throws(() => selectPruneFraction([{ fraction: 0.5, valAccuracy: NaN }]), /finite/);
});

test('keepHighestScoring removes the lowest scores, ties by index, and keeps unit order', () => {
  const scores = [0.3, 0.01, 0.2, 0.01, 0.5, 0.0];
  assert.deepEqual(keepHighestScoring(scores, 0.5), [0, 2, 4]);
  assert.deepEqual(keepHighestScoring(scores, 0.25), [0, 2, 3, 4]); // round(1.5) = 2: 5, then 1
  assert.deepEqual(keepHighestScoring(scores, 0), [0, 1, 2, 3, 4, 5]);
  assert.throws(() => keepHighestScoring(scores, 1), /\[0, 1\)/);
  assert.throws(() => keepHighestScoring([0, NaN], 0.5), /score 1 is NaN/);
});
