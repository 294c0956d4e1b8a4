// The one optimiser factory: every named optimiser minimises a quadratic, bad specs are one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, OPTIMIZER_NAMES, makeOptimizer, tf, useBackend } from 'milab';

test('makeOptimizer: each optimiser lowers (w - 3)^2; bad specs are input errors', async () => {
  await useBackend({ quiet: true });
  for (const name of OPTIMIZER_NAMES) {
    const w = tf.variable(tf.scalar(0));
    const optimizer = makeOptimizer({ name, learningRate: 0.05 });
    const loss = () => tf.square(tf.sub(w, 3)) as tf.Scalar;
    const before = (await loss().data())[0];
    for (let i = 0; i < 20; i++) optimizer.minimize(loss);
    const after = tf.tidy(() => loss().dataSync()[0]);
    assert.ok(after < before, `${name}: ${before} -> ${after}`);
    optimizer.dispose();
    w.dispose();
  }
  const bad = [
    { name: 'adagrad', learningRate: 0.1 },
    { name: 'sgd', learningRate: 0 },
    { name: 'momentum', learningRate: 0.1, momentum: 1 },
  ];
  for (const spec of bad) {
    assert.throws(() => makeOptimizer(spec as never), MilabInputError, JSON.stringify(spec));
  }
});
