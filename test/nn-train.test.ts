// The training loop: it learns, it is reproducible, it keeps the tensor count flat, its extra-loss
// gradient cap works, and wasm trains like the cpu reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ClassifierTrainer,
  MilabInputError,
  NeuralTrainingError,
  Rng,
  collectActivations,
  evaluateAccuracy,
  evaluateClassifier,
  mlpClassifier,
  smallCnn,
  textCnn,
  textGru,
  tf,
  trainClassifier,
  useBackend,
} from 'milab';

test.before(async () => {
  await useBackend({ quiet: true });
});

/** Three Gaussian blobs in 8-D (well separated): a problem any working loop solves. */
function blobs(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 8);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(3);
    for (let j = 0; j < 8; j++) x[i * 8 + j] = rng.normal() + (j === y[i] ? 4 : 0);
  }
  return { x: tf.tensor2d(x, [n, 8]), y: tf.tensor1d(y, 'int32') };
}

test('trainClassifier learns, reports per epoch, and leaves no tensor behind', async () => {
  const data = blobs(600, 1);
  const validation = blobs(300, 2);
  const model = mlpClassifier({ inputShape: 8, hidden: [16], classes: 3, seed: 3 });
  const before = tf.memory().numTensors;
  const epochs: number[] = [];
  let progressCalls = 0;
  const history = await trainClassifier(model, data, {
    epochs: 4,
    batchSize: 32,
    seed: 4,
    validation,
    learningRate: 1e-2,
    onEpochEnd: (e) => {
      epochs.push(e.epoch);
    },
    onProgress: (p) => {
      progressCalls++;
      assert.ok(p.step <= p.total);
    },
  });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(epochs, [1, 2, 3, 4]);
  assert.equal(history.steps, 4 * 18);
  assert.equal(progressCalls, history.steps);
  assert.ok(history.epochs[3].loss < history.epochs[0].loss);
  assert.ok(
    history.epochs[3].validationAccuracy! > 0.95,
    `validation accuracy ${history.epochs[3].validationAccuracy}`,
  );
  assert.ok(
    Math.abs((await evaluateAccuracy(model, validation)) - history.epochs[3].validationAccuracy!) <
      1e-9,
  );
  assert.equal(
    await evaluateAccuracy(model, validation),
    await evaluateAccuracy(model, validation),
  );
  tf.dispose([data.x, data.y, validation.x, validation.y]);
  model.dispose();
});

test('the same seed reproduces the run exactly (shuffles and dropout masks)', async () => {
  const data = blobs(200, 5);
  const run = async () => {
    const model = mlpClassifier({ inputShape: 8, hidden: [12], dropout: 0.3, classes: 3, seed: 6 });
    const h = await trainClassifier(model, data, { epochs: 2, batchSize: 16, seed: 7 });
    model.dispose();
    return h.epochs.map((e) => e.loss);
  };
  assert.deepEqual(await run(), await run());
  tf.dispose([data.x, data.y]);
});

