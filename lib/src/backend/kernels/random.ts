// Seeded standard normal noise in one SIMD pass on wasm ('MilabNormalNoise', used by random's
// seededNormal): tf.randomNormal makes its draws one at a time in JavaScript, ~30 ns each, and a
// Bayes-by-backprop step with a mixture prior draws one per weight (478k for the 784-400-400-10
// MLP). No inputs; attrs shape, key (the hashed seed), mean, sd; output the draws.
import * as tf from '@tensorflow/tfjs';
import { SimdKernels } from './simd';
import { BackendWasm, size } from './wasm-util';

export const NORMAL_NOISE_KERNEL = 'MilabNormalNoise';

export function registerWasmRandom(): void {
  if (tf.getKernel(NORMAL_NOISE_KERNEL, 'wasm')) return;
  tf.registerKernel({
    kernelName: NORMAL_NOISE_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ backend, attrs }) => {
      const { shape, key, mean, sd } = attrs as unknown as {
        shape: number[];
        key: number;
        mean: number;
        sd: number;
      };
      const be = backend as BackendWasm;
      const out = be.makeOutput(shape, 'float32');
      const n = size(shape);
      const simd = SimdKernels.of(be);
      if (n > 0) simd.fn.normal_noise(simd.ptr(out), n, key, mean, sd);
      return out;
    },
  });
}
