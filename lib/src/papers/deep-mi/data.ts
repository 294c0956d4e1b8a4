// The data of the Deep-MI study. The table's grid trains on a stratified seeded subset of the
// training images (Fashion-MNIST stands in for the poster's CIFAR-10, which runs instead when its
// files are in the data folder); other training images, never trained on, are the held-out rows of
// the ceiling control; the first `signalRows` training rows (a random subset: the training order is
// shuffled) are where every training-set signal is measured; the whole test set is the outcome.
// The information planes use MNIST. Every part keeps its labels on the JS side too.
import * as tf from '@tensorflow/tfjs';
import { datasetPresent } from '../../data/catalog';
import { loadCifar10 } from '../../data/cifar';
import { imagesToTensor, subsetImages, type ImageDataset } from '../../data/images';
import { loadFashionMnist, loadMnist } from '../../data/mnist';
import { stratifiedSubset } from '../../data/split';
import { inputError } from '../../errors';
import { checkSize } from '../../data/options';
import { Rng } from '../../random/rng';

export const GRID_DATASETS = ['fashion-mnist', 'cifar10'] as const;
export type GridDataset = (typeof GRID_DATASETS)[number];

export const DATASET_LABELS: Readonly<Record<GridDataset | 'mnist', string>> = {
  'fashion-mnist': 'Fashion-MNIST',
  cifar10: 'CIFAR-10',
  mnist: 'MNIST',
};

/** Images [n, h, w, c] in [0, 1] and their class ids. */
export interface ImageSplit {
  x: tf.Tensor4D;
  labels: Int32Array;
}

export interface ImageData {
  dataset: GridDataset | 'mnist';
  train: ImageSplit;
  heldOut: ImageSplit;
  test: ImageSplit;
  classes: number;
  classNames: readonly string[];
  /** One image's shape [h, w, c]. */
  shape: [number, number, number];
}

/** What sets a run's data: the stored runs' cache keys include it. */
export interface DataInfo {
  dataset: GridDataset | 'mnist';
  trainSize: number;
  heldOutSize: number;
  testSize: number;
}

export interface ImageDataOptions {
  dataset: GridDataset | 'mnist';
  /** Training rows (default all but the held-out ones). */
  trainSize?: number;
  /** Training rows set aside, never trained on (0: none). */
  heldOutSize: number;
  /** Test rows (default all). */
  testSize?: number;
  /** Seed of the subsets (default 0: every seed of the study sees the same rows). */
  seed?: number;
  dataDir?: string;
}

/** Whether CIFAR-10's files are in the data folder (`npx milab download cifar10` puts them there
 * where the network allows). */
export function cifarPresent(dataDir?: string): boolean {
  return datasetPresent('cifar10', { dataDir });
}

export async function loadImageData(
  options: ImageDataOptions,
): Promise<{ data: ImageData; info: DataInfo }> {
  const { dataset, dataDir } = options;
  const load = (split: 'train' | 'test'): Promise<ImageDataset> => {
    if (dataset === 'fashion-mnist') return loadFashionMnist({ split, dataDir });
    if (dataset === 'cifar10') return loadCifar10({ split, dataDir });
    if (dataset === 'mnist') return loadMnist({ split, dataDir });
    return inputError(`dataset must be fashion-mnist, cifar10 or mnist, got '${dataset}'`);
  };
  const trainAll = await load('train');
  const testAll = await load('test');
  const size = (v: number | undefined, max: number, name: string) => checkSize(name, v, max);
  const rng = new Rng(options.seed ?? 0).fork('deep-mi-data');
  const all = Int32Array.from({ length: trainAll.count }, (_, i) => i);
  // No held-out rows is allowed (the planes need none).
  const heldOutSize =
    options.heldOutSize === 0 ? 0 : size(options.heldOutSize, trainAll.count - 10, 'heldOutSize');
  const heldOut = stratifiedSubset(all, trainAll.labels, heldOutSize, rng);
  const taken = new Set(heldOut);
  const rest = all.filter((i) => !taken.has(i));
  const trainIdx = stratifiedSubset(
    rest,
    trainAll.labels,
    size(options.trainSize, rest.length, 'trainSize'),
    rng,
  );
  const allTest = Int32Array.from({ length: testAll.count }, (_, i) => i);
  const testIdx = stratifiedSubset(
    allTest,
    testAll.labels,
    size(options.testSize, testAll.count, 'testSize'),
    rng,
  );
  const part = (images: ImageDataset, indices: Int32Array): ImageSplit => {
    const subset = subsetImages(images, indices);
    return {
      x: imagesToTensor(subset, 'nhwc') as tf.Tensor4D,
      labels: Int32Array.from(subset.labels),
    };
  };
  const data: ImageData = {
    dataset,
    train: part(trainAll, trainIdx),
    heldOut: part(trainAll, heldOut),
    test: part(testAll, testIdx),
    classes: trainAll.classNames.length,
    classNames: trainAll.classNames,
    shape: [trainAll.height, trainAll.width, trainAll.channels],
  };
  const info: DataInfo = {
    dataset,
    trainSize: trainIdx.length,
    heldOutSize: heldOut.length,
    testSize: testIdx.length,
  };
  return { data, info };
}

export function disposeImageData(data: ImageData): void {
  tf.dispose([data.train.x, data.heldOut.x, data.test.x]);
}
