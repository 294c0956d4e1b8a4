// Model builders: named activations with the documented shapes, seeded initial weights, clear
// errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MilabInputError,
  Rng,
  lenet5,
  mlpClassifier,
  smallCnn,
  cnnClassifier,
  textCnn,
  textGru,
  tf,
  useBackend,
} from 'milab';

test.before(async () => {
  await useBackend({ quiet: true });
});

function shapes(activations: Record<string, tf.Tensor>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(activations).map(([k, v]) => [k, v.shape]));
}

test('lenet5 returns every named activation with LeNet-5 shapes', () => {
  const model = lenet5({ seed: 1 });
  const before = tf.memory().numTensors;
  const got = tf.tidy(() => shapes(model.forward(tf.zeros([2, 28, 28, 1]))));
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(got, {
    conv1: [2, 24, 24, 20],
    maxpool1: [2, 12, 12, 20],
    conv2: [2, 8, 8, 50],
    maxpool2: [2, 4, 4, 50],
    flatten: [2, 800],
    relu3: [2, 500],
    logits: [2, 10],
    softmax: [2, 10],
  });
  assert.equal(model.penultimate, 'relu3');
  assert.equal(model.parameterCount, 20 * 26 + 50 * 501 + 800 * 500 + 500 + 5010);
  model.dispose();
});

test('flat rows are reshaped to the model input; softmax rows sum to 1', () => {
  const model = smallCnn({ seed: 2, dropout: 0.5 });
  const x = tf.tensor2d(new Rng(3).normals(3 * 784), [3, 784]);
  const p = model.predict(x);
  const sums = tf.sum(p, 1).arraySync() as number[];
  for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5);
  assert.deepEqual(model.activationNames, [
    'conv1',
    'maxpool1',
    'conv2',
    'maxpool2',
    'flatten',
    'relu3',
    'dropout3',
    'logits',
    'softmax',
  ]);
  assert.equal(model.penultimate, 'relu3');
  tf.dispose([x, p]);
  model.dispose();
});

test('the same seed gives the same initial weights, another seed others', () => {
  const weights = (seed: number) => {
    const m = mlpClassifier({ inputShape: 6, hidden: [5], seed });
    const values = m.trainableVariables.map((v) => Array.from(v.dataSync()));
    m.dispose();
    return values;
  };
  assert.deepEqual(weights(7), weights(7));
  assert.notDeepEqual(weights(7)[0], weights(8)[0]);
});

test('dropout is active only in training, and reproducible from the step seed', () => {
  const model = mlpClassifier({ inputShape: 20, hidden: [64], dropout: 0.5, seed: 4 });
  const x = tf.ones([4, 20]);
  const run = (training: boolean, seed: number) =>
    tf.tidy(() => Array.from(model.forward(x, { training, seed }).dropout1.dataSync()));
  assert.deepEqual(
    run(false, 1),
    tf.tidy(() => Array.from(model.forward(x).hidden1.dataSync())),
  );
  assert.deepEqual(run(true, 1), run(true, 1));
  assert.notDeepEqual(run(true, 1), run(true, 2));
  const dropped = run(true, 1).filter((v, i) => v === 0 && run(false, 1)[i] !== 0).length;
  assert.ok(dropped > 40 && dropped < 220, `about half of 256 units dropped, got ${dropped}`);
  x.dispose();
  model.dispose();
});

test('text models: embedding + Conv1D and embedding + GRU', () => {
  const ids = tf.tensor2d(
    Int32Array.from({ length: 2 * 30 }, (_, i) => i % 50),
    [2, 30],
    'int32',
  );
  const cnn = textCnn({
    vocabularySize: 50,
    sequenceLength: 30,
    filters: 8,
    kernelSize: 3,
    hidden: 6,
    seed: 1,
  });
  assert.deepEqual(
    tf.tidy(() => shapes(cnn.forward(ids))),
    {
      embedding: [2, 30, 64],
      conv: [2, 28, 8],
      pool: [2, 8],
      hidden: [2, 6],
      logits: [2, 2],
      softmax: [2, 2],
    },
  );
  const gru = textGru({
    vocabularySize: 50,
    sequenceLength: 30,
    units: 12,
    embeddingDim: 4,
    classes: 3,
    seed: 1,
  });
  assert.deepEqual(
    tf.tidy(() => shapes(gru.forward(ids))),
    { embedding: [2, 30, 4], gru: [2, 12], logits: [2, 3], softmax: [2, 3] },
  );
  // The recurrent kernel [12, 36] starts with orthonormal rows.
  const recurrent = gru.model.getWeights().find((w) => w.shape[0] === 12 && w.shape[1] === 36)!;
  const gram = tf.tidy(
    () => tf.matMul(recurrent, recurrent, false, true).arraySync() as number[][],
  );
  gram.forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - (i === j ? 1 : 0)) < 1e-4)),
  );
  tf.dispose(ids);
  cnn.dispose();
  gru.dispose();
});

test('bad builder arguments and inputs are one-line input errors', () => {
  assert.throws(() => mlpClassifier({ inputShape: 4, hidden: [0] }), MilabInputError);
  assert.throws(
    () => lenet5({ inputShape: [28, 28] }),
    /inputShape must be \[height, width, channels\]/,
  );
  assert.throws(() => smallCnn({ classes: 1 }), /classes must be an integer >= 2/);
  assert.throws(() => textGru({ vocabularySize: 1, sequenceLength: 5 }), /vocabularySize/);
  const model = mlpClassifier({ inputShape: 4, hidden: [3] });
  assert.throws(() => tf.tidy(() => model.forward(tf.zeros([2, 5]))), /expects \[4\]/);
  model.dispose();
});

test('cnnClassifier: any number of conv blocks, named activations, one-line shape errors', async () => {
  await useBackend({ quiet: true });
  const one = cnnClassifier({ convs: [8], dense: [16], seed: 1 });
  const two = cnnClassifier({ convs: [8, 16], seed: 1 });
  const x = tf.randomNormal([3, 28, 28, 1]);
  const before = tf.memory().numTensors;
  const a = one.forward(x);
  assert.deepEqual(a.conv1.shape, [3, 26, 26, 8]);
  assert.deepEqual(a.maxpool1.shape, [3, 13, 13, 8]);
  assert.deepEqual(a.hidden1.shape, [3, 16]);
  assert.equal(one.penultimate, 'hidden1');
  const b = two.forward(x);
  assert.deepEqual(b.maxpool2.shape, [3, 5, 5, 16]);
  assert.deepEqual(b.logits.shape, [3, 10]);
  tf.dispose([...Object.values(a), ...Object.values(b)]);
  assert.equal(tf.memory().numTensors, before);
  // The same seed, the same weights.
  const again = cnnClassifier({ convs: [8], dense: [16], seed: 1 });
  const w1 = one.model.getWeights()[0].dataSync();
  const w2 = again.model.getWeights()[0].dataSync();
  assert.deepEqual(Array.from(w1), Array.from(w2));
  assert.throws(() => cnnClassifier({ convs: [4, 4, 4, 4] }), /leave nothing of a 28x28 image/);
  assert.throws(() => cnnClassifier({ convs: [] }), MilabInputError);
  [one, two, again].forEach((m) => m.dispose());
  x.dispose();
});
