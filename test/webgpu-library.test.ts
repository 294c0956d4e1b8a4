// The library's own training and estimation paths on webgpu, where nothing can be read back
// synchronously: a MINE estimate, a few epochs of trainClassifier (with validation and an MI
// penalty whose critics need the batch labels), and tensor inputs to the estimators. Each runs on
// webgpu and on wasm from the same seed and must agree. Without a GPU, webgpu is Dawn's software
// adapter, so every run here is kept to a few steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LayerMiRegularizer,
  MilabInputError,
  Rng,
  bayesMlp,
  disposeSnapshot,
  encodeWeights,
  estimate,
  layerReferences,
  miDropout,
  mine,
  mixtureKl,
  mlpClassifier,
  posteriorKl,
  reinitDenseUnits,
  snapshotPosterior,
  tf,
  trainClassifier,
  useBackend,
  type BackendName,
  type TrainHistory,
} from 'milab';
import { toMatrix, toMatrixAsync } from 'milab/internal';
import { webgpuAvailable } from './webgpu-support';

/** x ~ N(0, I_2), y = x + noise: I(X;Y) = log(1 + 1/0.25) ~ 1.61 nats. */
function correlated(n: number): { x: number[][]; y: number[][] } {
  const rng = new Rng(5);
  const x = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
  return { x, y: x.map((row) => row.map((v) => v + 0.5 * rng.normal())) };
}

async function mineOn(backend: BackendName): Promise<{ mi: number; curve: number[] }> {
  await useBackend({ backend, quiet: true });
  const before = tf.memory().numTensors;
  const { x, y } = correlated(256);
  const r = await mine(x, y, {
    seed: 3,
    maxSteps: 40,
    evalEvery: 10,
    earlyStopping: false,
    hidden: [32],
    batchSize: 64,
    learningRate: 1e-3,
  });
  assert.equal(tf.memory().numTensors, before, `tensors leaked on ${backend}`);
  return { mi: r.mi, curve: r.curve.map((p) => p.heldOut) };
}

test('mine() estimates on webgpu as on wasm', async (ctx) => {
  if (!(await webgpuAvailable(ctx))) return;
  const started = performance.now();
  const gpu = await mineOn('webgpu');
  const gpuSeconds = (performance.now() - started) / 1000;
  const wasm = await mineOn('wasm');
  ctx.diagnostic(
    `mine, 40 steps: webgpu ${gpuSeconds.toFixed(2)} s; mi webgpu ${gpu.mi.toFixed(4)}, wasm ${wasm.mi.toFixed(4)}`,
  );
  assert.ok(Number.isFinite(gpu.mi) && gpu.mi > 0.1, `webgpu mi ${gpu.mi}`);
  assert.equal(gpu.curve.length, wasm.curve.length);
  gpu.curve.forEach((v, i) =>
    assert.ok(
      Math.abs(v - wasm.curve[i]!) < 1e-3,
      `held-out point ${i}: webgpu ${v} vs wasm ${wasm.curve[i]}`,
    ),
  );
});

/** Four Gaussian blobs in 6 dimensions, labelled by blob. */
function blobs(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  const values = new Float32Array(n * 6);
  labels.forEach((c, i) => {
    for (let d = 0; d < 6; d++) values[i * 6 + d] = (d % 4 === c ? 2 : 0) + rng.normal();
  });
  return { x: tf.tensor2d(values, [n, 6]), y: tf.tensor1d(labels, 'int32') };
}

/**
 * Two epochs of 4 steps with validation and a three-term layer penalty (TC, TC(h|Y), sum_i
 * I(Y;h_i)).
 */
