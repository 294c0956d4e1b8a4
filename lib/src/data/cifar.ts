// CIFAR-10, binary version (www.cs.toronto.edu/~kriz/cifar.html): each batch file holds records of
// 1 label byte + 3072 pixel bytes (1024 red, then 1024 green, then 1024 blue, each 32x32
// row-major). Images are returned as HWC (channels last), the layout tf.js convolutions expect.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputError } from '../errors';
import { verifyFile } from './checksum';
import type { DownloadOptions } from './download';
import type { ImageDataset } from './images';
import { checkLimit, checkSplit, type LoadOptions } from './options';
import { dataDir } from './paths';
import { installArchive, manifestCheck } from './prepared';
import { CIFAR10_ARCHIVE, CIFAR10_ARCHIVE_DIR, CIFAR10_MEMBERS } from './sources';

export const CIFAR10_CLASSES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;
const BATCH_FILES = { train: CIFAR10_MEMBERS.slice(0, 5), test: ['test_batch.bin'] } as const;

function cifarDir(dir: string): string {
  return path.join(dir, 'cifar-10');
}

function cifarHint(dir: string): string {
  return (
    'get it online with `node dist/scripts/prepare-data.js --download cifar10`, or put ' +
    `${CIFAR10_ARCHIVE.file} (from ${CIFAR10_ARCHIVE.urls[0]}) into ${dir} and run that command`
  );
}

/** Download (or take from the data folder), verify and extract the CIFAR-10 binary archive. */
export async function prepareCifar10(
  options: { dataDir?: string } & DownloadOptions = {},
): Promise<void> {
  const dir = dataDir(options.dataDir);
  const members = Object.fromEntries(
    CIFAR10_MEMBERS.map((m) => [`${CIFAR10_ARCHIVE_DIR}/${m}`, m]),
  );
  await installArchive(CIFAR10_ARCHIVE, dir, cifarDir(dir), members, options);
}

export async function loadCifar10(options: LoadOptions): Promise<ImageDataset> {
  const split = checkSplit('loadCifar10', options?.split);
  const dir = dataDir(options.dataDir);
  const hint = cifarHint(dir);
  const files = BATCH_FILES[split].map((name) => path.join(cifarDir(dir), name));
  await Promise.all(
    files.map((f) => verifyFile(f, manifestCheck(cifarDir(dir), path.basename(f), hint), hint)),
  );
  const sizes = files.map((f) => fs.statSync(f).size);
  sizes.forEach((s, i) => {
    if (s % RECORD !== 0)
      inputError(
        `${files[i]}: ${s} bytes is not a whole number of ${RECORD}-byte CIFAR records: ${hint}`,
      );
  });
  const available = sizes.reduce((a, s) => a + s / RECORD, 0);
  const count = checkLimit('loadCifar10', options.limit, available);
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Uint8Array(count);
  let filled = 0;
  for (const file of files) {
    if (filled === count) break;
    const bytes = await fs.promises.readFile(file);
    filled += decodeCifarRecords(bytes, file, images, labels, filled, count - filled);
  }
  return {
    name: 'cifar10',
    split,
    count,
    height: SIDE,
    width: SIDE,
    channels: 3,
    images,
    shape: [count, SIDE, SIDE, 3],
    labels,
    classNames: CIFAR10_CLASSES,
  };
}

/**
 * Decode up to `max` records of a CIFAR-10 batch into `images` (HWC) / `labels` starting at row
 * `offset`; returns the number decoded. `label` names the source in errors.
 */
export function decodeCifarRecords(
  bytes: Uint8Array,
  label: string,
  images: Uint8Array,
  labels: Uint8Array,
  offset: number,
  max: number,
): number {
  if (bytes.length % RECORD !== 0)
    inputError(
      `${label}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR records`,
    );
  const n = Math.min(max, bytes.length / RECORD);
  for (let r = 0; r < n; r++) {
    const src = r * RECORD;
    const cls = bytes[src];
    if (cls >= CIFAR10_CLASSES.length)
      inputError(`${label}: record ${r} has label ${cls}, not a class 0..9`);
    labels[offset + r] = cls;
    const dst = (offset + r) * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      images[dst + 3 * p] = bytes[src + 1 + p];
      images[dst + 3 * p + 1] = bytes[src + 1 + PLANE + p];
      images[dst + 3 * p + 2] = bytes[src + 1 + 2 * PLANE + p];
    }
  }
  return n;
}
