// The bridge to a running tslab kernel. tslab's public display API sends one MIME type per message;
// a multi-MIME bundle (Plotly JSON + HTML + text) needs its internal writer, which tslab keeps in
// `lastWriteDisplayData` of tslab/dist/jupyter.js while a cell executes. We only look at modules
// already loaded: outside a kernel tslab is never loaded (it would pull in TypeScript for nothing).

export type MimeBundle = Record<string, unknown>;

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

type WriteDisplayData = (message: DisplayMessage, update: boolean) => void;

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

type JupyterModule = { exports?: { lastWriteDisplayData?: WriteDisplayData | null } };
let found: { file: string; module: JupyterModule } | undefined;

function kernelWriter(): WriteDisplayData | null {
  // The module stays loaded for the kernel's life (its writer changes with every executed cell),
  // so it is looked up once; outside a kernel each call scans the module cache.
  if (!found || require.cache[found.file] !== found.module) {
    const entry = Object.entries(require.cache).find(([file]) => JUPYTER_MODULE.test(file));
    found = entry ? { file: entry[0], module: entry[1] as JupyterModule } : undefined;
  }
  const writer = found?.module.exports?.lastWriteDisplayData;
  return typeof writer === 'function' ? writer : null;
}

/** True inside a tslab kernel (a notebook cell is executing). */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

/**
 * Send a bundle as a display_data message (or update_display_data for an existing display_id).
 * Returns false outside a kernel.
 */
export function sendBundle(
  data: MimeBundle,
  options: { displayId?: string; update?: boolean } = {},
): boolean {
  const write = kernelWriter();
  if (!write) return false;
  const message: DisplayMessage = { data, metadata: {} };
  if (options.displayId) message.transient = { display_id: options.displayId };
  write(message, options.update === true);
  return true;
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
