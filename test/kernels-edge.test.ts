// Edge shapes for every kernel milab routes, registers or delegates to on wasm: each case runs on
// 'wasm' (milab's kernels registered) and on 'cpu' with the same inputs, forward and (where a
// gradient kernel is involved) backward, and must agree to float32 accuracy, or both must refuse.
// Tensor and backend-buffer counts must stay flat. Empty dimensions, size-1 dimensions, batched
// and broadcast batches, transposes, fused bias/activation epilogues, asymmetric windows and
// strides, numeric and explicit padding, dilation, pool windows, odd permutations, reductions,
// slices, gathers, Adam.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, Rng, tf, useBackend } from 'milab';

type Spec = number[];
type Compute = (t: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
type T4 = tf.Tensor4D;
type Outcome = { shape: number[]; values: Float32Array }[] | { error: Error };

const rng = new Rng(77);

function runOn(
  label: string,
  backend: 'wasm' | 'cpu',
  shapes: Spec[],
  values: Float32Array[],
  f: Compute,
): Outcome {
  tf.setBackend(backend);
  const tensors = tf.memory().numTensors;
  const buffers = tf.engine().backend.numDataIds();
  const inputs = shapes.map((s, i) => tf.tensor(values[i], s));
  let outcome: Outcome;
  try {
    const result = tf.tidy(() => f(inputs));
    const list = Array.isArray(result) ? result : [result];
    outcome = list.map((t) => ({ shape: t.shape, values: t.dataSync() as Float32Array }));
    tf.dispose(list);
  } catch (error) {
    outcome = { error: error as Error };
  }
  tf.dispose(inputs);
  assert.equal(tf.memory().numTensors, tensors, `${label}: ${backend}: tensors leaked`);
  assert.equal(tf.engine().backend.numDataIds(), buffers, `${label}: ${backend}: buffers leaked`);
  return outcome;
}

/** f on wasm and on cpu agree (or both throw); returns whether they computed. */
function agree(label: string, shapes: Spec[], f: Compute, tolerance = 1e-5): boolean {
  const values = shapes.map((s) => rng.normals(s.reduce((a, b) => a * b, 1)));
  const wasm = runOn(label, 'wasm', shapes, values, f);
  const cpu = runOn(label, 'cpu', shapes, values, f);
  tf.setBackend('wasm');
  if ('error' in cpu || 'error' in wasm) {
    const thrower = 'error' in cpu ? 'cpu' : 'wasm';
    assert.ok(
      'error' in cpu && 'error' in wasm,
      `${label}: only ${thrower} threw: ` +
        `${('error' in cpu ? cpu : (wasm as { error: Error })).error.message}`,
    );
    return false;
  }
  assert.equal(wasm.length, cpu.length, label);
  cpu.forEach((c, o) => {
    const w = wasm[o];
    assert.deepEqual(w.shape, c.shape, `${label}: output ${o} shape`);
    let scale = 1e-3;
    let err = 0;
    for (let i = 0; i < c.values.length; i++) {
      assert.ok(
        Number.isFinite(w.values[i]) || !Number.isFinite(c.values[i]),
        `${label}: output ${o}[${i}] is ${w.values[i]}`,
      );
      scale = Math.max(scale, Math.abs(c.values[i]));
      err = Math.max(err, Math.abs(w.values[i] - c.values[i]));
    }
    assert.ok(
      err <= tolerance * scale * Math.sqrt(c.values.length + 1),
      `${label}: output ${o} max error ${err.toExponential(2)} at scale ${scale.toExponential(2)}`,
    );
  });
  return true;
}

/** Loss whose gradient is a random-looking weighting of every output entry. */
function weighted(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape)))) as tf.Scalar;
}

test.before(async () => {
  await useBackend({ backend: 'wasm', quiet: true });
});

