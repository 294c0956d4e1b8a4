// checkAnswer: right, wrong (with the hint) and unanswered, in one line each, never throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAnswer, MilabInputError } from 'milab';

function printed(fn: () => boolean): { result: boolean; lines: string[] } {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    return { result: fn(), lines };
  } finally {
    console.log = log;
  }
}

test('checkAnswer says right, wrong or not answered in one line', () => {
  const right = printed(() => checkAnswer('ex 1', 0.6931, Math.log(2), { tolerance: 1e-3 }));
  assert.equal(right.result, true);
  assert.deepEqual(right.lines, ['✓ ex 1: 0.6931']);
  const wrong = printed(() =>
    checkAnswer('ex 1', 2, Math.log(2), { tolerance: 1e-3, hint: 'H(Y)' }),
  );
  assert.equal(wrong.result, false);
  assert.deepEqual(wrong.lines, ['✗ ex 1: 2 is not it (hint: H(Y))']);
  for (const blank of [undefined, NaN]) {
    const none = printed(() => checkAnswer('ex 1', blank, 1));
    assert.equal(none.result, false);
    assert.deepEqual(none.lines, ['ex 1: not answered yet']);
  }
  assert.throws(() => checkAnswer('ex', 1, NaN), MilabInputError);
});
