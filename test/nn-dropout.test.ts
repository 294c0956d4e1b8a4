// The seeded dropout family and the unit masks: statistics against their closed forms, the same
// step seed giving the same masks, identity at inference, and the builders' dropoutKind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MilabInputError,
  Rng,
  StepAlphaDropout,
  StepGaussianDropout,
  StepSpatialDropout1D,
  SubsetDropout,
  UnitMask,
  mlpClassifier,
  textCnn,
  tf,
  useBackend,
} from 'milab';
import { ALPHA_PRIME } from 'milab/internal';

test.before(async () => {
  await useBackend({ quiet: true });
});

type Seeded = { attach(source: { stepSeed(): number }): void; apply: tf.layers.Layer['apply'] };

/** The layer's output for `x` in training mode with the given step seed, as a flat array. */
function draw(layer: Seeded, x: tf.Tensor, seed: number, training = true): Float32Array {
  layer.attach({ stepSeed: () => seed });
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => (layer.apply(x, { training }) as tf.Tensor).dataSync() as Float32Array);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  return out;
}

function meanVar(v: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i];
  m /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return [m, s / (v.length - 1)];
}

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('alpha dropout keeps mean 0 and variance 1, with the Keras affine map', () => {
  const p = 0.3;
  const a = 1 / Math.sqrt((1 - p) * (1 + p * ALPHA_PRIME ** 2));
  const b = -a * ALPHA_PRIME * p;
  const xs = new Rng(1).normals(400 * 500);
  const x = tf.tensor2d(xs, [400, 500]);
  const layer = new StepAlphaDropout(p, 11);
  const out = draw(layer, x, 5);
  const [mean, variance] = meanVar(out);
  close(mean, 0, 0.01, 'mean');
  close(variance, 1, 0.02, 'variance');
  // Each value is either the kept input mapped by a*x + b or the dropped value a*alpha' + b.
  let dropped = 0;
  for (let i = 0; i < out.length; i++) {
    if (Math.abs(out[i] - (a * ALPHA_PRIME + b)) < 1e-5) dropped++;
    else close(out[i], a * xs[i] + b, 1e-5, `kept value ${i}`);
  }
  close(dropped / out.length, p, 0.01, 'dropped fraction');
  assert.deepEqual(draw(layer, x, 5), out, 'same step seed, same mask');
  assert.notDeepEqual(draw(layer, x, 6), out, 'another step seed, another mask');
  assert.deepEqual(draw(layer, x, 5, false), Float32Array.from(xs), 'identity at inference');
  x.dispose();
});

test('Gaussian dropout multiplies by N(1, p / (1 - p))', () => {
  const p = 0.3;
  const x = tf.fill([400, 500], 2);
  const layer = new StepGaussianDropout(p, 12);
  const out = draw(layer, x, 3).map((v) => v / 2);
  const [mean, variance] = meanVar(out);
  close(mean, 1, 0.005, 'mean');
  close(variance, p / (1 - p), 0.01, 'variance');
  assert.deepEqual(draw(layer, x, 3), draw(layer, x, 3));
  assert.deepEqual(Array.from(draw(layer, x, 3, false)), new Array(400 * 500).fill(2));
  x.dispose();
});

test('spatial dropout draws one mask per example and channel, constant over time', () => {
  const [n, t, c] = [40, 7, 25];
  const p = 0.4;
  const x = tf.ones([n, t, c]);
  const layer = new StepSpatialDropout1D(p, 13);
  const out = draw(layer, x, 9);
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      const v = out[i * t * c + k];
      assert.ok(v === 0 || Math.abs(v - 1 / (1 - p)) < 1e-6, `kept values are scaled: ${v}`);
      if (v === 0) dropped++;
      for (let s = 1; s < t; s++) assert.equal(out[(i * t + s) * c + k], v, 'same over time');
    }
  }
  close(dropped / (n * c), p, 0.06, 'dropped fraction');
  assert.deepEqual(draw(layer, x, 9), out);
  assert.notDeepEqual(draw(layer, x, 10), out);
  const flat = tf.ones([2, 3]);
  assert.throws(() => draw(layer, flat, 1), /\[batch, time, channels\]/);
  tf.dispose([x, flat]);
});

