// The data of MI-Dropout's experiments. Text (part T): IMDB from the npm package, which has no
// official split, so a fixed seeded stratified split 25k train / 5k validation / 20k test; AG_NEWS
// and Yelp polarity when their files are present (their own train/test files, validation carved
// from train). The vocabulary is fitted on the training texts alone. Images (part R, the authors'
// released MNIST pipeline): MNIST's 60k training images less a 5k validation part, and its 10k test
// images. Smaller profiles take seeded stratified subsets of each part.
import * as tf from '@tensorflow/tfjs';
import { MilabInputError, inputError } from '../../errors';
import { checkSize } from '../../data/options';
import { Rng } from '../../random/rng';
import { loadMnist } from '../../data/mnist';
import { imagesAsFloat32, subsetImages } from '../../data/images';
import { stratifiedSubset, subsetTexts, trainValTestSplit } from '../../data/split';
import { TextDataset, loadAgNews, loadImdb, loadYelpPolarity } from '../../data/text-datasets';
import { TextVocabulary } from '../../data/vocabulary';
import type { PaperDataset } from './paper';

/** One part of a dataset as the trainer takes it, with the labels on the JS side too. */
export interface LabelledSplit {
  /** Token ids [n, length] (int32) or flattened images [n, 784] in [0, 1]. */
  x: tf.Tensor2D;
  /** Class ids [n] (int32). */
  y: tf.Tensor1D;
  labels: Int32Array;
}

export interface LabelledData {
  train: LabelledSplit;
  val: LabelledSplit;
  test: LabelledSplit;
  classes: number;
  classNames: readonly string[];
}

export interface DataInfo {
  dataset: string;
  trainSize: number;
  valSize: number;
  testSize: number;
  /** True when every part has the size the protocol gives the full profile. */
  fullScale: boolean;
}

export interface TextDataOptions {
  dataset: PaperDataset;
  /** Examples per part (default: the protocol's full sizes; IMDB 25k / 5k / 20k). */
  trainSize?: number;
  valSize?: number;
  testSize?: number;
  /** Vocabulary size, pad and unknown included (default 20000). */
  vocabSize?: number;
  /** Tokens per text: longer ones are cut, shorter ones padded (default 256). */
  sequenceLength?: number;
  /** Seed of the split and the subsets (default 0: every seed of a study sees the same data). */
  seed?: number;
  dataDir?: string;
}

/** IMDB's protocol split of its 50k reviews. */
const IMDB_PARTS = { train: 25000, val: 5000, test: 20000 };
/** Validation examples carved from AG_NEWS's and Yelp's training files. */
const CARVED_VAL = 5000;

/**
 * Whether a dataset's files are here, and the reason in one line when not ('' when they are):
 * AG_NEWS and Yelp polarity need a download, which this machine may not be able to make.
 */
export async function textDataAvailable(
  dataset: PaperDataset,
  dataDir?: string,
): Promise<{ available: boolean; reason: string }> {
  try {
    await loadPool(dataset, 'test', dataDir, 1);
    return { available: true, reason: '' };
  } catch (err) {
    if (!(err instanceof MilabInputError)) throw err;
    return { available: false, reason: err.message.split('\n')[0] };
  }
}

async function loadPool(
  dataset: PaperDataset,
  split: 'train' | 'test',
  dataDir: string | undefined,
  limit?: number,
): Promise<TextDataset> {
  switch (dataset) {
    case 'imdb':
      return loadImdb({ limit });
    case 'ag_news':
      return loadAgNews({ split, dataDir, limit });
    case 'yelp_polarity':
      return loadYelpPolarity({ split, dataDir, limit });
  }
}

