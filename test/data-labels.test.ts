import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, classCountTable, classCounts, corruptLabels } from 'milab';

test('classCounts counts each class id, and refuses a label outside 0..classes-1', () => {
  assert.deepEqual(classCounts([2, 0, 2, 2, 1], 4), [1, 1, 3, 0]);
  assert.deepEqual(classCounts(new Uint8Array([]), 2), [0, 0]);
  assert.throws(() => classCounts([0, 3], 3), /label 1 is 3, not a class id in 0\.\.2/);
  assert.throws(() => classCounts([0, 0.5], 3), MilabInputError);
  assert.throws(() => classCounts([0], 0), /classes must be a positive integer, got 0/);
});

test('classCountTable gives one row per class and one column per set', () => {
  assert.deepEqual(
    classCountTable({ train: [0, 1, 1], test: new Int32Array([1]) }, ['cat', 'dog']),
    [
      { class: 'cat', train: 1, test: 0 },
      { class: 'dog', train: 2, test: 1 },
    ],
  );
});

test('corruptLabels changes exactly round(rate * n) labels, each to another class, reproducibly', () => {
  const labels = Int32Array.from({ length: 1000 }, (_, i) => i % 4);
  const noisy = corruptLabels(labels, 0.2, 4, 7);
  const changed = noisy.filter((y, i) => y !== labels[i]).length;
  assert.equal(changed, 200);
  assert.ok(noisy.every((y) => y >= 0 && y < 4));
  assert.deepEqual(corruptLabels(labels, 0.2, 4, 7), noisy);
  assert.notDeepEqual(corruptLabels(labels, 0.2, 4, 8), noisy);
  assert.deepEqual(corruptLabels(labels, 0, 4, 7), labels);
  // The new classes spread over the three others (each about a third of the changed labels).
  const moved = Array.from(noisy).filter((y, i) => y !== labels[i] && labels[i] === 0);
  for (const c of [1, 2, 3]) assert.ok(moved.filter((y) => y === c).length > 5);
  assert.throws(() => corruptLabels(labels, 1.5, 4, 7), MilabInputError);
  assert.throws(() => corruptLabels([0, 5], 0.5, 4, 7), MilabInputError);
});
