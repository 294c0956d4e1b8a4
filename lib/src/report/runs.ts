// Resumable, shareable long runs. In the full profile a notebook may train for hours; every
// finished run's JSON result is stored under results/runs/<notebook>/ and committed with the
// results, so a full run resumes where it stopped on any machine, not only the one that started it.
// Other profiles always compute (their runs are short, and a stale cache must never leak into CI).
// MILAB_FRESH=1 ignores and overwrites the stored runs. MILAB_STORED_ONLY=1 rebuilds a notebook's
// results from its stored runs alone: a run that is not stored is an error naming it, never hours
// of computing (how the committed results are checked after a change to the code that reads them).
//
// A stored run records the backend and kernel set it was computed on (report/provenance.ts): runs
// stored before that have neither field and count as kernels 'unrecorded'.
//
// A stored run is the file <name>-<hash>.json: <hash> is the first 12 hex digits of the key's
// SHA-256 and <name> a readable slug of the job's `name` (what sets the run apart, runName) or,
// without one, of the key. A run is found by its hash alone (the key inside is checked), so a file
// can be renamed freely (renameStoredRuns renames a notebook's runs to new names).
//
// Several processes may run the same notebook at once (one per core: `npm run full -- --workers
// N`): before computing a run each process claims it with a file naming its pid (<hash>.claim),
// skips runs claimed by a live process, and waits for those at the end. A claim whose process has
// died is taken over.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inputError } from '../errors';
import { checkNotebookName, resultsRoot, writeFileAtomic } from './paths';
import { profile } from './profile';
import { currentProvenance, noteRun } from './provenance';
import { currentCommit } from './results';

interface StoredRun {
  key: string;
  commit: string;
  finished: string;
  /** BackendInfo.name and .kernels when the run finished; absent in runs stored before. */
  backend?: string;
  kernels?: string;
  value: unknown;
}

export interface RunJob<T> {
  /** Names the run completely (method, hyper-parameters, seed): equal keys mean equal results. */
  key: string;
  /** A short readable name saying what sets this run apart from the notebook's others (runName
   * builds one: 'CNN C4 lambda=0.001 seed=2'); the stored file is named after it. */
  name?: string;
  compute: () => T | Promise<T>;
}

/**
 * A run's readable name from its distinguishing parts: strings and numbers as they are, objects as
 * key=value pairs, joined by spaces. runName('CNN', 'C4', { lambda: 0.001, seed: 2 }) is
 * 'CNN C4 lambda=0.001 seed=2', stored as CNN_C4_lambda_0.001_seed_2-<hash>.json.
 */
export function runName(
  ...parts: Array<string | number | Record<string, string | number | boolean>>
): string {
  return parts
    .map((part) =>
      typeof part === 'object'
        ? Object.entries(part)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')
        : String(part),
    )
    .filter((part) => part !== '')
    .join(' ');
}

/** How often a process waiting for another's run looks again. */
const waitMs = () => Number(process.env.MILAB_RUN_POLL_MS) || 5000;

/** The folder holding a notebook's stored full-profile runs: results/runs/<notebook>/. */
export function runCacheDir(notebook: string): string {
  return path.join(resultsRoot(), 'runs', checkNotebookName(notebook));
}

/**
 * Compute once per (notebook, key) in the full profile. The value must survive JSON; it is
 * returned JSON-round-tripped in every profile so that a stored and a fresh run look the same.
 */
export async function runOnce<T>(
  notebook: string,
  key: string,
  compute: () => T | Promise<T>,
  options: { name?: string } = {},
): Promise<T> {
  return (await runMany(notebook, [{ key, name: options.name, compute }]))[0];
}

/**
 * Every job's value, in the jobs' order. In the full profile stored runs are read, unclaimed ones
 * computed (and stored), and runs another live process is computing are awaited; elsewhere each job
 * is computed in order.
 */
