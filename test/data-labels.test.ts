import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, classCountTable, classCounts } from 'milab';

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
