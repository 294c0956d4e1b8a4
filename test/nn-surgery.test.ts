// Network surgery: a pruned network computes what the original does with the removed units
// silenced, re-initialised units leave every other unit's output exactly as it was, and the
// results train like any classifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MilabInputError,
  Rng,
  SubsetDropout,
  UnitMask,
  cloneClassifier,
  insertLayerAfter,
  lenet5,
  mlpClassifier,
  pruneDenseUnits,
  reinitDenseUnits,
  textCnn,
  textGru,
  tf,
  trainClassifier,
  useBackend,
} from 'milab';
import type { Classifier } from 'milab';

test.before(async () => {
  await useBackend({ quiet: true });
});

const net = () => mlpClassifier({ inputShape: 6, hidden: [8, 7], dropout: 0.2, seed: 3 });
const input = () => tf.tensor2d(new Rng(1).normals(10 * 6), [10, 6]);

function values(model: Classifier, x: tf.Tensor, name: string): number[][] {
  return tf.tidy(() => model.forward(x)[name].arraySync() as number[][]);
}

function assertClose(a: number[][], b: number[][], tol: number, what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= tol, `${what}[${i}][${j}]`)),
  );
}

test('a clone computes the same values with weights of its own', () => {
  const model = net();
  const x = input();
  const before = tf.memory().numTensors;
  const copy = cloneClassifier(model);
  assert.deepEqual(copy.activationNames, model.activationNames);
  assert.equal(copy.penultimate, model.penultimate);
  assert.deepEqual(values(copy, x, 'logits'), values(model, x, 'logits'));
  const seeded = (m: Classifier) =>
    tf.tidy(() => m.forward(x, { training: true, seed: 4 }).dropout1.arraySync());
  assert.deepEqual(seeded(copy), seeded(model), 'the same dropout masks for one step seed');
  tf.tidy(() => copy.trainableVariables[0].assign(tf.zerosLike(copy.trainableVariables[0])));
  assert.notDeepEqual(values(copy, x, 'hidden1'), values(model, x, 'hidden1'));
  copy.dispose();
  assert.equal(tf.memory().numTensors, before, 'surgery leaves no tensors behind');
  x.dispose();
  model.dispose();
});

test('convolutional and recurrent classifiers clone too', () => {
  const ids = tf.tensor2d(
    Int32Array.from({ length: 2 * 12 }, (_, i) => (i * 7) % 30),
    [2, 12],
    'int32',
  );
  const text = { vocabularySize: 30, sequenceLength: 12, embeddingDim: 4, seed: 1 };
  const image = tf.tensor4d(new Rng(2).normals(2 * 28 * 28), [2, 28, 28, 1]);
  for (const [model, x] of [
    [textCnn({ ...text, filters: 3, kernelSize: 3, hidden: 4 }), ids],
    [textGru({ ...text, units: 5 }), ids],
    [lenet5({ seed: 1 }), image],
  ] as const) {
    const copy = cloneClassifier(model);
    assert.deepEqual(values(copy, x, 'logits'), values(model, x, 'logits'), model.name);
    copy.dispose();
    model.dispose();
  }
  tf.dispose([ids, image]);
});

test('pruning equals silencing the removed units, for a middle and a last hidden layer', () => {
  const model = net();
  const x = input();
  const cases = [
    { layer: 'hidden1', keep: [0, 2, 3, 5, 7], width: 8, fanIn: 6, fanOut: 7 },
    { layer: 'hidden2', keep: [1, 6], width: 7, fanIn: 8, fanOut: 10 },
  ];
  for (const { layer, keep, width, fanIn, fanOut } of cases) {
    const mask = Array.from({ length: width }, (_, u) => (keep.includes(u) ? 1 : 0));
    const silenced = insertLayerAfter(model, layer, { name: 'mask', layer: new UnitMask(mask) });
    const pruned = pruneDenseUnits(model, layer, [...keep].reverse());
    assert.deepEqual(pruned.activationNames, model.activationNames);
    assertClose(values(pruned, x, 'logits'), values(silenced, x, 'logits'), 1e-5, 'logits');
    // The kept units, in their order, with their own values.
    const full = values(model, x, layer);
    assert.deepEqual(
      values(pruned, x, layer),
      full.map((row) => keep.map((u) => row[u])),
    );
    const removed = (width - keep.length) * (fanIn + 1 + fanOut);
    assert.equal(pruned.parameterCount, model.parameterCount - removed);
    silenced.dispose();
    pruned.dispose();
  }
  x.dispose();
  model.dispose();
});

