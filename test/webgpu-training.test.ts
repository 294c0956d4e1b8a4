// A few Adam steps of the three kinds of training the notebooks do (a classifier MLP, a small CNN,
// a MINE critic on the Donsker-Varadhan bound) on webgpu and on wasm, from the same data and
// initial weights: the losses must agree step by step. Without a GPU, webgpu is Dawn's software
// adapter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, tf, useBackend, type BackendName } from 'milab';
import { webgpuAvailable } from './webgpu-support';

interface Input {
  values: Float32Array;
  shape: number[];
}

/** Data and initial weights as plain arrays, so that every backend starts from the same numbers. */
interface Problem {
  data: Record<string, Input>;
  weights: Record<string, Input>;
  loss(data: Record<string, tf.Tensor>, weights: Record<string, tf.Variable>): tf.Scalar;
}

const STEPS = 5;

function normal(rng: Rng, shape: number[], scale = 1): Input {
  const values = rng.normals(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] *= scale;
  return { values, shape };
}

/** He-style initial weights for a layer with `fanIn` inputs. */
const weight = (rng: Rng, shape: number[], fanIn: number) =>
  normal(rng, shape, Math.sqrt(2 / fanIn));

/** One-hot labels of a fixed random linear rule, so the classifiers have something to learn. */
function labelsOf(rng: Rng, x: Input, classes: number): Input {
  const [rows, ...rest] = x.shape;
  const dims = rest.reduce((a, b) => a * b, 1);
  const rule = rng.normals(dims * classes);
  const values = new Float32Array(rows! * classes);
  for (let r = 0; r < rows!; r++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let score = 0;
      for (let d = 0; d < dims; d++) score += x.values[r * dims + d]! * rule[d * classes + c]!;
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    values[r * classes + best] = 1;
  }
  return { values, shape: [rows!, classes] };
}

function mlp(rng: Rng): Problem {
  const x = normal(rng, [64, 16]);
  return {
    data: { x, y: labelsOf(rng, x, 4) },
    weights: {
      w1: weight(rng, [16, 32], 16),
      b1: normal(rng, [32], 0.1),
      w2: weight(rng, [32, 4], 32),
      b2: normal(rng, [4], 0.1),
    },
    loss: (d, w) => {
      const hidden = tf.relu(tf.add(tf.matMul(d.x!, w.w1!), w.b1!));
      return tf.losses.softmaxCrossEntropy(
        d.y!,
        tf.add(tf.matMul(hidden, w.w2!), w.b2!),
      ) as tf.Scalar;
    },
  };
}

function cnn(rng: Rng): Problem {
  const x = normal(rng, [8, 10, 10, 1]);
  return {
    data: { x, y: labelsOf(rng, x, 3) },
    weights: {
      k: weight(rng, [3, 3, 1, 4], 9),
      bk: normal(rng, [4], 0.1),
      w: weight(rng, [100, 3], 100),
      b: normal(rng, [3], 0.1),
    },
    loss: (d, w) => {
      const conv = tf.relu(
        tf.add(tf.conv2d(d.x as tf.Tensor4D, w.k as tf.Tensor4D, 1, 'same'), w.bk!),
      ) as tf.Tensor4D;
      const features = tf.maxPool(conv, 2, 2, 'valid');
      const logits = tf.add(tf.matMul(tf.reshape(features, [8, 100]), w.w!), w.b!);
      return tf.losses.softmaxCrossEntropy(d.y!, logits) as tf.Scalar;
    },
  };
}

