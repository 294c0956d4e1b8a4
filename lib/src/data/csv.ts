// A streaming reader for the CSV files of Zhang et al.'s text-classification datasets (AG_NEWS,
// Yelp polarity, ...): RFC 4180 quoting ("" inside quotes, embedded newlines), LF or CRLF line
// ends. Streaming matters: Yelp's train.csv is larger than a JavaScript string may be.
import * as fs from 'node:fs';
import { inputError } from '../errors';

/** Incremental parser: push text, receive complete records. */
export class CsvParser {
  private buffer = '';
  private recordNumber = 0; // 1-based number of the last record returned

  constructor(private readonly label: string) {}

  /** Parse as much of `text` (appended to any leftover) as forms complete records. */
  push(text: string): string[][] {
    this.buffer += text;
    return this.drain(false);
  }

  /** The records left at end of input; throws if the input ends inside a quoted field. */
  end(): string[][] {
    return this.drain(true);
  }

  private drain(final: boolean): string[][] {
    const s = this.buffer;
    const records: string[][] = [];
    let start = 0;
    for (;;) {
      const parsed = this.parseRecord(s, start, final);
      if (!parsed) break;
      start = parsed.next;
      if (parsed.fields) {
        this.recordNumber++;
        records.push(parsed.fields);
      }
    }
    this.buffer = s.slice(start);
    return records;
  }

  /** One record from `start`, or null when more input is needed; `fields` null for a blank line. */
  private parseRecord(
    s: string,
    start: number,
    final: boolean,
  ): { fields: string[] | null; next: number } | null {
    if (start >= s.length) return null;
    if (s[start] === '\n' || (s[start] === '\r' && s[start + 1] === '\n'))
      return { fields: null, next: start + (s[start] === '\r' ? 2 : 1) };
    if (s[start] === '\r' && start + 1 === s.length && !final) return null;
    const fields: string[] = [];
    let i = start;
    for (;;) {
      let value: string;
      if (s[i] === '"') {
        let j = i + 1;
        value = '';
        for (;;) {
          const q = s.indexOf('"', j);
          if (q < 0) {
            if (final)
              inputError(
                `${this.label}: record ${this.recordNumber + 1} ` +
                  'ends inside a quoted field (unterminated ")',
              );
            return null;
          }
          if (q + 1 === s.length && !final) return null; // cannot tell "" from a closing quote yet
          if (s[q + 1] === '"') {
            value += s.slice(j, q) + '"';
            j = q + 2;
            continue;
          }
          value += s.slice(j, q);
          i = q + 1;
          break;
        }
      } else {
        let j = i;
        while (j < s.length && s[j] !== ',' && s[j] !== '\n' && s[j] !== '\r') j++;
        if (j === s.length && !final) return null;
        if (s[j] === '\r' && j + 1 === s.length && !final) return null;
        value = s.slice(i, j);
        i = j;
      }
      fields.push(value);
      const c = s[i];
      if (c === ',') {
        i++;
        if (i === s.length && !final) return null;
        continue;
      }
      if (c === undefined) {
        if (!final) return null;
        return { fields, next: i };
      }
      if (c === '\n') return { fields, next: i + 1 };
      if (c === '\r' && s[i + 1] === '\n') return { fields, next: i + 2 };
      if (c === '\r' && i + 1 === s.length && !final) return null;
      inputError(
        `${this.label}: record ${this.recordNumber + 1} has ${JSON.stringify(c)} ` +
          'after a closing quote (expected , or end of line)',
      );
    }
  }
}

/**
 * Stream the records of a CSV file to `onRecord` (1-based record number); stop early when it
 * returns false. Reads in 1 MiB chunks so files of any size work.
 */
export async function readCsvRecords(
  file: string,
  onRecord: (fields: string[], recordNumber: number) => boolean | void,
): Promise<void> {
  const parser = new CsvParser(file);
  const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let n = 0;
  try {
    for await (const chunk of stream) {
      for (const fields of parser.push(chunk as string)) {
        if (onRecord(fields, ++n) === false) return;
      }
    }
    for (const fields of parser.end()) {
      if (onRecord(fields, ++n) === false) return;
    }
  } finally {
    stream.destroy();
  }
}
