// Convolutions on wasm through the native addon, NHWC without dilations: the addon's im2col
// writes cols [pixels, KH*KW*C] (contiguous runs of the input, several times faster than milab's
// wasm loop, which writes the transposed matrix for XNNPACK), then one native product per chunk
// of images, on the heap in place:
//   Conv2D, FusedConv2D:   out [pixels, O] = cols W [K, O], with the fused bias and activation as
//                          the product's epilogue;
//   Conv2DBackpropFilter:  dW [K, O] = cols^T dY, summed over the chunks by the product itself.
// Conv2DBackpropInput is conv.ts's (dY W^T through the registered product, i.e. the native one of
// native.ts, then milab's col2im). What this declines (NCHW, dilations, rounding modes, empty
// inputs, prelu) runs on the kernels underneath.
import * as tf from '@tensorflow/tfjs';
import { chunkSize, geometry } from './conv';
import { hasEmptyInput } from './guards';
import type { Native } from './native-addon';
import {
  LINEAR,
  NativeEpilogue,
  computeInto,
  declined,
  nativeCounts,
  nativeEpilogue,
} from './native';
import { geometryFields } from './simd';
import {
  BackendWasm,
  Info,
  KernelArgs,
  heapFloats,
  heapOffset,
  layerWasmKernel,
} from './wasm-util';

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: number[];
}

export function registerNativeConv(native: Native): void {
  for (const name of ['Conv2D', 'FusedConv2D']) {
    layerWasmKernel(name, (args) => {
      const { x, filter } = args.inputs as { x: Info; filter: Info };
      const epilogue = nativeEpilogue(args, filter.shape[3]);
      if (!epilogue || !covered(args, [x, filter])) return declined();
      return convolve(native, args, x, filter.shape, 'output', (c) => ({
        m: c.rows,
        n: c.o,
        k: c.k,
        transposeA: false,
        a: c.cols,
        b: c.at(filter),
        c: c.at(c.out) + c.firstRow * c.o,
        epilogue,
        accumulate: false,
      }));
    });
  }
  layerWasmKernel('Conv2DBackpropFilter', (args) => {
    const { x, dy } = args.inputs as { x: Info; dy: Info };
    if (!covered(args, [x, dy])) return declined();
    const filterShape = (args.attrs as unknown as ConvAttrs).filterShape!;
    return convolve(native, args, x, filterShape, 'filter', (c) => ({
      m: c.k,
      n: c.o,
      k: c.rows,
      transposeA: true,
      a: c.cols,
      b: c.at(dy) + c.firstRow * c.o,
      c: c.at(c.out),
      epilogue: LINEAR,
      accumulate: c.firstRow > 0,
    }));
  });
}

/** float32, NHWC, no dilations or rounding mode, nothing empty. */
function covered(args: KernelArgs, inputs: Info[]): boolean {
  const a = args.attrs as unknown as ConvAttrs;
  const dilations = a.dilations ?? 1;
  return (
    inputs.every((t) => t.dtype === 'float32') &&
    (a.dataFormat ?? 'NHWC') === 'NHWC' &&
    (dilations === 1 || (Array.isArray(dilations) && dilations.every((d) => d === 1))) &&
    a.dimRoundingMode === undefined &&
    !hasEmptyInput(args)
  );
}

/** One chunk of images: its column matrix (a heap offset) and its rows, for the chunk's product. */
interface Chunk {
  cols: number;
  rows: number;
  firstRow: number;
  k: number;
  o: number;
  out: Info;
  at: (t: Info) => number;
}

/** The chunk's product, as the addon's matmul takes it (offsets in floats). */
interface ChunkProduct {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  a: number;
  b: number;
  c: number;
  epilogue: NativeEpilogue;
  accumulate: boolean;
}

/** im2col and `product` chunk by chunk, into a new output: the convolution's, or the filter's. */
function convolve(
  native: Native,
  args: KernelArgs,
  x: Info,
  filterShape: number[],
  output: 'output' | 'filter',
  product: (chunk: Chunk) => ChunkProduct,
): Info | null {
  const g = geometry(x.shape, filterShape, {
    ...(args.attrs as unknown as ConvAttrs),
    dataFormat: 'NHWC',
  });
  if (g.outHeight < 1 || g.outWidth < 1) return declined();
  const backend = args.backend as BackendWasm;
  const k = g.filterHeight * g.filterWidth * g.channels;
  const o = filterShape[3];
  const pixels = g.outHeight * g.outWidth;
  const imageFloats = g.inHeight * g.inWidth * g.channels;
  const step = chunkSize(g);
  const cols = backend.makeOutput([step * pixels, k], 'float32');
  const shape = output === 'output' ? [g.batch, g.outHeight, g.outWidth, o] : filterShape;
  try {
    const out = computeInto(backend, shape, (y) => {
      const at = (t: Info) => heapOffset(backend, t);
      const heap = heapFloats(backend); // no allocation from here on
      for (let n0 = 0; n0 < g.batch; n0 += step) {
        const images = Math.min(step, g.batch - n0);
        const chunk = { ...g, batch: images };
        native.addon.im2col(heap, at(x) + n0 * imageFloats, at(cols), ...geometryFields(chunk));
        const rows = images * pixels;
        const p = product({ cols: at(cols), rows, firstRow: n0 * pixels, k, o, out: y, at });
        const e = p.epilogue;
        native.addon.matmul(
          heap,
          1,
          p.m,
          p.n,
          p.k,
          p.transposeA,
          false,
          p.a,
          p.b,
          p.c,
          0,
          0,
          e.bias ? at(e.bias) : -1,
          e.activation,
          e.alpha,
          p.accumulate,
        );
      }
    });
    nativeCounts.convolutions++;
    return out;
  } finally {
    backend.disposeData(cols.dataId);
  }
}
