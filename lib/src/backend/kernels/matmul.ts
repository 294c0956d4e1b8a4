// Matrix products on wasm. The stock kernel reaches XNNPACK only for an untransposed product whose
// operands both have batch size 1; everything else runs a naive loop, 6-23x slower. Every dense
// layer's backprop is transposed (dX = dY W^T, dW = X^T dY), so training paid that price each step.
// Here transposed operands are first materialised by the (fast, memory-bound) Transpose kernel, a
// batched left operand times a shared right operand is flattened into one 2-D product, and other
// batched products run slice by slice through XNNPACK on zero-copy views of the heap.
import * as tf from '@tensorflow/tfjs';
import { ActivationAttrs, epilogue, hasEmptyInput, perLastAxis } from './guards';
import { SimdKernels } from './simd';
import {
  Info,
  Scratch,
  replaceWasmKernel,
  size,
  stockKernel,
  view,
  withScratch,
} from './wasm-util';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

// Output rows (or columns) up to which a^T b goes to milab's small-output product (simd/kernels.c).
const SMALL_SIDE = 32;

// Below this many multiply-adds per slice, per-slice XNNPACK set-up costs more than the naive loop.
const MIN_SLICE_WORK = 32 * 32 * 32;

export function registerWasmMatMul(): void {
  replaceWasmKernel('BatchMatMul', (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
    // XNNPACK refuses a zero dimension (an inner dimension of 0 left the output uninitialised).
    return withScratch(backend, (s) =>
      hasEmptyInput(args)
        ? s.keep(zeroProduct(s, a, b, transposeA, transposeB))
        : product(s, a, b, transposeA, transposeB, plainProduct(s), true),
    );
  });

  replaceWasmKernel('_FusedMatMul', (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b, bias, preluActivationWeights } = inputs as Record<string, Info | undefined> as {
      a: Info;
      b: Info;
      bias?: Info;
      preluActivationWeights?: Info;
    };
    const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
    const activation = attrs as unknown as ActivationAttrs;
    if (hasEmptyInput(args)) {
      return withScratch(backend, (s) => {
        const zeros = zeroProduct(s, a, b, transposeA, transposeB);
        return s.keep(epilogue(s, zeros, bias, preluActivationWeights, activation));
      });
    }
    const n = lastDim(b, transposeB);
    // The stock epilogue reads bias and prelu slopes as one value per output column, and its
    // batched loop applies the bias wrongly (off by ~1 against relu(a b + bias)); a per-column
    // epilogue survives flattening a batched a into rows. Anything else: the product, then the
    // epilogue's own kernels (Add broadcasts any bias shape the cpu backend accepts).
    // (The stock kernel checks the rank of the bias it stored, so only a rank-1 bias qualifies.)
    const perColumn =
      (!bias || bias.shape.length === 1) &&
      perLastAxis(bias, n) &&
      perLastAxis(preluActivationWeights, n);
    const batched = batchOf(a) > 1 || batchOf(b) > 1;
    if (!perColumn || (batched && !canFlatten(a, b, transposeA))) {
      return withScratch(backend, (s) => {
        const out = s.own(product(s, a, b, transposeA, transposeB, plainProduct(s), true));
        return s.keep(epilogue(s, out, bias, preluActivationWeights, activation));
      });
    }
    // Per-column bias and slopes as the rank-1 [N] tensors the stock kernel requires.
    const fusedInputs: tf.NamedTensorInfoMap = {};
    if (bias) fusedInputs.bias = bias;
    const slopes = preluActivationWeights;
    if (slopes) fusedInputs.preluActivationWeights = view(slopes, [n]); // the stock kernel reads N
    if (!transposeA && !transposeB && !batched) {
      return stockKernel('_FusedMatMul').kernelFunc({ ...args, inputs: { a, b, ...fusedInputs } });
    }
    return withScratch(backend, (s) =>
      product(
        s,
        a,
        b,
        transposeA,
        transposeB,
        (x, y) =>
          s.run(
            '_FusedMatMul',
            { a: x, b: y, ...fusedInputs },
            { ...attrs, transposeA: false, transposeB: false },
          ),
        false,
      ),
    );
  });
}

/** a @ b when an operand is empty: zeros (an inner dimension of 0 sums nothing), output shape. */
function zeroProduct(s: Scratch, a: Info, b: Info, transposeA: boolean, transposeB: boolean): Info {
  const m = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const outer = tf.backend_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  return s.alloc([...outer, m, lastDim(b, transposeB)], 'float32', true);
}

/** The untransposed stock product of two [1, M, K] x [1, K, N] views. */
function plainProduct(s: Scratch): (a3: Info, b3: Info) => Info {
  return (x, y) => s.run('BatchMatMul', { a: x, b: y }, { transposeA: false, transposeB: false });
}

