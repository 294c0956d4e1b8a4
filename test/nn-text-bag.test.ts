// textBag: the masked mean pool ignores padding, the FC head's layers are named L1..Lk, it trains
// on a separable toy task, and network surgery works on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MilabInputError,
  PAD_ID,
  Rng,
  pruneDenseUnits,
  textBag,
  tf,
  trainClassifier,
  useBackend,
} from 'milab';

test.before(async () => {
  await useBackend({ quiet: true });
});

const padded = (tokens: number[], length: number, where: 'pre' | 'post') => {
  const pads = new Array(length - tokens.length).fill(PAD_ID);
  return where === 'post' ? [...tokens, ...pads] : [...pads, ...tokens];
};

test('named activations L1..Lk, and the pool is the mean over the real tokens only', () => {
  const options = { vocabularySize: 30, embeddingDim: 5, hidden: [6, 4, 3], seed: 2 };
  const short = textBag({ ...options, sequenceLength: 8 });
  const long = textBag({ ...options, sequenceLength: 12 });
  assert.deepEqual(short.activationNames, [
    'embedding',
    'pool',
    'L1',
    'L2',
    'L3',
    'logits',
    'softmax',
  ]);
  assert.equal(short.penultimate, 'L3');
  const tokens = [5, 6, 7];
  const ids = (length: number, where: 'pre' | 'post') =>
    tf.tensor2d([padded(tokens, length, where)], [1, length], 'int32');
  const before = tf.memory().numTensors;
  const pool = (model: typeof short, length: number, where: 'pre' | 'post') =>
    tf.tidy(() => (model.forward(ids(length, where)).pool.arraySync() as number[][])[0]);
  const reference = pool(short, 8, 'post');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  assert.deepEqual(pool(short, 8, 'pre'), reference, 'where the pads are does not matter');
  assert.deepEqual(pool(long, 12, 'post'), reference, 'how many pads there are does not matter');
  const table = short.model.getWeights()[0].arraySync() as number[][];
  const mean = table[0].map((_, c) => tokens.reduce((s, t) => s + table[t][c], 0) / 3);
  reference.forEach((v, c) => assert.ok(Math.abs(v - mean[c]) < 1e-6, `channel ${c}`));
  const allPad = tf.tidy(() => short.forward(tf.zeros([1, 8], 'int32')).pool.arraySync());
  assert.deepEqual(allPad, [[0, 0, 0, 0, 0]]);
  short.dispose();
  long.dispose();
});

test('textBag trains on a separable toy task, with dropout, and can be pruned', async () => {
  // Tokens 2..9 mean class 0, 10..17 class 1; texts of 2..10 tokens, padded to 12.
  const rng = new Rng(4);
  const n = 256;
  const rows: number[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    const tokens = Array.from({ length: 2 + rng.int(9) }, () => 2 + 8 * labels[i] + rng.int(8));
    rows.push(...padded(tokens, 12, 'post'));
  }
  const data = { x: tf.tensor2d(rows, [n, 12], 'int32'), y: tf.tensor1d(labels, 'int32') };
  for (const dropoutKind of ['dropout', 'spatial1d'] as const) {
    const model = textBag({
      vocabularySize: 20,
      sequenceLength: 12,
      embeddingDim: 8,
      hidden: [16, 8],
      dropout: 0.2,
      dropoutKind,
      seed: 1,
    });
    const names = dropoutKind === 'dropout' ? ['dropout1', 'dropout2'] : ['embeddingDropout'];
    for (const name of names) assert.ok(model.activationNames.includes(name), name);
    const history = await trainClassifier(model, data, {
      epochs: 6,
      batchSize: 32,
      learningRate: 0.01,
      seed: 0,
      validation: data,
    });
    const [firstEpoch, last] = [history.epochs[0], history.epochs[5]];
    assert.ok(last.loss < firstEpoch.loss, `loss ${firstEpoch.loss} -> ${last.loss}`);
    assert.ok(last.validationAccuracy! > 0.9, `accuracy ${last.validationAccuracy}`);
    const pruned = pruneDenseUnits(model, 'L1', [0, 1, 2, 3, 4, 5, 6, 7]);
    const same = tf.tidy(() => {
      const a = model.forward(data.x).embedding;
      const b = pruned.forward(data.x).embedding;
      return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    });
    assert.equal(same, 0, 'the copied embedding is the trained one');
    pruned.dispose();
    model.dispose();
  }
  tf.dispose([data.x, data.y]);
});

test('bad textBag options are input errors', () => {
  assert.throws(
    () => textBag({ vocabularySize: 10, sequenceLength: 5, hidden: [0] }),
    /hidden widths must be positive integers/,
  );
  assert.throws(
    () => textBag({ vocabularySize: 1, sequenceLength: 5, hidden: [3] }),
    MilabInputError,
  );
});
