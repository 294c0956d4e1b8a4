// npm run lint: the type check (tsc -b, with noUnusedLocals and noUnusedParameters), ESLint
// (eslint.config.mjs), Prettier's check (.prettierrc.json) and the notebooks' check
// (scripts/lint-notebooks.ts), one line per problem, `file:line: what (tool)`, then a count.
// Exit status 1 when there is any problem. npm test runs the same checks (scripts/test.ts).
// The npm script builds first and stops at a type error (this file is compiled by that build);
// run directly, this script type-checks again, which costs half a second when the build is done.
//
// npm run format (`--write`): Prettier rewrites the TypeScript sources and the notebooks' code
// cells, and clears the notebooks' outputs; then the check runs, so what is left to fix by hand
// (long comments and strings, which Prettier never breaks) is listed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { formatNotebook, lintNotebook, notebookFiles } from './lint-notebooks';

const ROOT = path.resolve(__dirname, '..', '..');

/** The TypeScript that ESLint and Prettier look at. */
export const SOURCE_DIRS = ['lib/src', 'test', 'scripts', 'bench'];

export interface LintProblem {
  file: string;
  line: number;
  message: string;
  tool: 'tsc' | 'eslint' | 'prettier' | 'notebooks';
}

export function formatProblem(p: LintProblem): string {
  return `${p.file}:${p.line}: ${p.message} (${p.tool})`;
}

/** The .ts files under SOURCE_DIRS, relative to the repository root, sorted. */
export function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(rel);
      else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(rel);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(ROOT, dir))) walk(dir);
  return out.sort();
}

/** tsc -b's errors (`file(line,col): error TS1234: what`), as problems. */
export function typecheck(): LintProblem[] {
  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  const run = spawnSync(tsc, ['-b', '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8' });
  const problems: LintProblem[] = [];
  const other: string[] = [];
  for (const line of `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n')) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m)
      problems.push({ file: m[1], line: Number(m[2]), message: `${m[4]} [${m[3]}]`, tool: 'tsc' });
    else if (line.trim() !== '' && !line.startsWith(' ')) other.push(line);
  }
  if (run.status !== 0 && problems.length === 0) {
    const why = run.error?.message ?? (other.join(' ') || `exit status ${run.status}`);
    problems.push({
      file: 'tsconfig.json',
      line: 1,
      message: `tsc -b failed: ${why}`,
      tool: 'tsc',
    });
  }
  return problems;
}

export async function eslintProblems(): Promise<LintProblem[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const results = await eslint.lintFiles(SOURCE_DIRS);
  const problems: LintProblem[] = [];
  for (const result of results) {
    const file = path.relative(ROOT, result.filePath);
    for (const m of result.messages) {
      const rule = m.ruleId ? ` [${m.ruleId}]` : '';
      problems.push({ file, line: m.line ?? 1, message: `${m.message}${rule}`, tool: 'eslint' });
    }
  }
  return problems;
}

/** The first line where Prettier's layout differs from the file's (1-based). */
function firstDifference(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i + 1;
}

/** Prettier's check (or, with write, its rewrite) of the source files. */
export async function prettierProblems(write = false): Promise<LintProblem[]> {
  const problems: LintProblem[] = [];
  for (const file of sourceFiles()) {
    const full = path.join(ROOT, file);
    const options = { ...((await prettier.resolveConfig(full)) ?? {}), filepath: full };
    const text = fs.readFileSync(full, 'utf8');
    let formatted: string;
    try {
      formatted = await prettier.format(text, options);
    } catch (err) {
      const message = `does not parse: ${(err as Error).message.split('\n')[0]}`;
      problems.push({ file, line: 1, message, tool: 'prettier' });
      continue;
    }
    if (formatted === text) continue;
    if (write) {
      // Prettier is not always idempotent (a member chain it breaks may fit once reformatted):
      // format again until the text is stable, so that the check passes after a format.
      for (let pass = 0; pass < 3; pass++) {
        const again = await prettier.format(formatted, options);
        if (again === formatted) break;
        formatted = again;
      }
      fs.writeFileSync(full, formatted);
      console.log(`formatted ${file}`);
    } else {
      const line = firstDifference(text, formatted);
      const message = 'not formatted as Prettier would, from this line (npm run format)';
      problems.push({ file, line, message, tool: 'prettier' });
    }
  }
  return problems;
}

export async function notebookProblems(): Promise<LintProblem[]> {
  const problems: LintProblem[] = [];
  for (const file of notebookFiles()) {
    for (const p of await lintNotebook(file)) problems.push({ ...p, tool: 'notebooks' });
  }
  return problems;
}

/**
 * Every check, problems printed as they are found; returns the problems. `typecheck: false` when
 * the caller has just run tsc -b itself (npm test).
 */
export async function lint(options: { typecheck?: boolean } = {}): Promise<LintProblem[]> {
  const all: LintProblem[] = [];
  const step = async (name: string, run: () => LintProblem[] | Promise<LintProblem[]>) => {
    const started = Date.now();
    const problems = await run();
    for (const p of problems) console.log(formatProblem(p));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`lint: ${name}: ${problems.length} problem(s) (${seconds} s)`);
    all.push(...problems);
  };
  if (options.typecheck !== false) await step('tsc -b', typecheck);
  await step('eslint', eslintProblems);
  await step('prettier --check', () => prettierProblems());
  await step('notebooks', notebookProblems);
  return all;
}

/** Problems per tool and, for ESLint, per rule: the size of what is left, in one line. */
export function summarizeProblems(problems: LintProblem[]): string {
  const counts = new Map<string, number>();
  for (const p of problems) {
    const rule = p.tool === 'eslint' ? /\[([^\]]+)\]$/.exec(p.message)?.[1] : undefined;
    const key = rule ? `eslint ${rule}` : p.tool;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
}

async function main(): Promise<number> {
  const write = process.argv.includes('--write');
  if (write) {
    await prettierProblems(true);
    for (const file of notebookFiles()) {
      if (await formatNotebook(file)) console.log(`formatted ${file}`);
    }
  }
  const problems = await lint();
  if (problems.length === 0) {
    console.log('lint: no problems');
    return 0;
  }
  console.log(`lint: ${problems.length} problem(s): ${summarizeProblems(problems)}`);
  return 1;
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