test('pruning keeps unit masks and subset dropout in step with the kept units', () => {
  const model = insertLayerAfter(net(), 'hidden1', {
    name: 'subset',
    layer: new SubsetDropout([1, 2, 6], 0.5, 9),
  });
  const pruned = pruneDenseUnits(model, 'hidden1', [0, 2, 6, 7]);
  const subset = pruned.layers.find((l) => l.name === 'subset')!.layer as SubsetDropout;
  assert.deepEqual(subset.units, [1, 2], 'units 2 and 6 are now 1 and 2; unit 1 is gone');
  pruned.dispose();
  model.dispose();
});

test('re-initialised units change; every other unit computes exactly what it did', () => {
  const model = net();
  const x = input();
  const units = [1, 4];
  const fresh = reinitDenseUnits(model, 'hidden1', units, 7);
  const before = values(model, x, 'hidden1');
  const after = values(fresh, x, 'hidden1');
  for (let u = 0; u < 8; u++) {
    const column = (rows: number[][]) => rows.map((r) => r[u]);
    if (units.includes(u)) assert.notDeepEqual(column(after), column(before), `unit ${u}`);
    else assert.deepEqual(column(after), column(before), `unit ${u} untouched`);
  }
  const weights = (m: Classifier) => m.trainableVariables.map((v) => v.arraySync());
  const [k1, b1, k2] = weights(fresh);
  const [k1o, , k2o] = weights(model);
  assert.deepEqual(
    (b1 as number[]).filter((_, u) => units.includes(u)),
    [0, 0],
    'biases 0',
  );
  assert.deepEqual(k2, k2o, 'outgoing rows kept by default');
  const limit = Math.sqrt(6 / (6 + 8));
  // The draws, pinned: Glorot-uniform from Rng(seed).fork('reinit'), unit by unit, row by row
  // (stored runs depend on this order).
  const rng = new Rng(7).fork('reinit');
  for (const u of units)
    for (let r = 0; r < 6; r++)
      assert.equal((k1 as number[][])[r][u], Math.fround((2 * rng.uniform() - 1) * limit));
  assert.notDeepEqual(k1, k1o);
  assert.deepEqual(weights(reinitDenseUnits(model, 'hidden1', units, 7)), weights(fresh));
  // With outgoing rows zeroed, the output is the pruned network's.
  const zeroed = reinitDenseUnits(model, 'hidden1', units, 7, { outgoing: 'zero' });
  const pruned = pruneDenseUnits(model, 'hidden1', [0, 2, 3, 5, 6, 7]);
  assertClose(values(zeroed, x, 'logits'), values(pruned, x, 'logits'), 1e-5, 'logits');
  const normal = reinitDenseUnits(model, 'hidden1', units, 7, { init: 'normal', normalSd: 0.01 });
  const kn = normal.trainableVariables[0].arraySync() as number[][];
  assert.ok(
    kn.every((row) => units.every((u) => Math.abs(row[u]) < 0.05)),
    'N(0, 0.01^2)',
  );
  tf.dispose(x);
  for (const m of [model, fresh, zeroed, pruned, normal]) m.dispose();
});

test('a pruned network trains like any classifier', async () => {
  const model = net();
  const pruned = pruneDenseUnits(model, 'hidden2', [0, 3, 4]);
  const rng = new Rng(2);
  const xs = rng.normals(64 * 6);
  const ys = Int32Array.from({ length: 64 }, (_, i) => (xs[i * 6] > 0 ? 1 : 0));
  const data = { x: tf.tensor2d(xs, [64, 6]), y: tf.tensor1d(ys, 'int32') };
  const history = await trainClassifier(pruned, data, { epochs: 8, batchSize: 16, seed: 1 });
  assert.ok(history.epochs[7].loss < history.epochs[0].loss, 'the loss decreases');
  tf.dispose([data.x, data.y]);
  pruned.dispose();
  model.dispose();
});

test('bad surgery is a one-line input error', () => {
  const model = net();
  assert.throws(() => pruneDenseUnits(model, 'hidden9', [0]), /no layer named 'hidden9'/);
  assert.throws(() => pruneDenseUnits(model, 'dropout1', [0]), /not a dense layer/);
  assert.throws(() => pruneDenseUnits(model, 'logits', [0, 1]), /are the classes/);
  assert.throws(() => pruneDenseUnits(model, 'hidden1', []), /keep at least one unit/);
  assert.throws(() => pruneDenseUnits(model, 'hidden1', [8]), /unit 8 is not an index/);
  assert.throws(() => reinitDenseUnits(model, 'hidden1', [1, 1], 0), /must not repeat/);
  assert.throws(
    () => reinitDenseUnits(model, 'hidden1', [1], 0, { outgoing: 'drop' as 'zero' }),
    MilabInputError,
  );
  model.dispose();
});
