// The CLI's table input: a CSV file whose first record names the columns (parsed by the data
// area's RFC 4180 CsvParser: quoted fields, "" escapes; blank lines are skipped). Lines may end in
// LF, CRLF or a lone CR (old Mac exports), and a UTF-8 BOM is dropped.
// Only the selected columns must be numeric (decimal literals, see parseDecimal); other columns may
// hold anything.
import { readFileSync } from 'node:fs';
import { CsvParser } from '../data/csv';
import { inputError } from '../errors';
import { Matrix } from '../mi/matrix';
import { DECIMAL_HINT, parseDecimal } from './args';

export interface CsvTable {
  source: string;
  header: string[];
  /** Data rows; errors call the header row 1 and the first data row 2, as a spreadsheet does. */
  rows: string[][];
}

export function readCsvFile(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (err as Error).message;
    inputError(`cannot read '${path}': ${why}`);
  }
  return parseCsv(text, path);
}

export function parseCsv(text: string, source = 'input'): CsvTable {
  const parser = new CsvParser(`'${source}'`);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // The parser knows LF and CRLF; a lone CR becomes LF (inside a quoted field too: such a field is
  // text, never a selected number).
  const records = [...parser.push(body.replace(/\r\n?/g, '\n')), ...parser.end()];
  if (records.length === 0) inputError(`'${source}' is empty`);
  const [head, ...rows] = records;
  const header = head.map((h) => h.trim());
  rows.forEach((fields, r) => {
    if (fields.length !== header.length) {
      inputError(
        `'${source}' row ${r + 2} has ${fields.length} fields, the header has ${header.length}`,
      );
    }
  });
  if (rows.length === 0) inputError(`'${source}' has a header but no data rows`);
  return { source, header, rows };
}

/** The named columns as a numeric matrix; `flag` (e.g. '--x') names the selection in errors. */
export function numericColumns(table: CsvTable, names: string[], flag: string): Matrix {
  if (names.length === 0) inputError(`${flag} selects no columns`);
  const indices = names.map((name) => {
    const matches = table.header.flatMap((h, i) => (h === name ? [i] : []));
    if (matches.length === 0)
      inputError(
        `${flag}: no column '${name}' in '${table.source}'; columns: ${table.header.join(', ')}`,
      );
    if (matches.length > 1)
      inputError(
        `${flag}: column '${name}' appears ${matches.length} times ` +
          `in the header of '${table.source}'`,
      );
    return matches[0];
  });
  const cols = indices.length;
  const data = new Float64Array(table.rows.length * cols);
  table.rows.forEach((row, r) => {
    indices.forEach((c, j) => {
      data[r * cols + j] = parseNumber(
        row[c],
        `'${table.source}' row ${r + 2}, column '${table.header[c]}'`,
      );
    });
  });
  return { data, rows: table.rows.length, cols };
}

function parseNumber(cell: string, where: string): number {
  const s = cell.trim();
  if (s === '') inputError(`${where}: empty cell`);
  if (/^[+-]?(nan|inf|infinity)$/i.test(s)) inputError(`${where}: '${s}' is not a finite number`);
  const v = parseDecimal(s);
  if (v === undefined) inputError(`${where}: '${s}' is not a number (${DECIMAL_HINT})`);
  if (!Number.isFinite(v)) inputError(`${where}: '${s}' is not a finite number (too large)`);
  return v;
}
