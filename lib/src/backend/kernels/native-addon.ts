// The native kernels' addon (lib/native, which environment/setup.sh builds where it can): oneDNN's
// matrix products computed in place on the wasm backend's heap. A kernel set on the wasm backend,
// not a backend of its own: every other operation, and memory, stay the wasm backend's.
//   MILAB_NATIVE = auto (default): use the addon when it loads, else the wasm kernels;
//                  1: it must load (one line saying why not, otherwise); 0: the wasm kernels.
//   MILAB_NATIVE_THREADS: the size of oneDNN's thread pool (see nativeThreadCount).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputError } from '../../errors';

const os = require('node:os') as typeof import('node:os');

/** lib/native/src/addon.cc. Offsets and strides count floats. */
export interface NativeAddon {
  matmul(
    heap: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    aOffset: number,
    bOffset: number,
    cOffset: number,
    strideA: number,
    strideB: number,
    biasOffset: number,
    activation: number,
    alpha: number,
    accumulate: boolean,
  ): void;
  /** cols [pixels, KH*KW*C] of NHWC x; `geometry` as kernels/simd.ts's PatchGeometry's fields. */
  im2col(heap: Float32Array, xOffset: number, colsOffset: number, ...geometry: number[]): void;
  setThreads(threads: number): void;
  info(): { version: string; threads: number };
}

export interface Native {
  addon: NativeAddon;
  /** 'oneDNN 2.6.3, 1 thread' */
  description: string;
}

/** From lib/dist/backend/kernels to lib/native's node-gyp output. */
export const NATIVE_ADDON_FILE = path.join(
  __dirname,
  ...['..', '..', '..', 'native', 'build', 'Release', 'milab_native.node'],
);

let loaded: { native: Native | null; reason: string } | undefined;

/** The addon, loaded once, or null when MILAB_NATIVE is 0 or (auto) the addon does not load. */
export function loadNative(): Native | null {
  if (loaded) return loaded.native;
  const mode = nativeMode();
  if (mode === 'off') {
    loaded = { native: null, reason: 'MILAB_NATIVE=0' };
    return null;
  }
  const threads = nativeThreadCount(); // outside the try: a wrong setting is always reported
  try {
    loaded = { native: open(threads), reason: '' };
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    if (mode === 'required') {
      inputError(
        `MILAB_NATIVE=1 but the native kernels do not load: ${reason} ` +
          '(npm run setup builds them; MILAB_NATIVE=0 or unset runs the wasm kernels)',
      );
    }
    loaded = { native: null, reason };
  }
  return loaded.native;
}

/** Why loadNative() gave null ('' when it did not). */
export function nativeUnavailableReason(): string {
  loadNative();
  return loaded!.reason;
}

function nativeMode(): 'auto' | 'off' | 'required' {
  const raw = (process.env.MILAB_NATIVE ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'auto') return 'auto';
  if (raw === '0') return 'off';
  if (raw === '1') return 'required';
  inputError(`MILAB_NATIVE must be auto, 0 or 1; got '${process.env.MILAB_NATIVE}'`);
}

function open(poolSize: number): Native {
  if (!fs.existsSync(NATIVE_ADDON_FILE)) {
    throw new Error('lib/native is not built (needs a C++ compiler and libdnnl-dev)');
  }
  // libgomp reads this once, when the addon loads it: idle pool threads then sleep instead of
  // spinning for milliseconds against the JavaScript thread after every product.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  const addon = require(NATIVE_ADDON_FILE) as NativeAddon;
  addon.setThreads(poolSize);
  const { version, threads } = addon.info();
  return { addon, description: `oneDNN ${version}, ${threads} thread${threads > 1 ? 's' : ''}` };
}

/** MILAB_NATIVE_THREADS (at most the cores), else 1 on machines with at most 2 cores and the cores
 * (at most 8) above that. On 2 cores, 2 threads measured slower (MINE bench 151 against 225
 * steps/s, LeNet-5 34 against 46: the JavaScript thread needs a core between products), and with
 * another process on the second core an active pool collapsed (LeNet-5 11 steps/s). */
export function nativeThreadCount(): number {
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const fallback = cores <= 2 ? 1 : Math.min(cores, 8);
  const raw = process.env.MILAB_NATIVE_THREADS;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    inputError(`MILAB_NATIVE_THREADS must be a positive integer, got '${raw}'`);
  }
  return Math.min(n, cores);
}