test('UnitMask silences the given units in training and at inference', () => {
  const x = tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const mask = new UnitMask([1, 0, true]);
  assert.deepEqual(mask.kept, [0, 2]);
  for (const training of [true, false]) {
    const out = tf.tidy(() => (mask.apply(x, { training }) as tf.Tensor).arraySync());
    assert.deepEqual(out, [
      [1, 0, 3],
      [4, 0, 6],
    ]);
  }
  assert.throws(() => new UnitMask([1, 0.5]), MilabInputError);
  assert.throws(() => tf.tidy(() => new UnitMask([1, 0]).apply(x) as tf.Tensor), /covers 2 units/);
  x.dispose();
});

test('SubsetDropout drops only its units, with probability p, scaled to keep the mean', () => {
  const [n, k] = [2000, 6];
  const x = tf.ones([n, k]);
  const layer = new SubsetDropout([1, 4], 0.5, 14);
  const out = draw(layer, x, 2);
  const zeros = [0, 0];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const v = out[i * k + j];
      if (j === 1 || j === 4) {
        assert.ok(v === 0 || v === 2, `a subset unit is 0 or 1 / (1 - p): ${v}`);
        if (v === 0) zeros[j === 1 ? 0 : 1]++;
      } else assert.equal(v, 1, 'units outside the subset pass through');
    }
  }
  for (const z of zeros) close(z / n, 0.5, 0.05, 'dropped fraction');
  assert.deepEqual(draw(layer, x, 2), out);
  assert.notDeepEqual(draw(layer, x, 3), out);
  assert.ok(
    draw(layer, x, 2, false).every((v) => v === 1),
    'identity at inference',
  );
  assert.throws(() => draw(new SubsetDropout([6], 0.5, 1), x, 1), /unit 6 is outside/);
  assert.throws(() => new SubsetDropout([1, 1], 0.5, 1), /must not repeat/);
  assert.throws(() => new SubsetDropout([1], 1, 1), /rate must be in \[0, 1\)/);
  x.dispose();
});

test('the builders take dropoutKind; the classifier seeds every kind', () => {
  const mlp = mlpClassifier({ inputShape: 5, hidden: [300], dropout: 0.3, dropoutKind: 'alpha' });
  assert.ok(mlp.layers.some((l) => l.name === 'dropout1' && l.layer instanceof StepAlphaDropout));
  const x = tf.ones([3, 5]);
  const run = (seed: number) =>
    tf.tidy(() => Array.from(mlp.forward(x, { training: true, seed }).dropout1.dataSync()));
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
  assert.throws(
    () => mlpClassifier({ inputShape: 5, hidden: [3], dropout: 0.3, dropoutKind: 'spatial1d' }),
    /needs a sequence/,
  );
  assert.throws(
    () => mlpClassifier({ inputShape: 5, hidden: [3], dropout: 0.3, dropoutKind: 'x' as 'alpha' }),
    /dropoutKind must be one of/,
  );
  const cnn = textCnn({
    vocabularySize: 20,
    sequenceLength: 9,
    embeddingDim: 6,
    filters: 4,
    kernelSize: 3,
    hidden: 5,
    dropout: 0.5,
    dropoutKind: 'spatial1d',
  });
  assert.deepEqual(cnn.activationNames, [
    'embedding',
    'embeddingDropout',
    'conv',
    'pool',
    'hidden',
    'logits',
    'softmax',
  ]);
  const ids = tf.tensor2d(
    Int32Array.from({ length: 18 }, (_, i) => i % 20),
    [2, 9],
    'int32',
  );
  const seq = tf.tidy(
    () =>
      cnn.forward(ids, { training: true, seed: 4 }).embeddingDropout.arraySync() as number[][][],
  );
  for (const row of seq) {
    for (let c = 0; c < 6; c++) {
      const dropped = row[0][c] === 0;
      for (const step of row) assert.equal(step[c] === 0, dropped, 'a channel drops whole');
    }
  }
  tf.dispose([x, ids]);
  mlp.dispose();
  cnn.dispose();
});
