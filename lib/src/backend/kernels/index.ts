// Kernels milab registers on top of TF.js backends (missing gradients, fast paths). One place for all.
import type { BackendName } from '../backend';

const registered = new Set<BackendName>();

export function registerFastKernels(backend: BackendName): void {
  if (registered.has(backend)) return;
  registered.add(backend);
}
