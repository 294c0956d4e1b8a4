// Regularizer tools on fixed data: held-out neural estimates of the layer terms, and the
// Bayes-by-backprop layer whose KL to the prior bounds the information its weights store.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  Rng,
  estimateLayerInformation,
  BayesLastLayer,
  trainBayesLastLayer,
} from 'milab';

before(async () => {
  await useBackend({ quiet: true });
});

/** Units that depend on the class and on a shared factor (ReLU, like a hidden layer). */
function synthetic(
  n: number,
  d: number,
  classes: number,
  seed: number,
): { rows: number[][]; labels: number[] } {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const z = rng.normal();
    labels.push(c);
    rows.push(
      Array.from({ length: d }, (_, j) =>
        Math.max(0, (c % (j + 2)) * 0.8 + 0.7 * z + rng.normal()),
      ),
    );
  }
  return { rows, labels };
}

test('neural estimates of the layer terms on fixed features (quick run)', async () => {
  // The raw layer: the terms standardise each batch and add their own noise.
  const { rows: f, labels } = synthetic(1200, 4, 4, 9);
  const before = tf.memory().numTensors;
  const est = await estimateLayerInformation(f, labels, 4, {
    steps: 60,
    seeds: [0, 1],
    batchSize: 128,
    critic: { hidden: [32] },
  });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  for (const name of ['tc', 'conditionalTc', 'unitLabelMi', 'labelMi'] as const) {
    assert.equal(est[name]!.values.length, 2);
    assert.ok(est[name]!.values.every(Number.isFinite), name);
    assert.equal(est[name]!.n, 2, 'mean ± sd over both seeds');
  }
  // I(Y;h) <= H(Y) = log 4 and the classifier bound must be clearly positive here.
  assert.ok(
    est.labelMi!.mean > 0.1 && est.labelMi!.mean < Math.log(4) + 0.05,
    `I(Y;h) ${est.labelMi!.mean}`,
  );
});

test('Bayes last layer: closed-form KL, training lowers the loss, no leaks', async () => {
  const lifecycleStart = tf.memory().numTensors;
  const kernel = tf.tensor2d([
    [0.5, -0.5],
    [0.2, 0.1],
  ]);
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
  const feats = tf.tensor2d(
    Array.from(labels, (y) => [y === 0 ? 1 : 0, y === 1 ? 1 : 0, rng.normal()]),
  );
  const init = { kernel: tf.zeros([3, 3]) as tf.Tensor2D, bias: tf.zeros([3]) as tf.Tensor1D };
  const bayes = new BayesLastLayer(3, 3, init);
  const before = tf.memory().numTensors;
  const curve = await trainBayesLastLayer(bayes, feats, labels, {
    epochs: 4,
    batchSize: 50,
    learningRate: 0.05,
    seed: 2,
  });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  assert.ok(
    curve[3].crossEntropy < curve[0].crossEntropy * 0.7,
    `CE ${curve.map((p) => p.crossEntropy)}`,
  );
  assert.ok(curve.every((p) => p.klPerExample > 0 && Number.isFinite(p.klPerExample)));
  const acc = tf.tidy(
    () =>
      tf
        .mean(
          tf.cast(
            tf.equal(tf.argMax(bayes.meanLogits(feats), 1), tf.tensor1d(labels, 'int32')),
            'float32',
          ),
        )
        .dataSync()[0],
  );
  assert.ok(acc > 0.6, `accuracy ${acc}`);
  assert.throws(() => new BayesLastLayer(3, 2, init), /expected \[3,2\]/);
  await assert.rejects(
    trainBayesLastLayer(bayes, feats, labels.slice(1)),
    /400 rows but there are 399 labels/,
  );
  tf.dispose([feats, kernel, bias, init.kernel, init.bias]);
  bayes.dispose();
  assert.equal(
    tf.memory().numTensors,
    lifecycleStart,
    'construction and disposal leave nothing behind',
  );
});