test('matMul: empty and size-1 dims, transposes, batched and broadcast batches, gradients', () => {
  const dims: [number, number, number][] = [
    [3, 0, 4],
    [0, 3, 4],
    [3, 4, 0],
    [1, 1, 1],
    [1, 7, 1],
    [5, 1, 6],
    [9, 33, 2],
    [33, 40, 35],
  ];
  const batches: [number[], number[]][] = [
    [[], []],
    [[3], []],
    [[3], [3]],
    [[1], [3]],
    [[2, 1], [3]],
    [[0], [0]],
    [[2, 3], [3]],
  ];
  for (const [m, k, n] of dims) {
    for (const [ba, bb] of batches) {
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        const a = [...ba, ...(ta ? [k, m] : [m, k])];
        const b = [...bb, ...(tb ? [n, k] : [k, n])];
        const label = `matMul [${a}] x [${b}] tA=${ta} tB=${tb}`;
        agree(label, [a, b], ([x, y]) => tf.matMul(x, y, ta, tb));
        if (m * n * k > 0 && String(ba) === String(bb)) {
          // TF.js has no broadcast-batch gradient
          agree(`${label} grads`, [a, b], ([x, y]) =>
            tf.grads((p: tf.Tensor, q: tf.Tensor) => weighted(tf.matMul(p, q, ta, tb)))([x, y]),
          );
        }
      }
    }
  }
});

test('fused matMul: every activation, bias and prelu-weight shapes, batches, gradients', () => {
  const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
  const forms: { a: Spec; b: Spec; ta?: boolean; tb?: boolean }[] = [
    { a: [6, 5], b: [5, 7] },
    { a: [5, 6], b: [7, 5], ta: true, tb: true },
    { a: [3, 6, 5], b: [5, 7] },
    { a: [3, 6, 5], b: [3, 5, 7] },
    { a: [1, 6, 5], b: [3, 5, 7] },
    { a: [3, 5, 6], b: [5, 7], ta: true },
    { a: [6, 0], b: [0, 7] },
    { a: [2, 40, 36], b: [2, 36, 50] },
  ];
  for (const { a, b, ta = false, tb = false } of forms) {
    const m = ta ? a[a.length - 1] : a[a.length - 2];
    const n = tb ? b[b.length - 2] : b[b.length - 1];
    const biases: Spec[] = [[n], [1, n], [m, n], [m, 1], [1], [2, 1, 1, n]];
    for (const activation of activations) {
      for (const bias of activation === 'linear' || activation === 'relu' ? biases : [[n]]) {
        for (const slopes of activation === 'prelu' ? [[n], [1, n], [m, 1], [1]] : [null]) {
          const shapes = [a, b, bias, ...(slopes ? [slopes] : [])];
          const label =
            `fused [${a}] x [${b}] tA=${ta} tB=${tb} bias [${bias}] ${activation} ` +
            `${slopes ?? ''}`;
          agree(label, shapes, ([x, y, c, w]) =>
            tf.fused.matMul({
              a: x,
              b: y,
              transposeA: ta,
              transposeB: tb,
              bias: c,
              activation,
              preluActivationWeights: w,
              leakyreluAlpha: 0.3,
            }),
          );
        }
      }
    }
  }
  agree('fused grads', [[4, 6, 5], [4, 5, 7], [7]], ([x, y, c]) =>
    tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
      weighted(tf.fused.matMul({ a: p, b: q, bias: r, activation: 'elu' })),
    )([x, y, c]),
  );
});

