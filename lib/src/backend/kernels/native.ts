// Matrix products on wasm computed by the native addon (native-addon.ts) in place on the heap, in
// front of milab's wasm kernels (matmul.ts): what the addon does not cover (other dtypes, empty
// operands, prelu epilogues, batch shapes that broadcast on both sides) returns null and runs
// there. Convolutions: native-conv.ts.
import * as tf from '@tensorflow/tfjs';
import { ActivationAttrs, hasEmptyInput, perLastAxis } from './guards';
import type { Native } from './native-addon';
import {
  BackendWasm,
  Info,
  KernelArgs,
  heapFloats,
  heapOffset,
  layerWasmKernel,
  size,
} from './wasm-util';

/** The addon's numbers for the activations it applies (lib/native/src/product.h). */
const ACTIVATIONS = new Map([
  ['linear', 0],
  ['relu', 1],
  ['leakyrelu', 2],
  ['relu6', 3],
  ['elu', 4],
  ['sigmoid', 5],
]);

/** Calls the native kernels took and declined: the tests check that the addon did the work. */
export const nativeCounts = { products: 0, convolutions: 0, declined: 0 };

export function registerNativeProducts(native: Native): void {
  layerWasmKernel('BatchMatMul', (args) => product(native, args, false));
  layerWasmKernel('_FusedMatMul', (args) => product(native, args, true));
}

export interface NativeEpilogue {
  bias: Info | undefined;
  activation: number;
  alpha: number;
}

/** No bias, no activation. */
export const LINEAR: NativeEpilogue = { bias: undefined, activation: 0, alpha: 0 };

/** A fused kernel's bias and activation as the addon applies them (one bias value per output
 * channel), or null where it cannot. Kernels without them get the linear epilogue. */
export function nativeEpilogue(args: KernelArgs, channels: number): NativeEpilogue | null {
  const { bias, preluActivationWeights } = args.inputs as Record<string, Info | undefined>;
  const { activation = 'linear', leakyreluAlpha = 0.2 } = args.attrs as ActivationAttrs;
  const code = ACTIVATIONS.get(activation);
  if (code === undefined || preluActivationWeights) return null;
  if (bias && (bias.dtype !== 'float32' || !perLastAxis(bias, channels))) return null;
  return { bias, activation: code, alpha: leakyreluAlpha };
}

/** null after counting a declined call, for the kernel underneath to run. */
export function declined(): null {
  nativeCounts.declined++;
  return null;
}

/** Make the output, run `compute` on it (which takes the heap view: after this allocation), and
 * free the output if the addon refused. */
export function computeInto(
  backend: BackendWasm,
  shape: number[],
  compute: (out: Info) => void,
): Info {
  const out = backend.makeOutput(shape, 'float32');
  try {
    compute(out);
  } catch (err) {
    backend.disposeData(out.dataId);
    throw err;
  }
  return out;
}

function product(native: Native, args: KernelArgs, fused: boolean): Info | null {
  const { a, b } = args.inputs as { a: Info; b: Info };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const [ra, rb] = [a.shape.length, b.shape.length];
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const epilogue = fused ? nativeEpilogue(args, n) : LINEAR;
  const floats = a.dtype === 'float32' && b.dtype === 'float32';
  // A mismatch is milab's kernel's to report (it says which shapes).
  if (!epilogue || !floats || k !== kb || hasEmptyInput(args)) return declined();
  const outer = tf.backend_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  const batch = size(outer);
  const batchA = size(a.shape.slice(0, -2));
  const batchB = size(b.shape.slice(0, -2));
  // Each operand either has every slice or one shared by all (not [2,1] against [1,3]).
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return declined();
  const backend = args.backend as BackendWasm;
  const at = (t: Info) => heapOffset(backend, t);
  const out = computeInto(backend, [...outer, m, n], (c) =>
    native.addon.matmul(
      heapFloats(backend),
      batch,
      m,
      n,
      k,
      transposeA,
      transposeB,
      at(a),
      at(b),
      at(c),
      batchA === 1 ? 0 : m * k,
      batchB === 1 ? 0 : k * n,
      epilogue.bias ? at(epilogue.bias) : -1,
      epilogue.activation,
      epilogue.alpha,
      false,
    ),
  );
  nativeCounts.products++;
  return out;
}
