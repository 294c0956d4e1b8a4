// TF.js's WebGPU backend on Dawn's Node bindings (npm `webgpu`).
//
// Two ways to an adapter:
//  - hardware: Dawn's default backends (Vulkan on Linux). Auto-selection only ever takes this one,
//    and
//    only looks for it when a Vulkan loader and a non-software Vulkan driver (ICD) are installed,
//    so a plain CPU machine never loads Dawn (loading it there prints a Vulkan warning on stderr).
//  - software: Dawn's OpenGL ES backend on Mesa's llvmpipe through surfaceless EGL, in WebGPU
//    compatibility mode. Slow, but it runs the same shaders, which is how CI checks the backend's
//    numbers on machines without a GPU. Only an explicit MILAB_BACKEND=webgpu takes it.
// Mesa's lavapipe (software Vulkan) is no use here: Dawn's Vulkan backend rejects Debian's version.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface WebgpuOptions {
  /** Accept Dawn's software adapter (llvmpipe) when no hardware adapter exists. */
  allowSoftware: boolean;
}

// The little of Dawn's API used here, typed locally: the hoisted @webgpu/types (TF.js's) predates
// adapter.info and featureLevel.
interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: object;
}
interface DawnGpu {
  requestAdapter(options: AdapterOptions): Promise<DawnAdapter | null>;
}
interface AdapterOptions {
  powerPreference?: 'high-performance' | 'low-power';
  featureLevel?: 'core' | 'compatibility';
}
interface DawnAdapter {
  info: { vendor: string; architecture: string; device: string; description: string };
  features: ReadonlySet<string>;
  limits: object;
  requestDevice(descriptor: {
    requiredFeatures: string[];
    requiredLimits: Record<string, number>;
  }): Promise<unknown>;
}

interface AdapterRoute {
  software: boolean;
  dawnFlags: string[];
  adapterOptions: AdapterOptions;
}

const HARDWARE: AdapterRoute = {
  software: false,
  dawnFlags: [],
  adapterOptions: { powerPreference: 'high-performance' },
};
const SOFTWARE: AdapterRoute = {
  software: true,
  dawnFlags: ['backend=opengles'],
  adapterOptions: { featureLevel: 'compatibility' },
};

// Adapter names of CPU rasterisers. Auto-selection must never pick one: wasm is far faster.
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|software/i;

// The adapter the 'webgpu' backend was registered on: a process registers it once.
let registered: { description: string; software: boolean } | undefined;

/**
 * Registers TF.js's 'webgpu' backend on a Dawn adapter and returns a description of the adapter, or
 * null when none is usable. With allowSoftware (an explicit request for webgpu) a failure throws an
 * error that says what is missing instead of returning null.
 */
export async function initWebgpu(options: WebgpuOptions): Promise<string | null> {
  if (registered)
    return registered.software && !options.allowSoftware ? null : registered.description;
  const routes = [
    ...(hardwareDriverPresent() ? [HARDWARE] : []),
    ...(options.allowSoftware ? [SOFTWARE] : []),
  ];
  if (routes.length === 0) return null;
  const dawn = loadDawn(options.allowSoftware);
  if (!dawn) return null;
  for (const route of routes) {
    const found = await findAdapter(dawn, route);
    if (!found) continue;
    registerBackend(dawn, found.gpu, found.adapter, route);
    registered = { description: describe(found.adapter.info, route), software: route.software };
    return registered.description;
  }
  if (!options.allowSoftware) return null;
  throw new Error(
    "Dawn found no WebGPU adapter (a GPU needs libvulkan1 and its driver's Vulkan ICD; without one, " +
      '`bash environment/webgpu-deps.sh` installs EGL + Mesa for the software adapter)',
  );
}

function loadDawn(explicit: boolean): DawnModule | null {
  try {
    // ESM-only package: Node >= 20.19 loads it through require(esm).
    return require('webgpu') as DawnModule;
  } catch (err) {
    if (explicit)
      throw new Error(`npm package 'webgpu' (Dawn) could not be loaded: ${(err as Error).message}`);
    return null;
  }
}

async function findAdapter(
  dawn: DawnModule,
  route: AdapterRoute,
): Promise<{ gpu: DawnGpu; adapter: DawnAdapter } | null> {
  // Mesa reads this when Dawn opens the EGL display; surfaceless needs neither X nor Wayland.
  if (route.software && !process.env.EGL_PLATFORM) process.env.EGL_PLATFORM = 'surfaceless';
  const gpu = dawn.create(route.dawnFlags);
  const adapter = await gpu.requestAdapter(route.adapterOptions);
  if (!adapter) return null;
  if (
    !route.software &&
    SOFTWARE_ADAPTER.test(`${adapter.info.device} ${adapter.info.description}`)
  )
    return null;
  return { gpu, adapter };
}

