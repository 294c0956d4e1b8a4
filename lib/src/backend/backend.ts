// The one backend selector. MILAB_BACKEND = tensorflow | webgpu | wasm | cpu | auto (default).
// auto: a real tfjs-node(-gpu) if the user installed one, else WebGPU on a hardware adapter,
// else wasm (SIMD), else the pure-JS cpu backend. The choice is reported once.
import * as tf from '@tensorflow/tfjs';
import { registerFastKernels } from './kernels';
import { loadNative } from './kernels/native-addon';
import { prepareWasmThreads, wasmThreadCount } from './kernels/wasm-threads';
import { initWebgpu } from './webgpu';
import { MilabInputError, inputError } from '../errors';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** Human-readable description: device/adapter, threads, SIMD. */
  detail: string;
  /**
   * The kernels that run the heavy operations (products, convolutions), recorded with every stored
   * run so that results computed on different paths are never mixed silently: 'wasm' (TF.js's
   * XNNPACK kernels and milab's SIMD loops), 'native (oneDNN 2.6.3, 1 thread)' (wasm with the
   * native kernels, kernels/native-addon.ts), 'webgpu', 'cpu', 'tensorflow'.
   */
  kernels: string;
}

export interface BackendOptions {
  /** Overrides MILAB_BACKEND. */
  backend?: BackendName | 'auto';
  /** Suppress the one-line report. */
  quiet?: boolean;
}

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

/** Initialise (once) and return the active backend. Safe to call from every module and cell. */
export function useBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const requested = parseRequest(options.backend ?? process.env.MILAB_BACKEND);
  if (current && (requested === 'auto' || requested === current.name))
    return Promise.resolve(current);
  if (pending && !current) return pending;
  pending = select(requested).then((info) => {
    current = info;
    if (!options.quiet && !process.env.MILAB_QUIET)
      console.log(`milab: backend ${info.name} (${info.detail})`);
    return info;
  });
  return pending;
}

/** The active backend, or undefined before useBackend() resolved. */
export function activeBackend(): BackendInfo | undefined {
  return current;
}

function parseRequest(value: string | undefined): BackendName | 'auto' {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  inputError(`MILAB_BACKEND must be one of auto, ${BACKEND_NAMES.join(', ')}; got '${value}'`);
}

async function select(requested: BackendName | 'auto'): Promise<BackendInfo> {
  if (requested !== 'auto') {
    const info = await tryInit(requested, true);
    if (!info) throw new Error(`backend '${requested}' could not be initialised`);
    return info;
  }
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    const info = await tryInit(name, false);
    if (info) return info;
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}

async function tryInit(name: BackendName, explicit: boolean): Promise<BackendInfo | null> {
  return keepProcessErrorHandling(() => initBackend(name, explicit));
}

/**
 * Run a backend's initialisation, then remove the process-wide error handlers it added. TF.js's
 * wasm backend is Emscripten output, which on Node adds
 * `process.on('uncaughtException', e => { throw e })` and the same for unhandled rejections
 * (tf-backend-wasm.node.js). A throw inside that handler makes Node exit with status 7, so once the
 * backend was loaded any stray exception killed the process, even where someone handles it: a
 * tslab kernel, which logs it, died mid-notebook. Without those handlers Node behaves as usual: a
 * handler added by the user or the kernel runs, and a plain script gets Node's own message and exit
 * status 1.
 */
async function keepProcessErrorHandling<T>(init: () => Promise<T>): Promise<T> {
  const emitter: NodeJS.EventEmitter = process;
  const events = ['uncaughtException', 'unhandledRejection'];
  const before = events.map((event) => new Set(emitter.listeners(event)));
  try {
    return await init();
  } finally {
    events.forEach((event, i) => {
      for (const listener of emitter.listeners(event)) {
        // Only a short function that throws: a handler someone else added meanwhile stays.
        const rethrows = /\bthrow\b/.test(String(listener)) && String(listener).length < 200;
        if (!before[i].has(listener) && rethrows) {
          emitter.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
    });
  }
}

async function initBackend(name: BackendName, explicit: boolean): Promise<BackendInfo | null> {
  try {
    let detail: string | null;
    let kernels: string = name;
    switch (name) {
      case 'tensorflow':
        detail = loadTfjsNode();
        break;
      case 'webgpu':
        // Auto-selection only takes a hardware adapter; asking for webgpu explicitly also accepts
        // Dawn's software (llvmpipe) path, which is how CI checks the backend's correctness.
        detail = await initWebgpu({ allowSoftware: explicit });
        break;
      case 'wasm':
        ({ detail, kernels } = initWasm());
        break;
      case 'cpu':
        detail = 'pure JavaScript';
        break;
    }
    if (detail === null) return null;
    if (!(await tf.setBackend(name))) return null;
    await tf.ready();
    registerFastKernels(name);
    return { name, detail, kernels };
  } catch (err) {
    // A wrong setting (MILAB_NATIVE=1 without the addon, say) is reported, never skipped over.
    if (err instanceof MilabInputError) throw err;
    if (explicit)
      throw new Error(`backend '${name}' failed to initialise: ${(err as Error).message}`);
    return null;
  }
}

/** The real tfjs-node(-gpu), if installed. The project's own shim of tfjs-node does not count. */
function loadTfjsNode(): string | null {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    let manifest: { private?: boolean; version?: string };
    try {
      manifest = require(`${pkg}/package.json`);
    } catch {
      continue;
    }
    if (manifest.private) continue; // environment/tfjs-node-shim
    require(pkg);
    return `${pkg} ${manifest.version}`;
  }
  return null;
}

function initWasm(): { detail: string; kernels: string } {
  // SIMD, and threads (MILAB_WASM_THREADS; default 1 on <= 2 cores, else the cores) through
  // kernels/wasm-threads.ts, since Node cannot start TF.js's pthread workers unaided.
  const native = loadNative();
  if (!native) return { detail: prepareWasmThreads(), kernels: 'wasm' };
  // One thread pool in the process, oneDNN's: beside it wasm's pool slowed both (a MINE step
  // 2-3x slower measured with 2 + 2 threads on 2 cores), so wasm runs on one thread.
  if (wasmThreadCount() > 1 && process.env.MILAB_WASM_THREADS) {
    console.warn(
      `milab: MILAB_WASM_THREADS=${process.env.MILAB_WASM_THREADS} ignored: with the native ` +
        'kernels wasm runs 1 thread (MILAB_NATIVE_THREADS sizes the native pool)',
    );
  }
  const detail = `${prepareWasmThreads(1)}; native kernels: ${native.description}`;
  return { detail, kernels: `native (${native.description})` };
}
