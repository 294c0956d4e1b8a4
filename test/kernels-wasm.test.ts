// Every kernel milab registers on wasm is checked against the pure-JS cpu backend on fresh random
// inputs (backend-agreement.ts): the same computation runs on both backends and must agree to
// float32 accuracy, never NaN, and leave no tensor and no wasm heap allocation behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FusedAdam, posteriorSd, Rng, tf, useBackend } from 'milab';
import { agree } from './backend-agreement';

test.before(async () => {
  await useBackend({ backend: 'wasm', quiet: true });
});

test('transpose: 2-D, batched, block rotations, size-1 axes, int32; other permutations', async () => {
  const cases: [number[], number[]][] = [
    [
      [37, 53],
      [1, 0],
    ],
    [
      [1, 40],
      [1, 0],
    ],
    [
      [3, 17, 9],
      [0, 2, 1],
    ],
    [
      [2, 5, 7, 3],
      [0, 3, 1, 2],
    ],
    [
      [4, 1, 6, 5],
      [2, 3, 0, 1],
    ],
    [
      [6, 4, 5],
      [1, 2, 0],
    ],
    [
      [3, 4, 5],
      [1, 0, 2],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 2, 0],
    ],
  ];
  for (const [shape, perm] of cases) {
    await agree(`transpose [${shape}] by [${perm}]`, { x: { shape } }, ({ x }) =>
      tf.transpose(x, perm),
    );
  }
  await agree('transpose int32', { x: { shape: [33, 65], dtype: 'int32', ints: 1000 } }, ({ x }) =>
    tf.add(tf.transpose(x), 1),
  );
});

test('sum over leading axes (bias gradients), and other reductions', async () => {
  await agree('sum axis 0', { x: { shape: [1024, 257] } }, ({ x }) => tf.sum(x, 0));
  await agree('sum axes 0,1 keepDims', { x: { shape: [7, 9, 13] } }, ({ x }) =>
    tf.sum(x, [1, 0], true),
  );
  await agree('sum axis -1 (stock)', { x: { shape: [7, 9, 13] } }, ({ x }) => tf.sum(x, -1));
  await agree('sum all (stock)', { x: { shape: [7, 9] } }, ({ x }) => tf.sum(x));
  await agree('mean of a bias gradient', { x: { shape: [64, 5] } }, ({ x }) => tf.mean(x, 0));
});

test('FusedAdam (one MilabAdam kernel per variable on wasm) follows tf.train.adam', async () => {
  const steps = 5;
  const run = async (backend: 'wasm' | 'cpu', fused: boolean) => {
    await tf.setBackend(backend);
    const r = new Rng(42);
    const w = tf.variable(tf.tensor2d(r.normals(300), [20, 15]));
    const optimizer = fused ? new FusedAdam(0.01) : tf.train.adam(0.01);
    for (let i = 0; i < steps; i++) {
      const target = tf.tensor2d(r.normals(300), [20, 15]);
      optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar, false, [w]);
      target.dispose();
    }
    const values = Array.from(w.dataSync());
    optimizer.dispose();
    w.dispose();
    return values;
  };
  const reference = await run('cpu', false);
  for (const [backend, fused] of [
    ['wasm', true],
    ['cpu', true],
    ['wasm', false],
  ] as const) {
    const got = await run(backend, fused);
    const err = Math.max(...got.map((v, i) => Math.abs(v - reference[i])));
    assert.ok(
      err < 1e-5,
      `${backend} ${fused ? 'FusedAdam' : 'tf.train.adam'}: max difference ${err}`,
    );
  }
  await tf.setBackend('wasm');
});

test('posteriorSd (one MilabSoftplusSd kernel on wasm) and its gradient match the cpu composite', async () => {
  // rho ~ N(0, 1) - 3 as in a Bayes-by-backprop layer; 10 x 13 values, not a multiple of 4.
  const shift = (t: tf.Tensor) => tf.sub(t, 3);
  await agree('posteriorSd', { rho: { shape: [10, 13] } }, ({ rho }) => posteriorSd(shift(rho)));
  await agree('posteriorSd gradient', { rho: { shape: [10, 13] }, dy: { shape: [10, 13] } }, (t) =>
    tf.grad((r: tf.Tensor) => tf.sum(tf.mul(posteriorSd(shift(r)), t.dy)))(t.rho),
  );
});