// TF.js's own factory asks for a core-mode adapter and few limits; ours requests the route's
// adapter and every limit the adapter offers (compatibility mode otherwise caps storage buffers per
// shader stage below what fused kernels bind). The globals and navigator.gpu must exist before the
// backend package loads: it registers nothing, and its constructor refuses, without navigator.gpu.
function registerBackend(
  dawn: DawnModule,
  gpu: DawnGpu,
  found: DawnAdapter,
  route: AdapterRoute,
): void {
  Object.assign(globalThis, dawn.globals);
  exposeNavigatorGpu(gpu);
  const { WebGPUBackend } =
    require('@tensorflow/tfjs-backend-webgpu') as typeof import('@tensorflow/tfjs-backend-webgpu');
  // TF.js reads GPU memory synchronously through an OffscreenCanvas, which Node lacks, and Dawn has
  // no blocking readback: say so, instead of "OffscreenCanvas is not defined".
  class NodeWebGPUBackend extends WebGPUBackend {
    override readSync(dataId: object): tf.backend_util.BackendValues {
      const data = this.tensorMap.get(dataId);
      if (data.values != null || data.dtype === 'string' || data.dtype === 'complex64')
        return super.readSync(dataId);
      throw new Error(
        'dataSync()/arraySync() cannot read WebGPU memory in Node (Dawn has no blocking readback): ' +
          'use `await tensor.data()` or `await tensor.array()`',
      );
    }
  }
  // An adapter makes one device; the found one serves the first backend, later ones ask again.
  let unused: DawnAdapter | null = found;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const adapter = unused ?? (await gpu.requestAdapter(route.adapterOptions));
      unused = null;
      if (!adapter) throw new Error('the WebGPU adapter disappeared after it was found');
      const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
      const device = await adapter.requestDevice({
        requiredFeatures,
        requiredLimits: allLimits(adapter.limits),
      });
      type Args = ConstructorParameters<typeof WebGPUBackend>;
      return new NodeWebGPUBackend(device as Args[0], adapter.info as Args[1]);
    },
    3, // TF.js's priority for webgpu: above wasm (2) and cpu (1)
  );
}

function exposeNavigatorGpu(gpu: DawnGpu): void {
  const g = globalThis as { navigator?: object };
  if (g.navigator) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  } else {
    const navigator = { gpu, userAgent: `Node.js/${process.versions.node}` };
    Object.defineProperty(globalThis, 'navigator', {
      value: navigator,
      configurable: true,
      writable: true,
    });
  }
}

function allLimits(limits: object): Record<string, number> {
  const out: Record<string, number> = {};
  // Dawn exposes the limits as prototype getters, so Object.keys(limits) is empty.
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(limits))) {
    const value = (limits as Record<string, unknown>)[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out;
}

function describe(info: DawnAdapter['info'], route: AdapterRoute): string {
  const name = [info.vendor, info.device].filter(Boolean).join(' ');
  return ['Dawn', route.software ? 'software adapter' : '', name, info.description]
    .filter(Boolean)
    .join(', ');
}

// Cheap file checks standing in for loading Dawn: a Vulkan loader and at least one Vulkan driver
// manifest that is not a software rasteriser. Other platforms use Metal or D3D12: let Dawn look.
function hardwareDriverPresent(): boolean {
  if (process.platform !== 'linux') return true;
  return vulkanLoaderPresent() && icdManifests().some((file) => !isSoftwareIcd(file));
}

function vulkanLoaderPresent(): boolean {
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean);
  if (dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')))) return true;
  try {
    return readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1');
  } catch {
    return false;
  }
}

// Where the Vulkan loader looks for driver manifests (its documented search order on Linux).
function icdManifests(): string[] {
  const override = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (override)
    return override
      .split(delimiter)
      .flatMap((path) => (path.endsWith('.json') ? [path] : jsonFiles(path)));
  const configDirs = [
    process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
    ...(process.env.XDG_CONFIG_DIRS ?? '/etc/xdg').split(delimiter),
    '/etc',
  ];
  const dataDirs = [
    process.env.XDG_DATA_HOME ?? join(homedir(), '.local/share'),
    ...(process.env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(delimiter),
  ];
  return [...configDirs, ...dataDirs].flatMap((dir) => jsonFiles(join(dir, 'vulkan', 'icd.d')));
}

function jsonFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function isSoftwareIcd(file: string): boolean {
  try {
    return /lvp|lavapipe|swiftshader/i.test(`${file} ${readFileSync(file, 'utf8')}`);
  } catch {
    return true; // unreadable manifest: the loader cannot use it either
  }
}
