// Conv2D and FusedConv2D on wasm through the native addon: im2col (milab's SIMD loop, which writes
// the column matrix transposed, [KH*KW*C, pixels]) and one native product per chunk of images,
// written straight into the output, out [pixels, O] = cols [pixels, K] W [K, O], with a fused
// bias and activation as the product's epilogue. XNNPACK's direct convolution stays where this
// declines (NCHW, dilations, rounding modes, empty inputs, prelu). The gradients are conv.ts's,
// whose products go through the registered BatchMatMul and so reach the native one.
import * as tf from '@tensorflow/tfjs';
import { chunkSize, geometry } from './conv';
import { hasEmptyInput } from './guards';
import type { Native } from './native-addon';
import { computeInto, declined, nativeCounts, nativeEpilogue } from './native';
import { SimdKernels } from './simd';
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
}

export function registerNativeConv(native: Native): void {
  for (const name of ['Conv2D', 'FusedConv2D']) {
    layerWasmKernel(name, (args) => forward(native, args));
  }
}

function forward(native: Native, args: KernelArgs): Info | null {
  const { x, filter } = args.inputs as { x: Info; filter: Info };
  const a = args.attrs as unknown as ConvAttrs;
  const epilogue = nativeEpilogue(args, filter.shape[3]);
  const dilations = a.dilations ?? 1;
  const plain =
    x.dtype === 'float32' &&
    filter.dtype === 'float32' &&
    (a.dataFormat ?? 'NHWC') === 'NHWC' &&
    (dilations === 1 || (Array.isArray(dilations) && dilations.every((d) => d === 1))) &&
    a.dimRoundingMode === undefined;
  if (!epilogue || !plain || hasEmptyInput(args)) return declined();
  const g = geometry(x.shape, filter.shape, { ...a, dataFormat: 'NHWC' });
  if (g.outHeight < 1 || g.outWidth < 1) return declined();
  const backend = args.backend as BackendWasm;
  const k = g.filterHeight * g.filterWidth * g.channels;
  const o = filter.shape[3];
  const pixels = g.outHeight * g.outWidth;
  const imageFloats = g.inHeight * g.inWidth * g.channels;
  const step = chunkSize(g);
  const simd = SimdKernels.of(backend); // (its first use allocates: before any heap view)
  const tile = backend.makeOutput([g.outWidth, k], 'float32'); // one output row's patches
  const colsT = backend.makeOutput([k, step * pixels], 'float32');
  try {
    const out = computeInto(backend, [g.batch, g.outHeight, g.outWidth, o], (y) => {
      const at = (t: Info) => heapOffset(backend, t);
      for (let n0 = 0; n0 < g.batch; n0 += step) {
        const images = Math.min(step, g.batch - n0);
        const rows = images * pixels;
        simd.fn.im2col_t(
          4 * (at(x) + n0 * imageFloats),
          4 * at(colsT),
          simd.geometry({ ...g, batch: images }),
          4 * at(tile),
        );
        native.addon.matmul(
          heapFloats(backend),
          1,
          rows,
          o,
          k,
          true,
          false,
          at(colsT),
          at(filter),
          at(y) + n0 * pixels * o,
          0,
          0,
          epilogue.bias ? at(epilogue.bias) : -1,
          epilogue.activation,
          epilogue.alpha,
        );
      }
    });
    nativeCounts.convolutions++;
    return out;
  } finally {
    backend.disposeData(tile.dataId);
    backend.disposeData(colsT.dataId);
  }
}
