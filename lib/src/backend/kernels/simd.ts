// milab's own SIMD loops (simd/kernels.c, compiled by simd/build.sh into simd-binary.ts),
// instantiated on the wasm backend's linear memory so that they read and write tensors in place.
// One instance per backend instance; arguments are heap byte offsets.
import { SIMD_WASM_PLAIN, SIMD_WASM_SHARED } from './simd-binary';
import { wasmMemory } from './wasm-util';
import type { BackendWasm, Info } from './wasm-util';

/** An NHWC convolution's (or pooling's) geometry; the filter is the pooling window for pools.
 * Row p = (n, oh, ow) of a column matrix holds the receptive field of output pixel p in filter
 * order (kh, kw, c), so that conv(x, W) = cols [P, KH*KW*C] @ W [KH*KW*C, O]. */
export interface PatchGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** The geometry's fields in the order simd/kernels.c (and lib/native's im2col) read them. */
export function geometryFields(g: PatchGeometry): number[] {
  return [
    g.batch,
    g.inHeight,
    g.inWidth,
    g.channels,
    g.outHeight,
    g.outWidth,
    g.filterHeight,
    g.filterWidth,
    g.strideHeight,
    g.strideWidth,
    g.padTop,
    g.padLeft,
  ];
}

interface Exports {
  transpose2d(input: number, out: number, rows: number, cols: number): void;
  im2col_t(x: number, colsT: number, geometry: number, tile: number): void;
  col2im(cols: number, dx: number, geometry: number): void;
  maxpool_grad(x: number, dy: number, dx: number, geometry: number): void;
  sum_leading(x: number, out: number, outer: number, inner: number): void;
  gemm_small_out(
    a: number,
    b: number,
    out: number,
    rows: number,
    inner: number,
    cols: number,
  ): void;
  gather_rows(x: number, indices: number, out: number, count: number, row: number): void;
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    wOut: number,
    mOut: number,
    vOut: number,
    n: number,
    lrT: number,
    beta1: number,
    beta2: number,
    epsT: number,
  ): void;
  softplus_sd(rho: number, sd: number, dsd: number, n: number, floor: number): void;
  gaussian_kl(
    mu: number,
    rho: number,
    dmu: number,
    drho: number,
    n: number,
    logPriorSd: number,
    inversePriorVariance: number,
    floor: number,
  ): number;
  normal_noise(out: number, n: number, key: number, mean: number, sd: number): void;
}

export class SimdKernels {
  private constructor(
    private readonly backend: BackendWasm,
    private readonly memory: WebAssembly.Memory,
    readonly fn: Exports,
    private readonly geometryPtr: number,
  ) {}

  private static readonly instances = new WeakMap<BackendWasm, SimdKernels>();

  static of(backend: BackendWasm): SimdKernels {
    let k = SimdKernels.instances.get(backend);
    if (!k) {
      const module = backend.wasm as unknown as { _malloc(bytes: number): number };
      const memory = wasmMemory(backend);
      const shared =
        typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = Buffer.from(shared ? SIMD_WASM_SHARED : SIMD_WASM_PLAIN, 'base64');
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      // 12 int32 geometry fields, allocated once for the backend's lifetime.
      k = new SimdKernels(
        backend,
        memory,
        instance.exports as unknown as Exports,
        module._malloc(12 * 4),
      );
      SimdKernels.instances.set(backend, k);
    }
    return k;
  }

  /** Heap byte offset of a tensor's data. */
  ptr(t: Info): number {
    return (this.backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
  }

  /** Writes the geometry where the C side reads it; returns its offset. */
  geometry(g: PatchGeometry): number {
    new Int32Array(this.memory.buffer, this.geometryPtr, 12).set(geometryFields(g));
    return this.geometryPtr;
  }

  /** The whole heap as bytes, from the memory itself: a view kept from before the heap grew
   * (which a pool thread's allocation can do) would be stale. */
  heap(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }
}
