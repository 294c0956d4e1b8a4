// The native kernels (lib/native, kernels/native*.ts): each product and convolution they compute
// agrees with the cpu backend, gradients included; what they decline still runs (on milab's wasm
// kernels) and agrees too; a heap that grows during a kernel is read where it is now; training
// follows the wasm kernels' path. Skipped, with the reason, where the addon is not built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, tf, useBackend } from 'milab';
import { nativeCounts, nativeUnavailableReason, wasmMemory } from 'milab/internal';
import { agree, type Compute, type Inputs } from './backend-agreement';

const unavailable = nativeUnavailableReason();
const skip = unavailable ? `native kernels not in use: ${unavailable}` : false;

test.before(async () => {
  await useBackend({ backend: 'wasm', quiet: true });
});

/** agree(), and the native kernels took the work (`native`) or declined it (the rest ran). */
async function agreeNatively(
  label: string,
  inputs: Inputs,
  f: Compute,
  native = true,
  zeros = false,
): Promise<void> {
  const before = { ...nativeCounts };
  await agree(label, inputs, f, { zeros });
  const took =
    nativeCounts.products + nativeCounts.convolutions - before.products - before.convolutions;
  const declined = nativeCounts.declined - before.declined;
  if (native) {
    assert.ok(took > 0, `${label}: no native kernel ran`);
    assert.equal(declined, 0, `${label}: a native kernel declined`);
  } else {
    assert.ok(declined > 0, `${label}: expected the native kernels to decline`);
  }
}

function heapBytes(): number {
  return wasmMemory(tf.backend() as never).buffer.byteLength;
}

// First, while the heap is at its initial size: an output and a column matrix larger than the
// whole heap make it grow inside the kernel, after which the addon must see the new memory.
test('a heap that grows inside a product or a convolution', { skip }, async () => {
  const start = heapBytes();
  const images = Math.ceil(start / (4 * 25 * 3 * 24 * 24)) + 1;
  await agreeNatively(
    `conv of ${images} images, column matrix larger than the ${start >> 20} MiB heap`,
    { x: { shape: [images, 28, 28, 3] }, f: { shape: [5, 5, 3, 4] } },
    ({ x, f }) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid'),
  );
  assert.ok(heapBytes() > start, 'the heap did not grow: the test did not test growth');
  const grown = heapBytes();
  const rows = 1024;
  const cols = Math.ceil(grown / 4 / rows) + 64;
  const r = new Rng(3);
  const a = tf.tensor2d(r.normals(rows), [rows, 1]);
  const b = tf.tensor2d(r.normals(cols), [1, cols]);
  const products = nativeCounts.products;
  const c = tf.matMul(a, b);
  assert.equal(nativeCounts.products, products + 1);
  assert.ok(heapBytes() > grown, 'the product did not grow the heap');
  const [av, bv, cv] = [a.dataSync(), b.dataSync(), c.dataSync()];
  for (const i of [0, 17, rows - 1]) {
    for (const j of [0, 5, cols >> 1, cols - 1]) {
      assert.equal(cv[i * cols + j], Math.fround(av[i] * bv[j]), `c[${i}][${j}]`);
    }
  }
  tf.dispose([a, b, c]);
});

test('products: every transpose, vectors, batches and broadcast batches', { skip }, async () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    const [m, k, n] = [37, 53, 29];
    await agreeNatively(
      `[${m}x${k}] x [${k}x${n}] transposeA=${ta} transposeB=${tb}`,
      { a: { shape: ta ? [k, m] : [m, k] }, b: { shape: tb ? [n, k] : [k, n] } },
      ({ a, b }) => tf.matMul(a, b, ta, tb),
    );
    await agreeNatively(
      `batched [3,${m},${k}] x [3,${k},${n}] transposeA=${ta} transposeB=${tb}`,
      { a: { shape: ta ? [3, k, m] : [3, m, k] }, b: { shape: tb ? [3, n, k] : [3, k, n] } },
      ({ a, b }) => tf.matMul(a, b, ta, tb),
    );
    await agreeNatively(
      `batched a, shared b, transposeA=${ta} transposeB=${tb}`,
      { a: { shape: ta ? [4, 7, 6] : [4, 6, 7] }, b: { shape: tb ? [1, 5, 7] : [1, 7, 5] } },
      ({ a, b }) => tf.matMul(a, b, ta, tb),
    );
  }
  const shapes: [string, number[], number[]][] = [
    ['matrix x vector (N = 1)', [64, 256], [256, 1]],
    ['row x matrix (M = 1)', [1, 256], [256, 64]],
    ['inner dimension 1', [40, 1], [1, 30]],
    ['shared a, batched b', [6, 7], [4, 7, 5]],
    ['rank 4', [2, 3, 4, 5], [2, 3, 5, 6]],
  ];
  for (const [label, sa, sb] of shapes) {
    await agreeNatively(label, { a: { shape: sa }, b: { shape: sb } }, ({ a, b }) =>
      tf.matMul(a, b),
    );
  }
});

