// Downloads for users online. A download goes to a temporary file beside its destination, is
// checked against the recorded size and digest, and only then renamed into place: an interrupted or
// corrupt transfer never leaves a file that looks complete.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputError } from '../errors';
import type { FileCheck } from './checksum';
import type { RemoteFile } from './sources';

export interface DownloadProgress {
  step: number;
  total: number;
  metrics: Record<string, number>;
}

export interface DownloadOptions {
  /** Called as bytes arrive (step = bytes so far, total = Content-Length or 0). */
  onProgress?: (p: DownloadProgress) => void;
}

/** Download `remote` to `dest`, trying its mirrors in order; throws one line naming every
 * failure. */
export async function downloadVerified(
  remote: RemoteFile,
  dest: string,
  options: DownloadOptions = {},
): Promise<string> {
  const failures: string[] = [];
  for (const url of remote.urls) {
    try {
      await fetchToFile(url, dest, remote.check, options);
      return dest;
    } catch (err) {
      // fetch reports network trouble as "fetch failed" with the reason (ENOTFOUND, ...) in
      // `cause`.
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      failures.push(
        `${url}: ${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`,
      );
    }
  }
  inputError(`could not download ${remote.file} to ${dest} (${failures.join('; ')})`);
}

async function fetchToFile(
  url: string,
  dest: string,
  check: FileCheck,
  options: DownloadOptions,
): Promise<void> {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const temp = `${dest}.part-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  let complete = false;
  try {
    const response = await fetch(url, { redirect: 'follow' });
    if (!response.ok || !response.body)
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const total = Number(response.headers.get('content-length') ?? 0) || 0;
    const algorithms = [...new Set(check.digests.map((d) => d.algorithm))];
    const hashes = algorithms.map((a) => crypto.createHash(a));
    const handle = await fs.promises.open(temp, 'w');
    let received = 0;
    let reported = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        for (const h of hashes) h.update(chunk);
        await handle.write(chunk);
        received += chunk.length;
        if (options.onProgress && received - reported >= 1 << 20) {
          reported = received;
          options.onProgress({ step: received, total, metrics: { MB: received / 1e6 } });
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    options.onProgress?.({
      step: received,
      total: total || received,
      metrics: { MB: received / 1e6 },
    });
    if (check.bytes !== undefined && received !== check.bytes) {
      throw new Error(`got ${received} bytes, expected ${check.bytes}${htmlNote(response)}`);
    }
    const actual: Record<string, string> = {};
    algorithms.forEach((a, i) => (actual[a] = hashes[i].digest('hex')));
    if (!check.digests.some((d) => actual[d.algorithm] === d.hex.toLowerCase())) {
      const d = check.digests[0];
      throw new Error(
        `${d.algorithm.toUpperCase()} ${actual[d.algorithm]} ` +
          `does not match the published ${d.hex}${htmlNote(response)}`,
      );
    }
    fs.renameSync(temp, dest);
    complete = true;
  } finally {
    if (!complete) fs.rmSync(temp, { force: true });
  }
}

// Google Drive answers an over-quota or confirmation request with an HTML page and status 200.
function htmlNote(response: Response): string {
  return (response.headers.get('content-type') ?? '').includes('text/html')
    ? ' (the server sent an HTML page, not the file)'
    : '';
}
