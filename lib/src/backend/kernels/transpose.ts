// Transpose on wasm: the stock kernel moves ~3 ns per float on a [1024, 256] matrix, and every
// transposed matmul (dense-layer backprop) and conv backprop starts with one. A permutation that,
// once size-1 axes are dropped, swaps two contiguous blocks of axes (perm = [k..r-1, 0..k-1]) is a
// 2-D transpose of [rows, cols], optionally repeated over leading batch axes that stay in place;
// those go through milab's tiled SIMD loop. Other permutations keep the stock kernel.
import { SimdKernels } from './simd';
import { Info, replaceWasmKernel, size, stockKernel, withScratch } from './wasm-util';

export function registerWasmTranspose(): void {
  replaceWasmKernel('Transpose', (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: Info };
    const { perm } = attrs as unknown as { perm: number[] };
    const plan =
      x.dtype === 'float32' || x.dtype === 'int32' ? asBatchedTranspose(x.shape, perm) : null;
    if (!plan) return stockKernel('Transpose').kernelFunc(args);
    return withScratch(backend, (s) => {
      const out = s.alloc(
        perm.map((p) => x.shape[p]),
        x.dtype,
      );
      const simd = SimdKernels.of(s.backend);
      const [from, to] = [simd.ptr(x), simd.ptr(out)];
      const block = plan.rows * plan.cols * 4;
      for (let b = 0; b < plan.batch; b++)
        simd.fn.transpose2d(from + b * block, to + b * block, plan.rows, plan.cols);
      return s.keep(out);
    });
  });
}

/** [batch, rows, cols] such that the permutation is a per-batch 2-D transpose, or null. */
function asBatchedTranspose(
  shape: readonly number[],
  perm: readonly number[],
): { batch: number; rows: number; cols: number } | null {
  const kept = perm.filter((p) => shape[p] !== 1);
  // Leading axes left in place form the batch.
  let lead = 0;
  while (lead < kept.length && kept[lead] === [...kept].sort((a, b) => a - b)[lead]) lead++;
  const rest = kept.slice(lead);
  if (rest.length < 2) return null;
  // The rest must be a rotation: ascending run [k..], then ascending run [..k-1].
  const sorted = [...rest].sort((a, b) => a - b);
  for (let split = 1; split < rest.length; split++) {
    const rotated = [...sorted.slice(split), ...sorted.slice(0, split)];
    if (rotated.every((p, i) => p === rest[i])) {
      const rowsAxes = sorted.slice(0, split);
      const colsAxes = sorted.slice(split);
      return {
        batch: size(kept.slice(0, lead).map((p) => shape[p])),
        rows: size(rowsAxes.map((p) => shape[p])),
        cols: size(colsAxes.map((p) => shape[p])),
      };
    }
  }
  return null;
}
