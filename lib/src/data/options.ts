// Validation of the options every loader shares.
import { inputError } from '../errors';
import type { DatasetSplit } from './images';

export interface LoadOptions {
  split: DatasetSplit;
  /** Keep only the first `limit` examples of the split (file order). */
  limit?: number;
  /** Overrides MILAB_DATA_DIR for downloaded / user-supplied files. */
  dataDir?: string;
}

export function checkSplit(loader: string, split: unknown): DatasetSplit {
  if (split !== 'train' && split !== 'test')
    inputError(`${loader}: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  return split;
}

/** The number of examples to keep: `limit` checked against what the split holds. */
export function checkLimit(loader: string, limit: number | undefined, available: number): number {
  if (limit === undefined) return available;
  if (!Number.isInteger(limit) || limit < 1)
    inputError(`${loader}: limit must be a positive integer, got ${limit}`);
  if (limit > available)
    inputError(`${loader}: limit ${limit} exceeds the ${available} examples of this split`);
  return limit;
}

/** A subset size asked of a study's loader: `value` (default `max`) must be an integer in
 * 10..max, fewer than 10 rows being no study at all. */
export function checkSize(name: string, value: number | undefined, max: number): number {
  if (value === undefined) return max;
  if (!Number.isInteger(value) || value < 10 || value > max)
    inputError(`${name} must be an integer in 10..${max}, got ${value}`);
  return value;
}
