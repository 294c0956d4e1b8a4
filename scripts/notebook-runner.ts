// Headless notebook execution, shared by `npm start` (scripts/run-notebooks.ts) and the smoke test
// (test/notebooks.test.ts). Each notebook runs in the real Jupyter stack (nbclient, via
// scripts/execute_notebook.py and the Python that environment/setup.sh found) with the project's
// tslab kernelspec. A report folder is staged and swapped in whole, so reports/<name>/ is always
// the last complete run, never part of one.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readResults, type Profile, type Results } from 'milab';
import { processAlive } from 'milab/internal';

export const ROOT = path.resolve(__dirname, '..', '..');
export const NOTEBOOKS_DIR = path.join(ROOT, 'notebooks');

/** Per-cell time limits; MILAB_CELL_TIMEOUT (seconds) overrides. */
const CELL_TIMEOUT_S: Record<Profile, number> = { smoke: 600, quick: 3 * 3600, full: 48 * 3600 };

export interface RunnerEnv {
  python: string;
  jupyterPath: string;
}

/** What environment/setup.sh recorded: the Python with nbclient and the kernelspec folder. */
export function loadRunnerEnv(): RunnerEnv {
  const file = path.join(ROOT, '.cache', 'milab-env.json');
  let env: RunnerEnv;
  try {
    env = JSON.parse(fs.readFileSync(file, 'utf8')) as RunnerEnv;
  } catch {
    throw new Error(
      `${path.relative(ROOT, file)} is missing: run \`npm run setup\` (or npm start / npm test) first`,
    );
  }
  if (!fs.existsSync(path.join(env.jupyterPath, 'kernels', 'tslab', 'kernel.json'))) {
    throw new Error('the tslab kernelspec is missing: run `npm run setup`');
  }
  return env;
}

/**
 * Notebooks in notebooks/, sorted; `only` keeps the one named so ('004-mine-lenet', with or without
 * .ipynb) or those whose prefix before the first '-' equals it ('004').
 */
export function listNotebooks(only?: string): string[] {
  const all = fs
    .readdirSync(NOTEBOOKS_DIR)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort();
  const name = only?.replace(/\.ipynb$/, '');
  const chosen =
    name === undefined ? all : all.filter((f) => f === `${name}.ipynb` || f.split('-')[0] === name);
  if (name !== undefined && chosen.length === 0) {
    throw new Error(
      `no notebook in notebooks/ is named '${name}' or starts with '${name}-' ` +
        `(have: ${all.join(', ') || 'none'})`,
    );
  }
  return chosen.map((f) => path.join(NOTEBOOKS_DIR, f));
}

export function notebookName(file: string): string {
  return path.basename(file, '.ipynb');
}

export interface NotebookRun {
  name: string;
  dir: string;
  ipynb: string;
  html: string;
  seconds: number;
  results?: Results;
}

export class NotebookFailure extends Error {
  override name = 'NotebookFailure';
  constructor(
    message: string,
    readonly details: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  profile: Profile;
  /** Where reports/<name>/ goes (default: reports/ at the repo root). */
  reportsRoot?: string;
  /** Progress lines (one per finished cell). Default: stderr. */
  log?: (line: string) => void;
  /** Extra environment for the kernel. */
  env?: NodeJS.ProcessEnv;
}

interface ExecutorReport {
  ok: boolean;
  cells: number;
  seconds?: number;
  cell?: number;
  source?: string;
  message?: string;
  details?: string;
}

const OWNER_FILE = '.owner';

/**
 * A staging folder left by an interrupted run: its owner process is gone (or never wrote its pid).
 */
export function stagingIsStale(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
  } catch {
    return true;
  }
  return !(Number.isInteger(pid) && pid > 0 && processAlive(pid));
}

export async function runNotebook(file: string, options: RunOptions): Promise<NotebookRun> {
  const env = loadRunnerEnv();
  const name = notebookName(file);
  const reportsRoot = path.resolve(options.reportsRoot ?? path.join(ROOT, 'reports'));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  fs.mkdirSync(reportsRoot, { recursive: true });
  const staging = fs.mkdtempSync(path.join(reportsRoot, `.staging-${name}-`));
  // Marks the folder as live, so a concurrent run's clean-up leaves it alone (stagingIsStale).
  fs.writeFileSync(path.join(staging, OWNER_FILE), String(process.pid));
  try {
    const stagedDir = path.join(staging, name);
    fs.mkdirSync(stagedDir);
    const timeout = Number(process.env.MILAB_CELL_TIMEOUT) || CELL_TIMEOUT_S[options.profile];
    const args = [
      path.join(ROOT, 'scripts', 'execute_notebook.py'),
      file,
      '--ipynb',
      path.join(stagedDir, `${name}.ipynb`),
      '--html',
      path.join(stagedDir, `${name}.html`),
      '--cwd',
      path.dirname(file),
      '--timeout',
      String(timeout),
      // The kernel's own stdout/stderr (outside any cell): read back when it dies.
      '--kernel-log',
      path.join(staging, 'kernel.log'),
    ];
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      JUPYTER_PATH: [env.jupyterPath, process.env.JUPYTER_PATH]
        .filter(Boolean)
        .join(path.delimiter),
      MILAB_PROFILE: options.profile,
      // The notebook's reportDir() lands in the staging folder.
      MILAB_REPORTS_DIR: staging,
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    };
    const started = Date.now();
    const report = await execute(env.python, args, childEnv, log);
    const where = path.relative(ROOT, file);
    if (!report.ok) {
      // Cell 0: the kernel never ran a cell (it did not start).
      const what = report.cell ? `cell ${report.cell}/${report.cells} failed: ` : '';
      const source = report.source ? `\n    in: ${report.source}` : '';
      throw new NotebookFailure(
        `${where}: ${what}${report.message}${source}`,
        report.details ?? '',
      );
    }
    const resultsFile = path.join(stagedDir, 'results.json');
    let results: Results | undefined;
    if (fs.existsSync(resultsFile)) {
      results = readResults(resultsFile);
      if (results.notebook !== name) {
        throw new NotebookFailure(
          `${where}: results.json is for notebook '${results.notebook}', expected '${name}'`,
          '',
        );
      }
    }
    const dir = path.join(reportsRoot, name);
    swapInto(stagedDir, dir, staging);
    return {
      name,
      dir,
      ipynb: path.join(dir, `${name}.ipynb`),
      html: path.join(dir, `${name}.html`),
      seconds: (Date.now() - started) / 1000,
      results,
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Replace `dir` by `fresh` with two renames: readers see the old report or the new one. */
function swapInto(fresh: string, dir: string, scratch: string): void {
  const old = path.join(scratch, 'previous');
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(fresh, dir);
}

function execute(
  python: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<ExecutorReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (/^\s+\S+: cell \d+\/\d+ /.test(line)) log(line);
    });
    child.on('error', (err) => reject(new Error(`cannot start ${python}: ${err.message}`)));
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as ExecutorReport);
      } catch {
        const lines = stderr.trim().split('\n');
        const how = signal ? `killed by ${signal}` : `exit status ${code}`;
        const reason = lines.at(-1) ? `${how}: ${lines.at(-1)}` : `${how}, and it wrote nothing`;
        reject(
          new NotebookFailure(
            `the notebook executor failed (${reason})`,
            lines.slice(-30).join('\n'),
          ),
        );
      }
    });
  });
}