for (const [what, extra] of [
  ['plain', {}],
  [
    'with a capped extra loss measured every 3 steps',
    {
      extraLoss: (a: Record<string, tf.Tensor>) => tf.mean(tf.square(a.logits)) as tf.Scalar,
      capEvery: 3,
    },
  ],
] as const)
  test(`a trainer step keeps the tensor count flat over many steps (${what})`, () => {
    const model = smallCnn({ inputShape: [10, 10, 1], seed: 1, dropout: 0.2 });
    const trainer = new ClassifierTrainer(model, { seed: 2, ...extra });
    const x = tf.randomNormal([8, 10, 10, 1], 0, 1, 'float32', 3);
    const y = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
    const counts: number[] = [];
    for (let i = 0; i < 60; i++) {
      const r = trainer.step(x, y);
      tf.dispose([r.loss, r.correct, r.extra ?? []]);
      if (i >= 5) counts.push(tf.memory().numTensors);
    }
    assert.equal(Math.max(...counts), Math.min(...counts), 'tensor count changed between steps');
    trainer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

test('extraLoss: the capped gradient steers without swamping the task; uncapped it swamps', async () => {
  const data = blobs(600, 8);
  // A huge penalty pulling every hidden unit to zero: its raw gradient dwarfs the task's.
  const extraLoss = (a: Record<string, tf.Tensor>) =>
    tf.mul(1e4, tf.mean(tf.square(a.hidden1))) as tf.Scalar;
  const accuracy = async (capExtraGradient: boolean, capEvery?: number) => {
    const model = mlpClassifier({ inputShape: 8, hidden: [16], classes: 3, seed: 9 });
    const h = await trainClassifier(model, data, {
      epochs: 3,
      batchSize: 32,
      seed: 10,
      learningRate: 1e-2,
      extraLoss,
      capExtraGradient,
      capEvery,
    });
    const acc = await evaluateAccuracy(model, data);
    assert.ok(h.epochs[2].extraLoss! >= 0);
    model.dispose();
    return acc;
  };
  const capped = await accuracy(true);
  const cappedEvery5 = await accuracy(true, 5);
  const uncapped = await accuracy(false);
  assert.ok(capped > 0.9, `capped accuracy ${capped}`);
  assert.ok(cappedEvery5 > 0.9, `capped (scale measured every 5 steps) accuracy ${cappedEvery5}`);
  assert.ok(uncapped < capped - 0.2, `uncapped accuracy ${uncapped} vs capped ${capped}`);
  await assert.rejects(accuracy(true, 0), /capEvery must be a positive integer, got 0/);
  tf.dispose([data.x, data.y]);
});

test('a spike of the extra gradient between cap measurements is clipped like a capped step', () => {
  // With capEvery > 1 the scale is stale between measurements; a MINE gradient can spike there.
  const data = blobs(64, 4);
  const model = mlpClassifier({ inputShape: 8, hidden: [16], classes: 3, seed: 5 });
  const optimizer = tf.train.sgd(0.01); // plain SGD: the weight change is the applied gradient
  let step = 0;
  const spikeAt = 4; // step 0 measures the scale, steps 1-9 reuse it
  const extraLoss = (a: Record<string, tf.Tensor>) =>
    tf.mul(step === spikeAt ? 1e6 : 1e-3, tf.mean(tf.square(a.hidden1))) as tf.Scalar;
  const trainer = new ClassifierTrainer(model, { optimizer, seed: 6, extraLoss, capEvery: 10 });
  const moves: number[] = [];
  for (; step < 8; step++) {
    const before = model.trainableVariables.map((v) => v.clone());
    const r = trainer.step(data.x, data.y);
    moves.push(
      tf.tidy(() =>
        Math.sqrt(
          tf
            .addN(model.trainableVariables.map((v, i) => tf.sum(tf.square(tf.sub(v, before[i])))))
            .dataSync()[0],
        ),
      ),
    );
    tf.dispose([r.loss, r.correct, r.extra ?? [], before]);
  }
  const ordinary = Math.max(...moves.filter((_, i) => i !== spikeAt));
  assert.ok(
    moves[spikeAt] < 3 * ordinary,
    `the spike moved the weights by ${moves[spikeAt]}, ordinary steps by at most ${ordinary}`,
  );
  trainer.dispose();
  optimizer.dispose();
  model.dispose();
  tf.dispose([data.x, data.y]);
});

test('afterStep sees the activations and labels of each step', async () => {
  const data = blobs(64, 11);
  const model = mlpClassifier({ inputShape: 8, hidden: [5], classes: 3, seed: 12 });
  const seen: number[][] = [];
  await trainClassifier(model, data, {
    epochs: 1,
    batchSize: 16,
    seed: 13,
    afterStep: ({ activations, labels, labelIds, step }) => {
      seen.push([step, ...activations[model.penultimate].shape, labels.shape[0]]);
      assert.deepEqual(
        labelIds,
        Int32Array.from(labels.dataSync()),
        'labelIds are the batch labels',
      );
    },
  });
  assert.deepEqual(
    seen,
    [1, 2, 3, 4].map((s) => [s, 16, 5, 16]),
  );
  const acts = collectActivations(model, data.x, ['hidden1', 'softmax'], { batchSize: 24 });
  assert.deepEqual(acts.hidden1.shape, [64, 5]);
  assert.deepEqual(acts.softmax.shape, [64, 3]);
  tf.dispose([...Object.values(acts), data.x, data.y]);
  model.dispose();
});

test('bad data is a one-line input error', async () => {
  const model = mlpClassifier({ inputShape: 8, hidden: [4], classes: 3 });
  const x = tf.zeros([10, 8]);
  const opts = { epochs: 1, batchSize: 4 };
  await assert.rejects(
    trainClassifier(model, { x, y: tf.zeros([9], 'int32') }, opts),
    /10 rows but data.y has 9/,
  );
  await assert.rejects(
    trainClassifier(model, { x, y: tf.fill([10], 3, 'int32') }, opts),
    /class ids must be integers in \[0, 3\)/,
  );
  await assert.rejects(
    trainClassifier(model, { x, y: tf.zeros([10], 'int32') }, { epochs: 1, batchSize: 11 }),
    MilabInputError,
  );
  await assert.rejects(
    trainClassifier(model, { x: tf.zeros([10, 7]), y: tf.zeros([10], 'int32') }, opts),
    /expects \[8\]/,
  );
  model.dispose();
});

test('a diverging run stops at the epoch end with one line, leaving no tensor behind', async () => {
  const data = blobs(64, 5);
  const model = mlpClassifier({ inputShape: 8, hidden: [4], classes: 3, seed: 1 });
  const before = tf.memory().numTensors;
  const epochs: number[] = [];
  let calls = 0;
  await assert.rejects(
    trainClassifier(model, data, {
      epochs: 3,
      batchSize: 16,
      // 0 for the first epoch's four steps, NaN from the fifth on (and the weights with it)
      extraLoss: (a) => tf.mul(++calls > 4 ? NaN : 0, tf.sum(a[model.penultimate]!)) as tf.Scalar,
      onEpochEnd: (e) => void epochs.push(e.epoch),
    }),
    (err: Error) =>
      err instanceof NeuralTrainingError &&
      /^trainClassifier: training diverged at epoch 2 \(mean loss NaN, extra loss NaN\); lower the/.test(
        err.message,
      ),
  );
  assert.deepEqual(epochs, [1]);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
  tf.dispose([data.x, data.y]);
});

test('wasm and the cpu reference train a CNN and two text models (Conv1D, GRU) to the same losses', async () => {
  const rng = new Rng(14);
  const images = {
    x: tf.tensor4d(rng.normals(32 * 144), [32, 12, 12, 1]),
    y: tf.tensor1d(
      Int32Array.from({ length: 32 }, () => rng.int(10)),
      'int32',
    ),
  };
  const texts = {
    x: tf.tensor2d(
      Int32Array.from({ length: 32 * 12 }, () => rng.int(40)),
      [32, 12],
      'int32',
    ),
    y: tf.tensor1d(
      Int32Array.from({ length: 32 }, () => rng.int(2)),
      'int32',
    ),
  };
  const losses = async (backend: 'wasm' | 'cpu') => {
    await tf.setBackend(backend);
    const copy = (d: { x: tf.Tensor; y: tf.Tensor }) => ({
      x: tf.tensor(d.x.dataSync(), d.x.shape, d.x.dtype),
      y: tf.tensor(d.y.dataSync(), d.y.shape, d.y.dtype),
    });
    const [img, txt] = [copy(images), copy(texts)];
    const cnn = smallCnn({ inputShape: [12, 12, 1], seed: 15 });
    const text = textCnn({
      vocabularySize: 40,
      sequenceLength: 12,
      filters: 6,
      kernelSize: 3,
      hidden: 5,
      embeddingDim: 8,
      seed: 16,
    });
    const a = await trainClassifier(cnn, img, { epochs: 1, batchSize: 8, seed: 17 });
    const b = await trainClassifier(text, txt, { epochs: 2, batchSize: 8, seed: 18 });
    const gru = textGru({
      vocabularySize: 40,
      sequenceLength: 12,
      units: 6,
      embeddingDim: 5,
      seed: 19,
    });
    const c = await trainClassifier(gru, txt, { epochs: 1, batchSize: 8, seed: 20 });
    cnn.dispose();
    text.dispose();
    gru.dispose();
    tf.dispose([img.x, img.y, txt.x, txt.y]);
    return [...a.epochs, ...b.epochs, ...c.epochs].map((e) => e.loss);
  };
  const onWasm = await losses('wasm');
  const onCpu = await losses('cpu');
  await tf.setBackend('wasm');
  onWasm.forEach((l, i) =>
    assert.ok(
      Math.abs(l - onCpu[i]) < 1e-4 * Math.max(1, Math.abs(onCpu[i])),
      `epoch loss ${i}: wasm ${l} cpu ${onCpu[i]}`,
    ),
  );
  tf.dispose([images.x, images.y, texts.x, texts.y]);
});

test('restoreBest ends on the best-validation epoch; evaluateClassifier gives accuracy and loss', async () => {
  const data = blobs(300, 11);
  const validation = blobs(200, 12);
  const model = mlpClassifier({ inputShape: 8, hidden: [16], classes: 3, seed: 13 });
  const before = tf.memory().numTensors;
  const accuracyAfterEpoch: number[] = [];
  const history = await trainClassifier(model, data, {
    epochs: 5,
    batchSize: 32,
    seed: 14,
    validation,
    learningRate: 0.05, // large on purpose: validation accuracy moves up and down
    restoreBest: true,
    onEpochEnd: async () => {
      accuracyAfterEpoch.push(await evaluateAccuracy(model, validation));
    },
  });
  assert.equal(tf.memory().numTensors, before);
  const valAccuracies = history.epochs.map((e) => e.validationAccuracy!);
  const best = Math.max(...valAccuracies);
  assert.equal(history.bestEpoch, valAccuracies.indexOf(best) + 1);
  assert.ok(valAccuracies[4] < best, 'the last epoch must not be the best, or nothing is restored');
  const { accuracy, loss } = await evaluateClassifier(model, validation);
  assert.equal(accuracy, best);
  assert.equal(accuracy, accuracyAfterEpoch[history.bestEpoch! - 1]);
  // The loss is the mean cross-entropy of the softmax outputs.
  const probs = model.predict(validation.x);
  const picked = tf.tidy(() =>
    tf.mean(tf.neg(tf.log(tf.sum(tf.mul(probs, tf.oneHot(validation.y, 3)), 1)))),
  );
  assert.ok(Math.abs(loss - (await picked.data())[0]) < 1e-4);
  tf.dispose([probs, picked]);
  await assert.rejects(
    trainClassifier(model, data, { epochs: 1, batchSize: 32, restoreBest: true }),
    (err: Error) =>
      err instanceof MilabInputError && /restoreBest needs validation/.test(err.message),
  );
  model.dispose();
  tf.dispose([data.x, data.y, validation.x, validation.y]);
});
