// Word-level text encoding for the text datasets: lowercase, split into words, keep the most
// frequent words, map texts to fixed-length int32 id rows. Deterministic: ties in frequency are
// broken by the word itself, so the same texts always give the same vocabulary.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';

/** Id 0 pads short rows; id 1 stands for every word outside the vocabulary. */
export const PAD_ID = 0;
export const UNKNOWN_ID = 1;
const SPECIAL = ['<pad>', '<unk>'];

// Letters/digits, with inner apostrophes kept ("don't", "it's"); IMDB's <br /> tags are not words.
const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;
const BREAK_TAG = /<br\s*\/?>/gi;

/** Lowercased words of `text`. */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().replace(BREAK_TAG, ' ').match(WORD) ?? [];
}

export interface EncodedTexts {
  /** Row-major [count, length] token ids. */
  readonly ids: Int32Array;
  readonly shape: readonly [number, number];
  /** Words per text that made it into its row (before padding, after truncation). */
  readonly lengths: Int32Array;
}

export interface EncodeOptions {
  /** Row length L: longer texts are truncated, shorter ones padded with PAD_ID. */
  length: number;
  /** Where padding goes (default 'post': words first, then pads). */
  padding?: 'pre' | 'post';
  /** Which end of a long text is cut (default 'post': keep the first L words). */
  truncating?: 'pre' | 'post';
}

export class TextVocabulary {
  private readonly index: Map<string, number>;

  private constructor(readonly tokens: readonly string[]) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /**
   * The `size` - 2 most frequent words of `texts` (words seen fewer than `minCount` times are left
   * out) plus '<pad>' (id 0) and '<unk>' (id 1); so ids are < size, the input size of an embedding.
   */
  static fit(
    texts: readonly string[],
    options: { size: number; minCount?: number },
  ): TextVocabulary {
    const { size, minCount = 1 } = options;
    if (!Number.isInteger(size) || size < 3)
      inputError(`TextVocabulary.fit: size must be an integer >= 3, got ${size}`);
    if (!Number.isInteger(minCount) || minCount < 1)
      inputError(`TextVocabulary.fit: minCount must be a positive integer, got ${minCount}`);
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const word of tokenizeWords(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    const ranked = [...counts]
      .filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new TextVocabulary([
      ...SPECIAL,
      ...ranked.slice(0, size - SPECIAL.length).map(([w]) => w),
    ]);
  }

  /** Rebuild a vocabulary from its `tokens` (e.g. saved as JSON). */
  static fromTokens(tokens: readonly string[]): TextVocabulary {
    if (tokens[0] !== SPECIAL[0] || tokens[1] !== SPECIAL[1])
      inputError(`TextVocabulary.fromTokens: tokens must start with '<pad>', '<unk>'`);
    if (new Set(tokens).size !== tokens.length)
      inputError('TextVocabulary.fromTokens: tokens must be distinct');
    return new TextVocabulary([...tokens]);
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The id of a (lowercase) word; UNKNOWN_ID when it is not in the vocabulary. */
  id(word: string): number {
    return this.index.get(word) ?? UNKNOWN_ID;
  }

  encode(texts: readonly string[], options: EncodeOptions): EncodedTexts {
    const { length, padding = 'post', truncating = 'post' } = options;
    if (!Number.isInteger(length) || length < 1)
      inputError(`TextVocabulary.encode: length must be a positive integer, got ${length}`);
    if (padding !== 'pre' && padding !== 'post')
      inputError(
        `TextVocabulary.encode: padding must be 'pre' or 'post', got ${JSON.stringify(padding)}`,
      );
    if (truncating !== 'pre' && truncating !== 'post')
      inputError(
        "TextVocabulary.encode: truncating must be 'pre' or 'post', " +
          `got ${JSON.stringify(truncating)}`,
      );
    const ids = new Int32Array(texts.length * length); // zero-filled = PAD_ID
    const lengths = new Int32Array(texts.length);
    texts.forEach((text, row) => {
      let words = tokenizeWords(text);
      if (words.length > length)
        words = truncating === 'post' ? words.slice(0, length) : words.slice(words.length - length);
      const start = row * length + (padding === 'post' ? 0 : length - words.length);
      for (let k = 0; k < words.length; k++) ids[start + k] = this.id(words[k]);
      lengths[row] = words.length;
    });
    return { ids, shape: [texts.length, length], lengths };
  }

  /** The words of one row of ids, padding dropped. */
  decode(ids: ArrayLike<number>): string {
    const words: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === PAD_ID) continue;
      const t = this.tokens[ids[i]];
      if (t === undefined)
        inputError(`TextVocabulary.decode: id ${ids[i]} is outside 0..${this.size - 1}`);
      words.push(t);
    }
    return words.join(' ');
  }
}

/** Encoded texts as an int32 [count, length] tensor (input of an embedding layer); the caller
 * disposes it. */
export function tokenIdsToTensor(encoded: EncodedTexts): tf.Tensor2D {
  return tf.tensor2d(encoded.ids, [encoded.shape[0], encoded.shape[1]], 'int32');
}