/** a @ b (with the transposes) where `plain` computes an untransposed product of two [1, M, K] x
 * [1, K, N] views into a scratch-owned [1, M, N] tensor. Returns a tensor of the broadcast shape.
 * `swappable`: plain has no per-column epilogue (bias, activation), so (b^T a^T)^T may be used. */
function product(
  s: Scratch,
  a: Info,
  b: Info,
  transposeA: boolean,
  transposeB: boolean,
  plain: (a3: Info, b3: Info) => Info,
  swappable: boolean,
): Info {
  const m = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const kb = transposeB ? b.shape[b.shape.length - 1] : b.shape[b.shape.length - 2];
  const n = lastDim(b, transposeB);
  if (k !== kb) {
    throw new Error(
      `matMul: inner dimensions ${k} and ${kb} of shapes [${a.shape}] and [${b.shape}] ` +
        `(transposeA=${transposeA}, transposeB=${transposeB}) must match`,
    );
  }
  const outer = tf.backend_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  const outShape = [...outer, m, n];
  const batchA = batchOf(a);
  const batchB = batchOf(b);

  if (
    swappable &&
    batchA === 1 &&
    batchB === 1 &&
    transposeA &&
    !transposeB &&
    Math.min(m, n) <= SMALL_SIDE
  ) {
    // a^T b with a narrow side (dW of a layer with few inputs or few outputs): XNNPACK would repack
    // all of b first; milab's small-output product reads both in place. Narrow rows: a^T b
    // directly; narrow columns: (b^T a)^T.
    const simd = SimdKernels.of(s.backend);
    const [left, right, rows, cols] = m <= n ? [a, b, m, n] : [b, a, n, m];
    const leftT = rows === 1 ? left : s.transpose(view(left, [k, rows]), [1, 0]);
    const out = s.alloc([rows, cols]);
    simd.fn.gemm_small_out(simd.ptr(leftT), simd.ptr(right), simd.ptr(out), rows, k, cols);
    const result = m <= n || m === 1 || n === 1 ? out : s.transpose(out, [1, 0]);
    return view(s.keep(result), outShape);
  }
  if (
    swappable &&
    batchA === 1 &&
    batchB === 1 &&
    transposeB &&
    !transposeA &&
    2 * m * k + m * n < 2 * k * n
  ) {
    // a b^T with few rows in a (dX = dY W^T of a dense layer): XNNPACK repacks the right operand of
    // every new product, so make the small one the right operand: (b a^T)^T.
    const aT = s.transpose(view(a, [m, k]), [1, 0]);
    const outT = plain(view(b, [1, n, k]), view(aT, [1, k, m]));
    return view(s.keep(s.transpose(view(outT, [n, m]), [1, 0])), outShape);
  }
  if (batchB === 1 && (batchA === 1 || !transposeA)) {
    // One 2-D product; a batched a (untransposed) is contiguous [batchA*M, K].
    const a2 = transposeA ? s.transpose(view(a, [k, m]), [1, 0]) : a;
    const b2 = transposeB ? s.transpose(view(b, [n, k]), [1, 0]) : b;
    const out = plain(view(a2, [1, batchA * m, k]), view(b2, [1, k, n]));
    return view(s.keep(out), outShape);
  }

  const batch = Math.max(batchA, batchB);
  const broadcastable =
    (batchA === batch || batchA === 1) &&
    (batchB === batch || batchB === 1) &&
    size(outer) === batch;
  if (!broadcastable || m * n * k < MIN_SLICE_WORK) {
    // Rare here (no dense layer or convolution makes these); the stock loop is correct for them.
    return s.keep(s.run('BatchMatMul', { a, b }, { transposeA, transposeB }));
  }
  const a3 = transposeA ? s.transpose(view(a, [batchA, k, m]), [0, 2, 1]) : view(a, [batchA, m, k]);
  const b3 = transposeB ? s.transpose(view(b, [batchB, n, k]), [0, 2, 1]) : view(b, [batchB, k, n]);
  const out = s.alloc([batch, m, n]);
  for (let i = 0; i < batch; i++) {
    const ai = s.slice(a3, batchA === 1 ? 0 : i * m * k, [1, m, k]);
    const bi = s.slice(b3, batchB === 1 ? 0 : i * k * n, [1, k, n]);
    const oi = plain(ai, bi);
    s.f32(out).set(s.f32(oi), i * m * n);
    s.release(oi);
  }
  return view(s.keep(out), outShape);
}

function batchOf(t: Info): number {
  return size(t.shape.slice(0, -2));
}

function lastDim(b: Info, transposeB: boolean): number {
  return transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
}

function canFlatten(a: Info, b: Info, transposeA: boolean): boolean {
  return batchOf(b) === 1 && (batchOf(a) === 1 || !transposeA);
}