async function classifierOn(
  backend: BackendName,
): Promise<{ history: TrainHistory; terms: number[] }> {
  await useBackend({ backend, quiet: true });
  const before = tf.memory().numTensors;
  const train = blobs(64, 1);
  const validation = blobs(32, 2);
  const model = mlpClassifier({ inputShape: 6, hidden: [8], classes: 4, seed: 4 });
  const signs = { tc: 1, conditionalTc: -1, unitLabelMi: -1 } as const;
  const penalty = new LayerMiRegularizer(signs, 8, 4, { seed: 6, critic: { hidden: [8] } });
  const terms: number[] = [];
  try {
    const history = await trainClassifier(model, train, {
      epochs: 2,
      batchSize: 16,
      seed: 7,
      maxStepsPerEpoch: 4,
      validation,
      learningRate: 1e-2,
      extraLoss: (a, labels, labelIds) =>
        tf.mul(
          0.1,
          penalty.estimate(a[model.penultimate] as tf.Tensor2D, labelIds ?? labels),
        ) as tf.Scalar,
      afterStep: ({ activations, labelIds }) =>
        penalty.updateCritic(activations[model.penultimate] as tf.Tensor2D, labelIds),
      onEpochEnd: async () => void terms.push(...Object.values(await penalty.takeEstimates())),
    });
    return { history, terms };
  } finally {
    penalty.dispose();
    model.dispose();
    tf.dispose([train.x, train.y, validation.x, validation.y]);
    assert.equal(tf.memory().numTensors, before, `tensors leaked on ${backend}`);
  }
}

test('trainClassifier with validation and an MI penalty trains on webgpu as on wasm', async (ctx) => {
  if (!(await webgpuAvailable(ctx))) return;
  const started = performance.now();
  const gpu = await classifierOn('webgpu');
  const gpuSeconds = (performance.now() - started) / 1000;
  const wasm = await classifierOn('wasm');
  ctx.diagnostic(`trainClassifier, 8 steps: webgpu ${gpuSeconds.toFixed(2)} s`);
  const close = (a: number, b: number, what: string) =>
    assert.ok(
      Number.isFinite(a) && Math.abs(a - b) <= 1e-3 * (1 + Math.abs(b)),
      `${what}: webgpu ${a} vs wasm ${b}`,
    );
  assert.equal(gpu.history.steps, 8);
  gpu.history.epochs.forEach((e, i) => {
    const w = wasm.history.epochs[i]!;
    close(e.loss, w.loss, `epoch ${e.epoch} loss`);
    close(e.extraLoss!, w.extraLoss!, `epoch ${e.epoch} penalty`);
    close(e.trainAccuracy, w.trainAccuracy, `epoch ${e.epoch} train accuracy`);
    close(e.validationAccuracy!, w.validationAccuracy!, `epoch ${e.epoch} validation accuracy`);
  });
  assert.equal(gpu.terms.length, 6);
  gpu.terms.forEach((v, i) => close(v, wasm.terms[i]!, `term estimate ${i}`));
});

test('tensor inputs: estimators read them asynchronously; a synchronous read is a one-line error', async (ctx) => {
  if (!(await webgpuAvailable(ctx))) return;
  await useBackend({ backend: 'webgpu', quiet: true });
  const { x, y } = correlated(600);
  const tx = tf.tensor2d(x);
  const ty = tf.tensor2d(y);
  try {
    // Tensors computed on the device (above TF.js's 1000-value CPU hand-off), so their values
    // exist only in GPU memory.
    const gx = tf.mul(tx, 1);
    const gy = tf.mul(ty, 1);
    try {
      assert.throws(
        () => gx.dataSync(),
        /cannot read WebGPU memory/,
        'the test tensor is in GPU memory',
      );
      assert.throws(
        () => toMatrix(gx, 'x'),
        (err: Error) =>
          err instanceof MilabInputError &&
          !err.message.includes('\n') &&
          /toMatrixAsync/.test(err.message),
      );
      const m = await toMatrixAsync(gx, 'x');
      assert.deepEqual([m.rows, m.cols], [600, 2]);
      const fromTensors = await estimate('gaussian', gx, gy);
      const fromArrays = await estimate('gaussian', x, y);
      assert.ok(
        Math.abs(fromTensors.mi - fromArrays.mi) < 1e-5,
        `${fromTensors.mi} vs ${fromArrays.mi}`,
      );
    } finally {
      tf.dispose([gx, gy]);
    }
  } finally {
    tf.dispose([tx, ty]);
  }
});

