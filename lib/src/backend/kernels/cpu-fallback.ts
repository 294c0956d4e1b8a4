// Kernels the wasm backend lacks and that no milab model needs fast (depthwise-convolution
// backprop, einsum) run on the pure-JS cpu backend: inputs are copied over, the cpu kernel runs,
// outputs are copied back. Slow but correct, so that a model using them trains instead of throwing.
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, Info } from './wasm-util';

const CPU_FALLBACK_KERNELS = [
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'Einsum',
] as const;

export function registerWasmCpuFallbacks(): void {
  for (const name of CPU_FALLBACK_KERNELS) {
    if (tf.getKernel(name, 'wasm')) continue; // a newer wasm backend has its own
    const cpuKernel = tf.getKernel(name, 'cpu');
    if (!cpuKernel) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: (args) => runOnCpu(name, args),
    });
  }
}

/** Run the cpu backend's kernel `name` on wasm tensors (copied over and back). Also the route for
 * shapes the stock wasm kernels get wrong (see guards.ts): slow, but the cpu backend's answer. */
export function runOnCpu(name: string, args: Parameters<tf.KernelFunc>[0]) {
  const kernel = tf.getKernel(name, 'cpu');
  if (!kernel) throw new Error(`the cpu backend has no '${name}' kernel to run on wasm's behalf`);
  const inputs = args.inputs as Record<string, Info>;
  return onCpu(kernel, inputs, args.backend as BackendWasm, args.attrs ?? {});
}

function onCpu(
  kernel: tf.KernelConfig,
  inputs: Record<string, Info>,
  wasm: BackendWasm,
  attrs: tf.NamedAttrMap,
) {
  const cpu = tf.engine().findBackend('cpu');
  if (!cpu) throw new Error(`the cpu backend is needed to run ${kernel.kernelName} on wasm`);
  // Einsum's inputs come as an array, the others as a named map: keep whichever form was given.
  const cpuInputs: Record<string, Info> = Array.isArray(inputs)
    ? ([] as unknown as Record<string, Info>)
    : {};
  const made: Info[] = [];
  try {
    for (const [key, t] of Object.entries(inputs)) {
      if (!t) continue; // an optional input left out (a fused kernel's bias)
      const copy: Info = {
        dataId: cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype),
        shape: t.shape,
        dtype: t.dtype,
      };
      cpuInputs[key] = copy;
      made.push(copy);
    }
    const result = kernel.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs });
    const outputs = Array.isArray(result) ? result : [result];
    made.push(...outputs);
    const back = outputs.map((t) =>
      wasm.makeOutput(
        t.shape,
        t.dtype,
        undefined,
        cpu.readSync(t.dataId) as tf.backend_util.BackendValues,
      ),
    );
    return Array.isArray(result) ? back : back[0];
  } finally {
    for (const t of made) cpu.disposeData(t.dataId);
  }
}
