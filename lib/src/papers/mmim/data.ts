// Fashion-MNIST as MMIM's experiments use it: the 60k training images split (stratified, seeded)
// into training and a validation part for choosing lambda, and the 10k test images. Smaller
// profiles take seeded stratified subsets of each part.
import * as tf from '@tensorflow/tfjs';
import { checkSize } from '../../data/options';
import { Rng } from '../../random/rng';
import { loadFashionMnist } from '../../data/mnist';
import { ImageDataset, imagesAsFloat32, subsetImages } from '../../data/images';
import { stratifiedSubset, trainValTestSplit } from '../../data/split';
import { Data, Split } from './experiment';

export interface DataOptions {
  /** Validation images taken out of the 60k training set. Default 5000 (protocol). */
  valSize?: number;
  /** Training images used (default: all that remain, 55000). */
  trainSize?: number;
  /** Test images used (default: all 10000). */
  testSize?: number;
  /** Seed of the split and of the subsets. Default 0. */
  seed?: number;
  dataDir?: string;
}

export interface DataInfo {
  trainSize: number;
  valSize: number;
  testSize: number;
  /** True when the run uses the paper's full training set and test set. */
  fullScale: boolean;
}

function toSplit(dataset: ImageDataset, indices: Int32Array): Split {
  const part = subsetImages(dataset, indices);
  const labels = Int32Array.from(part.labels);
  return {
    x: tf.tensor2d(imagesAsFloat32(part), [part.count, part.height * part.width * part.channels]),
    y: tf.tensor1d(labels, 'int32'),
    labels,
  };
}

export async function loadData(options: DataOptions = {}): Promise<{ data: Data; info: DataInfo }> {
  const seed = options.seed ?? 0;
  const valSize = options.valSize ?? 5000;
  const trainAll = await loadFashionMnist({ split: 'train', dataDir: options.dataDir });
  const testAll = await loadFashionMnist({ split: 'test', dataDir: options.dataDir });
  checkSize('valSize', valSize, trainAll.count - 1);
  const split = trainValTestSplit(trainAll.count, {
    seed,
    val: valSize / trainAll.count,
    test: 0,
    stratify: trainAll.labels,
  });
  const trainSize = options.trainSize ?? split.train.length;
  const testSize = options.testSize ?? testAll.count;
  checkSize('trainSize', trainSize, split.train.length);
  checkSize('testSize', testSize, testAll.count);
  const rng = new Rng(seed).fork('subsets');
  const trainIdx = stratifiedSubset(split.train, trainAll.labels, trainSize, rng);
  const testIdx = stratifiedSubset(
    Int32Array.from({ length: testAll.count }, (_, i) => i),
    testAll.labels,
    testSize,
    rng,
  );
  const data: Data = {
    train: toSplit(trainAll, trainIdx),
    val: toSplit(trainAll, split.val),
    test: toSplit(testAll, testIdx),
    classes: trainAll.classNames.length,
  };
  const info = {
    trainSize: trainIdx.length,
    valSize: split.val.length,
    testSize: testIdx.length,
    fullScale:
      trainIdx.length === split.train.length &&
      testIdx.length === testAll.count &&
      split.train.length >= 50000,
  };
  return { data, info };
}

export function disposeData(data: Data): void {
  for (const s of [data.train, data.val, data.test]) tf.dispose([s.x, s.y]);
}
