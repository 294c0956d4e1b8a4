// Weight penalties: the value is l2 * sum w^2 + l1 * sum |w| over the kernels only, and training
// with an L2 penalty ends with smaller kernels than without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MilabInputError,
  Rng,
  kernelVariables,
  mlpClassifier,
  tf,
  trainClassifier,
  useBackend,
  weightPenalty,
} from 'milab';

test('weightPenalty: the kernels only, L2 and L1 as stated; it shrinks the kernels in training', async () => {
  await useBackend({ quiet: true });
  const model = mlpClassifier({ inputShape: 4, hidden: [3], classes: 2, seed: 1 });
  const kernels = kernelVariables(model);
  assert.deepEqual(
    kernels.map((k) => k.shape),
    [
      [4, 3],
      [3, 2],
    ],
  );
  let squares = 0;
  let absolutes = 0;
  for (const k of kernels) {
    for (const w of await k.data()) {
      squares += w * w;
      absolutes += Math.abs(w);
    }
  }
  const penalty = weightPenalty(model, { l2: 0.1, l1: 0.01 });
  const value = penalty();
  assert.ok(Math.abs((await value.data())[0] - (0.1 * squares + 0.01 * absolutes)) < 1e-5);
  value.dispose();

  const rng = new Rng(2);
  const x = tf.tensor2d(
    Float32Array.from({ length: 256 * 4 }, () => rng.normal()),
    [256, 4],
  );
  const y = tf.tensor1d(
    Int32Array.from({ length: 256 }, (_, i) => i % 2),
    'int32',
  );
  const norm = async (m: typeof model) =>
    (await Promise.all(kernelVariables(m).map((k) => k.data())))
      .flatMap((v) => Array.from(v))
      .reduce((s, w) => s + w * w, 0);
  const plain = mlpClassifier({ inputShape: 4, hidden: [3], classes: 2, seed: 1 });
  const decayed = mlpClassifier({ inputShape: 4, hidden: [3], classes: 2, seed: 1 });
  const settings = { epochs: 5, batchSize: 32, seed: 3, learningRate: 0.05 };
  const before = tf.memory().numTensors;
  await trainClassifier(plain, { x, y }, settings);
  await trainClassifier(
    decayed,
    { x, y },
    {
      ...settings,
      extraLoss: weightPenalty(decayed, { l2: 0.05 }),
      capExtraGradient: false,
    },
  );
  assert.equal(tf.memory().numTensors, before);
  assert.ok((await norm(decayed)) < (await norm(plain)));
  assert.throws(() => weightPenalty(model, {}), MilabInputError);
  assert.throws(() => weightPenalty(model, { l2: -1 }), MilabInputError);
  [model, plain, decayed].forEach((m) => m.dispose());
  tf.dispose([x, y]);
});
