// Bayes-by-backprop's elementwise work over every weight, fused on wasm (lib's SIMD loops,
// simd/kernels.c). A step computes each weight's sigma = softplus(rho) several times and the KL to
// a Gaussian prior once; as separate kernels (sigmoid, log, maximum, square, ... and their
// gradients: ~35 kernels over 478k weights for the 784-400-400-10 MLP) that was three quarters
// of the step's kernel time. Used by nn's posteriorSd and gaussianKl, which fall back to the
// composite on other backends.
//   MilabSoftplusSd  input rho; attrs floor; outputs [sd, d sd / d rho]
//   MilabGaussianKl  inputs mu, rho; attrs priorSd, floor; outputs [KL (a scalar), d KL / d mu,
//                    d KL / d rho]
import * as tf from '@tensorflow/tfjs';
import { SimdKernels } from './simd';
import { BackendWasm, Info, size } from './wasm-util';

export const SOFTPLUS_SD_KERNEL = 'MilabSoftplusSd';
export const GAUSSIAN_KL_KERNEL = 'MilabGaussianKl';

export function registerWasmBayes(): void {
  if (tf.getKernel(SOFTPLUS_SD_KERNEL, 'wasm')) return;
  tf.registerKernel({
    kernelName: SOFTPLUS_SD_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { rho } = inputs as { rho: Info };
      const be = backend as BackendWasm;
      const sd = be.makeOutput(rho.shape, 'float32');
      const dsd = be.makeOutput(rho.shape, 'float32');
      const simd = SimdKernels.of(be);
      const { floor } = attrs as { floor: number };
      const n = size(rho.shape);
      if (n > 0) simd.fn.softplus_sd(simd.ptr(rho), simd.ptr(sd), simd.ptr(dsd), n, floor);
      return [sd, dsd];
    },
  });
  tf.registerKernel({
    kernelName: GAUSSIAN_KL_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { mu, rho } = inputs as { mu: Info; rho: Info };
      const be = backend as BackendWasm;
      const kl = be.makeOutput([], 'float32');
      const dmu = be.makeOutput(mu.shape, 'float32');
      const drho = be.makeOutput(rho.shape, 'float32');
      const simd = SimdKernels.of(be);
      const { priorSd, floor } = attrs as { priorSd: number; floor: number };
      const n = size(mu.shape);
      const total =
        n === 0
          ? 0
          : simd.fn.gaussian_kl(
              simd.ptr(mu),
              simd.ptr(rho),
              simd.ptr(dmu),
              simd.ptr(drho),
              n,
              Math.log(priorSd),
              1 / (priorSd * priorSd),
              floor,
            );
      (be.typedArrayFromHeap(kl) as Float32Array)[0] = total;
      return [kl, dmu, drho];
    },
  });
}