test('conv2d: asymmetric filters and strides, pads, dilation, rounding, fused, gradients', () => {
  const filters: Spec[] = [
    [3, 2, 3, 4],
    [2, 3, 3, 4],
    [1, 1, 3, 2],
    [5, 5, 3, 1],
  ];
  const strides: (number | [number, number])[] = [1, [1, 2], [2, 1], 3];
  const pads: (string | number | tf.backend_util.ExplicitPadding)[] = [
    'valid',
    'same',
    0,
    1,
    2,
    [
      [0, 0],
      [1, 0],
      [2, 1],
      [0, 0],
    ],
  ];
  for (const filter of filters) {
    for (const stride of strides) {
      for (const pad of pads) {
        for (const x of [
          [2, 7, 9, 3],
          [1, 4, 3, 3],
        ]) {
          const label = `conv2d x [${x}] f [${filter}] s ${stride} pad ${JSON.stringify(pad)}`;
          const computed = agree(label, [x, filter], ([a, f]) =>
            tf.conv2d(a as T4, f as T4, stride, pad as 'valid'),
          );
          if (computed && x[0] === 2) {
            agree(`${label} grads`, [x, filter], ([a, f]) =>
              tf.grads((p: tf.Tensor, q: tf.Tensor) =>
                weighted(tf.conv2d(p as T4, q as T4, stride, pad as 'valid')),
              )([a, f]),
            );
          }
        }
      }
    }
  }
  for (const dilation of [
    [1, 2],
    [2, 2],
    [2, 1],
  ] as [number, number][]) {
    for (const pad of ['valid', 'same', 1] as const) {
      agree(
        `conv2d dilation ${dilation} pad ${pad}`,
        [
          [2, 9, 8, 3],
          [3, 2, 3, 4],
        ],
        ([a, f]) => tf.conv2d(a as T4, f as T4, 1, pad, 'NHWC', dilation),
      );
    }
  }
  for (const rounding of ['floor', 'round', 'ceil'] as const) {
    agree(
      `conv2d dimRoundingMode ${rounding}`,
      [
        [1, 8, 8, 2],
        [3, 3, 2, 2],
      ],
      ([a, f]) => tf.conv2d(a as T4, f as T4, 2, 0, 'NHWC', 1, rounding),
    );
  }
  const conv = ([a, f]: tf.Tensor[], pad: 'valid' | 'same') => tf.conv2d(a as T4, f as T4, 1, pad);
  agree(
    'conv2d 0 channels in',
    [
      [1, 4, 4, 0],
      [2, 2, 0, 3],
    ],
    (t) => conv(t, 'valid'),
  );
  agree(
    'conv2d empty batch',
    [
      [0, 4, 4, 2],
      [2, 2, 2, 3],
    ],
    (t) => conv(t, 'same'),
  );
  agree(
    'conv2d filter larger than input',
    [
      [1, 2, 2, 1],
      [3, 3, 1, 1],
    ],
    (t) => conv(t, 'valid'),
  );
  for (const activation of ['linear', 'relu', 'leakyrelu', 'prelu'] as const) {
    for (const bias of [[4], [1, 1, 1, 4], [1], [5, 1, 4]]) {
      const slopes = activation === 'prelu' ? [[4], [1, 1, 4], [5, 1, 1]] : [null];
      for (const w of slopes) {
        const shapes = [[2, 7, 6, 3], [3, 2, 3, 4], bias, ...(w ? [w] : [])];
        agree(`fused conv2d ${activation} bias [${bias}] slopes ${w}`, shapes, ([a, f, c, p]) =>
          tf.fused.conv2d({
            x: a as T4,
            filter: f as T4,
            strides: [1, 2],
            pad: 'same',
            bias: c,
            activation,
            preluActivationWeights: p,
            leakyreluAlpha: 0.3,
          }),
        );
      }
    }
  }
});

test('numeric pads TF.js sizes wrongly are refused on wasm and cpu alike, before XNNPACK', () => {
  // XNNPACK computed 3x6 outputs into the 3x4 buffer TF.js allocated: a heap overrun.
  for (const backend of ['wasm', 'cpu']) {
    tf.setBackend(backend);
    const x = tf.ones([1, 5, 6, 2]);
    const f = tf.ones([2, 3, 2, 3]);
    assert.throws(() => tf.conv2d(x as T4, f as T4, [2, 1], 1), MilabInputError);
    assert.throws(
      () => tf.conv2d(x as T4, f as T4, [1, 2], 1),
      /\[\[0,0\],\[1,1\],\[1,1\],\[0,0\]\]/,
    );
    assert.throws(() => tf.maxPool(x as T4, [2, 3], 1, 1), MilabInputError);
    assert.throws(() => tf.avgPool(x as T4, 2, [2, 1], 1), MilabInputError);
    // TF.js differentiates a rounded pool without its rounding mode: dy no longer fits the window.
    // A 1x1 window on pad 1 holds only padding: the cpu backend averaged it to NaN.
    assert.throws(() => tf.avgPool(x as T4, 1, 2, 1), /window with no input/);
    assert.throws(
      () =>
        tf.maxPool(x as T4, 2, 2, [
          [0, 0],
          [2, 0],
          [0, 0],
          [0, 0],
        ]),
      /window with no input/,
    );
    const image = tf.ones([1, 7, 7, 2]);
    const ceilPool = (p: tf.Tensor) => tf.sum(tf.maxPool(p as T4, 2, 2, 0, 'ceil'));
    assert.throws(() => tf.grad(ceilPool)(image), /dy has shape \[1,4,4,2\] .* \[1,3,3,2\]/);
    tf.dispose([x, f, image]);
  }
  tf.setBackend('wasm');
});

