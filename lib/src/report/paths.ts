// Where reports, committed results and caches live. The project root is the nearest folder above
// the working directory that holds a package.json (notebooks run with cwd = notebooks/).
// MILAB_REPORTS_DIR / MILAB_RESULTS_DIR / MILAB_CACHE_DIR override (the notebook runner sets
// MILAB_REPORTS_DIR so a smoke run writes into a temporary folder).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputError } from '../errors';

export function projectRoot(): string {
  let dir = process.cwd();
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function reportsRoot(): string {
  return path.resolve(process.env.MILAB_REPORTS_DIR || path.join(projectRoot(), 'reports'));
}

export function resultsRoot(): string {
  return path.resolve(process.env.MILAB_RESULTS_DIR || path.join(projectRoot(), 'results'));
}

export function cacheRoot(): string {
  return path.resolve(process.env.MILAB_CACHE_DIR || path.join(projectRoot(), '.cache'));
}

/** A notebook's name as used for folders: the file name without .ipynb, e.g. '000-mmim'. */
export function checkNotebookName(notebook: string): string {
  if (
    typeof notebook !== 'string' ||
    !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(notebook) ||
    notebook.endsWith('.ipynb')
  ) {
    inputError(
      "notebook name must look like '000-mmim' (letters, digits, . _ -; no .ipynb); " +
        `got ${JSON.stringify(notebook)}`,
    );
  }
  return notebook;
}

/** The notebook's report folder (created if missing): reports/<notebook>/. */
export function reportDir(notebook: string): string {
  const dir = path.join(reportsRoot(), checkNotebookName(notebook));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Write a file so that readers see the old content or the new, never a part. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
