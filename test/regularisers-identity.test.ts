// The identity TC(h) - TC(h|Y) = sum_i I(Y;h_i) - I(Y;h), the estimators used to check it, and
// MMIM's step-2 Bayes-by-backprop last layer.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  Rng,
  MilabInputError,
  prepareFeatures,
  gaussianLayerTerms,
  knnLayerTerms,
  knnLabelMi,
  identitySides,
  identityOverParts,
  estimateLayerInformation,
  BayesLastLayer,
  trainBayesLastLayer,
} from 'milab';

before(async () => {
  await useBackend({ quiet: true });
});

/** Units that depend on the class and on a shared factor (ReLU, like a hidden layer). */
function synthetic(n: number, d: number, classes: number, seed: number): { rows: number[][]; labels: number[] } {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const z = rng.normal();
    labels.push(c);
    rows.push(Array.from({ length: d }, (_, j) => Math.max(0, (c % (j + 2)) * 0.8 + 0.7 * z + rng.normal())));
  }
  return { rows, labels };
}

test('Gaussian-entropy terms satisfy the identity to rounding error', () => {
  const { rows, labels } = synthetic(3000, 5, 4, 1);
  const f = prepareFeatures(rows, { seed: 2 });
  const terms = gaussianLayerTerms(f, labels);
  const sides = identitySides(terms);
  assert.ok(Math.abs(sides.residual) < 1e-9, `residual ${sides.residual}`);
  assert.ok(terms.tc > 0.05 && terms.labelMi > 0.05, 'the example is not trivial');
});

test('Gaussian terms of a jointly Gaussian layer match the closed form', () => {
  // y independent of h: labelMi ~ 0, TC(h|Y) ~ TC(h); two units with correlation 0.6: TC = -0.5 log(1 - 0.36)
  const rng = new Rng(3);
  const rows = Array.from({ length: 20000 }, () => {
    const a = rng.normal();
    return [a, 0.6 * a + 0.8 * rng.normal()];
  });
  const labels = rows.map((_, i) => i % 2);
  const t = gaussianLayerTerms(rows, labels);
  const truth = -0.5 * Math.log(1 - 0.36);
  assert.ok(Math.abs(t.tc - truth) < 0.02, `TC ${t.tc} vs ${truth}`);
  assert.ok(Math.abs(t.labelMi) < 0.01, `I(Y;h) ${t.labelMi}`);
});

test("Ross's k-NN label MI: log 2 for separated classes, ~0 for independent ones", () => {
  const rng = new Rng(5);
  const labels = Array.from({ length: 2000 }, (_, i) => i % 2);
  const separated = labels.map((y) => [y * 10 + rng.normal()]);
  const independent = labels.map(() => [rng.normal()]);
  assert.ok(Math.abs(knnLabelMi(separated, labels) - Math.log(2)) < 0.02, 'separated classes');
  assert.ok(Math.abs(knnLabelMi(independent, labels)) < 0.03, 'independent');
  assert.throws(() => knnLabelMi(separated, labels.slice(1)), MilabInputError);
});

test('direct k-NN estimates of the two sides agree within their spread on a few units', () => {
  const { rows, labels } = synthetic(4000, 3, 4, 7);
  const f = prepareFeatures(rows, { seed: 8 });
  const check = identityOverParts(f, labels, 4, (h, y) => knnLayerTerms(h, y));
  const spread = Math.hypot(check.lhs.sd, check.rhs.sd);
  assert.ok(Math.abs(check.lhs.mean - check.rhs.mean) < 3 * spread + 0.05, `lhs ${check.lhs.mean} rhs ${check.rhs.mean} spread ${spread}`);
  assert.equal(check.lhs.values.length, 4);
});