test(
  'fused products: bias and each activation; prelu and odd biases fall through',
  { skip },
  async () => {
    const inputs = { a: { shape: [33, 20] }, b: { shape: [20, 17] }, bias: { shape: [17] } };
    for (const activation of ['linear', 'relu', 'leakyrelu', 'relu6', 'elu', 'sigmoid'] as const) {
      await agreeNatively(`bias + ${activation}`, inputs, ({ a, b, bias }) =>
        tf.fused.matMul({ a, b, bias, activation, leakyreluAlpha: 0.1 }),
      );
    }
    await agreeNatively(
      'transposed, batched, [1, N] bias, relu',
      { a: { shape: [3, 20, 8] }, b: { shape: [3, 17, 20] }, bias: { shape: [1, 17] } },
      ({ a, b, bias }) =>
        tf.fused.matMul({ a, b, bias, transposeA: true, transposeB: true, activation: 'relu' }),
    );
    await agreeNatively(
      'prelu',
      { ...inputs, alpha: { shape: [17] } },
      ({ a, b, bias, alpha }) =>
        tf.fused.matMul({ a, b, bias, activation: 'prelu', preluActivationWeights: alpha }),
      false,
    );
    await agreeNatively(
      'a bias per row',
      { ...inputs, bias: { shape: [33, 1] } },
      ({ a, b, bias }) => tf.fused.matMul({ a, b, bias, activation: 'relu' }),
      false,
    );
  },
);

test('empty products are declined and still right', { skip }, async () => {
  await agreeNatively(
    'no rows',
    { a: { shape: [0, 5] }, b: { shape: [5, 3] } },
    ({ a, b }) => tf.matMul(a, b),
    false,
    true,
  );
  await agreeNatively(
    'inner dimension 0',
    { a: { shape: [4, 0] }, b: { shape: [0, 3] } },
    ({ a, b }) => tf.matMul(a, b),
    false,
    true,
  );
  await agreeNatively(
    'inner dimension 0, bias + relu',
    { a: { shape: [4, 0] }, b: { shape: [0, 3] }, bias: { shape: [3] } },
    ({ a, b, bias }) => tf.fused.matMul({ a, b, bias, activation: 'relu' }),
    false,
  );
});

test('product gradients (a dense layer with bias and ReLU)', { skip }, async () => {
  await agreeNatively(
    'd/da, d/db, d/dbias of sum(relu(a b + bias)^2)',
    { a: { shape: [64, 20] }, b: { shape: [20, 31] }, bias: { shape: [31] } },
    ({ a, b, bias }) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.matMul({ a, b, bias, activation: 'relu' }))),
      )([a, b, bias]),
  );
});