test('clone shares the buffer but outlives its source; gradients through saved tensors still right', async () => {
  const x = tf.tensor1d([1, 2, 3]);
  const y = tf.clone(x);
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  const v = tf.variable(tf.tensor1d([4, 5]));
  const snapshot = tf.clone(v);
  v.assign(tf.tensor1d([6, 7]));
  assert.deepEqual(Array.from(snapshot.dataSync()), [4, 5]);
  tf.dispose([y, v, snapshot]);
  await agree('grad of exp (saves its output)', { x: { shape: [5, 4] } }, ({ x }) =>
    tf.grad((x: tf.Tensor) => tf.sum(tf.exp(tf.exp(x))))(x),
  );
});

test('slice (contiguous runs copied, others stock) and row gather', async () => {
  await agree('slice rows of images', { x: { shape: [10, 6, 5, 2] } }, ({ x }) =>
    tf.slice(x, 3, 4),
  );
  await agree('slice one image row', { x: { shape: [10, 6, 5, 2] } }, ({ x }) =>
    tf.slice(x, [2, 4, 0, 0], [1, 2, -1, -1]),
  );
  await agree('slice columns (strided: stock)', { x: { shape: [7, 9] } }, ({ x }) =>
    tf.slice(x, [1, 2], [5, 3]),
  );
  await agree('slice 1-D', { x: { shape: [40] } }, ({ x }) => tf.slice(x, 7, 20));
  await agree(
    'gather rows, repeated, 2-D ids',
    { x: { shape: [12, 3, 4] }, ids: { shape: [5, 3], dtype: 'int32', ints: 12 } },
    ({ x, ids }) => tf.gather(x, ids),
  );
  await agree(
    'gather int32 rows',
    {
      x: { shape: [9, 5], dtype: 'int32', ints: 100 },
      ids: { shape: [7], dtype: 'int32', ints: 9 },
    },
    ({ x, ids }) => tf.add(tf.gather(x, ids), 1),
  );
  await agree(
    'gather axis 1 (stock)',
    { x: { shape: [4, 9, 2] }, ids: { shape: [6], dtype: 'int32', ints: 9 } },
    ({ x, ids }) => tf.gather(x, ids, 1),
  );
  const table = tf.zeros([4, 2]);
  assert.throws(() => tf.gather(table, tf.tensor1d([1, 4], 'int32')), /4/);
  table.dispose();
});

test('the kernels milab adds are registered on wasm', () => {
  for (const name of [
    'MilabSoftplusSd',
    'MilabGaussianKl',
    'MilabNormalNoise',
    'Conv2DBackpropFilter',
    'UnsortedSegmentSum',
    'DepthwiseConv2dNativeBackpropFilter',
    'Einsum',
  ]) {
    assert.ok(tf.getKernel(name, 'wasm'), `${name} missing on wasm`);
  }
});

test('matMul: every transpose combination, odd shapes, batch 1', async () => {
  for (const [m, k, n] of [
    [7, 5, 3],
    [1, 9, 4],
    [6, 1, 1],
    [33, 17, 65],
    [4, 30, 50],
  ]) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        await agree(
          `matMul ${m}x${k}x${n} tA=${ta} tB=${tb}`,
          { a: { shape: ta ? [k, m] : [m, k] }, b: { shape: tb ? [n, k] : [k, n] } },
          ({ a, b }) => tf.matMul(a, b, ta, tb),
        );
      }
    }
  }
});

