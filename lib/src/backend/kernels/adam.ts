// One fused Adam update per variable on wasm ('MilabAdam', used by nn's FusedAdam optimizer): one
// pass over weights, gradient and both moments instead of ~12 separate elementwise kernels. Inputs
// w, g, m, v; outputs new w, m, v (fresh tensors: tensors are immutable and XNNPACK caches packed
// weights by tensor id). attrs: lrT = lr sqrt(1 - b2^t) / (1 - b1^t), epsT = eps sqrt(1 - b2^t).
import * as tf from '@tensorflow/tfjs';
import { SimdKernels } from './simd';
import { BackendWasm, Info, size } from './wasm-util';

export const ADAM_KERNEL = 'MilabAdam';

export interface AdamKernelAttrs {
  lrT: number;
  beta1: number;
  beta2: number;
  epsT: number;
}

export function registerWasmAdam(): void {
  if (tf.getKernel(ADAM_KERNEL, 'wasm')) return;
  tf.registerKernel({
    kernelName: ADAM_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { w, g, m, v } = inputs as { w: Info; g: Info; m: Info; v: Info };
      const a = attrs as unknown as AdamKernelAttrs;
      const be = backend as BackendWasm;
      const outs = [
        be.makeOutput(w.shape, 'float32'),
        be.makeOutput(w.shape, 'float32'),
        be.makeOutput(w.shape, 'float32'),
      ];
      const simd = SimdKernels.of(be);
      simd.fn.adam(
        simd.ptr(w),
        simd.ptr(g),
        simd.ptr(m),
        simd.ptr(v),
        simd.ptr(outs[0]),
        simd.ptr(outs[1]),
        simd.ptr(outs[2]),
        size(w.shape),
        a.lrT,
        a.beta1,
        a.beta2,
        a.epsT,
      );
      return outs;
    },
  });
}