test('prepareFeatures drops dead units and keeps the most variable ones', () => {
  const rows = Array.from({ length: 60 }, (_, i) => [0, i % 7, (i % 3) * 5, 2, i % 2]);
  const f = prepareFeatures(rows, { units: 2, noise: 0 });
  assert.deepEqual(f.columns, [1, 2]);
  const mean = f.data.reduce((a, v) => a + v, 0) / f.data.length;
  assert.ok(Math.abs(mean) < 1e-12, 'standardised');
  assert.throws(() => prepareFeatures(rows, { units: 4 }), /only 3 of 5 units vary/);
});

test('neural estimates of the layer terms on fixed features (quick run)', async () => {
  const { rows, labels } = synthetic(1200, 4, 4, 9);
  const f = prepareFeatures(rows, { seed: 10 });
  const before = tf.memory().numTensors;
  const est = await estimateLayerInformation(f, labels, 4, { steps: 60, seeds: [0, 1], batchSize: 128, critic: { hidden: [32] } });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  for (const name of ['tc', 'conditionalTc', 'unitLabelMi', 'labelMi'] as const) {
    assert.equal(est[name]!.values.length, 2);
    assert.ok(est[name]!.values.every(Number.isFinite), name);
  }
  // I(Y;h) <= H(Y) = log 4 and the classifier bound must be clearly positive here.
  assert.ok(est.labelMi!.mean > 0.1 && est.labelMi!.mean < Math.log(4) + 0.05, `I(Y;h) ${est.labelMi!.mean}`);
});

test('Bayes last layer: closed-form KL, training lowers the loss, no leaks', async () => {
  const lifecycleStart = tf.memory().numTensors;
  const kernel = tf.tensor2d([[0.5, -0.5], [0.2, 0.1]]);
  const bias = tf.tensor1d([0, 0.1]);
  const layer = new BayesLastLayer(2, 2, { kernel, bias }, { priorSd: 1, initialSd: 0.5 });
  // sum over 6 parameters of log(1/0.5) + (0.25 + mu^2)/2 - 1/2
  const mus = [0.5, -0.5, 0.2, 0.1, 0, 0.1];
  const expected = mus.reduce((a, mu) => a + Math.log(2) + (0.25 + mu * mu) / 2 - 0.5, 0);
  const kl = layer.kl();
  assert.ok(Math.abs(kl.dataSync()[0] - expected) < 1e-4, `KL ${kl.dataSync()[0]} vs ${expected}`);
  kl.dispose();
  layer.dispose();

  const rng = new Rng(1);
  const n = 400;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const feats = tf.tensor2d(Array.from(labels, (y) => [y === 0 ? 1 : 0, y === 1 ? 1 : 0, rng.normal()]));
  const init = { kernel: tf.zeros([3, 3]) as tf.Tensor2D, bias: tf.zeros([3]) as tf.Tensor1D };
  const bayes = new BayesLastLayer(3, 3, init);
  const before = tf.memory().numTensors;
  const curve = await trainBayesLastLayer(bayes, feats, labels, { epochs: 4, batchSize: 50, learningRate: 0.05, seed: 2 });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  assert.ok(curve[3].crossEntropy < curve[0].crossEntropy * 0.7, `CE ${curve.map((p) => p.crossEntropy)}`);
  assert.ok(curve.every((p) => p.c3Bound > 0 && Number.isFinite(p.c3Bound)));
  const acc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(bayes.meanLogits(feats), 1), tf.tensor1d(labels, 'int32')), 'float32')).dataSync()[0]);
  assert.ok(acc > 0.6, `accuracy ${acc}`);
  assert.throws(() => new BayesLastLayer(3, 2, init), /expected \[3,2\]/);
  await assert.rejects(trainBayesLastLayer(bayes, feats, labels.slice(1)), /400 rows but there are 399 labels/);
  tf.dispose([feats, kernel, bias, init.kernel, init.bias]);
  bayes.dispose();
  assert.equal(tf.memory().numTensors, lifecycleStart, 'construction and disposal leave nothing behind');
});
