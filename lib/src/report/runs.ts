// Resumable long runs. In the full profile a notebook may train for hours; runOnce stores each
// finished run's JSON result under .cache/runs/<notebook>/full/ so that re-running the notebook
// after an interruption skips what already finished. Other profiles always compute (their runs are
// short, and a stale cache must never leak into CI). MILAB_FRESH=1 ignores and overwrites the cache.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputError } from '../errors';
import { cacheRoot, checkNotebookName, writeFileAtomic } from './paths';
import { profile } from './profile';
import { currentCommit } from './results';

interface CachedRun {
  key: string;
  commit: string;
  finished: string;
  value: unknown;
}

/** The folder holding a notebook's cached runs for the current profile. */
export function runCacheDir(notebook: string): string {
  return path.join(cacheRoot(), 'runs', checkNotebookName(notebook), profile());
}

/**
 * Compute once per (notebook, key) in the full profile. `key` names the run completely (method,
 * hyper-parameters, seed). The value must survive JSON; it is returned JSON-round-tripped in every
 * profile so that a cached and a fresh run look the same to the caller.
 */
export async function runOnce<T>(notebook: string, key: string, compute: () => T | Promise<T>): Promise<T> {
  if (typeof key !== 'string' || key === '') inputError('runOnce needs a non-empty key naming the run');
  const file = path.join(runCacheDir(notebook), fileNameFor(key));
  const useCache = profile() === 'full';
  if (useCache && !process.env.MILAB_FRESH && fs.existsSync(file)) {
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as CachedRun;
    if (cached.key === key) return cached.value as T;
  }
  const value = await compute();
  const json = JSON.stringify(value);
  if (json === undefined) inputError(`runOnce '${key}': the result is not JSON-serialisable`);
  if (useCache) {
    const record: CachedRun = { key, commit: currentCommit(), finished: new Date().toISOString(), value };
    writeFileAtomic(file, JSON.stringify(record) + '\n');
  }
  return JSON.parse(json) as T;
}

function fileNameFor(key: string): string {
  const slug = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return `${slug}-${hash}.json`;
}
