// Resumable, shareable long runs. In the full profile a notebook may train for hours; every finished
// run's JSON result is stored under results/runs/<notebook>/ and committed with the results, so a
// full run resumes where it stopped on any machine, not only the one that started it. Other
// profiles always compute (their runs are short, and a stale cache must never leak into CI).
// MILAB_FRESH=1 ignores and overwrites the stored runs. MILAB_STORED_ONLY=1 rebuilds a notebook's
// results from its stored runs alone: a run that is not stored is an error naming it, never hours
// of computing (how the committed results are checked after a change to the code that reads them).
//
// Several processes may run the same notebook at once (one per core: `npm run full -- --workers N`):
// before computing a run each process claims it with a file naming its pid, skips runs claimed by a
// live process, and waits for those at the end. A claim whose process has died is taken over.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inputError } from '../errors';
import { checkNotebookName, resultsRoot, writeFileAtomic } from './paths';
import { profile } from './profile';
import { currentCommit } from './results';

interface StoredRun {
  key: string;
  commit: string;
  finished: string;
  value: unknown;
}

export interface RunJob<T> {
  /** Names the run completely (method, hyper-parameters, seed): equal keys mean equal results. */
  key: string;
  compute: () => T | Promise<T>;
}

/** How often a process waiting for another's run looks again. */
const WAIT_MS = Number(process.env.MILAB_RUN_POLL_MS) || 5000;

/** The folder holding a notebook's stored full-profile runs: results/runs/<notebook>/. */
export function runCacheDir(notebook: string): string {
  return path.join(resultsRoot(), 'runs', checkNotebookName(notebook));
}

/**
 * Compute once per (notebook, key) in the full profile. The value must survive JSON; it is
 * returned JSON-round-tripped in every profile so that a stored and a fresh run look the same.
 */
export async function runOnce<T>(notebook: string, key: string, compute: () => T | Promise<T>): Promise<T> {
  return (await runMany(notebook, [{ key, compute }]))[0];
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
    if (typeof job?.key !== 'string' || job.key === '') inputError('every run needs a non-empty key naming it');
    if (keys.has(job.key)) inputError(`run keys must be unique; '${job.key}' repeats`);
    keys.add(job.key);
  }
  const results = new Array<T>(jobs.length);
  if (profile() !== 'full') {
    for (let i = 0; i < jobs.length; i++) results[i] = roundTrip(jobs[i].key, await jobs[i].compute());
    return results;
  }
  const dir = runCacheDir(notebook);
  if (process.env.MILAB_STORED_ONLY) {
    const missing = jobs.filter(({ key }) => !readStored(path.join(dir, fileNameFor(key)), key, ''));
    if (missing.length > 0) {
      inputError(
        `MILAB_STORED_ONLY: ${missing.length} of ${jobs.length} runs are not stored in ${dir}; ` +
          `the first: ${missing[0].key.slice(0, 300)}`,
      );
    }
  }
  // MILAB_FRESH: runs stored before this call are ignored; those another kernel stores during it count.
  const storedSince = process.env.MILAB_FRESH ? new Date().toISOString() : '';
  const pending = new Set(jobs.keys());
  while (pending.size > 0) {
    let progressed = false;
    for (const i of [...pending]) {
      const { key, compute } = jobs[i];
      const file = path.join(dir, fileNameFor(key));
      const stored = readStored(file, key, storedSince);
      if (stored) {
        results[i] = stored.value as T;
        pending.delete(i);
        progressed = true;
        continue;
      }
      if (!claim(`${file}.claim`, key)) continue;
      try {
        const value = roundTrip(key, await compute());
        const record: StoredRun = { key, commit: currentCommit(), finished: new Date().toISOString(), value };
        writeFileAtomic(file, JSON.stringify(record) + '\n');
        results[i] = value;
        pending.delete(i);
        progressed = true;
      } finally {
        fs.rmSync(`${file}.claim`, { force: true });
      }
    }
    if (pending.size > 0 && !progressed) await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
  }
  return results;
}

function roundTrip<T>(key: string, value: T): T {
  const json = JSON.stringify(value);
  if (json === undefined) inputError(`run '${key}': the result is not JSON-serialisable`);
  return JSON.parse(json) as T;
}

function readStored(file: string, key: string, finishedSince: string): StoredRun | undefined {
  if (!fs.existsSync(file)) return undefined;
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredRun;
  return stored.key === key && stored.finished > finishedSince ? stored : undefined;
}

/** Take the claim file unless a live process on this host holds it. */
function claim(file: string, key: string): boolean {
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), started: new Date().toISOString(), key });
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
    return Date.now() - fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs! < 60_000;
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
        const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number; started: string; key?: string };
        status.claimed.push({ key: holder.key ?? name, pid: holder.pid, started: holder.started, alive: holderAlive(file, false) });
      }
    } catch {
      // Being written this instant: it will show next time.
    }
  }
  status.stored.sort((a, b) => a.finished.localeCompare(b.finished));
  return status;
}

function fileNameFor(key: string): string {
  const slug = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `${slug}-${hash}.json`;
}