/** Critic T(x, y) on joint pairs and on pairs with y shuffled; loss = -(E_p[T] - log E_q[e^T]). */
function mineCritic(rng: Rng): Problem {
  const n = 128;
  const x = normal(rng, [n, 2]);
  const noise = normal(rng, [n, 2], 0.5);
  const y = { values: x.values.map((v, i) => v + noise.values[i]!), shape: [n, 2] };
  const order = rng.permutation(n);
  const shuffled = { values: new Float32Array(n * 2), shape: [n, 2] };
  order.forEach((from, to) =>
    shuffled.values.set(y.values.subarray(from * 2, from * 2 + 2), to * 2),
  );
  return {
    data: { joint: concatColumns(x, y), marginal: concatColumns(x, shuffled) },
    weights: {
      w1: weight(rng, [4, 16], 4),
      b1: normal(rng, [16], 0.1),
      w2: weight(rng, [16, 1], 16),
      b2: normal(rng, [1], 0.1),
    },
    loss: (d, w) => {
      const critic = (pairs: tf.Tensor) =>
        tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(pairs, w.w1!), w.b1!)), w.w2!), w.b2!);
      const dv = tf.sub(
        tf.mean(critic(d.joint!)),
        tf.sub(tf.logSumExp(critic(d.marginal!)), Math.log(n)),
      );
      return tf.neg(dv) as tf.Scalar;
    },
  };
}

function concatColumns(a: Input, b: Input): Input {
  const [rows, ca] = a.shape as [number, number];
  const cb = b.shape[1]!;
  const values = new Float32Array(rows * (ca + cb));
  for (let r = 0; r < rows; r++) {
    values.set(a.values.subarray(r * ca, (r + 1) * ca), r * (ca + cb));
    values.set(b.values.subarray(r * cb, (r + 1) * cb), r * (ca + cb) + ca);
  }
  return { values, shape: [rows, ca + cb] };
}

/**
 * The loss before each of STEPS Adam steps, and the time per step after the first (shader
 * compiles).
 */
async function train(
  backend: BackendName,
  problem: Problem,
): Promise<{ losses: number[]; msPerStep: number }> {
  await useBackend({ backend, quiet: true });
  const before = tf.memory().numTensors;
  const toTensors = <T extends tf.Tensor>(inputs: Record<string, Input>, make: (i: Input) => T) =>
    Object.fromEntries(Object.entries(inputs).map(([name, i]) => [name, make(i)]));
  const data = toTensors(problem.data, (i) => tf.tensor(i.values, i.shape));
  const weights = toTensors(problem.weights, (i) =>
    tf.tidy(() => tf.variable(tf.tensor(i.values, i.shape))),
  );
  const adam = tf.train.adam(0.01);
  const losses: number[] = [];
  let started = 0;
  for (let step = 0; step < STEPS; step++) {
    if (step === 1) started = performance.now();
    const loss = adam.minimize(() => problem.loss(data, weights), true, Object.values(weights))!;
    losses.push((await loss.data())[0]!);
    loss.dispose();
  }
  const msPerStep = (performance.now() - started) / (STEPS - 1);
  tf.dispose([...Object.values(data), ...Object.values(weights)]);
  adam.dispose();
  assert.equal(tf.memory().numTensors, before, `tensors leaked while training on ${backend}`);
  return { losses, msPerStep };
}

const problems: Array<[string, (rng: Rng) => Problem]> = [
  ['an MLP classifier', mlp],
  ['a small CNN (conv, relu, maxPool, dense)', cnn],
  ['a MINE critic on the Donsker-Varadhan bound', mineCritic],
];

for (const [name, make] of problems) {
  test(`webgpu and wasm train ${name} to the same losses`, async (ctx) => {
    if (!(await webgpuAvailable(ctx))) return;
    const problem = make(new Rng(7));
    const gpu = await train('webgpu', problem);
    const wasm = await train('wasm', problem);
    ctx.diagnostic(`ms/step webgpu ${gpu.msPerStep.toFixed(1)}, wasm ${wasm.msPerStep.toFixed(1)}`);
    for (let step = 0; step < STEPS; step++) {
      const [a, b] = [gpu.losses[step]!, wasm.losses[step]!];
      assert.ok(Number.isFinite(a), `webgpu loss at step ${step} is ${a}`);
      assert.ok(
        Math.abs(a - b) <= 1e-4 + 1e-3 * Math.abs(b),
        `step ${step}: webgpu ${a} vs wasm ${b}`,
      );
    }
    assert.ok(gpu.losses[STEPS - 1]! < gpu.losses[0]!, `no progress: ${gpu.losses.join(', ')}`);
  });
}