export async function runMany<T>(notebook: string, jobs: ReadonlyArray<RunJob<T>>): Promise<T[]> {
  checkNotebookName(notebook);
  const keys = new Set<string>();
  for (const job of jobs) {
    if (typeof job?.key !== 'string' || job.key === '')
      inputError('every run needs a non-empty key naming it');
    if (keys.has(job.key)) inputError(`run keys must be unique; '${job.key}' repeats`);
    if (job.name !== undefined && (typeof job.name !== 'string' || job.name.trim() === '')) {
      inputError(`run '${job.key.slice(0, 100)}': name must be a non-empty string when given`);
    }
    keys.add(job.key);
  }
  const results = new Array<T>(jobs.length);
  if (profile() !== 'full') {
    for (let i = 0; i < jobs.length; i++) {
      results[i] = roundTrip(jobs[i].key, await jobs[i].compute());
      noteRun(notebook, jobs[i].key, currentProvenance());
    }
    return results;
  }
  const dir = runCacheDir(notebook);
  if (process.env.MILAB_STORED_ONLY) {
    const files = storedFilesByHash(dir);
    const missing = jobs.filter(({ key }) => !findStored(dir, files, key, ''));
    if (missing.length > 0) {
      inputError(
        `MILAB_STORED_ONLY: ${missing.length} of ${jobs.length} runs are not stored in ${dir}; ` +
          `the first: ${missing[0].key.slice(0, 300)}`,
      );
    }
  }
  // MILAB_FRESH: runs stored before this call are ignored; those another kernel stores during it
  // count.
  const storedSince = process.env.MILAB_FRESH ? new Date().toISOString() : '';
  const pending = new Set(jobs.keys());
  while (pending.size > 0) {
    let progressed = false;
    for (const i of [...pending]) {
      const { key, name, compute } = jobs[i];
      // The folder is read again for every run: other processes store runs meanwhile.
      const stored = findStored(dir, storedFilesByHash(dir), key, storedSince);
      if (stored) {
        results[i] = stored.run.value as T;
        noteRun(notebook, key, stored.run);
        pending.delete(i);
        progressed = true;
        continue;
      }
      // The claim is named by the hash alone, so processes that name the run differently share it.
      const claimFile = path.join(dir, `${keyHash(key)}.claim`);
      if (!claim(claimFile, key)) continue;
      try {
        const value = roundTrip(key, await compute());
        const finished = new Date().toISOString();
        const ran = currentProvenance();
        const record: StoredRun = { key, commit: currentCommit(), finished, ...ran, value };
        // A run stored before (MILAB_FRESH recomputes it) keeps its file and so its name.
        const file =
          findStored(dir, storedFilesByHash(dir), key, '')?.file ??
          path.join(dir, storedRunFileName(key, name));
        writeFileAtomic(file, JSON.stringify(record) + '\n');
        noteRun(notebook, key, ran);
        results[i] = value;
        pending.delete(i);
        progressed = true;
      } finally {
        fs.rmSync(claimFile, { force: true });
      }
    }
    if (pending.size > 0 && !progressed)
      await new Promise((resolve) => setTimeout(resolve, waitMs()));
  }
  return results;
}

function roundTrip<T>(key: string, value: T): T {
  const json = JSON.stringify(value);
  if (json === undefined) inputError(`run '${key}': the result is not JSON-serialisable`);
  return JSON.parse(json) as T;
}

/** The stored run files of a folder by the hash their name ends with (-<hash>.json), sorted. */
function storedFilesByHash(dir: string): Map<string, string[]> {
  const byHash = new Map<string, string[]>();
  if (!fs.existsSync(dir)) return byHash;
  for (const name of fs.readdirSync(dir).sort()) {
    const m = STORED_FILE.exec(name);
    if (!m) continue;
    const list = byHash.get(m[1]) ?? [];
    list.push(name);
    byHash.set(m[1], list);
  }
  return byHash;
}

