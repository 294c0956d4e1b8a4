// MaxPoolGrad on wasm through the native addon: the same rule as milab's wasm loop (pool.ts, each
// output's gradient to the first maximum of its window), in a native loop over the channels that
// the compiler vectorises for the machine. Rounding modes and empty inputs go to pool.ts.
import { hasEmptyInput } from './guards';
import type { Native } from './native-addon';
import { computeInto, declined, nativeCounts } from './native';
import { PoolAttrs, poolGeometry } from './pool';
import { geometryFields } from './simd';
import { BackendWasm, Info, heapFloats, heapOffset, layerWasmKernel } from './wasm-util';

export function registerNativePool(native: Native): void {
  layerWasmKernel('MaxPoolGrad', (args) => {
    const { dy, input } = args.inputs as { dy: Info; input: Info };
    const a = args.attrs as unknown as PoolAttrs;
    const floats = dy.dtype === 'float32' && input.dtype === 'float32';
    const rounded = a.dimRoundingMode !== undefined && a.dimRoundingMode !== 'floor';
    if (!floats || rounded || hasEmptyInput(args)) return declined();
    const backend = args.backend as BackendWasm;
    const g = poolGeometry(input, a);
    const dx = computeInto(backend, input.shape, (out) => {
      const at = (t: Info) => heapOffset(backend, t);
      const heap = heapFloats(backend);
      native.addon.maxPoolGrad(heap, at(input), at(dy), at(out), ...geometryFields(g));
    });
    nativeCounts.pools++;
    return dx;
  });
}
