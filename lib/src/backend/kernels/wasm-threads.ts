// Multi-threaded wasm in Node. TF.js ships a threaded XNNPACK build, but in Node it cannot start:
//  1. its pthread workers are created from a blob: URL, which Node's worker_threads cannot load;
//  2. each worker is then told to import the main script from a Blob of a rollup-bundled factory
//     that needs bundler-internal requires;
//  3. the thread count is capped at os.cpus().length / 2 (it assumes two hyper-threads per core),
//     i.e. 1 on a 2-core machine.
// For the duration of backend initialisation only, this writes the worker script to a file and
// hands that path out for the blob URL (1), makes the worker import the package's unbundled
// factory file (2), and reports twice the cores while the module's static initialisers run (3).
// The pool's workers are unref'd afterwards so that a finished script can exit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

// The module object itself (not an import namespace, whose members are read-only): emscripten reads
// require('os').cpus() from it.
const os = require('node:os') as typeof import('node:os');

interface PendingSetup {
  restore: () => void;
}

let pending: PendingSetup | null = null;

/**
 * Thread count: MILAB_WASM_THREADS (at most the cores), else 1 on machines with at most 2 cores and
 * the number of cores (at most 8, TF.js's worker pool) above that. On an idle 2-core machine 2
 * threads measured 1.5x faster (MINE bench 80 vs 53 steps/s, LeNet-5 27 vs 19, identical results),
 * but (a) XNNPACK's pool synchronises every operation across its threads, so when another process
 * holds a core the pool waits for it (MINE 20 vs 30 steps/s at load 5.5). (The kernel deaths once
 * blamed on 2 threads were tslab's lost zeromq sends plus the wasm glue's rethrowing exception
 * handler; see backend.ts and scripts/tslab-kernel.ts.) Opt in with MILAB_WASM_THREADS=2.
 */
export function wasmThreadCount(): number {
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const fallback = cores <= 2 ? 1 : Math.min(cores, 8);
  const raw = process.env.MILAB_WASM_THREADS;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    // A warning, not an error: the backend selector would swallow an error and fall back to cpu.
    console.warn(
      `milab: MILAB_WASM_THREADS must be a positive integer, got '${raw}'; using ${fallback}`,
    );
    return fallback;
  }
  return Math.min(n, cores, 8); // TF.js caps at the cores too; say what it will run
}

/** Prepare the wasm backend's initialisation (call before tf.setBackend('wasm')); returns a
 * description. finishWasmThreadSetup() must follow once the backend is ready (or failed). */
export function prepareWasmThreads(threads = wasmThreadCount()): string {
  finishWasmThreadSetup();
  const wasm =
    require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  if (threads <= 1 || typeof SharedArrayBuffer === 'undefined') {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return 'WebAssembly SIMD, 1 thread';
  }
  const workerFile = writeWorkerScript();
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = () => workerFile;
  os.cpus = () => {
    const list = cpus();
    return list.concat(list);
  };
  pending = {
    restore: () => {
      URL.createObjectURL = createObjectURL;
      os.cpus = cpus;
    },
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  return `WebAssembly SIMD, ${threads} threads`;
}

/** Undo the temporary patches; unref the worker threads so they do not keep Node alive. */
export function finishWasmThreadSetup(): void {
  if (!pending) return;
  pending.restore();
  pending = null;
  const backend = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: PThreadPool } } | null;
  const pool = backend?.wasm?.PThread;
  if (!pool) return;
  // The thread pool's workers live as long as the backend; emscripten re-refs a worker when a
  // thread starts on it (possibly after this point), so make ref a no-op for them.
  for (const worker of [...pool.unusedWorkers, ...pool.runningWorkers]) {
    worker.ref = () => {};
    worker.unref?.();
  }
}

interface PoolWorker {
  ref?: () => void;
  unref?: () => void;
}

interface PThreadPool {
  unusedWorkers: PoolWorker[];
  runningWorkers: PoolWorker[];
}

/** The pthread worker script, patched to load the unbundled factory; written once per content. */
function writeWorkerScript(): string {
  const { wasmWorkerContents } =
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
      wasmWorkerContents: string;
    };
  const factory =
    require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  // The contents hold '\n' escapes that TF.js doubles before making its Blob; do the same.
  const script = `${wasmWorkerContents.replace(/\n/g, '\\n')}
;(function () {
  var onLoad = self.onmessage;
  self.onmessage = function (e) {
    if (e.data && e.data.cmd === 'load' && typeof e.data.urlOrBlob !== 'string') e.data.urlOrBlob = ${JSON.stringify(factory)};
    onLoad(e);
  };
})();
`;
  const version = (require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string })
    .version;
  const file = path.join(os.tmpdir(), `milab-tfjs-wasm-${version}-${hash(script)}.worker.js`);
  if (!fs.existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, script);
    fs.renameSync(partial, file); // atomic: concurrent processes never see half a file
  }
  return file;
}

function hash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}