/** The stored run of this key, whatever its file's name, finished after finishedSince. */
function findStored(
  dir: string,
  files: Map<string, string[]>,
  key: string,
  finishedSince: string,
): { file: string; run: StoredRun } | undefined {
  for (const name of files.get(keyHash(key)) ?? []) {
    const file = path.join(dir, name);
    let run: StoredRun;
    try {
      run = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRun;
    } catch (err) {
      // Renamed or removed since the folder was listed; anything else (a corrupt file) is an error.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (run.key === key && run.finished > finishedSince) return { file, run };
  }
  return undefined;
}

/** Take the claim file unless a live process on this host holds it. */
function claim(file: string, key: string): boolean {
  const mine = JSON.stringify({
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
    key,
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (holderAlive(file)) return false;
    fs.rmSync(file, { force: true });
  }
  return false;
}

function holderAlive(file: string, otherThanMe = true): boolean {
  let holder: { pid?: number; host?: string };
  try {
    holder = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // Being written this instant, or left half-written by a process that died long ago.
    const written = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    return written !== undefined && Date.now() - written < 60_000;
  }
  if (holder.host !== os.hostname() || !Number.isInteger(holder.pid)) return false;
  if (otherThanMe && holder.pid === process.pid) return false;
  return processAlive(holder.pid!);
}

/** Whether a process with this pid runs on this machine (one we may not signal counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface StoredRunsStatus {
  /** Finished runs: key, when, at which commit. */
  stored: Array<{ key: string; finished: string; commit: string }>;
  /** Runs being computed now (live claims), or abandoned (their process is gone). */
  claimed: Array<{ key: string; pid: number; started: string; alive: boolean }>;
}

/** What a notebook's full profile has stored and what is being computed, for progress reports. */
export function storedRunsStatus(notebook: string): StoredRunsStatus {
  const dir = runCacheDir(notebook);
  const status: StoredRunsStatus = { stored: [], claimed: [] };
  if (!fs.existsSync(dir)) return status;
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    try {
      if (name.endsWith('.json')) {
        const run = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRun;
        status.stored.push({ key: run.key, finished: run.finished, commit: run.commit });
      } else if (name.endsWith('.claim')) {
        const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as {
          pid: number;
          started: string;
          key?: string;
        };
        status.claimed.push({
          key: holder.key ?? name,
          pid: holder.pid,
          started: holder.started,
          alive: holderAlive(file, false),
        });
      }
    } catch {
      // Being written this instant: it will show next time.
    }
  }
  status.stored.sort((a, b) => a.finished.localeCompare(b.finished));
  return status;
}

/** A stored run's file name ends with -<hash>.json, the hash being keyHash(key). */
const STORED_FILE = /-([0-9a-f]{12})\.json$/;

/** The first 12 hex digits of the key's SHA-256: what a stored run is found by. */
function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** The file a run is stored in when it is first stored: <slug of name, or of key>-<hash>.json. */
export function storedRunFileName(key: string, name?: string): string {
  const slug = (name ?? key)
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return `${slug || 'run'}-${keyHash(key)}.json`;
}

/**
 * Rename a notebook's stored runs to `<slug of nameOf(key)>-<hash>.json` (a plain rename: commit
 * the result, and git sees renames). Runs for which nameOf returns undefined keep their file.
 * Returns what was renamed, as file names in runCacheDir(notebook). The runs are found by their
 * hash whatever their names, so this never loses one.
 */
export function renameStoredRuns(
  notebook: string,
  nameOf: (key: string) => string | undefined,
): Array<{ from: string; to: string }> {
  const dir = runCacheDir(notebook);
  const renamed: Array<{ from: string; to: string }> = [];
  if (!fs.existsSync(dir)) return renamed;
  const names = fs
    .readdirSync(dir)
    .filter((f) => STORED_FILE.test(f))
    .sort();
  const taken = new Set(names);
  for (const from of names) {
    const { key } = JSON.parse(fs.readFileSync(path.join(dir, from), 'utf8')) as StoredRun;
    if (typeof key !== 'string') inputError(`${path.join(dir, from)}: no key; not a stored run`);
    const name = nameOf(key);
    if (name === undefined) continue;
    if (typeof name !== 'string' || name.trim() === '') {
      inputError(`renameStoredRuns: the name of '${key.slice(0, 100)}' must be a non-empty string`);
    }
    const to = storedRunFileName(key, name);
    if (to === from) continue;
    if (taken.has(to)) inputError(`renameStoredRuns: ${from} would replace ${to} in ${dir}`);
    fs.renameSync(path.join(dir, from), path.join(dir, to));
    taken.delete(from);
    taken.add(to);
    renamed.push({ from, to });
  }
  return renamed;
}