test('depthwise conv2d and pools: asymmetric windows and strides, padding, gradients', () => {
  for (const [x, f, stride, pad] of [
    [[2, 7, 6, 3], [3, 2, 3, 2], [1, 2], 'same'],
    [[1, 6, 6, 2], [2, 2, 2, 1], 2, 1],
    [[1, 5, 5, 0], [2, 2, 0, 1], 1, 'valid'],
    [[2, 8, 7, 4], [3, 3, 4, 1], 1, 'valid'],
  ] as unknown as [Spec, Spec, [number, number], 'same'][]) {
    const run = (p: tf.Tensor, q: tf.Tensor) => tf.depthwiseConv2d(p as T4, q as T4, stride, pad);
    agree(`depthwise [${x}] [${f}] ${stride} ${pad}`, [x, f], ([a, w]) => [
      run(a, w),
      ...tf.grads((p: tf.Tensor, q: tf.Tensor) => weighted(run(p, q)))([a, w]),
    ]);
  }
  const windows: [number, number][] = [
    [2, 3],
    [3, 2],
    [1, 1],
    [2, 2],
    [3, 3],
  ];
  const strides: [number, number][] = [
    [1, 2],
    [2, 1],
    [2, 2],
    [3, 1],
  ];
  for (const window of windows) {
    for (const stride of strides) {
      for (const pad of ['valid', 'same', 1, 0] as const) {
        for (const pool of ['maxPool', 'avgPool'] as const) {
          const run = (p: tf.Tensor) => tf[pool](p as T4, window, stride, pad);
          agree(`${pool} ${window} ${stride} ${pad}`, [[2, 7, 8, 5]], ([a]) => [
            run(a),
            tf.grad((p: tf.Tensor) => weighted(run(p)))(a),
          ]);
        }
      }
    }
  }
  agree('maxPool 0 channels', [[1, 4, 4, 0]], ([a]) => tf.maxPool(a as T4, 2, 2, 'valid'));
  agree('maxPool ceil', [[1, 7, 7, 2]], ([a]) => tf.maxPool(a as T4, 2, 2, 0, 'ceil'));
});

test('transpose, sum, slice, gather, segment sum and prelu on edge shapes', () => {
  const perms: [Spec, number[]][] = [
    [
      [2, 3, 4],
      [2, 0, 1],
    ],
    [
      [2, 3, 4, 5],
      [1, 3, 0, 2],
    ],
    [
      [1, 5, 1, 3],
      [3, 2, 1, 0],
    ],
    [
      [0, 3],
      [1, 0],
    ],
    [
      [4, 1],
      [1, 0],
    ],
    [
      [2, 3, 4, 5, 2],
      [4, 0, 3, 1, 2],
    ],
    [
      [3, 4, 5],
      [0, 2, 1],
    ],
  ];
  for (const [shape, perm] of perms) {
    agree(`transpose [${shape}] [${perm}]`, [shape], ([x]) => tf.transpose(x, perm));
  }
  const sums: [Spec, number | number[], boolean][] = [
    [[5, 4, 3], [0, 1], false],
    [[5, 4, 3], [1, 0], true],
    [[5, 4, 3], [0, 2], false],
    [[5, 4, 3], [-3], false],
    [[0, 4], 0, false],
    [[4, 0], 0, true],
    [[1, 1], 0, false],
    [[6, 7], [0, 1], false],
  ];
  for (const [shape, axis, keep] of sums) {
    agree(`sum [${shape}] ${axis} ${keep}`, [shape], ([x]) => tf.sum(x, axis, keep));
  }
  const slices: [Spec, number[], number[]][] = [
    [
      [4, 5, 6],
      [1, 0, 0],
      [2, -1, -1],
    ],
    [
      [4, 5, 6],
      [3, 4, 0],
      [1, 1, 6],
    ],
    [
      [4, 5],
      [0, 0],
      [0, 5],
    ],
    [
      [4, 5],
      [4, 0],
      [0, -1],
    ],
    [[7], [6], [1]],
    [
      [3, 4, 5],
      [0, 1, 2],
      [3, 2, 3],
    ],
  ];
  for (const [shape, begin, size] of slices) {
    agree(`slice [${shape}] ${begin} ${size}`, [shape], ([x]) => tf.slice(x, begin, size));
  }
  const ids = [[0, 3, 3, 1], [], [2]];
  for (const list of ids) {
    agree(`gather rows ${list}`, [[4, 3, 2]], ([x]) =>
      tf.grad((p: tf.Tensor) => weighted(tf.gather(p, tf.tensor1d(list, 'int32'))))(x),
    );
    agree(`gather axis 1 ${list}`, [[2, 4, 3]], ([x]) =>
      tf.gather(
        x,
        tf.tensor1d(
          list.map((i) => i % 4),
          'int32',
        ),
        1,
      ),
    );
  }
  agree('segment sum with dropped ids', [[6, 3]], ([x]) =>
    tf.unsortedSegmentSum(x, tf.tensor1d([0, 2, -1, 5, 2, 1], 'int32'), 3),
  );
  for (const alpha of [[4], [1, 4], [3, 1], [1], [2, 3, 4]]) {
    agree(`prelu alpha [${alpha}]`, [[2, 3, 4], alpha], ([x, a]) =>
      tf.grads((p: tf.Tensor, q: tf.Tensor) => weighted(tf.prelu(p, q)))([x, a]),
    );
  }
});

