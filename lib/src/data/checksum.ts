// Checksums of dataset files. A file is accepted when it matches ANY digest recorded for it (Debian
// recompresses Fashion-MNIST, so the Debian file and the authors' file are both valid but differ).
// Results are cached by (path, size, mtime, ctime, inode) so that set-up and loaders re-hash a file
// only after it changed.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputError } from '../errors';
import { cacheRoot, writeFileAtomic } from '../report/paths';

export type DigestAlgorithm = 'sha256' | 'md5';

export interface KnownDigest {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
  /** Who published or recorded it, e.g. "dataset authors (README)" or "computed from Debian
   * package". */
  readonly origin: string;
}

export interface FileCheck {
  /** Expected size in bytes, when known: a cheap first test that catches truncated downloads. */
  readonly bytes?: number;
  readonly digests: readonly KnownDigest[];
}

const ALGORITHM_LABEL: Record<DigestAlgorithm, string> = { sha256: 'SHA-256', md5: 'MD5' };

/** Hex digests of a file, streamed (one pass for several algorithms). */
export async function hashFile(
  file: string,
  algorithms: readonly DigestAlgorithm[],
): Promise<Record<string, string>> {
  const hashes = algorithms.map((a) => crypto.createHash(a));
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    for (const h of hashes) h.update(chunk as Buffer);
  }
  const out: Record<string, string> = {};
  algorithms.forEach((a, i) => (out[a] = hashes[i].digest('hex')));
  return out;
}

/**
 * Check a file against its recorded size and digests; throws a one-line MilabInputError naming the
 * file, the problem and `hint` (how to get a good copy). Returns the algorithm that matched.
 */
export async function verifyFile(
  file: string,
  check: FileCheck,
  hint: string,
): Promise<DigestAlgorithm> {
  if (check.digests.length === 0) throw new Error(`no digest recorded for ${file}`);
  const stat = statOrNull(file);
  if (!stat || !stat.isFile()) inputError(`${file} is missing: ${hint}`);
  if (check.bytes !== undefined && stat.size !== check.bytes) {
    inputError(
      `${file} has ${stat.size} bytes, expected ${check.bytes} (corrupt or incomplete): ${hint}`,
    );
  }
  const algorithms = [...new Set(check.digests.map((d) => d.algorithm))];
  const actual = await cachedDigests(file, stat, algorithms);
  const match = check.digests.find((d) => actual[d.algorithm] === d.hex.toLowerCase());
  if (match) return match.algorithm;
  const first = check.digests[0];
  inputError(
    `${file}: ${ALGORITHM_LABEL[first.algorithm]} ${actual[first.algorithm]} ` +
      `does not match the recorded ${first.hex} (corrupt or a different version): ${hint}`,
  );
}

/** The digest cache file; MILAB_CACHE_DIR moves it (tests use a temporary folder). */
export function checksumCacheFile(): string {
  return path.join(cacheRoot(), 'data-checksums.json');
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  hex: string;
}

async function cachedDigests(
  file: string,
  stat: fs.Stats,
  algorithms: DigestAlgorithm[],
): Promise<Record<string, string>> {
  const cacheFile = checksumCacheFile();
  const cache = readCache(cacheFile);
  const absolute = path.resolve(file);
  const out: Record<string, string> = {};
  const missing: DigestAlgorithm[] = [];
  for (const a of algorithms) {
    const e = cache[`${a} ${absolute}`];
    const fresh =
      e &&
      e.size === stat.size &&
      e.mtimeMs === stat.mtimeMs &&
      e.ctimeMs === stat.ctimeMs &&
      e.ino === stat.ino;
    if (fresh) out[a] = e.hex;
    else missing.push(a);
  }
  if (missing.length === 0) return out;
  const computed = await hashFile(file, missing);
  for (const a of missing) {
    out[a] = computed[a];
    cache[`${a} ${absolute}`] = {
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      ctimeMs: stat.ctimeMs,
      ino: stat.ino,
      hex: computed[a],
    };
  }
  try {
    // Re-read before writing so that entries another process added meanwhile survive.
    writeFileAtomic(cacheFile, JSON.stringify({ ...readCache(cacheFile), ...cache }, null, 1));
  } catch {
    // A read-only checkout still works; it just re-hashes next time.
  }
  return out;
}

function readCache(cacheFile: string): Record<string, CacheEntry> {
  try {
    const parsed = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}
