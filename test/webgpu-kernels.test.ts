// The kernels training needs, on webgpu against TF.js's reference cpu backend, on seeded random
// inputs: forward values and gradients agree to float32 rounding and no NaN appears. On a machine
// without a GPU this runs on Dawn's software adapter (Mesa llvmpipe): the same shaders, slowly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, tf } from 'milab';
import { relativeError, valuesOn, webgpuAvailable } from './webgpu-support';

interface Input {
  values: Float32Array;
  shape: number[];
}

const rng = new Rng(20241120);

function uniform(shape: number[], lo = -1, hi = 1): Input {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = lo + (hi - lo) * rng.uniform();
  return { values, shape };
}

const t = (input: Input) => tf.tensor(input.values, input.shape);

function labels(rows: number, classes: number): tf.Tensor2D {
  return tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: rows }, (_, i) => (i * 7) % classes),
        'int32',
      ),
      classes,
    )
    .toFloat() as tf.Tensor2D;
}

// Each case draws its inputs once; the returned function builds the same computation on any
// backend.
const cases: Record<string, () => () => tf.Tensor[]> = {
  'matMul, all four transpose combinations': () => {
    const a = uniform([33, 17]);
    const b = uniform([17, 9]);
    const at = uniform([17, 33]);
    const bt = uniform([9, 17]);
    return () => [
      tf.matMul(t(a), t(b)),
      tf.matMul(t(at), t(b), true),
      tf.matMul(t(a), t(bt), false, true),
      tf.matMul(t(at), t(bt), true, true),
    ];
  },
  'matMul, vectorised sizes and batches': () => {
    const a = uniform([64, 128]);
    const b = uniform([128, 96]);
    const c = uniform([3, 32, 24]);
    const d = uniform([3, 32, 16]);
    const long = uniform([2048, 8]);
    return () => [
      tf.matMul(t(a), t(b)),
      tf.matMul(t(c), t(d), true),
      tf.matMul(t(long), t(long), true),
    ];
  },
  'dense layer gradients (fused matMul + bias + relu)': () => {
    const x = uniform([32, 20]);
    const w = uniform([20, 12]);
    const b = uniform([12]);
    return () => {
      const loss = (w: tf.Tensor, b: tf.Tensor) =>
        tf.fused
          .matMul({ a: t(x) as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' })
          .square()
          .sum();
      return tf.grads(loss)([t(w), t(b)]);
    };
  },
  'conv2d and both backprops (same, stride 1)': () => {
    const x = uniform([2, 9, 9, 3]);
    const f = uniform([3, 3, 3, 4]);
    return () => [
      tf.conv2d(t(x) as tf.Tensor4D, t(f) as tf.Tensor4D, 1, 'same'),
      ...convGrads(x, f, 1, 'same'),
    ];
  },
  'conv2d and both backprops (valid, stride 2)': () => {
    const x = uniform([2, 11, 11, 2]);
    const f = uniform([3, 3, 2, 5]);
    return () => convGrads(x, f, 2, 'valid');
  },
  'conv2d and both backprops (LeNet-like 5x5, 8 -> 16 channels)': () => {
    const x = uniform([4, 12, 12, 8]);
    const f = uniform([5, 5, 8, 16]);
    return () => convGrads(x, f, 1, 'valid');
  },
  'maxPool and its gradient': () => {
    const x = uniform([2, 8, 8, 3]);
    const y = uniform([2, 7, 7, 4]);
    const pool = (k: number, s: number, pad: 'valid' | 'same') => (v: tf.Tensor) =>
      tf.maxPool(v as tf.Tensor4D, k, s, pad);
    return () => [
      pool(2, 2, 'valid')(t(x)),
      tf.grad((v) => pool(2, 2, 'valid')(v).square().sum())(t(x)),
      tf.grad((v) => pool(3, 2, 'same')(v).square().sum())(t(y)),
    ];
  },
  'activations and their gradients': () => {
    const x = uniform([200], -6, 6);
    const acts: Array<(v: tf.Tensor) => tf.Tensor> = [
      tf.relu,
      tf.elu,
      tf.tanh,
      tf.sigmoid,
      tf.softplus,
      (v) => tf.leakyRelu(v, 0.2),
    ];
    return () => acts.flatMap((act) => [act(t(x)), tf.grad((v) => act(v).mul(v).sum())(t(x))]);
  },
  'softmax cross-entropy and its gradient': () => {
    const logits = uniform([64, 10], -8, 8);
    return () => {
      const y = labels(64, 10);
      return [
        tf.losses.softmaxCrossEntropy(y, t(logits)),
        tf.grad((l) => tf.losses.softmaxCrossEntropy(y, l))(t(logits)),
        tf.logSoftmax(t(logits)),
      ];
    };
  },
  'logSumExp over axes, with large offsets, and its gradient': () => {
    const x = uniform([96, 40], -20, 20);
    const big = uniform([4096], 50, 90);
    return () => [
      tf.logSumExp(t(x)),
      tf.logSumExp(t(x), 1),
      tf.logSumExp(t(x), 0, true),
      tf.grad((v) => tf.logSumExp(v))(t(x)),
      tf.logSumExp(t(big)),
      tf.grad((v) => tf.logSumExp(v))(t(big)),
    ];
  },
  reductions: () => {
    const x = uniform([37, 29], -3, 3);
    const long = uniform([100000]);
    return () => [
      tf.sum(t(x)),
      tf.sum(t(x), 0),
      tf.sum(t(x), 1),
      tf.mean(t(x), 1),
      tf.max(t(x), 1),
      tf.min(t(x), 0),
      tf.moments(t(x), 0).variance,
      tf.argMax(t(x), 1).toFloat(),
      tf.sum(t(long)),
      tf.max(t(long)),
      tf.grad((v) => tf.max(v, 1).sum())(t(x)),
      tf.grad((v) => tf.mean(v, 0).square().sum())(t(x)),
    ];
  },
  'gather (embedding lookup) and its gradient': () => {
    const table = uniform([50, 6]);
    const ids = Array.from({ length: 40 }, () => rng.int(50));
    const segments = Array.from({ length: 50 }, () => rng.int(12));
    return () => {
      const idx = tf.tensor2d(ids, [5, 8], 'int32');
      const gathered = tf.gather(t(table), idx);
      const grad = tf.grad((v) => tf.gather(v, idx).mul(tf.range(0, 6)).sum())(t(table));
      return [gathered, grad, tf.unsortedSegmentSum(t(table), tf.tensor1d(segments, 'int32'), 12)];
    };
  },
  'Adam updates': () => {
    const w0 = uniform([24]);
    const target = uniform([24]);
    return () => {
      const w = tf.variable(t(w0));
      const adam = tf.train.adam(0.05);
      for (let step = 0; step < 4; step++) adam.minimize(() => w.sub(t(target)).square().sum());
      const out = w.clone();
      w.dispose();
      adam.dispose();
      return [out];
    };
  },
  'no NaN or overflow at extreme inputs': () => () => {
    const x = tf.tensor1d([-1e4, -100, -50, -1e-30, 0, 1e-30, 50, 88, 100, 1e4]);
    const grads = [tf.tanh, tf.sigmoid, tf.softplus].map((f) => tf.grad((v) => f(v).sum())(x));
    return [
      tf.tanh(x),
      tf.sigmoid(x),
      tf.softplus(x),
      tf.logSigmoid(x),
      tf.logSoftmax(x),
      tf.logSumExp(x),
      ...grads,
      tf.logSumExp(tf.tensor1d([-Infinity, 0, -Infinity])),
    ];
  },
};

function convGrads(x: Input, f: Input, stride: number, pad: 'same' | 'valid'): tf.Tensor[] {
  const loss = (xv: tf.Tensor, fv: tf.Tensor) =>
    tf
      .conv2d(xv as tf.Tensor4D, fv as tf.Tensor4D, stride, pad)
      .square()
      .sum();
  return tf.grads(loss)([t(x), t(f)]);
}

for (const [name, draw] of Object.entries(cases)) {
  test(`webgpu matches cpu: ${name}`, async (ctx) => {
    if (!(await webgpuAvailable(ctx))) return;
    const compute = draw();
    const expected = await valuesOn('cpu', compute);
    const actual = await valuesOn('webgpu', compute);
    assert.ok(!actual.some((v) => v.some(Number.isNaN)), 'NaN on webgpu');
    const error = relativeError(actual, expected);
    assert.ok(error < 1e-4, `relative error ${error.toExponential(2)}`);
  });
}
