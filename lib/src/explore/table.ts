// A user's own table for exploratory MI analysis: a CSV file (header row) or a JSON array of
// records, read into typed columns. A column is numeric when every present cell is a decimal
// number, otherwise categorical (its distinct strings become levels, coded 0, 1, ... in sorted
// order, so the codes do not depend on row order). Missing cells are NaN in both kinds: the
// analysis drops them per pair of columns and reports how many rows it kept, never imputes.
import { readFileSync } from 'node:fs';
import { parseDecimal } from '../cli/args';
import { parseCsv } from '../cli/csv';
import { inputError } from '../errors';
import { Rng } from '../random/rng';

/** Cells read as missing: empty, JSON null and the usual spreadsheet placeholders ('.' is what
 * the Palmer penguins data uses for one unknown sex). Compared after trimming, case-insensitive. */
export const MISSING_TOKENS: readonly string[] = ['', 'na', 'n/a', 'nan', 'null', 'none', '.', '?'];

export interface TableColumn {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Numbers, or level codes for a categorical column; NaN where the cell is missing. */
  values: Float64Array;
  /** The categorical levels (values[i] indexes them); empty for a numeric column. */
  levels: string[];
  missing: number;
}

export interface DataTable {
  source: string;
  rows: number;
  columns: TableColumn[];
}

type Cell = string | number | boolean | null | undefined;

/** Read a .csv file (first record names the columns) or a .json array of flat records. */
export function readTable(file: string): DataTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    inputError(`cannot read '${file}': ${(err as Error).message}`);
  }
  if (/\.json$/i.test(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      inputError(`'${file}' is not valid JSON: ${(err as Error).message}`);
    }
    return tableFromRecords(parsed, file);
  }
  return tableFromCsv(text, file);
}

/** A table from CSV text (RFC 4180, header row), through the CLI's reader. */
export function tableFromCsv(text: string, source = 'input'): DataTable {
  const csv = parseCsv(text, source);
  return build(source, csv.header, csv.rows.length, (r, c) => csv.rows[r][c]);
}

/** A table from an array of flat records (the columns are the union of their keys). */
export function tableFromRecords(records: unknown, source = 'records'): DataTable {
  if (!Array.isArray(records) || records.length === 0) {
    inputError(`${source}: expected a non-empty array of records`);
  }
  const names: string[] = [];
  records.forEach((record, i) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      inputError(`${source}: record ${i} is not an object`);
    }
    for (const key of Object.keys(record)) if (!names.includes(key)) names.push(key);
  });
  const cell = (r: number, c: number): Cell => {
    const value = (records[r] as Record<string, unknown>)[names[c]];
    if (value !== null && typeof value === 'object') {
      inputError(`${source}: record ${r}, '${names[c]}' is nested (${JSON.stringify(value)})`);
    }
    return value as Cell;
  };
  return build(source, names, records.length, cell);
}

type CellAt = (r: number, c: number) => Cell;

function build(source: string, names: string[], rows: number, cell: CellAt): DataTable {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) inputError(`${source}: column '${name}' appears twice`);
    seen.add(name);
  }
  const columns = names.map((name, c) => {
    const cells = Array.from({ length: rows }, (_, r) => cell(r, c));
    return makeColumn(name, cells);
  });
  return { source, rows, columns };
}

function isMissing(value: Cell): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  return typeof value === 'string' && MISSING_TOKENS.includes(value.trim().toLowerCase());
}

function numberOf(value: Cell): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseDecimal(value);
  return undefined;
}

function makeColumn(name: string, cells: Cell[]): TableColumn {
  const present = cells.filter((v) => !isMissing(v));
  const missing = cells.length - present.length;
  if (present.every((v) => numberOf(v) !== undefined)) {
    const values = Float64Array.from(cells, (v) => (isMissing(v) ? NaN : numberOf(v)!));
    return { name, kind: 'numeric', values, levels: [], missing };
  }
  const levels = [...new Set(present.map((v) => String(v).trim()))].sort();
  const code = new Map(levels.map((level, i) => [level, i]));
  const values = Float64Array.from(cells, (v) =>
    isMissing(v) ? NaN : code.get(String(v).trim())!,
  );
  return { name, kind: 'categorical', values, levels, missing };
}

/** The named column, or an input error listing the table's columns. */
export function tableColumn(table: DataTable, name: string): TableColumn {
  const found = table.columns.find((c) => c.name === name);
  if (!found) {
    const list = table.columns.map((c) => c.name).join(', ');
    inputError(`no column '${name}' in '${table.source}'; columns: ${list}`);
  }
  return found;
}

/** One row per column for showTable: kind, missing cells, range or levels. */
export function describeTable(table: DataTable): Array<Record<string, string | number>> {
  return table.columns.map((c) => {
    const present = Array.from(c.values).filter((v) => !Number.isNaN(v));
    let summary: string;
    if (c.kind === 'categorical') summary = c.levels.join(', ');
    else if (present.length === 0) summary = '(no values)';
    else summary = `${Math.min(...present)} to ${Math.max(...present)}`;
    const distinct = new Set(present).size;
    const { name: column, kind, missing } = c;
    return { column, kind, missing, distinct, 'range or levels': summary };
  });
}

export interface CompleteRows {
  /** The table restricted to the named columns, without any row missing one of them. */
  table: DataTable;
  /** Rows dropped for a missing cell. */
  dropped: number;
}

/** Keep the rows where every named column is present (complete-case analysis for those columns). */
export function completeRows(table: DataTable, names: readonly string[]): CompleteRows {
  const columns = names.map((name) => tableColumn(table, name));
  const keep: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    if (columns.every((c) => !Number.isNaN(c.values[r]))) keep.push(r);
  }
  const restricted = columns.map((c) => ({
    ...c,
    values: Float64Array.from(keep, (r) => c.values[r]),
    missing: 0,
  }));
  const dropped = table.rows - keep.length;
  return { table: { source: table.source, rows: keep.length, columns: restricted }, dropped };
}

/** The first `rows` rows of a deterministic shuffle (seeded), to explore a large table quickly. */
export function sampleRows(table: DataTable, rows: number, seed = 0): DataTable {
  if (!Number.isInteger(rows) || rows < 1) {
    inputError(`sampleRows needs a positive row count, got ${rows}`);
  }
  if (rows >= table.rows) return table;
  const order = shuffledIndices(table.rows, seed)
    .slice(0, rows)
    .sort((a, b) => a - b);
  const columns = table.columns.map((c) => {
    const values = Float64Array.from(order, (r) => c.values[r]);
    return { ...c, values, missing: values.filter((v) => Number.isNaN(v)).length };
  });
  return { source: table.source, rows, columns };
}

// The project's seeded generator, so the subset is the same on every machine.
function shuffledIndices(n: number, seed: number): number[] {
  return Array.from(new Rng(seed).fork('sample-rows').permutation(n));
}

/** Records for saveTable (CSV): categorical cells as their codes with `codes`, else as levels;
 * missing cells as null (an empty CSV field). */
export function tableRecords(
  table: DataTable,
  options: { codes?: boolean } = {},
): Array<Record<string, number | string | null>> {
  return Array.from({ length: table.rows }, (_, r) => {
    const record: Record<string, number | string | null> = {};
    for (const c of table.columns) {
      const v = c.values[r];
      if (Number.isNaN(v)) record[c.name] = null;
      else record[c.name] = c.kind === 'categorical' && !options.codes ? c.levels[v] : v;
    }
    return record;
  });
}
