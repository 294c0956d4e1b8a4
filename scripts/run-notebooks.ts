// npm start: execute every notebook headlessly (quick profile unless told otherwise), write
// reports/<name>/ for each and reports/index.html. A failing cell fails the run, naming the
// notebook, the cell and the error; the other notebooks still run.
//   node dist/scripts/run-notebooks.js [--profile smoke|quick|full] [--only NNN] [--workers N]
//   [--status]
// --workers N (full profile) runs each notebook N times at once: the kernels share the notebook's
// runs through runMany's claims (lib/src/report/runs.ts), so N cores compute N runs at a time; the
// first kernel writes the report, the others' reports are discarded. --status lists each notebook's
// stored full-profile runs and the runs being computed, and exits.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROFILES, type Profile } from 'milab';
import { storedRunsStatus } from 'milab/internal';
import {
  listNotebooks,
  NotebookFailure,
  notebookName,
  ROOT,
  runNotebook,
  stagingIsStale,
} from './notebook-runner';
import { writeIndex, writeRunStatus, type RunStatus } from './report-index';

function parseArgs(argv: string[]): {
  profile: Profile;
  only?: string;
  workers: number;
  status: boolean;
} {
  let profileArg = process.env.MILAB_PROFILE || 'quick';
  let only: string | undefined;
  let workers = 1;
  let status = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2);
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    if (flag === '--profile') profileArg = value();
    else if (flag === '--only') only = value();
    else if (flag === '--status') status = true;
    else if (flag === '--workers') {
      workers = Number(value());
      if (!Number.isInteger(workers) || workers < 1)
        fail(`--workers must be a positive integer; got '${inline ?? argv[i]}'`);
    } else if (flag === '--help' || flag === '-h') {
      console.log(
        'usage: npm start -- [--profile smoke|quick|full] [--only NNN] [--workers N] [--status]',
      );
      process.exit(0);
    } else fail(`unknown option '${arg}' (expected --profile, --only, --workers, --status)`);
  }
  if (!(PROFILES as readonly string[]).includes(profileArg))
    fail(`--profile must be one of ${PROFILES.join(', ')}; got '${profileArg}'`);
  if (workers > 1 && profileArg !== 'full')
    fail('--workers needs --profile full (only full-profile runs are shared between kernels)');
  return { profile: profileArg as Profile, only, workers, status };
}

