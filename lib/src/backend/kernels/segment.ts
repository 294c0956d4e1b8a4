// UnsortedSegmentSum on wasm: the gradient of gather (embedding lookups, tf.gather) needs it and
// the wasm backend has none. One pass over the rows, adding each into its segment, directly on the
// heap.
import { Info, replaceWasmKernel, size, withScratch } from './wasm-util';

export function registerWasmSegmentSum(): void {
  replaceWasmKernel('UnsortedSegmentSum', ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: Info; segmentIds: Info };
    const { numSegments } = attrs as unknown as { numSegments: number };
    return withScratch(backend, (s) => {
      // Segment ids index the leading axes of x; each id owns one row of `inner` values.
      const rows = size(segmentIds.shape);
      const inner = size(x.shape) / Math.max(rows, 1);
      const out = s.alloc([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype, true);
      const ids = s.backend.typedArrayFromHeap(segmentIds);
      const src = s.backend.typedArrayFromHeap(x);
      const dst = s.backend.typedArrayFromHeap(out);
      for (let r = 0; r < rows; r++) {
        const id = ids[r];
        // Like TensorFlow, ids outside [0, numSegments) are dropped.
        if (id < 0 || id >= numSegments) continue;
        const from = r * inner;
        const to = id * inner;
        for (let j = 0; j < inner; j++) dst[to + j] += src[from + j];
      }
      return s.keep(out);
    });
  });
}
