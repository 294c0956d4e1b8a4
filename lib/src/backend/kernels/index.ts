// Kernels milab registers on top of TF.js backends (missing gradients, fast paths). One place for
// all. wasm: BatchMatMul/_FusedMatMul routed to XNNPACK when transposed or batched;
// Conv2DBackpropFilter (missing) and Conv2DBackpropInput as im2col + XNNPACK products; MaxPoolGrad
// (the stock one is wrong); UnsortedSegmentSum (missing: gather's gradient); Transpose and
// leading-axis Sum through milab's SIMD loops (simd/kernels.c); Identity sharing data instead of
// copying; contiguous Slice and row GatherV2 as block copies; a fused Adam step (MilabAdam);
// Bayes-by-backprop's sigma = softplus(rho) and Gaussian KL, each one pass with its derivatives;
// seeded normal noise (MilabNormalNoise);
// cpu-backend fallbacks for the other missing kernels. guards.ts keeps the stock (XNNPACK) kernels
// away from shapes they get wrong: empty operands, output shapes XNNPACK computes differently (it
// wrote past the output buffer), and fused epilogues that are not one value per channel. The
// numeric-pad shape check (a TF.js bug) applies on cpu and webgpu too. With the native addon
// (native-addon.ts; MILAB_NATIVE), products and convolutions go to oneDNN first (native.ts,
// native-conv.ts) and fall through to the above.
import type { BackendName } from '../backend';
import { registerWasmAdam } from './adam';
import { registerWasmBayes } from './bayes';
import { registerWasmConv } from './conv';
import { registerWasmCpuFallbacks } from './cpu-fallback';
import { registerWasmIdentity } from './identity';
import { registerWasmMatMul } from './matmul';
import { registerNativeProducts } from './native';
import { loadNative } from './native-addon';
import { registerNativeConv } from './native-conv';
import { registerWasmPool } from './pool';
import { registerWasmRandom } from './random';
import { registerWasmSegmentSum } from './segment';
import { registerWasmSlicing } from './slice';
import { registerWasmSum } from './sum';
import { registerWasmTranspose } from './transpose';
import { finishWasmThreadSetup } from './wasm-threads';
import { registerWasmGuards, registerWindowChecks } from './guards';

export { ADAM_KERNEL } from './adam';
export type { AdamKernelAttrs } from './adam';
export { GAUSSIAN_KL_KERNEL, SOFTPLUS_SD_KERNEL } from './bayes';
export { NORMAL_NOISE_KERNEL } from './random';

const registered = new Set<BackendName>();

export function registerFastKernels(backend: BackendName): void {
  finishWasmThreadSetup(); // whichever backend won, the wasm set-up's temporary patches end here
  if (registered.has(backend)) return;
  registered.add(backend);
  // The cpu backend is every backend's reference and wasm's fallback: it refuses the same shapes.
  registerWindowChecks('cpu');
  if (backend === 'webgpu') registerWindowChecks('webgpu');
  if (backend === 'wasm') {
    registerWasmGuards();
    registerWasmMatMul();
    registerWasmConv();
    registerWasmPool();
    registerWasmSegmentSum();
    registerWasmTranspose();
    registerWasmSum();
    registerWasmAdam();
    registerWasmBayes();
    registerWasmRandom();
    registerWasmIdentity();
    registerWasmSlicing();
    registerWasmCpuFallbacks();
    const native = loadNative();
    if (native) {
      registerNativeProducts(native);
      registerNativeConv(native);
    }
    registerWindowChecks('wasm'); // last: it wraps milab's backprop kernels too
  }
}