test('matMul: batched operands (flattened, sliced, broadcast, and the small-slice stock path)', async () => {
  await agree('[3,5,4] x [4,6]', { a: { shape: [3, 5, 4] }, b: { shape: [4, 6] } }, ({ a, b }) =>
    tf.matMul(a, b),
  );
  await agree(
    '[2,3,5,4] x [4,6] tB',
    { a: { shape: [2, 3, 5, 4] }, b: { shape: [6, 4] } },
    ({ a, b }) => tf.matMul(a, b, false, true),
  );
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    await agree(
      `[3,40,36] x [3,36,50] tA=${ta} tB=${tb}`,
      {
        a: { shape: ta ? [3, 36, 40] : [3, 40, 36] },
        b: { shape: tb ? [3, 50, 36] : [3, 36, 50] },
      },
      ({ a, b }) => tf.matMul(a, b, ta, tb),
    );
  }
  await agree(
    '[1,40,36] x [4,36,50] (broadcast a)',
    { a: { shape: [1, 40, 36] }, b: { shape: [4, 36, 50] } },
    ({ a, b }) => tf.matMul(a, b),
  );
  await agree(
    '[4,40,36] tA x [1,40,50]',
    { a: { shape: [4, 40, 36] }, b: { shape: [1, 40, 50] } },
    ({ a, b }) => tf.matMul(a, b, true),
  );
  await agree(
    '[5,3,4] tA x [5,3,2] (small slices)',
    { a: { shape: [5, 3, 4] }, b: { shape: [5, 3, 2] } },
    ({ a, b }) => tf.matMul(a, b, true),
  );
});

test('fused matMul with bias and activation, transposed, and its gradients', async () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    for (const activation of ['linear', 'relu'] as const) {
      await agree(
        `fused tA=${ta} tB=${tb} ${activation}`,
        {
          a: { shape: ta ? [9, 11] : [11, 9] },
          b: { shape: tb ? [13, 9] : [9, 13] },
          bias: { shape: [13] },
        },
        ({ a, b, bias }) =>
          tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation }),
      );
    }
  }
  await agree(
    'fused batched a x shared b with bias',
    { a: { shape: [2, 7, 9] }, b: { shape: [9, 5] }, bias: { shape: [5] } },
    ({ a, b, bias }) => tf.fused.matMul({ a, b, bias, activation: 'relu' }),
  );
  await agree(
    'dense layer gradients',
    {
      x: { shape: [31, 20] },
      w: { shape: [20, 16] },
      bias: { shape: [16] },
      r: { shape: [31, 16] },
    },
    ({ x, w, bias, r }) =>
      tf.grads((x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: 'relu' }),
            r,
          ),
        ),
      )([x, w, bias]),
  );
});

interface ConvCase {
  x: number[];
  filter: number[];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [1, 11, 10, 2], filter: [5, 4, 2, 3], strides: 2, pad: 'same' },
  { x: [3, 12, 13, 1], filter: [5, 5, 1, 6], strides: [2, 3], pad: 'valid' },
  { x: [1, 7, 7, 5], filter: [2, 2, 5, 2], strides: 3, pad: 'same' },
  { x: [2, 10, 9, 4], filter: [3, 3, 4, 3], strides: 2, pad: 1 },
  { x: [1, 6, 6, 3], filter: [1, 1, 3, 7], strides: 1, pad: 'valid' },
  { x: [4, 28, 28, 1], filter: [5, 5, 1, 20], strides: 1, pad: 'valid' },
];

test('conv2d gradients (Conv2DBackpropFilter, Conv2DBackpropInput): strides, padding, odd shapes', async () => {
  for (const c of CONV_CASES) {
    const out = tf.backend_util.computeConv2DInfo(
      c.x as [number, number, number, number],
      c.filter as [number, number, number, number],
      c.strides,
      1,
      c.pad,
    ).outShape;
    await agree(
      `conv2d grads x=[${c.x}] f=[${c.filter}] s=${c.strides} pad=${c.pad}`,
      { x: { shape: c.x }, f: { shape: c.filter }, r: { shape: out } },
      ({ x, f, r }) =>
        tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad), r)),
        )([x, f]),
    );
  }
});

test('conv2d gradients in batch chunks (small column-matrix limit)', async () => {
  process.env.MILAB_CONV_CHUNK_FLOATS = '700';
  try {
    await agree(
      'chunked conv2d grads',
      { x: { shape: [5, 9, 8, 3] }, f: { shape: [3, 3, 3, 4] }, r: { shape: [5, 5, 4, 4] } },
      ({ x, f, r }) =>
        tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'), r)),
        )([x, f]),
    );
  } finally {
    delete process.env.MILAB_CONV_CHUNK_FLOATS;
  }
});

