// The notebooks' lint: a code line over 100 characters is a problem unless it holds a string (as
// ESLint's max-len treats the .ts files); outputs and execution counts are problems too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintNotebook, notebookJson } from '../scripts/lint-notebooks';

const ROOT = path.resolve(__dirname, '..', '..');

/** Lints a one-cell tslab notebook holding `source`, written to a temporary file. */
async function lintCell(source: string[], extra: Record<string, unknown> = {}): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-lint-'));
  const file = path.join(dir, 'cell.ipynb');
  const nb = {
    cells: [
      { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source, ...extra },
    ],
    metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(file, notebookJson(nb));
  try {
    return (await lintNotebook(path.relative(ROOT, file))).map((p) => p.message);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const long = (prefix: string) => prefix + 'x'.repeat(110 - prefix.length);

test('lint-notebooks: a long code or comment line is a problem, a line holding a string is not', async () => {
  const code = await lintCell([`const ${long('a')} = 1;`]);
  assert.equal(code.length, 1);
  assert.match(code[0], /cell 1 line 1 is \d+ characters \(max 100\)/);

  const comment = await lintCell([`// ${long('it is')}\n`, 'const a = 1;']);
  assert.match(comment.join('\n'), /line 1 is \d+ characters/);

  // (Prettier would move the literal to a line of its own: only the length is asked about here.)
  const lengthProblems = (messages: string[]) => messages.filter((m) => /characters/.test(m));
  assert.deepEqual(lengthProblems(await lintCell([`const a = \`${long('v')}\`;`])), []);
  assert.deepEqual(lengthProblems(await lintCell([`const a = '${long('v')}';`])), []);
});

test('lint-notebooks: outputs and execution counts are reported', async () => {
  const problems = await lintCell(['const a = 1;'], {
    execution_count: 3,
    outputs: [{ output_type: 'stream', name: 'stdout', text: ['1'] }],
  });
  assert.match(problems.join('\n'), /has outputs/);
  assert.match(problems.join('\n'), /has an execution count/);
});
