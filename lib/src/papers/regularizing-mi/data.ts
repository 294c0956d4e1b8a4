// The data of parts B and C. Part B (beta-BNN): MNIST split as the paper's 50k train / 10k
// validation / 10k test (colorful MNIST with Lena backgrounds is not available offline; the
// procedural colourful variant is `colorful: true`, labelled as such). Part C (VID): Fashion-MNIST
// stands in for CIFAR-10, 48k train / 12k validation (the paper's 20 %) / 10k test, and the
// data-limited grid draws N images per class from the training part. Every part keeps its labels
// on the JS side too. The split is seeded once (seed 0): every seed of the study sees the same
// rows.
import * as tf from '@tensorflow/tfjs';
import { colorfulMnist } from '../../data/colorful';
import { imagesToTensor, subsetImages, type ImageDataset } from '../../data/images';
import { loadFashionMnist, loadMnist } from '../../data/mnist';
import { checkSize } from '../../data/options';
import { perClassSubset, stratifiedSubset, trainValTestSplit } from '../../data/split';
import { Rng } from '../../random/rng';

export interface LabelledSplit {
  /** Images [n, h, w, c] in [0, 1]. */
  x: tf.Tensor4D;
  labels: Int32Array;
}

export interface SplitData {
  train: LabelledSplit;
  val: LabelledSplit;
  test: LabelledSplit;
  /** One image's shape [h, w, c]. */
  shape: [number, number, number];
  classNames: readonly string[];
}

/** What sets a run's data: the stored runs' keys include it. */
export interface DataInfo {
  dataset: 'mnist' | 'colorful-mnist' | 'fashion-mnist';
  trainSize: number;
  valSize: number;
  testSize: number;
  /** The data-limited grid: images per class drawn from the training part. */
  perClass?: number;
}

export interface SplitOptions {
  /** Rows of each part (default: the whole part). */
  trainSize?: number;
  valSize?: number;
  testSize?: number;
  dataDir?: string;
}

const SPLIT_SEED = 0;

/** Part B: MNIST 50k / 10k / 10k (or the procedural colourful variant). */
export async function loadBnnData(
  options: SplitOptions & { colorful?: boolean } = {},
): Promise<{ data: SplitData; info: DataInfo }> {
  // One texture for both splits, as Bulten's one photograph.
  const colour = (d: ImageDataset) => (options.colorful ? colorfulMnist(d, { seed: 1 }) : d);
  const train = colour(await loadMnist({ split: 'train', dataDir: options.dataDir }));
  const test = colour(await loadMnist({ split: 'test', dataDir: options.dataDir }));
  return split(train, test, 10000, options, options.colorful ? 'colorful-mnist' : 'mnist');
}

/** Part C: Fashion-MNIST 48k / 12k / 10k. */
export async function loadVidData(
  options: SplitOptions = {},
): Promise<{ data: SplitData; info: DataInfo }> {
  const train = await loadFashionMnist({ split: 'train', dataDir: options.dataDir });
  const test = await loadFashionMnist({ split: 'test', dataDir: options.dataDir });
  return split(train, test, 12000, options, 'fashion-mnist');
}

function split(
  trainAll: ImageDataset,
  testAll: ImageDataset,
  validation: number,
  options: SplitOptions,
  dataset: DataInfo['dataset'],
): { data: SplitData; info: DataInfo } {
  const parts = trainValTestSplit(trainAll.count, {
    seed: SPLIT_SEED,
    val: validation / trainAll.count,
    test: 0,
    stratify: trainAll.labels,
  });
  const rng = new Rng(SPLIT_SEED).fork('subsets');
  const pick = (indices: Int32Array, labels: Uint8Array, size: number | undefined, name: string) =>
    stratifiedSubset(indices, labels, checkSize(name, size, indices.length), rng);
  const allTest = Int32Array.from({ length: testAll.count }, (_, i) => i);
  // Stratified rounding can give the validation part a row or two more than asked (MNIST:
  // 10,001): exactly `validation` rows stay there, in its (random) order, and the rest go back to
  // training, so the parts are the paper's 50,000 / 10,000 (Fashion-MNIST: 48,000 / 12,000).
  const trainRows = Int32Array.from([...parts.train, ...parts.val.slice(validation)]);
  const data: SplitData = {
    train: part(trainAll, pick(trainRows, trainAll.labels, options.trainSize, 'trainSize')),
    val: part(
      trainAll,
      options.valSize === undefined
        ? parts.val.slice(0, validation)
        : pick(parts.val, trainAll.labels, options.valSize, 'valSize'),
    ),
    test: part(testAll, pick(allTest, testAll.labels, options.testSize, 'testSize')),
    shape: [trainAll.height, trainAll.width, trainAll.channels],
    classNames: trainAll.classNames,
  };
  const info: DataInfo = {
    dataset,
    trainSize: data.train.labels.length,
    valSize: data.val.labels.length,
    testSize: data.test.labels.length,
  };
  return { data, info };
}

function part(images: ImageDataset, indices: Int32Array): LabelledSplit {
  const subset = subsetImages(images, indices);
  return {
    x: imagesToTensor(subset, 'nhwc') as tf.Tensor4D,
    labels: Int32Array.from(subset.labels),
  };
}

/** `perClass` training images of each class (seeded; the data-limited grid). A new split the
 * caller disposes; the validation and test parts are shared, not copied. */
export function limitTraining(
  data: SplitData,
  info: DataInfo,
  perClass: number,
  seed: number,
): { data: SplitData; info: DataInfo } {
  const all = Int32Array.from({ length: data.train.labels.length }, (_, i) => i);
  const rows = perClassSubset(all, data.train.labels, perClass, new Rng(seed).fork('per-class'));
  const index = tf.tensor1d(rows, 'int32');
  const x = tf.gather(data.train.x, index) as tf.Tensor4D;
  index.dispose();
  return {
    data: { ...data, train: { x, labels: Int32Array.from(rows, (i) => data.train.labels[i]) } },
    info: { ...info, trainSize: rows.length, perClass },
  };
}

export function disposeSplitData(data: SplitData): void {
  tf.dispose([data.train.x, data.val.x, data.test.x]);
}
