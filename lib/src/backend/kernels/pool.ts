// MaxPoolGrad on wasm. The stock kernel starts each window's maximum at the smallest POSITIVE
// float, so a window whose values are all <= 0 routes no gradient at all (e.g. a 2x2/2 'valid' pool
// of [[0, 9.9, -2.6, -9.3], [4.9, 8, -7, -6.2], ...] drops the (-2.6) window's gradient). After a
// ReLU that only loses zero gradients, but a pool on anything signed trained wrongly. This one
// routes each output's gradient to the first maximum of its window, as the cpu backend does.
import * as tf from '@tensorflow/tfjs';
import { runOnCpu } from './cpu-fallback';
import { SimdKernels } from './simd';
import { Info, replaceWasmKernel, withScratch } from './wasm-util';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function registerWasmPool(): void {
  replaceWasmKernel('MaxPoolGrad', (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, input } = inputs as { dy: Info; input: Info };
    const a = attrs as unknown as PoolAttrs;
    // Windows that a rounding mode adds past the padding: the cpu backend defines their routing.
    if (a.dimRoundingMode && a.dimRoundingMode !== 'floor') return runOnCpu('MaxPoolGrad', args);
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    return withScratch(backend, (s) => {
      const simd = SimdKernels.of(s.backend);
      const dx = s.alloc(input.shape);
      const geometry = simd.geometry({
        batch: info.batchSize,
        inHeight: info.inHeight,
        inWidth: info.inWidth,
        channels: info.inChannels,
        outHeight: info.outHeight,
        outWidth: info.outWidth,
        filterHeight: info.effectiveFilterHeight,
        filterWidth: info.effectiveFilterWidth,
        strideHeight: info.strideHeight,
        strideWidth: info.strideWidth,
        padTop: info.padInfo.top,
        padLeft: info.padInfo.left,
      });
      simd.fn.maxpool_grad(simd.ptr(input), simd.ptr(dy), simd.ptr(dx), geometry);
      return s.keep(dx);
    });
  });
}
