// Convolution backprop on wasm as matrix products through the registered BatchMatMul: XNNPACK (on
// every thread the backend has), or the native product where the native kernels are on (which
// compute the filter gradient themselves where they can, native-conv.ts).
// The wasm backend has no Conv2DBackpropFilter (CNN training threw) and runs Conv2DBackpropInput as
// a naive loop. With cols = im2col(x) [P = N*OH*OW, K = KH*KW*C] and dY as [P, O]:
//   dW = cols^T dY,   with cols^T built directly (the big operand on the left, see simd/kernels.c);
//   dX = col2im(dY W^T), W seen as [K, O].
// Measured on LeNet-5's layers this beats the alternatives built from XNNPACK convolutions (dW as a
// convolution of x with dY over the batch axis; dX as a convolution with the rotated filter, which
// multiplies the zero padding too). Large batches go in chunks so cols stays below a size limit.
import * as tf from '@tensorflow/tfjs';
import { PatchGeometry, SimdKernels } from './simd';
import { Info, Scratch, replaceWasmKernel, view, withScratch } from './wasm-util';

interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Filters with at most this many taps (KH*KW*C: a first layer on 1- or 3-channel images) get
 * their gradient from milab's small-output product: XNNPACK would repack all of dY first (see
 * kernels.c). */
const SMALL_FILTER = 32;

/** Most floats one column matrix may take (default 16M = 64 MB): bounds memory.
 * MILAB_CONV_CHUNK_FLOATS overrides it (the tests use a small value to exercise the chunked
 * path). */
function chunkFloats(): number {
  const fromEnv = Number(process.env.MILAB_CONV_CHUNK_FLOATS);
  return fromEnv >= 1 ? fromEnv : 16 * 1024 * 1024;
}

export function registerWasmConv(): void {
  replaceWasmKernel('Conv2DBackpropFilter', ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: Info; dy: Info };
    const a = attrs as unknown as ConvBackpropAttrs & {
      filterShape: [number, number, number, number];
    };
    return withScratch(backend, (s) => {
      const channelsFirst = a.dataFormat === 'NCHW';
      const xs = channelsFirst ? s.transpose(x, [0, 2, 3, 1]) : x;
      const dys = channelsFirst ? s.transpose(dy, [0, 2, 3, 1]) : dy;
      return s.keep(filterGradient(s, xs, dys, geometry(xs.shape, a.filterShape, a)));
    });
  });

  replaceWasmKernel('Conv2DBackpropInput', ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as { dy: Info; filter: Info };
    const a = attrs as unknown as ConvBackpropAttrs & {
      inputShape: [number, number, number, number];
    };
    return withScratch(backend, (s) => {
      if (a.dataFormat !== 'NCHW')
        return s.keep(inputGradient(s, dy, filter, geometry(a.inputShape, filter.shape, a)));
      const [n, c, h, w] = a.inputShape;
      const dyNhwc = s.transpose(dy, [0, 2, 3, 1]);
      const dxNhwc = inputGradient(s, dyNhwc, filter, geometry([n, h, w, c], filter.shape, a));
      return s.keep(s.transpose(dxNhwc, [0, 3, 1, 2]));
    });
  });
}

export function geometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  a: ConvBackpropAttrs,
): PatchGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Images per chunk so that one chunk's column matrix stays under chunkFloats(). */
export function chunkSize(g: PatchGeometry): number {
  const perImage = g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * g.channels;
  return Math.max(1, Math.min(g.batch, Math.floor(chunkFloats() / Math.max(perImage, 1))));
}

function filterGradient(s: Scratch, x: Info, dy: Info, g: PatchGeometry): Info {
  const k = g.filterHeight * g.filterWidth * g.channels;
  const o = dy.shape[3];
  const pixels = g.outHeight * g.outWidth;
  const imageSize = g.inHeight * g.inWidth * g.channels;
  const step = chunkSize(g);
  const simd = SimdKernels.of(s.backend);
  const tile = s.alloc([g.outWidth, k]); // one output row's patches
  let sum: Info | null = null; // dW [1, K, O]
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const nb = Math.min(step, g.batch - n0);
    const rows = nb * pixels;
    const colsT = s.alloc([1, k, rows]);
    simd.fn.im2col_t(
      simd.ptr(x) + 4 * n0 * imageSize,
      simd.ptr(colsT),
      simd.geometry({ ...g, batch: nb }),
      simd.ptr(tile),
    );
    const dyRows = s.slice(dy, n0 * pixels * o, [1, rows, o]);
    let part: Info;
    if (k <= SMALL_FILTER) {
      part = s.alloc([1, k, o]);
      simd.fn.gemm_small_out(simd.ptr(colsT), simd.ptr(dyRows), simd.ptr(part), k, rows, o);
    } else {
      part = s.registered(
        'BatchMatMul',
        { a: colsT, b: dyRows },
        { transposeA: false, transposeB: false },
      );
    }
    s.release(colsT);
    if (sum) {
      const next = s.run('Add', { a: sum, b: part });
      s.release(sum);
      s.release(part);
      sum = next;
    } else {
      sum = part;
    }
  }
  return view(sum!, [g.filterHeight, g.filterWidth, g.channels, o]);
}

function inputGradient(s: Scratch, dy: Info, filter: Info, g: PatchGeometry): Info {
  const k = g.filterHeight * g.filterWidth * g.channels;
  const o = dy.shape[3];
  const pixels = g.outHeight * g.outWidth;
  const imageSize = g.inHeight * g.inWidth * g.channels;
  const filterT = s.transpose(view(filter, [k, o]), [1, 0]); // [O, K]
  const dx = s.alloc([g.batch, g.inHeight, g.inWidth, g.channels]);
  const step = chunkSize(g);
  const simd = SimdKernels.of(s.backend);
  for (let n0 = 0; n0 < g.batch; n0 += step) {
    const nb = Math.min(step, g.batch - n0);
    const rows = nb * pixels;
    const dyRows = s.slice(dy, n0 * pixels * o, [1, rows, o]);
    const dcols = s.registered(
      'BatchMatMul',
      { a: dyRows, b: view(filterT, [1, o, k]) },
      { transposeA: false, transposeB: false },
    );
    simd.fn.col2im(
      simd.ptr(dcols),
      simd.ptr(dx) + 4 * n0 * imageSize,
      simd.geometry({ ...g, batch: nb }),
    );
    s.release(dcols);
  }
  return dx;
}