/** The library's other reads of a tensor's values, each on `backend`: the beta-BNN priors
 * (snapshot, mixture KL by both estimators and its gradient), unit surgery (notebook 001's
 * re-initialisations), the information-plane references and weight encoding (notebook 002's
 * stored teacher). */
async function readsOn(backend: BackendName) {
  await useBackend({ backend, quiet: true });
  const before = tf.memory().numTensors;
  const bnn = (seed: number, rho: number) =>
    bayesMlp({ inputShape: 3, hidden: [4], classes: 2, seed, initialRho: rho });
  const model = bnn(1, -2);
  const others = [bnn(2, -1.5), bnn(3, -1.8)];
  const snapshots = others.map((m) => snapshotPosterior(m));
  const kls = [
    mixtureKl(model, snapshots, { estimator: 'upper' }),
    mixtureKl(model, snapshots, { estimator: 'mc', seed: 4 }),
    posteriorKl(model, snapshots[0]!),
  ];
  const { value, grads } = tf.variableGrads(() =>
    mixtureKl(model, snapshots, { estimator: 'upper' }),
  );
  const klValues = await Promise.all([...kls, value].map(async (t) => (await t.data())[0]!));
  const gradients = await Promise.all(
    Object.keys(grads)
      .sort()
      .map(async (k) => Array.from(await grads[k]!.data())),
  );
  tf.dispose([...kls, value, ...Object.values(grads)]);
  snapshots.forEach(disposeSnapshot);
  [model, ...others].forEach((m) => m.dispose());

  const mlp = mlpClassifier({ inputShape: 4, hidden: [6, 5], classes: 3, seed: 2 });
  const reinit = reinitDenseUnits(mlp, 'hidden1', [1, 3], 7, { outgoing: 'zero' });
  const scrambled = miDropout.scrambledReinit(mlp, 'hidden1', [1, 3], 7);
  const weights = await Promise.all(
    [...reinit.model.getWeights(), ...scrambled.model.getWeights()].map(async (w) =>
      Array.from(await w.data()),
    ),
  );
  const encoded = (await encodeWeights(scrambled)).map((e) => e.base64);
  [mlp, reinit, scrambled].forEach((m) => m.dispose());

  const rng = new Rng(5);
  const layer = tf.tensor2d(
    Array.from({ length: 40 * 3 }, () => rng.normal()),
    [40, 3],
  );
  const labels = Array.from({ length: 40 }, (_, i) => i % 2);
  const refs = await layerReferences(layer, layer, labels, { noiseSigma: 0.5, kdeRows: 20 });
  layer.dispose();
  assert.equal(tf.memory().numTensors, before, `tensors leaked on ${backend}`);
  return { klValues, gradients, weights, encoded, refs };
}

test('beta-BNN priors, unit surgery, layer references and weight encoding run on webgpu as on wasm', async (ctx) => {
  if (!(await webgpuAvailable(ctx))) return;
  const gpu = await readsOn('webgpu');
  const wasm = await readsOn('wasm');
  const close = (a: number, b: number, what: string, tolerance = 1e-4) =>
    assert.ok(
      Number.isFinite(a) && Math.abs(a - b) <= tolerance * (1 + Math.abs(b)),
      `${what}: webgpu ${a} vs wasm ${b}`,
    );
  assert.equal(gpu.klValues.length, 4);
  gpu.klValues.forEach((v, i) => close(v, wasm.klValues[i]!, `KL ${i}`));
  assert.ok(gpu.klValues[0]! > 0, 'the mixture KL of distinct posteriors is positive');
  assert.equal(gpu.gradients.length, 8); // two layers: kernel and bias, each a mean and a rho
  gpu.gradients.forEach((g, i) =>
    g.forEach((v, j) => close(v, wasm.gradients[i]![j]!, `gradient ${i}[${j}]`, 1e-3)),
  );
  // Surgery selects and merges values: no arithmetic, so the backends agree exactly.
  assert.deepEqual(gpu.weights, wasm.weights);
  assert.deepEqual(gpu.encoded, wasm.encoded);
  for (const key of ['kdeLower', 'kdeUpper', 'kdeIty', 'binnedIxt', 'binnedIty'] as const)
    close(gpu.refs[key], wasm.refs[key], key, 1e-5);
});
