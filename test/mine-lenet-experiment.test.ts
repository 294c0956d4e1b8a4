// One seed of the paper's information-plane experiment (mineLenet.runInformationPlane, built on the
// recorder) end to end on a tiny classifier and synthetic images: the record's structure (accuracy
// per epoch, references per noise level, runs per estimator, the Table 2 study), determinism under
// a seed, config errors, and no tensor left behind. ~10 s.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, Rng, mineLenet, mlpClassifier, tf, useBackend } from 'milab';

const { planeArchitecture, runInformationPlane } = mineLenet;
type PlaneData = mineLenet.PlaneData;
type PlaneExperimentConfig = mineLenet.PlaneExperimentConfig;
type PlaneRecord = mineLenet.PlaneRecord;

before(async () => {
  await useBackend({ quiet: true });
});

/** 8x8 images whose label is which quadrant is brightest (learnable in a few steps). */
function images(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D; labels: number[] } {
  const rng = new Rng(seed);
  const pixels = new Float32Array(n * 64);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = rng.int(4);
    labels.push(label);
    for (let p = 0; p < 64; p++) {
      const quadrant = (Math.floor(p / 32) << 1) | (p % 8 >= 4 ? 1 : 0);
      pixels[i * 64 + p] = 0.3 * rng.uniform() + (quadrant === label ? 0.7 : 0);
    }
  }
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat() as tf.Tensor2D);
  return { x: tf.tensor4d(pixels, [n, 8, 8, 1]), y, labels };
}

const measure = { epochs: 2, minEpochs: 1, patience: 1, batchSize: 20, learningRate: 1e-3 };
const config: PlaneExperimentConfig = {
  seed: 5,
  epochs: 2,
  measureAt: [1],
  layers: ['hidden1', 'softmax'],
  batchSize: 20,
  optimizer: { name: 'adam', learningRate: 1e-2 },
  noiseSigma: 0.3,
  kdeRows: 60,
  estimators: [
    { name: 'MINE', spec: planeArchitecture(8, 0.3), bound: 'mine', warmStart: false, measure },
    {
      name: 'SMILE at 0.5',
      spec: planeArchitecture(8, 0.5),
      bound: 'smile',
      warmStart: false,
      measure,
      layers: ['softmax'],
      variables: ['Y'],
    },
  ],
  study: { at: [1], noiseSigma: 0.3, measure, layers: ['softmax'] },
};

async function once(): Promise<PlaneRecord> {
  const train = images(200, 1);
  const test = images(80, 2);
  const data: PlaneData = {
    train: { x: train.x, y: train.y },
    test: { x: test.x, y: test.y },
    evaluation: { x: test.x, labels: test.labels },
  };
  const model = mlpClassifier({ inputShape: [8, 8, 1], hidden: [6], classes: 4, seed: 3 });
  try {
    return await runInformationPlane(model, data, config);
  } finally {
    model.dispose();
    tf.dispose([train.x, train.y, test.x, test.y]);
  }
}

test('a run records accuracy per epoch, references per noise level, every configured run, and the study', async () => {
  const before = tf.memory().numTensors;
  const record = await once();
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  assert.equal(record.accuracy.length, 2);
  assert.ok(
    record.accuracy[1] > 0.5,
    `the classifier should learn the quadrants, accuracy ${record.accuracy[1]}`,
  );
  // References at the main noise for both layers, and at 0.5 where the SMILE run needs them.
  assert.deepEqual(record.references.map((r) => `${r.layer}@${r.noiseSigma}`).sort(), [
    'hidden1@0.3',
    'softmax@0.3',
    'softmax@0.5',
  ]);
  for (const r of record.references) {
    assert.ok(r.kdeLower <= r.kdeUpper + 1e-9 && r.kdeUpper <= r.logN + 1e-9);
    assert.equal(r.kdeRows, 60);
    assert.ok(Math.abs(r.channelCeiling - 1 / (2 * r.noiseSigma ** 2)) < 1e-12);
  }
  assert.deepEqual(
    record.runs.map((r) => `${r.name}:${r.variable}:${r.layer}`),
    [
      'MINE:X:hidden1',
      'MINE:Y:hidden1',
      'MINE:X:softmax',
      'MINE:Y:softmax',
      'SMILE at 0.5:Y:softmax',
    ],
  );
  for (const r of record.runs)
    assert.ok(r.curve.length >= 1 && r.curve.length <= 2 && r.epoch === 1);
  assert.deepEqual(
    record.study.map((r) => `${r.variable}${r.name}`),
    ['X1', 'X1(2)', 'X1(3)', 'X2', 'X3', 'X3(2)', 'Y1', 'Y1(3)'],
  );
  assert.ok(JSON.parse(JSON.stringify(record)), 'the record is plain JSON');
});

test('the same seed gives the same record', async () => {
  const strip = (r: PlaneRecord) =>
    JSON.stringify({
      ...r,
      seconds: 0,
      runs: r.runs.map((x) => ({ ...x, seconds: 0 })),
      study: r.study.map((x) => ({ ...x, seconds: 0 })),
    });
  assert.equal(strip(await once()), strip(await once()));
});

test('config errors are one-line input errors', async () => {
  const model = mlpClassifier({ inputShape: [4], hidden: [3], classes: 2, seed: 1 });
  const x = tf.zeros([10, 4]);
  const y = tf.tidy(() => tf.oneHot(tf.zeros([10], 'int32'), 2).toFloat());
  const data: PlaneData = {
    train: { x, y },
    test: { x, y },
    evaluation: { x, labels: Array(10).fill(0) },
  };
  const base = { ...config, layers: ['hidden1'], study: undefined };
  await assert.rejects(
    runInformationPlane(model, data, { ...base, layers: ['conv9'] }),
    /has no activation 'conv9'/,
  );
  await assert.rejects(
    runInformationPlane(model, data, { ...base, measureAt: [2] }),
    /epoch 2 is outside 0..1/,
  );
  await assert.rejects(
    runInformationPlane(model, data, { ...base, noiseSigma: 0 }),
    MilabInputError,
  );
  await assert.rejects(
    runInformationPlane(model, data, {
      ...base,
      estimators: [config.estimators[0], config.estimators[0]],
    }),
    /must be unique/,
  );
  model.dispose();
  tf.dispose([x, y]);
});