/** The three parts of a text dataset, split and encoded (the vocabulary fitted on train only). */
export async function loadTextData(
  options: TextDataOptions,
): Promise<{ data: LabelledData; vocabulary: TextVocabulary; info: DataInfo }> {
  const { dataset, vocabSize = 20000, sequenceLength = 256, seed = 0 } = options;
  let train: TextDataset;
  let val: TextDataset;
  let test: TextDataset;
  let full: { train: number; val: number; test: number };
  if (dataset === 'imdb') {
    const pool = await loadPool('imdb', 'train', options.dataDir);
    const split = trainValTestSplit(pool.count, {
      seed,
      val: IMDB_PARTS.val / pool.count,
      test: IMDB_PARTS.test / pool.count,
      stratify: pool.labels,
    });
    [train, val, test] = [split.train, split.val, split.test].map((i) => subsetTexts(pool, i));
    full = IMDB_PARTS;
  } else {
    const trainPool = await loadPool(dataset, 'train', options.dataDir);
    test = await loadPool(dataset, 'test', options.dataDir);
    const split = trainValTestSplit(trainPool.count, {
      seed,
      val: CARVED_VAL / trainPool.count,
      test: 0,
      stratify: trainPool.labels,
    });
    train = subsetTexts(trainPool, split.train);
    val = subsetTexts(trainPool, split.val);
    full = { train: train.count, val: val.count, test: test.count };
  }
  const rng = new Rng(seed).fork('subsets');
  const take = (part: TextDataset, size: number | undefined, name: string) => {
    if (size === undefined) return part;
    if (!Number.isInteger(size) || size < 2 || size > part.count)
      inputError(`${name} must be an integer in 2..${part.count} for ${dataset}, got ${size}`);
    const all = Int32Array.from({ length: part.count }, (_, i) => i);
    return subsetTexts(part, stratifiedSubset(all, part.labels, size, rng));
  };
  train = take(train, options.trainSize, 'trainSize');
  val = take(val, options.valSize, 'valSize');
  test = take(test, options.testSize, 'testSize');
  const vocabulary = TextVocabulary.fit(train.texts, { size: vocabSize });
  const encode = (part: TextDataset): LabelledSplit => {
    const encoded = vocabulary.encode(part.texts, { length: sequenceLength });
    const labels = Int32Array.from(part.labels);
    return {
      x: tf.tensor2d(encoded.ids, [part.count, sequenceLength], 'int32'),
      y: tf.tensor1d(labels, 'int32'),
      labels,
    };
  };
  const data = {
    train: encode(train),
    val: encode(val),
    test: encode(test),
    classes: train.classNames.length,
    classNames: train.classNames,
  };
  const info = {
    dataset,
    trainSize: train.count,
    valSize: val.count,
    testSize: test.count,
    fullScale: train.count === full.train && val.count === full.val && test.count === full.test,
  };
  return { data, vocabulary, info };
}

export interface MnistDataOptions {
  trainSize?: number;
  testSize?: number;
  seed?: number;
  dataDir?: string;
}

/** MNIST for part R: 55k training, 5k validation (stratified, seeded) and the 10k test images. */
export async function loadMnistData(
  options: MnistDataOptions = {},
): Promise<{ data: LabelledData; info: DataInfo }> {
  const seed = options.seed ?? 0;
  const trainAll = await loadMnist({ split: 'train', dataDir: options.dataDir });
  const testAll = await loadMnist({ split: 'test', dataDir: options.dataDir });
  const split = trainValTestSplit(trainAll.count, {
    seed,
    val: CARVED_VAL / trainAll.count,
    test: 0,
    stratify: trainAll.labels,
  });
  const rng = new Rng(seed).fork('subsets');
  const size = (v: number | undefined, max: number, name: string) => checkSize(name, v, max);
  const trainIdx = stratifiedSubset(
    split.train,
    trainAll.labels,
    size(options.trainSize, split.train.length, 'trainSize'),
    rng,
  );
  const allTest = Int32Array.from({ length: testAll.count }, (_, i) => i);
  const testIdx = stratifiedSubset(
    allTest,
    testAll.labels,
    size(options.testSize, testAll.count, 'testSize'),
    rng,
  );
  const part = (dataset: typeof trainAll, indices: Int32Array): LabelledSplit => {
    const images = subsetImages(dataset, indices);
    const labels = Int32Array.from(images.labels);
    const pixels = images.height * images.width * images.channels;
    return {
      x: tf.tensor2d(imagesAsFloat32(images), [images.count, pixels]),
      y: tf.tensor1d(labels, 'int32'),
      labels,
    };
  };
  const data = {
    train: part(trainAll, trainIdx),
    val: part(trainAll, split.val),
    test: part(testAll, testIdx),
    classes: trainAll.classNames.length,
    classNames: trainAll.classNames,
  };
  const info = {
    dataset: 'mnist',
    trainSize: trainIdx.length,
    valSize: split.val.length,
    testSize: testIdx.length,
    fullScale: trainIdx.length === split.train.length && testIdx.length === testAll.count,
  };
  return { data, info };
}

export function disposeData(data: LabelledData): void {
  for (const s of [data.train, data.val, data.test]) tf.dispose([s.x, s.y]);
}
