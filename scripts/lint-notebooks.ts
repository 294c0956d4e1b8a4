// The notebooks' part of `npm run lint` and `npm run format` (scripts/lint.ts runs both).
// Notebooks are committed as source: code cells without outputs or execution counts, in the JSON
// layout they have now (one-space indent, final newline; key order is kept as it is), with the
// tslab kernel. Each code cell is TypeScript that Prettier formats like the .ts files (top-level
// await is fine), and no code line is over 100 characters (a line holding a string is exempt, as
// in ESLint's max-len). `node dist/scripts/lint-notebooks.js [--write] [NOTEBOOK...]` runs this
// part alone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as prettier from 'prettier';

export const MAX_LINE = 100;

export interface Problem {
  /** Relative to the repository root. */
  file: string;
  /** 1-based line in the file (for a notebook: the line of the JSON file). */
  line: number;
  message: string;
}

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}

interface Notebook {
  cells: Cell[];
  metadata?: { kernelspec?: { name?: string } };
  [key: string]: unknown;
}

const ROOT = path.resolve(__dirname, '..', '..');

/** The committed layout: Jupyter's one-space indent and final newline, keys in the file's order. */
export function notebookJson(nb: unknown): string {
  return JSON.stringify(nb, null, 1) + '\n';
}

/**
 * A code line holding a string or template literal, which the length limit exempts as ESLint's
 * max-len does for the .ts files (eslint.config.mjs): a message split over lines can no longer be
 * found by searching for it. Comment lines are never exempt.
 */
function holdsString(line: string): boolean {
  const code = line.trimStart();
  return !code.startsWith('//') && /`|'[^']*'|"[^"]*"/.test(code);
}

function sourceText(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** nbformat's source array: one string per line, each but the last ending in a newline. */
function sourceLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

/** Prettier's options for a code cell: the repository's config, read as a .ts file. */
async function cellOptions(): Promise<prettier.Options> {
  const config = (await prettier.resolveConfig(path.join(ROOT, 'notebooks', 'cell.ts'))) ?? {};
  return { ...config, parser: 'typescript' };
}

/** A code cell as Prettier writes it, without the final newline (cells have none); an Error when
 * the cell does not parse. */
async function formatCell(source: string, options: prettier.Options): Promise<string | Error> {
  if (source.trim() === '') return source;
  try {
    // Formatted again until stable: Prettier is not always idempotent (see scripts/lint.ts).
    let formatted = await prettier.format(source, options);
    for (let pass = 0; pass < 3; pass++) {
      const again = await prettier.format(formatted, options);
      if (again === formatted) break;
      formatted = again;
    }
    return formatted.replace(/\n$/, '');
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Where each cell's lines are in the JSON file, for file:line messages: `cellLine[i]` is the line
 * of cell i's opening brace and `sourceLine[i]` the line of its first source line. Read from the
 * committed layout; in another layout every cell points at line 1.
 */
function cellPositions(text: string, cells: number): { cellLine: number[]; sourceLine: number[] } {
  const lines = text.split('\n');
  const cellLine: number[] = [];
  const sourceLine: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '  {') cellLine.push(i + 1);
    else if (/^ {3}"source": \[/.test(lines[i]) && cellLine.length > sourceLine.length) {
      sourceLine.push(i + 2);
    }
  }
  if (cellLine.length !== cells || sourceLine.length !== cells) {
    return { cellLine: new Array(cells).fill(1), sourceLine: new Array(cells).fill(1) };
  }
  return { cellLine, sourceLine };
}

/** Every problem of one notebook (path relative to the repository root). */
export async function lintNotebook(file: string): Promise<Problem[]> {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const problems: Problem[] = [];
  const report = (line: number, message: string) => problems.push({ file, line, message });
  let nb: Notebook;
  try {
    nb = JSON.parse(text) as Notebook;
  } catch (err) {
    report(1, `not valid JSON: ${(err as Error).message}`);
    return problems;
  }
  if (!Array.isArray(nb?.cells)) {
    report(1, 'not a notebook: no cells array');
    return problems;
  }
  if (notebookJson(nb) !== text) {
    report(1, 'not in the committed JSON layout (one-space indent, final newline); npm run format');
  }
  const kernel = nb.metadata?.kernelspec?.name;
  if (kernel !== 'tslab') report(1, `kernel '${kernel ?? 'none'}', expected 'tslab'`);
  const { cellLine, sourceLine } = cellPositions(text, nb.cells.length);
  const options = await cellOptions();
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== 'code') continue;
    const where = `cell ${i + 1}`;
    if (Array.isArray(cell.outputs) && cell.outputs.length > 0) {
      report(cellLine[i], `${where} has outputs; notebooks are committed without (npm run format)`);
    }
    if (cell.execution_count != null) {
      report(cellLine[i], `${where} has an execution count; commit it as null (npm run format)`);
    }
    const source = sourceText(cell);
    if (source.trim() === '') {
      report(cellLine[i], `${where} is an empty code cell`);
      continue;
    }
    for (const [k, line] of source.split('\n').entries()) {
      if (line.length > MAX_LINE && !holdsString(line)) {
        report(
          sourceLine[i] + k,
          `${where} line ${k + 1} is ${line.length} characters (max ${MAX_LINE})`,
        );
      }
    }
    const formatted = await formatCell(source, options);
    if (formatted instanceof Error) {
      report(cellLine[i], `${where} does not parse: ${formatted.message.split('\n')[0]}`);
    } else if (formatted !== source) {
      report(cellLine[i], `${where} is not formatted as Prettier would (npm run format)`);
    }
  }
  return problems;
}

/**
 * Rewrite a notebook as committed: code cells formatted by Prettier, outputs and execution counts
 * cleared, the committed JSON layout. Cells that do not parse are left as they are (lintNotebook
 * reports them). Returns whether the file changed.
 */
export async function formatNotebook(file: string): Promise<boolean> {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const nb = JSON.parse(text) as Notebook;
  const options = await cellOptions();
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
    const formatted = await formatCell(sourceText(cell), options);
    if (typeof formatted === 'string') cell.source = sourceLines(formatted);
  }
  const out = notebookJson(nb);
  if (out === text) return false;
  fs.writeFileSync(path.join(ROOT, file), out);
  return true;
}

/** The committed notebooks: notebooks/*.ipynb, relative to the repository root. */
export function notebookFiles(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'notebooks'))
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort()
    .map((f) => path.join('notebooks', f));
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  const named = args.filter((a) => !a.startsWith('-'));
  const files =
    named.length > 0 ? named.map((f) => path.relative(ROOT, path.resolve(f))) : notebookFiles();
  let count = 0;
  for (const file of files) {
    if (write && (await formatNotebook(file))) console.log(`formatted ${file}`);
    for (const p of await lintNotebook(file)) {
      console.log(`${p.file}:${p.line}: ${p.message}`);
      count++;
    }
  }
  if (count > 0) console.log(`notebooks: ${count} problem(s)`);
  return count > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (status) => process.exit(status),
    (err) => {
      console.error(err);
      process.exit(2);
    },
  );
}
