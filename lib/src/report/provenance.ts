// What a notebook's results were computed on. Every run that runMany returns notes its backend and
// kernel set here (those stored with the run, or this process's when it computed the run), and
// writeResults states them in the results' `backend` field. Results rebuilt from stored runs are
// stamped with what those runs ran on, not with whatever backend rebuilds them, and results
// assembled from runs on different kernels say so (and warn) instead of naming one of them.
//
// The rule (README "Results format"): when every run ran on one backend whose kernels are its own
// ('wasm' on 'wasm'), the field is that name, as before; otherwise it is the backends, then the
// kernel sets in brackets: 'wasm (kernels: native (oneDNN 3.0); wasm)'. A run stored before kernels
// were recorded counts as kernels 'unrecorded' on the backend that writes the results (what the
// field said before): the committed wasm runs rebuild as 'wasm (kernels: unrecorded)', true as far
// as it goes, where plain 'wasm' would vouch for kernels nobody recorded.
import { activeBackend } from '../backend/backend';

/** The kernels of a run stored before runs recorded them. */
export const UNRECORDED = 'unrecorded';

export interface RunProvenance {
  /** The backend's name (BackendInfo.name); absent in runs stored before it was recorded. */
  backend?: string;
  /** The kernel set (BackendInfo.kernels); absent likewise. */
  kernels?: string;
}

/** notebook -> run key -> what it ran on; by key, so a notebook run again replaces its runs. */
const notebooks = new Map<string, Map<string, RunProvenance>>();

/** The backend and kernels of this process: what a run computed now is stored with. */
export function currentProvenance(): Required<RunProvenance> {
  const info = activeBackend();
  return { backend: info?.name ?? 'none', kernels: info?.kernels ?? 'none' };
}

/** Note what one of the notebook's runs ran on (its stored fields, absent ones included). */
export function noteRun(notebook: string, key: string, run: RunProvenance): void {
  const runs = notebooks.get(notebook) ?? new Map<string, RunProvenance>();
  runs.set(key, { backend: run.backend, kernels: run.kernels });
  notebooks.set(notebook, runs);
}

export interface ResultsBackend {
  /** The results' `backend` field. */
  backend: string;
  /** One line when the runs ran on more than one backend or kernel set, else undefined. */
  warning?: string;
}

/** The results' `backend` field for this notebook by the rule above: the active backend's name
 * when no run was noted. */
export function resultsBackend(notebook: string): ResultsBackend {
  const active = activeBackend()?.name ?? 'none';
  const runs = [...(notebooks.get(notebook)?.values() ?? [])].map((run) => ({
    backend: run.backend ?? active,
    kernels: run.kernels ?? UNRECORDED,
  }));
  if (runs.length === 0) return { backend: active };
  const backends = distinct(runs.map((run) => run.backend));
  const kernels = distinct(runs.map((run) => run.kernels));
  if (backends.length === 1 && kernels.length === 1 && kernels[0] === backends[0])
    return { backend: backends[0] };
  const backend = `${backends.join('; ')} (kernels: ${kernels.join('; ')})`;
  if (backends.length === 1 && kernels.length === 1) return { backend };
  const label = (run: Required<RunProvenance>) =>
    run.kernels === run.backend ? run.backend : `${run.backend} (kernels: ${run.kernels})`;
  const counts = distinct(runs.map(label)).map(
    (l) => `${runs.filter((run) => label(run) === l).length} on ${l}`,
  );
  return {
    backend,
    warning: `${notebook}: results from runs on different kernels (${counts.join(', ')})`,
  };
}

function distinct(values: string[]): string[] {
  return [...new Set(values)].sort();
}
