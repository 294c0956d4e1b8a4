// Plumbing shared by milab's wasm kernels: run the wasm backend's own (stock) kernels on
// TensorInfos, free the intermediates a composite kernel makes, and read/write tensor memory on the
// wasm heap.
// A kernel works below the engine: whatever it allocates and does not return must be freed here,
// or it leaks heap memory that tf.memory() never shows.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type Info = tf.TensorInfo;
export type { BackendWasm };

// The wasm backend's kernel configs as they were before milab replaced any, so that a replacement
// can still call the original (e.g. the fast untransposed BatchMatMul) without calling itself.
const stockConfigs = new Map<string, tf.KernelConfig>();

export function stockKernel(name: string): tf.KernelConfig {
  let config = stockConfigs.get(name);
  if (!config) {
    config = tf.getKernel(name, 'wasm');
    if (!config) throw new Error(`the wasm backend has no '${name}' kernel`);
    stockConfigs.set(name, config);
  }
  return config;
}

/** Install `kernelFunc` as the wasm kernel `name`, keeping the stock one reachable via
 * stockKernel. */
export function replaceWasmKernel(name: string, kernelFunc: tf.KernelFunc): void {
  const existing = tf.getKernel(name, 'wasm');
  if (existing) {
    stockKernel(name);
    tf.unregisterKernel(name, 'wasm');
  }
  // The stock setupFunc binds the C function once per backend instance; keep it so a re-created
  // wasm backend still binds what the stock kernelFunc (called from ours) uses.
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc,
    setupFunc: existing?.setupFunc,
  });
}

/** Put `kernelFunc` in front of the wasm kernel registered now as `name` (milab's, or the stock
 * one): where it returns null, that kernel runs instead. */
export function layerWasmKernel(name: string, kernelFunc: (args: KernelArgs) => Info | null): void {
  const below = tf.getKernel(name, 'wasm');
  if (!below) throw new Error(`the wasm backend has no '${name}' kernel`);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...below,
    kernelFunc: (args) => kernelFunc(args) ?? below.kernelFunc(args),
  });
}

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The wasm backend's linear memory (Emscripten names it differently across builds). */
export function wasmMemory(backend: BackendWasm): WebAssembly.Memory {
  const module = backend.wasm as unknown as {
    asm?: { memory?: WebAssembly.Memory };
    wasmMemory?: WebAssembly.Memory;
  };
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!memory) throw new Error("milab: cannot find the wasm backend's memory");
  return memory;
}

const heapViews = new WeakMap<BackendWasm, Float32Array>();

/** The whole heap as floats, renewed when the heap has grown (which replaces its buffer). Take it
 * after a kernel's last allocation: a view taken before an allocation that grows the heap is
 * detached (or, with wasm threads, silently too short). */
export function heapFloats(backend: BackendWasm): Float32Array {
  const buffer = wasmMemory(backend).buffer;
  let heap = heapViews.get(backend);
  if (!heap || heap.buffer !== buffer) {
    heap = new Float32Array(buffer);
    heapViews.set(backend, heap);
  }
  return heap;
}

/** Where a tensor's data starts on the heap, in floats. */
export function heapOffset(backend: BackendWasm, t: Info): number {
  return (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset >>> 2;
}

/** Intermediates of one kernel call: every tensor made through `run`/`alloc` is freed by `free()`
 * unless handed over as the result with `keep`. */
export class Scratch {
  private readonly owned: Info[] = [];
  private readonly slices: Info[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Run a stock wasm kernel; its (single) output is owned by this scratch. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): Info {
    return this.call(stockKernel(name), inputs, attrs);
  }

  /** A fresh tensor on the wasm heap (contents undefined unless `zero`). */
  alloc(shape: number[], dtype: tf.DataType = 'float32', zero = false): Info {
    const out = this.backend.makeOutput(shape, dtype);
    if (zero) this.backend.typedArrayFromHeap(out).fill(0);
    this.owned.push(out);
    return out;
  }

  /** A zero-copy view of part of `base` (rows of a contiguous tensor), released by free(). */
  slice(base: Info, offsetElements: number, shape: number[]): Info {
    const t = heapSlice(this.backend, base, offsetElements, shape);
    this.slices.push(t);
    return t;
  }

  /** Float32Array view of a tensor's heap memory. Take it after the last alloc/run of a step:
   * an allocation may grow the heap and leave earlier views detached. */
  f32(t: Info): Float32Array {
    return this.backend.typedArrayFromHeap(t) as Float32Array;
  }

  /** Transpose through the registered kernel (milab's SIMD one where it applies). */
  transpose(x: Info, perm: number[]): Info {
    return this.registered('Transpose', { x }, { perm });
  }

  /** Run the kernel registered now (milab's, with its guards) rather than the stock one. */
  registered(name: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): Info {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`the wasm backend has no '${name}' kernel`);
    return this.call(kernel, inputs, attrs);
  }

  private call(kernel: tf.KernelConfig, inputs: tf.NamedTensorInfoMap, attrs: object): Info {
    const out = kernel.kernelFunc({
      inputs,
      backend: this.backend,
      attrs: attrs as unknown as tf.NamedAttrMap,
    }) as Info;
    this.owned.push(out);
    return out;
  }

  /** Hand `t` over to the caller (the engine takes ownership of a kernel's result). */
  keep(t: Info): Info {
    const i = this.owned.findIndex((o) => o.dataId === t.dataId);
    if (i < 0) throw new Error('Scratch.keep: tensor not owned by this kernel call');
    this.owned.splice(i, 1);
    return t;
  }

  /** Take back ownership of a tensor this scratch handed out (e.g. a helper's kept result). */
  own(t: Info): Info {
    this.owned.push(t);
    return t;
  }

  /** Free an owned intermediate now rather than at the end of the kernel call. */
  release(t: Info): void {
    this.backend.disposeData(this.keep(t).dataId);
  }

  free(): void {
    for (const t of this.slices) releaseHeapSlice(this.backend, t);
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.slices.length = 0;
    this.owned.length = 0;
  }
}

/** The same memory seen with another shape (no copy, no new reference: never dispose a view). */
export function view(t: Info, shape: number[]): Info {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

export function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Run a kernel body with a Scratch that is always freed, also when the body throws. */
export function withScratch(backend: unknown, body: (s: Scratch) => Info): Info {
  const s = new Scratch(backend as BackendWasm);
  try {
    return body(s);
  } finally {
    s.free();
  }
}

/** A tensor id registered on part of another tensor's heap memory (no copy). Release it with
 * releaseHeapSlice, never dispose it: the memory belongs to `base`. */
function heapSlice(
  backend: BackendWasm,
  base: Info,
  offsetElements: number,
  shape: number[],
): Info {
  const { memoryOffset } = backend.dataIdMap.get(base.dataId) as { memoryOffset: number };
  return backend.makeOutput(shape, base.dtype, memoryOffset + 4 * offsetElements);
}

function releaseHeapSlice(backend: BackendWasm, t: Info): void {
  const data = backend.dataIdMap.get(t.dataId) as { id: number };
  // Unregister on the C++ side (which also drops XNNPACK operators cached on it) without free().
  (backend.wasm as unknown as { tfjs: { disposeData(id: number): void } }).tfjs.disposeData(
    data.id,
  );
  backend.dataIdMap.delete(t.dataId);
}
