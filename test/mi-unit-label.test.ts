// Per-unit label MI: a dead unit scores 0, a unit equal to the label scores H(Y), independent noise
// scores about 0, by both estimators; the same seed gives the same numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, Rng, matrix, tf, unitLabelMi, useBackend } from 'milab';

test.before(async () => {
  await useBackend({ quiet: true });
});

/** [n, 4] units: dead (all 0), the label itself, noise, a ReLU of label + noise; and the labels. */
function layer(n: number, classes: number, seed: number) {
  const rng = new Rng(seed);
  const labels = Float64Array.from({ length: n }, (_, i) => i % classes);
  const data = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    data[i * 4 + 1] = labels[i];
    data[i * 4 + 2] = rng.normal();
    data[i * 4 + 3] = Math.max(0, labels[i] + 0.5 * rng.normal());
  }
  return { acts: matrix(data, n, 4), labels };
}

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

for (const estimator of ['knn-label', 'binning'] as const) {
  test(`${estimator}: dead unit 0, unit = label H(Y), noise about 0`, () => {
    for (const classes of [2, 3]) {
      const { acts, labels } = layer(2000, classes, 1);
      const mi = unitLabelMi(acts, labels, { estimator, seed: 0 });
      assert.equal(mi.length, 4);
      assert.equal(mi[0], 0, 'a constant unit carries nothing');
      close(mi[1], Math.log(classes), 0.02, `unit = label, ${classes} classes`);
      close(mi[2], 0, 0.03, 'independent noise');
      assert.ok(mi[3] > 0.1 && mi[3] < Math.log(classes), `a noisy ReLU unit: ${mi[3]}`);
    }
  });
}

test('binning is the plug-in H(a) - H(a|Y) on equal-width bins', () => {
  // a = 0, 0, 1, 1 with Y = 0, 0, 0, 1: H(a) = ln 2, H(a|Y) = 3/4 H(2/3, 1/3).
  const h = (ps: number[]) => -ps.reduce((s, p) => s + p * Math.log(p), 0);
  const expected = h([0.5, 0.5]) - 0.75 * h([2 / 3, 1 / 3]);
  const mi = unitLabelMi([0, 0, 1, 1], [0, 0, 0, 1], { estimator: 'binning', bins: 2 });
  close(mi[0], expected, 1e-12, 'plug-in');
});

test('the same seed gives the same numbers; a row subset uses that many rows', () => {
  const { acts, labels } = layer(3000, 2, 2);
  const a = unitLabelMi(acts, labels, { rows: 1000, seed: 5 });
  assert.deepEqual(unitLabelMi(acts, labels, { rows: 1000, seed: 5 }), a);
  assert.notDeepEqual(unitLabelMi(acts, labels, { rows: 1000, seed: 6 }), a);
  close(a[1], Math.log(2), 0.02, 'unit = label on the subset');
});

test('tensors are read like matrices, without leaks', () => {
  const { acts, labels } = layer(500, 2, 3);
  const before = tf.memory().numTensors;
  const x = tf.tensor2d(Float32Array.from(acts.data), [500, 4]);
  const y = tf.tensor1d(Int32Array.from(labels), 'int32');
  const fromTensors = unitLabelMi(x, y, { estimator: 'binning' });
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(fromTensors, unitLabelMi(acts, labels, { estimator: 'binning' }));
});

test('bad input is a one-line input error', () => {
  const { acts, labels } = layer(20, 2, 4);
  assert.throws(() => unitLabelMi(acts, labels.subarray(1)), /20 rows but there are 19 labels/);
  assert.throws(() => unitLabelMi(acts, labels, { estimator: 'ksg' as 'binning' }), /estimator/);
  assert.throws(() => unitLabelMi(acts, labels, { bins: 1 }), /bins must be an integer >= 2/);
  assert.throws(() => unitLabelMi(acts, labels, { rows: 1 }), /rows must be an integer >= 2/);
  assert.throws(() => unitLabelMi(acts, new Float64Array(20).fill(0.5)), MilabInputError);
});
