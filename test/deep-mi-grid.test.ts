// One network of Deep-MI's grid on a tiny synthetic image set: every signal is finite, the same
// seed gives the same numbers, nothing leaks, the regularisers and the label noise change the run,
// and a plane run records every measured layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepMi, tf, useBackend } from 'milab';
import { bandedImages } from './image-fixtures';

function data(): deepMi.ImageData {
  return {
    dataset: 'fashion-mnist',
    train: bandedImages(200, 1),
    heldOut: bandedImages(50, 2),
    test: bandedImages(100, 3),
    classes: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    shape: [28, 28, 1],
  };
}

const config: deepMi.GridConfig = {
  ...deepMi.CONFIGS.smoke.grid,
  signalRows: 120,
  kdeRows: 60,
  epochs: 2,
  batchSize: 32,
  maxStepsPerEpoch: 4,
};

test('the grid networks have the protocol shapes', () => {
  const shapes: Array<[deepMi.NetType, number]> = [
    ['FCN-3', 784 * 128 + 128 + 2 * (128 * 128 + 128) + 128 * 10 + 10],
    ['FCN-12', 784 * 128 + 128 + 11 * (128 * 128 + 128) + 128 * 10 + 10],
    ['CNN-1', 32 * 9 + 32 + 13 * 13 * 32 * 128 + 128 + 1290],
    ['CNN-2', 32 * 9 + 32 + 64 * 32 * 9 + 64 + 5 * 5 * 64 * 128 + 128 + 1290],
  ];
  for (const [type, count] of shapes) {
    const m = deepMi.gridModel(type, 'dropout', [28, 28, 1], 10, 0);
    assert.equal(m.parameterCount, count, type);
    assert.ok(m.activationNames.includes('softmax'));
    m.dispose();
  }
  assert.throws(
    () => deepMi.gridModel('FCN-x' as deepMi.NetType, 'none', [28, 28, 1], 10, 0),
    /net type/,
  );
});

test('a grid cell: finite signals, deterministic, no tensor left behind', async () => {
  await useBackend({ quiet: true });
  const d = data();
  try {
    const before = tf.memory().numTensors;
    const cell = {
      type: 'FCN-3' as const,
      optimizer: 'adam' as const,
      regularizer: 'l2' as const,
      noise: 0,
      seed: 4,
    };
    const a = await deepMi.runGridCell(d, config, cell);
    assert.equal(tf.memory().numTensors, before);
    const b = await deepMi.runGridCell(d, config, cell);
    assert.deepEqual(a.signals, b.signals);
    assert.equal(a.testAccuracy, b.testAccuracy);
    for (const [k, v] of Object.entries(a.signals)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
    assert.ok(a.signals.trainMi >= 0 && a.signals.trainMi <= Math.log(10) + 1e-9);
    assert.equal(a.steps, config.epochs * config.maxStepsPerEpoch!);
    // Another regulariser, another network; wrong labels change what the signals see.
    const none = await deepMi.runGridCell(d, config, { ...cell, regularizer: 'none' });
    assert.notEqual(none.signals.trainLoss, a.signals.trainLoss);
    const noisy = await deepMi.runGridCell(d, config, { ...cell, noise: 0.5 });
    assert.notEqual(noisy.signals.trainAccuracy, a.signals.trainAccuracy);
    const cnn = await deepMi.runGridCell(d, config, {
      ...cell,
      type: 'CNN-1',
      regularizer: 'dropout',
    });
    assert.ok(Number.isFinite(cnn.signals.hiddenKdeMi));
    assert.equal(tf.memory().numTensors, before);
    await assert.rejects(deepMi.runGridCell(d, config, { ...cell, noise: 1 }), /noise must be in/);
  } finally {
    deepMi.disposeImageData(d);
  }
});

test('a plane run measures every layer at every chosen epoch, with both estimators', async () => {
  await useBackend({ quiet: true });
  const d = data();
  try {
    const before = tf.memory().numTensors;
    const planes: deepMi.PlaneConfig = {
      ...deepMi.CONFIGS.smoke.planes,
      evalRows: 80,
      kdeRows: 40,
      epochs: 2,
      measureAt: [0, 1],
      maxStepsPerEpoch: 2,
      batchSize: 32,
    };
    for (const activation of ['tanh', 'relu'] as const) {
      const run = await deepMi.runPlane(d, planes, activation, 'sgd', 1);
      assert.equal(run.layers.length, planes.hidden.length + 1);
      assert.equal(run.entries.length, 2 * run.layers.length * 2);
      assert.ok(run.entries.every((e) => e.ixt !== null && e.ixt <= Math.log(80) + 1e-9));
      assert.equal(run.accuracy.length, 2);
    }
    assert.equal(tf.memory().numTensors, before);
  } finally {
    deepMi.disposeImageData(d);
  }
});