type Pad = 'valid' | 'same' | number | [[0, 0], [number, number], [number, number], [0, 0]];
const CONVS: {
  label: string;
  x: number[];
  f: number[];
  strides: number | [number, number];
  pad: Pad;
}[] = [
  { label: '3x3 valid', x: [2, 9, 9, 3], f: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { label: '3x3 same, stride 2', x: [2, 9, 8, 3], f: [3, 3, 3, 4], strides: 2, pad: 'same' },
  {
    label: '3x2 filter, strides [1,2], same',
    x: [2, 7, 9, 2],
    f: [3, 2, 2, 5],
    strides: [1, 2],
    pad: 'same',
  },
  {
    label: '2x2 filter, stride 3, same',
    x: [2, 10, 10, 3],
    f: [2, 2, 3, 4],
    strides: 3,
    pad: 'same',
  },
  { label: 'numeric pad 1', x: [2, 6, 6, 3], f: [3, 3, 3, 2], strides: 1, pad: 1 },
  { label: '1x1', x: [3, 5, 5, 6], f: [1, 1, 6, 4], strides: 1, pad: 'valid' },
  {
    label: 'explicit padding',
    x: [2, 6, 7, 3],
    f: [3, 3, 3, 2],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  {
    label: '5x5, 16 channels (LeNet conv2-like)',
    x: [2, 12, 12, 16],
    f: [5, 5, 16, 8],
    strides: 1,
    pad: 'valid',
  },
];

test('convolutions and their gradients, every geometry', { skip }, async () => {
  for (const { label, x, f, strides, pad } of CONVS) {
    const inputs = { x: { shape: x }, f: { shape: f }, bias: { shape: [f[3]] } };
    await agreeNatively(`conv ${label}`, inputs, ({ x, f }) =>
      tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, strides, pad),
    );
    await agreeNatively(`fused conv + bias + relu, ${label}`, inputs, ({ x, f, bias }) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: f as tf.Tensor4D,
        strides,
        pad,
        bias,
        activation: 'relu',
      }),
    );
    await agreeNatively(`conv gradients ${label}`, inputs, ({ x, f, bias }) =>
      tf.grads((x: tf.Tensor, f: tf.Tensor, bias: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.fused.conv2d({
              x: x as tf.Tensor4D,
              filter: f as tf.Tensor4D,
              strides,
              pad,
              bias,
              activation: 'relu',
            }),
          ),
        ),
      )([x, f, bias]),
    );
  }
});

test('convolutions in chunks of images; dilations fall through', { skip }, async () => {
  process.env.MILAB_CONV_CHUNK_FLOATS = '1000'; // a few images per column matrix
  try {
    await agreeNatively(
      'chunked conv and gradients',
      { x: { shape: [5, 8, 8, 3] }, f: { shape: [3, 3, 3, 4] } },
      ({ x, f }) => [
        tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'),
        ...tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'))),
        )([x, f]),
      ],
    );
  } finally {
    delete process.env.MILAB_CONV_CHUNK_FLOATS;
  }
  await agreeNatively(
    'dilated conv',
    { x: { shape: [2, 9, 9, 3] }, f: { shape: [3, 3, 3, 4] } },
    ({ x, f }) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid', 'NHWC', 2),
    false,
  );
});

// One child process per setting, each training the same three models from the same seeds.
const TRAIN = `
const { ClassifierTrainer, FusedAdam, JointCritic, Rng, dvBound, lenet5, mlpClassifier, tf } =
  require('milab');
const { useBackend } = require('milab');
const { ascendStep } = require('milab/internal');
(async () => {
  const info = await useBackend({ backend: 'wasm', quiet: true });
  const r = new Rng(7);
  const critic = new JointCritic(4, 4, { hidden: [32, 32], activation: 'relu', seed: 1 });
  const adam = new FusedAdam(1e-3);
  const mine = [];
  for (let i = 0; i < 5; i++) {
    const x = tf.tensor2d(r.normals(64 * 4), [64, 4]);
    const y = tf.add(x, tf.tensor2d(r.normals(64 * 4), [64, 4]));
    const order = tf.tensor1d(r.permutation(64), 'int32');
    const value = ascendStep(adam, critic.variables, () => {
      const marginal = tf.reshape(critic.pairScores(x, tf.gather(y, order)), [64, 1]);
      return dvBound({ joint: critic.pairScores(x, y), marginal });
    });
    mine.push(value.dataSync()[0]);
    tf.dispose([x, y, order, value]);
  }
  const classify = (model, shape, steps) => {
    const trainer = new ClassifierTrainer(model, { learningRate: 1e-3, seed: 3 });
    const losses = [];
    for (let i = 0; i < steps; i++) {
      const x = tf.tensor(r.normals(16 * shape.reduce((a, b) => a * b)), [16, ...shape]);
      const y = tf.tensor1d(Array.from({ length: 16 }, () => r.int(10)), 'int32');
      const result = trainer.step(x, y);
      losses.push(result.loss.dataSync()[0]);
      tf.dispose([x, y, result.loss, result.correct]);
    }
    trainer.dispose();
    model.dispose();
    return losses;
  };
  const lenet = classify(lenet5({ seed: 5 }), [28, 28, 1], 3);
  const mlp = classify(mlpClassifier({ inputShape: 30, hidden: [64, 64], seed: 6 }), [30], 5);
  const tensors = tf.memory().numTensors;
  const out = { kernels: info.kernels, detail: info.detail, tensors, mine, lenet, mlp };
  process.stdout.write(JSON.stringify(out));
})();
`;