test('MilabAdam kernel on sizes that are not multiples of the SIMD width', () => {
  for (const n of [1, 3, 5, 17]) {
    agree(`adam n=${n}`, [[n], [n], [n], [n]], ([w, g, m, v]) => {
      const v2 = tf.abs(v);
      if (tf.getBackend() === 'wasm') {
        return tf
          .engine()
          .runKernel(
            'MilabAdam',
            { w, g, m, v: v2 },
            { lrT: 0.01, beta1: 0.9, beta2: 0.999, epsT: 1e-7 },
          ) as tf.Tensor[];
      }
      const m2 = tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1));
      const vv = tf.add(tf.mul(v2, 0.999), tf.mul(tf.square(g), 0.001));
      return [tf.sub(w, tf.div(tf.mul(m2, 0.01), tf.add(tf.sqrt(vv), 1e-7))), m2, vv];
    });
  }
});

test('a product over an empty inner dimension is zeros, even on a dirty heap', () => {
  // XNNPACK refuses the product; leave NaNs where its uninitialised output may land.
  for (let i = 0; i < 4; i++) tf.fill([3, 4], NaN).dispose();
  const a = tf.ones([3, 0]);
  const b = tf.ones([0, 4]);
  const y = tf.matMul(a, b);
  const z = tf.fused.matMul({ a, b, bias: tf.ones([4]), activation: 'relu' });
  assert.deepEqual(Array.from(y.dataSync()), new Array(12).fill(0));
  assert.deepEqual(Array.from(z.dataSync()), new Array(12).fill(1));
  tf.dispose([a, b, y, z]);
});

test('conv2dTranspose with an outputShape dy does not fit is refused, not read past dy', () => {
  for (const backend of ['wasm', 'cpu']) {
    tf.setBackend(backend);
    const dy = tf.ones([1, 5, 5, 3]);
    const f = tf.ones([3, 3, 2, 3]);
    assert.throws(
      () => tf.conv2dTranspose(dy as T4, f as T4, [1, 10, 10, 2], 2, 'valid'),
      /dy has shape \[1,5,5,3\] but .* give \[1,4,4,3\]/,
    );
    tf.dispose([dy, f]);
  }
  tf.setBackend('wasm');
});

test('a row gather whose output grows the wasm heap still copies every row', () => {
  // The output allocation grows (and so detaches) the heap; the row count was read from a view of
  // the indices taken before it, which then had length 0, and no row was copied.
  const row = 1 << 22;
  const x = tf.range(0, row).reshape([1, row]);
  const ids = tf.zeros([6], 'int32');
  const y = tf.gather(x, ids);
  const values = y.dataSync();
  for (let r = 0; r < 6; r++) {
    assert.equal(values[r * row + 1], 1, `row ${r}`);
    assert.equal(values[r * row + row - 1], row - 1, `row ${r}`);
  }
  tf.dispose([x, ids, y]);
});