function fail(message: string): never {
  console.error(`run-notebooks: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { profile, only, workers, status } = parseArgs(process.argv.slice(2));
  if (status) return printStatus(only);
  // Each kernel gets its share of the cores unless the user chose the wasm threads.
  const env: NodeJS.ProcessEnv =
    workers > 1 && !process.env.MILAB_WASM_THREADS
      ? { MILAB_WASM_THREADS: String(Math.max(1, Math.floor(os.cpus().length / workers))) }
      : {};
  const reportsRoot = path.join(ROOT, 'reports');
  fs.mkdirSync(reportsRoot, { recursive: true });
  let notebooks: string[];
  try {
    notebooks = listNotebooks(only);
  } catch (err) {
    fail((err as Error).message);
  }
  // Leftovers of interrupted runs; a run still going on (another npm start) keeps its folder.
  for (const entry of fs.readdirSync(reportsRoot)) {
    const dir = path.join(reportsRoot, entry);
    if (entry.startsWith('.staging-') && stagingIsStale(dir))
      fs.rmSync(dir, { recursive: true, force: true });
  }
  const failures: string[] = [];
  for (const file of notebooks) {
    const failure = await runAndRecord(file, { profile, reportsRoot, env, workers });
    if (failure) failures.push(failure);
  }
  const index = writeIndex(reportsRoot);
  console.log(`reports: ${path.relative(ROOT, index)}`);
  if (failures.length > 0) {
    console.error(
      `${failures.length} of ${notebooks.length} notebook(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}`,
    );
    process.exit(1);
  }
}

/** Run one notebook (and its helper kernels) and record the outcome in
 * reports/<name>.status.json for the landing page, which must tell a notebook that failed from
 * one never run. Returns the failure's first line, or undefined when it succeeded. */
export async function runAndRecord(
  file: string,
  options: { profile: Profile; reportsRoot: string; env: NodeJS.ProcessEnv; workers: number },
): Promise<string | undefined> {
  const { profile, reportsRoot, env, workers } = options;
  const name = notebookName(file);
  const started = Date.now();
  const record = (outcome: RunStatus['outcome'], reason?: string) =>
    writeRunStatus(reportsRoot, {
      notebook: name,
      profile,
      outcome,
      finished: new Date().toISOString(),
      seconds: (Date.now() - started) / 1000,
      ...(reason === undefined ? {} : { reason }),
    });
  console.log(`notebook ${name} (profile ${profile})`);
  try {
    const helpers = Array.from({ length: workers - 1 }, (_, k) =>
      runHelper(file, profile, env, k + 2),
    );
    const run = await runNotebook(file, { profile, reportsRoot, env });
    await Promise.all(helpers);
    const headline = run.results
      ? `, ${run.results.rows.length} result rows, ${run.results.claims.length} claims`
      : '';
    console.log(
      `notebook ${name}: ok in ${run.seconds.toFixed(1)} s${headline} -> ${path.relative(ROOT, run.html)}`,
    );
    record('ok');
    return undefined;
  } catch (err) {
    const message = (err as Error).message;
    const reason = message.split('\n')[0];
    record('failed', reason);
    console.error(`notebook ${name}: FAILED\n  ${message}`);
    if (err instanceof NotebookFailure && err.details.trim()) {
      console.error(
        err.details
          .trim()
          .split('\n')
          .slice(0, 30)
          .map((l) => `    | ${l}`)
          .join('\n'),
      );
    }
    return reason;
  }
}

/** Stored and running full-profile runs per notebook. */
function printStatus(only: string | undefined): void {
  let notebooks: string[];
  try {
    notebooks = listNotebooks(only);
  } catch (err) {
    fail((err as Error).message);
  }
  const ago = (iso: string) => `${Math.round((Date.now() - Date.parse(iso)) / 60000)} min ago`;
  const short = (key: string) => (key.length > 90 ? `${key.slice(0, 87)}...` : key);
  for (const file of notebooks) {
    const name = notebookName(file);
    const { stored, claimed } = storedRunsStatus(name);
    const running = claimed.filter((c) => c.alive);
    console.log(
      `${name}: ${stored.length} run(s) stored in results/runs/${name}/, ${running.length} being computed`,
    );
    if (stored.length > 0)
      console.log(
        `  last stored ${ago(stored[stored.length - 1].finished)}: ${short(stored[stored.length - 1].key)}`,
      );
    for (const c of claimed)
      console.log(
        `  ${c.alive ? 'computing' : 'abandoned'} (pid ${c.pid}, started ${ago(c.started)}): ${short(c.key)}`,
      );
  }
}

/** A further kernel on the same notebook: it computes runs the others have not claimed; its report
 * is thrown away and a failure only warns (the first kernel takes over the runs it abandoned). */
async function runHelper(
  file: string,
  profile: Profile,
  env: NodeJS.ProcessEnv,
  worker: number,
): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-worker-'));
  const name = notebookName(file);
  try {
    await runNotebook(file, { profile, reportsRoot: scratch, env, log: () => {} });
    console.log(`notebook ${name}: worker ${worker} done`);
  } catch (err) {
    console.error(
      `notebook ${name}: worker ${worker} failed (its runs are left to the others): ${(err as Error).message.split('\n')[0]}`,
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

// Imported by the tests for runAndRecord: run only as a script.
if (require.main === module) {
  main().catch((err) => {
    console.error(`run-notebooks: ${(err as Error).message}`);
    process.exit(1);
  });
}
