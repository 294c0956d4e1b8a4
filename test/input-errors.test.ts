// Checks of the caller's arguments outside estimate()'s validation path throw MilabInputError,
// one line (the CLI prints it as `error: ...`, tslab without a stack); a broken invariant inside
// the library stays a plain Error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapCi,
  FusedAdam,
  MilabInputError,
  MineEma,
  registerEstimator,
  Rng,
  scoresFromMatrix,
  smileBound,
  StepDropout,
  tf,
} from 'milab';

function refused(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (e: Error) => {
    assert.ok(e instanceof MilabInputError, `${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('constructor and option checks are input errors', () => {
  refused(() => new Rng(NaN), /seed must be a finite number, got NaN/);
  refused(() => new Rng(1).int(0), /Rng\.int needs n >= 1, got 0/);
  refused(() => new FusedAdam(-1), /FusedAdam: learningRate out of range, got -1/);
  refused(() => new FusedAdam(1e-3, 1), /FusedAdam: beta1 out of range, got 1/);
  refused(() => new MineEma(0), /MINE EMA rate must be in \(0, 1\], got 0/);
  refused(() => new StepDropout(1, 0), /dropout rate must be in \[0, 1\), got 1/);
  refused(
    () => registerEstimator('Not A Name', { description: 'x', estimate: async () => ({ mi: 0 }) }),
    /estimator names are lower-case words, got 'Not A Name'/,
  );
});

test('bound functions refuse scores they cannot use', () => {
  const scores = tf.zeros([3, 4]);
  refused(() => scoresFromMatrix(scores), /score matrix must be square, got \[3,4\]/);
  const square = scoresFromMatrix(tf.zeros([3, 3]));
  refused(() => smileBound(square, 0), /SMILE tau must be positive, got 0/);
  tf.dispose([scores, square.joint, square.marginal]);
});

test("a caller's estimator function that returns a non-finite MI is an input error", async () => {
  const x = Array.from({ length: 30 }, (_, i) => i);
  await assert.rejects(
    bootstrapCi(async () => ({ mi: NaN }), x, x, { resamples: 40 }),
    (e: Error) => e instanceof MilabInputError && /non-finite MI \(NaN\)/.test(e.message),
  );
});
