// WebGPU through Dawn's Node bindings (npm `webgpu`). Returns a description of the adapter, or null
// when none is usable. Globals must exist before @tensorflow/tfjs-backend-webgpu is loaded.
export async function initWebgpu(options: { allowSoftware: boolean }): Promise<string | null> {
  const dawnOptions = options.allowSoftware ? [] : [];
  let dawn: { create: (opts: string[]) => GPU; globals: Record<string, unknown> };
  try {
    dawn = require('webgpu');
  } catch {
    return null;
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(dawnOptions);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  require('@tensorflow/tfjs-backend-webgpu');
  return 'Dawn WebGPU';
}
