// Datasets that arrive as archives (CIFAR-10, Yelp polarity) are verified against the published
// digest, extracted, and described by a manifest of the extracted files' sizes and SHA-256s.
// Loaders check files against that manifest, so a file damaged after extraction is still caught.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputError } from '../errors';
import { writeFileAtomic } from '../report/paths';
import { verifyFile, type FileCheck } from './checksum';
import { downloadVerified, type DownloadOptions } from './download';
import type { RemoteFile } from './sources';
import { extractTarGz } from './tar';

const MANIFEST = 'milab-manifest.json';

interface Manifest {
  archive: string;
  archiveDigest: string;
  files: Record<string, { bytes: number; sha256: string }>;
}

/**
 * Make `targetDir` hold the archive's members (member path -> file name in targetDir). Uses
 * `<dir>/<archive name>` when the user put it there (kept), else downloads it (removed after
 * extraction). Idempotent: nothing happens when the manifest already lists every file.
 */
export async function installArchive(
  remote: RemoteFile,
  dir: string,
  targetDir: string,
  members: Record<string, string>,
  options: DownloadOptions = {},
): Promise<void> {
  if (await manifestVerified(targetDir, Object.values(members))) return;
  const archive = path.join(dir, remote.file);
  const supplied = fs.existsSync(archive);
  if (supplied) await verifyFile(archive, remote.check, `download it again from ${remote.urls[0]}`);
  else {
    await downloadVerified(remote, archive, options).catch((err: Error) => {
      inputError(
        `${err.message}; or fetch it another way, put it at ${archive} and run this again`,
      );
    });
  }
  const destinations = Object.fromEntries(
    Object.entries(members).map(([member, name]) => [member, path.join(targetDir, name)]),
  );
  const extracted = await extractTarGz(archive, destinations);
  const manifest: Manifest = {
    archive: remote.file,
    archiveDigest: `${remote.check.digests[0].algorithm}:${remote.check.digests[0].hex}`,
    files: Object.fromEntries(
      extracted.map((m) => [path.basename(m.file), { bytes: m.bytes, sha256: m.sha256 }]),
    ),
  };
  writeFileAtomic(path.join(targetDir, MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
  if (!supplied) fs.rmSync(archive, { force: true });
}

/** The check for an extracted file, from its folder's manifest; a one-line error when not
 * prepared. */
export function manifestCheck(targetDir: string, name: string, hint: string): FileCheck {
  const manifest = readManifest(targetDir);
  const entry = manifest?.files[name];
  if (!entry)
    inputError(
      `${path.join(targetDir, name)} is not prepared ` +
        `(no entry in ${path.join(targetDir, MANIFEST)}): ${hint}`,
    );
  return {
    bytes: entry.bytes,
    digests: [
      {
        algorithm: 'sha256',
        hex: entry.sha256,
        origin: `extracted from ${manifest!.archive} (${manifest!.archiveDigest})`,
      },
    ],
  };
}

/** True when every file is listed in the manifest and still matches it (a damaged file is
 * re-extracted). */
async function manifestVerified(targetDir: string, names: string[]): Promise<boolean> {
  try {
    await Promise.all(
      names.map((n) => verifyFile(path.join(targetDir, n), manifestCheck(targetDir, n, ''), '')),
    );
    return true;
  } catch {
    return false;
  }
}

function readManifest(targetDir: string): Manifest | null {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(targetDir, MANIFEST), 'utf8')) as Manifest;
    return m && typeof m.files === 'object' ? m : null;
  } catch {
    return null;
  }
}
