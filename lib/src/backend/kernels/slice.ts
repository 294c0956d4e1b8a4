// Slice and GatherV2 on wasm for whole rows. The stock kernels move ~30 ns per float when slicing a
// batch of images out of a [N, 28, 28, 1] tensor, and ~20 ns when gathering rows (every shuffled
// training batch, every embedding lookup). A slice whose region is one contiguous run of memory is
// one memmove; a gather along axis 0 copies whole rows (milab's SIMD module). Other cases keep the
// stock kernels (which also produce their error messages for bad arguments).
import { SimdKernels } from './simd';
import { Info, replaceWasmKernel, size, stockKernel, withScratch } from './wasm-util';

export function registerWasmSlicing(): void {
  replaceWasmKernel('Slice', (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: Info };
    const { begin, size: extent } = attrs as unknown as {
      begin: number | number[];
      size: number | number[];
    };
    const run = contiguousRun(x.shape, x.dtype, begin, extent);
    if (!run) return stockKernel('Slice').kernelFunc(args);
    return withScratch(backend, (s) => {
      const out = s.alloc(run.shape, x.dtype);
      const simd = SimdKernels.of(s.backend);
      const from = simd.ptr(x) + 4 * run.offset;
      simd.heap().copyWithin(simd.ptr(out), from, from + 4 * run.length);
      return s.keep(out);
    });
  });

  replaceWasmKernel('GatherV2', (args) => {
    const { inputs, backend, attrs } = args;
    const { x, indices } = inputs as { x: Info; indices: Info };
    const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
    const rowsAxis = (axis ?? 0) < 0 ? axis + x.shape.length : (axis ?? 0);
    const fourBytes = x.dtype === 'float32' || x.dtype === 'int32';
    if (
      rowsAxis !== 0 ||
      (batchDims ?? 0) !== 0 ||
      !fourBytes ||
      indices.dtype !== 'int32' ||
      x.shape.length < 1
    ) {
      return stockKernel('GatherV2').kernelFunc(args);
    }
    const be = backend as Parameters<typeof SimdKernels.of>[0];
    const ids = be.typedArrayFromHeap(indices) as Int32Array;
    const rows = x.shape[0];
    for (let i = 0; i < ids.length; i++) {
      if (!(ids[i] >= 0 && ids[i] < rows)) return stockKernel('GatherV2').kernelFunc(args); // it reports the bad index
    }
    return withScratch(backend, (s) => {
      const out = s.alloc([...indices.shape, ...x.shape.slice(1)], x.dtype);
      const simd = SimdKernels.of(s.backend);
      // Not ids.length: the allocation above may have grown the heap, detaching that view (its
      // length reads 0 then, and the output was left uninitialised).
      simd.fn.gather_rows(
        simd.ptr(x),
        simd.ptr(indices),
        simd.ptr(out),
        size(indices.shape),
        size(x.shape.slice(1)),
      );
      return s.keep(out);
    });
  });
}

/** The slice as one run of memory [offset, offset + length) when it is contiguous, else null:
 * axes before the first partial one have extent 1, axes after it are taken whole. */
function contiguousRun(
  shape: readonly number[],
  dtype: string,
  begin: number | number[],
  extent: number | number[],
) {
  if (dtype !== 'float32' && dtype !== 'int32') return null;
  const rank = shape.length;
  const b = Array.isArray(begin) ? begin : [begin];
  const e = Array.isArray(extent) ? extent : [extent];
  const starts = shape.map((_, i) => b[i] ?? 0);
  const sizes = shape.map((d, i) => (e[i] === undefined || e[i] === -1 ? d - starts[i] : e[i]));
  if (sizes.some((z, i) => z < 0 || starts[i] < 0 || starts[i] + z > shape[i])) return null;
  let first = 0; // first axis not of extent 1
  while (first < rank && sizes[first] === 1) first++;
  for (let i = first + 1; i < rank; i++) if (sizes[i] !== shape[i]) return null;
  let offset = 0;
  for (let i = 0; i < rank; i++) offset = offset * shape[i] + starts[i];
  return { offset, length: size(sizes), shape: sizes };
}