test('conv2dTranspose and the NCHW kernels run as on cpu', async () => {
  await agree(
    'conv2dTranspose stride 2 same',
    { dy: { shape: [2, 5, 4, 6] }, f: { shape: [3, 3, 2, 6] } },
    ({ dy, f }) =>
      tf.conv2dTranspose(dy as tf.Tensor4D, f as tf.Tensor4D, [2, 10, 8, 2], 2, 'same'),
  );
  const attrs = { strides: [2, 1], pad: 'same', dataFormat: 'NCHW' };
  await agree(
    'Conv2DBackpropFilter NCHW',
    { x: { shape: [2, 3, 9, 7] }, dy: { shape: [2, 4, 5, 7] } },
    ({ x, dy }) =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        ...attrs,
        filterShape: [3, 3, 3, 4],
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
  );
  await agree(
    'Conv2DBackpropInput NCHW',
    { dy: { shape: [2, 4, 5, 7] }, filter: { shape: [3, 3, 3, 4] } },
    ({ dy, filter }) =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, {
        ...attrs,
        inputShape: [2, 3, 9, 7],
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
  );
});

test('pooling gradients (MaxPoolGrad replaced: the stock one drops entries)', async () => {
  const pools: [number[], number, number, 'valid' | 'same'][] = [
    [[2, 8, 7, 3], 2, 2, 'same'],
    [[1, 4, 4, 1], 2, 2, 'valid'],
    [[3, 9, 8, 5], 3, 2, 'valid'],
    [[2, 7, 7, 2], 3, 2, 'same'],
    [[1, 6, 5, 4], 2, 1, 'valid'],
    [[4, 24, 24, 20], 2, 2, 'valid'],
  ];
  for (const [shape, size, stride, pad] of pools) {
    const out = tf.backend_util.computePool2DInfo(
      shape as [number, number, number, number],
      size,
      stride,
      1,
      pad,
    ).outShape;
    await agree(
      `maxPool grad [${shape}] ${size}/${stride} ${pad}`,
      { x: { shape }, r: { shape: out } },
      ({ x, r }) =>
        tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, size, stride, pad), r)),
        )(x),
    );
  }
  await agree(
    'avgPool grad',
    { x: { shape: [2, 9, 9, 2] }, r: { shape: [2, 4, 4, 2] } },
    ({ x, r }) =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(x as tf.Tensor4D, 3, 2, 'valid'), r)))(x),
  );
});

test('gather gradient (UnsortedSegmentSum), embeddings with repeated ids', async () => {
  await agree(
    'unsortedSegmentSum',
    { x: { shape: [12, 5] }, ids: { shape: [12], dtype: 'int32', ints: 4 } },
    ({ x, ids }) => tf.unsortedSegmentSum(x, ids as tf.Tensor1D, 4),
  );
  await agree(
    'gather grad',
    {
      table: { shape: [9, 6] },
      ids: { shape: [4, 7], dtype: 'int32', ints: 9 },
      r: { shape: [4, 7, 6] },
    },
    ({ table, ids, r }) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), r)))(table),
  );
});

test('broadcastTo, logSoftmax and softmax cross-entropy gradients', async () => {
  await agree(
    'broadcastTo grad',
    { x: { shape: [1, 5, 1] }, r: { shape: [3, 5, 4] } },
    ({ x, r }) => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.broadcastTo(x, [3, 5, 4]), r)))(x),
  );
  await agree(
    'logSoftmax + CE grads',
    { x: { shape: [6, 10] }, ids: { shape: [6], dtype: 'int32', ints: 10 } },
    ({ x, ids }) =>
      tf.grads(
        (x: tf.Tensor) =>
          tf.add(
            tf.sum(tf.logSoftmax(x)),
            tf.losses.softmaxCrossEntropy(tf.oneHot(ids as tf.Tensor1D, 10), x),
          ) as tf.Scalar,
      )([x]),
  );
});

test('cpu fallbacks: depthwise conv gradients and einsum', async () => {
  await agree(
    'depthwiseConv2d grads',
    { x: { shape: [2, 7, 6, 3] }, f: { shape: [3, 3, 3, 2] }, r: { shape: [2, 7, 6, 6] } },
    ({ x, f, r }) =>
      tf.grads((x: tf.Tensor, f: tf.Tensor) =>
        tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), r)),
      )([x, f]),
  );
  await agree('einsum', { a: { shape: [3, 4] }, b: { shape: [4, 5] } }, ({ a, b }) =>
    tf.einsum('ij,jk->ik', a, b),
  );
});
