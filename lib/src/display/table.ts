// Tables: a danfojs DataFrame (anything with `columns` and `values`) or an array of row objects,
// shown in a notebook as an HTML table with a text/plain twin, and saved as CSV.
import * as path from 'node:path';
import { inputError } from '../errors';
import { writeFileAtomic } from '../report/paths';
import { escapeHtml, sendBundle } from './kernel';

/** What showTable and saveTable read from a danfojs DataFrame. */
export interface TableLike {
  columns: string[];
  values: unknown[] | unknown[][];
}

export type TableInput = TableLike | ReadonlyArray<Record<string, unknown>>;

export interface TableOptions {
  caption?: string;
  /** Significant digits for non-integer numbers (default 4). */
  digits?: number;
}

interface Grid {
  columns: string[];
  rows: unknown[][];
}

function toGrid(table: TableInput): Grid {
  if (Array.isArray(table)) {
    const columns: string[] = [];
    for (const [i, row] of table.entries()) {
      if (row === null || typeof row !== 'object')
        inputError(`table row ${i} must be an object, got ${JSON.stringify(row)}`);
      for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    }
    return {
      columns,
      rows: table.map((row) => columns.map((c) => (row as Record<string, unknown>)[c])),
    };
  }
  const like = table as TableLike;
  if (!like || !Array.isArray(like.columns) || !Array.isArray(like.values)) {
    inputError('a table must be a danfojs DataFrame or an array of row objects');
  }
  // A one-column DataFrame may give a flat values array.
  const rows = like.values.map((row) => (Array.isArray(row) ? row : [row]));
  rows.forEach((row, i) => {
    if (row.length !== like.columns.length)
      inputError(`table row ${i} has ${row.length} cells for ${like.columns.length} columns`);
  });
  return { columns: like.columns.map(String), rows };
}

function formatCell(value: unknown, digits: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
    if (Math.abs(value) >= 10 ** digits) return value.toFixed(0);
    return String(Number(value.toPrecision(digits)));
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The HTML and plain-text renderings of a table. */
export function tableBundle(
  table: TableInput,
  options: TableOptions = {},
): { 'text/html': string; 'text/plain': string } {
  const { columns, rows } = toGrid(table);
  const digits = options.digits ?? 4;
  const cells = rows.map((row) => row.map((v) => formatCell(v, digits)));
  const numeric = columns.map(
    (_, j) => rows.length > 0 && rows.every((row) => typeof row[j] === 'number' || row[j] == null),
  );
  const align = (j: number) => (numeric[j] ? ' style="text-align:right"' : '');
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  const head = columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join('');
  const body = cells
    .map((row) => `<tr>${row.map((c, j) => `<td${align(j)}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const html =
    `<table class="milab-table">${caption}<thead><tr>${head}</tr></thead>\n` +
    `<tbody>\n${body}\n</tbody></table>`;
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const line = (row: string[]) =>
    row
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  const plain = [options.caption, line(columns), ...cells.map(line)]
    .filter((l) => l !== undefined)
    .join('\n');
  return { 'text/html': html, 'text/plain': plain };
}

/** Show a table in the notebook; outside a notebook print it as text. */
export function showTable(table: TableInput, options: TableOptions = {}): void {
  const bundle = tableBundle(table, options);
  if (!sendBundle(bundle)) console.log(bundle['text/plain']);
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Save as CSV (full precision, RFC 4180 quoting), atomically. Returns the absolute path. */
export function saveTable(table: TableInput, file: string): string {
  if (typeof file !== 'string' || file === '') inputError('saveTable needs a file path');
  const { columns, rows } = toGrid(table);
  const text = [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
  const absolute = path.resolve(file);
  writeFileAtomic(absolute, text);
  return absolute;
}