interface Trained {
  kernels: string;
  detail: string;
  tensors: number;
  mine: number[];
  lenet: number[];
  mlp: number[];
}

function train(env: Record<string, string>): Trained & { stderr: string } {
  const child = spawnSync(process.execPath, ['-e', TRAIN], {
    env: { ...process.env, MILAB_NATIVE_THREADS: '', MILAB_WASM_THREADS: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(child.status, 0, `training child (${JSON.stringify(env)}) failed: ${child.stderr}`);
  return { ...(JSON.parse(child.stdout) as Trained), stderr: child.stderr };
}

/** Losses agree to float32 rounding carried through a few optimiser steps. */
function assertSameTraining(got: Trained, want: Trained, label: string): void {
  for (const key of ['mine', 'lenet', 'mlp'] as const) {
    want[key].forEach((w, i) => {
      const g = got[key][i];
      const close = Number.isFinite(g) && Math.abs(g - w) <= 1e-4 * Math.max(1, Math.abs(w));
      assert.ok(close, `${label}: ${key} step ${i}: ${g} against ${w}`);
    });
  }
  assert.equal(got.tensors, want.tensors, `${label}: tensor counts differ after training`);
}

test('MILAB_NATIVE=0 runs the wasm kernels', () => {
  const trained = train({ MILAB_NATIVE: '0' });
  assert.equal(trained.kernels, 'wasm');
});

test('a wrong MILAB_NATIVE is refused in one line', () => {
  const child = spawnSync(process.execPath, ['-e', TRAIN], {
    env: { ...process.env, MILAB_NATIVE: 'yes' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.notEqual(child.status, 0);
  assert.match(child.stderr, /MILAB_NATIVE must be auto, 0 or 1; got 'yes'/);
});

test(
  'MINE, LeNet-5 and an MLP train as on the wasm kernels; same seed, same numbers',
  { skip },
  () => {
    const wasm = train({ MILAB_NATIVE: '0' });
    const native = train({ MILAB_NATIVE: '1' });
    const again = train({ MILAB_NATIVE: '1' });
    assert.match(native.kernels, /^native \(oneDNN [\d.]+, \d+ threads?\)$/);
    assert.deepEqual(again, native, 'the same seeds gave different numbers');
    assertSameTraining(native, wasm, 'native against wasm');
  },
);

test('2 native threads train alike; wasm threads stay 1 beside them', { skip }, () => {
  const one = train({ MILAB_NATIVE: '1', MILAB_NATIVE_THREADS: '1' });
  const two = train({ MILAB_NATIVE: '1', MILAB_NATIVE_THREADS: '2', MILAB_WASM_THREADS: '2' });
  assert.match(one.kernels, /, 1 thread\)$/);
  assert.match(two.kernels, /, 2 threads\)$/);
  assert.match(two.detail, /^WebAssembly SIMD, 1 thread; native kernels: oneDNN/);
  assert.match(two.stderr, /MILAB_WASM_THREADS=2 ignored/);
  assertSameTraining(two, one, '2 threads against 1');
});

// oneDNN 2.6's sgemm corrupted the heap when a signal came during a product (a profiler's SIGPROF,
// oneDNN issue #4845); the addon uses the matmul primitive instead, which must survive this.
const PROFILED = `
const { tf, useBackend } = require('milab');
(async () => {
  await useBackend({ backend: 'wasm', quiet: true });
  const a = tf.randomNormal([512, 256]);
  const w = tf.randomNormal([256, 256]);
  const x = tf.randomNormal([16, 12, 12, 20]);
  const f = tf.randomNormal([5, 5, 20, 50]);
  const t0 = Date.now();
  while (Date.now() - t0 < 1500) {
    tf.tidy(() => {
      tf.matMul(a, w).dataSync();
      tf.matMul(a, a, true, false).dataSync();
      tf.conv2d(x, f, 1, 'valid').dataSync();
    });
  }
  process.stdout.write('done');
})();
`;

test('products and convolutions survive a sampling profiler (--cpu-prof)', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-cpu-prof-'));
  try {
    const child = spawnSync(
      process.execPath,
      ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir, '-e', PROFILED],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(
      child.status,
      0,
      `profiled child failed (signal ${child.signal}): ${child.stderr}`,
    );
    assert.equal(child.stdout, 'done');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
