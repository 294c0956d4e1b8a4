// Every notebook executes in the smoke profile, through the same runner as `npm start`, into a
// temporary reports folder: no error output, at least one Plotly JSON bundle, a valid results file
// if it writes one. Takes seconds to a minute per notebook. Also: a failing cell is reported with
// the notebook, the cell and the error, and leaves the previous report untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tinyNotebook } from './tiny-notebook';
import {
  listNotebooks,
  NotebookFailure,
  notebookName,
  runNotebook,
  stagingIsStale,
} from '../scripts/notebook-runner';

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}

const reportsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-smoke-'));
test.after(() => fs.rmSync(reportsRoot, { recursive: true, force: true }));

for (const file of listNotebooks()) {
  test(`${notebookName(file)} runs in the smoke profile`, async () => {
    const run = await runNotebook(file, { profile: 'smoke', reportsRoot, log: () => {} });
    assert.ok(fs.existsSync(run.html), 'HTML export written');
    const executed = JSON.parse(fs.readFileSync(run.ipynb, 'utf8')) as {
      cells: Array<{
        cell_type: string;
        execution_count?: number | null;
        source: string | string[];
        outputs?: Output[];
      }>;
    };
    const counted = executed.cells.filter(
      (c) => c.cell_type === 'code' && [c.source].flat().join('').trim() !== '',
    );
    assert.deepEqual(
      counted.map((c) => c.execution_count),
      counted.map((_, i) => i + 1),
      'cells numbered In [1], In [2], ...',
    );
    const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
    const errors = outputs.filter((o) => o.output_type === 'error');
    assert.deepEqual(errors, [], 'no error outputs');
    const stderr = outputs
      .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
      .map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? '')))
      .join('');
    assert.doesNotMatch(stderr, /^\s*\w*(Error|Exception)\b/m, 'no error text on stderr');
    const plots = outputs.filter(
      (o) => o.data && typeof o.data['application/vnd.plotly.v1+json'] === 'object',
    );
    assert.ok(plots.length >= 1, 'at least one Plotly JSON bundle');
    if (run.results) assert.equal(run.results.profile, 'smoke');
  });
}

test('the executed notebook numbers its cells as the kernel ran them (In [1], In [2], ...)', async () => {
  const { file, dir } = tinyNotebook('96-counts', [
    "console.log('one');",
    'const two = 2;',
    'two * 21',
  ]);
  try {
    const run = await runNotebook(file, { profile: 'smoke', reportsRoot, log: () => {} });
    const executed = JSON.parse(fs.readFileSync(run.ipynb, 'utf8')) as {
      cells: Array<{ cell_type: string; execution_count?: number | null }>;
    };
    assert.deepEqual(
      executed.cells.filter((c) => c.cell_type === 'code').map((c) => c.execution_count),
      [1, 2, 3],
    );
    assert.match(
      fs.readFileSync(run.html, 'utf8'),
      /In&nbsp;\[1\]/,
      'the HTML export shows the numbers',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The failing cell's stderr, as the notebook shows it. */
async function failureOutput(cells: string[]): Promise<string> {
  const { file, dir } = tinyNotebook('95-error', cells);
  try {
    let details = '';
    await assert.rejects(
      runNotebook(file, { profile: 'smoke', reportsRoot, log: () => {} }),
      (err: unknown) => {
        assert.ok(err instanceof NotebookFailure, String(err));
        details = err.details;
        return true;
      },
    );
    return details.trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a user-input error shows in the notebook as its one MilabInputError line; a bug keeps its stack', async () => {
  const input = await failureOutput(["import { summarize } from 'milab';\nsummarize([]);"]);
  assert.equal(input, 'MilabInputError: summarize needs at least one value');
  const awaited = await failureOutput([
    "import { summarize } from 'milab';\nawait Promise.resolve();\nsummarize([NaN]);",
  ]);
  assert.equal(awaited, 'MilabInputError: summarize: value 0 is NaN, not a finite number');
  const bug = await failureOutput([
    "function deep() { throw new TypeError('a real bug'); }\ndeep();",
  ]);
  assert.match(
    bug,
    /^TypeError: a real bug\n\s+at deep /m,
    'a bug is printed with its stack trace',
  );
});

test('the HTML export needs no file of this machine: scripts beside it, MathJax with a CDN fallback', async () => {
  const { file, dir } = tinyNotebook('94-export', ['1 + 1']);
  try {
    const run = await runNotebook(file, {
      profile: 'smoke',
      reportsRoot: path.join(dir, 'r'),
      log: () => {},
    });
    const html = fs.readFileSync(run.html, 'utf8');
    const tags = html.match(/<script[^>]*src="[^"]*"[^>]*>/g) ?? [];
    for (const tag of tags.filter((t) => t.includes('file://'))) {
      assert.match(tag, /MathJax\.js.*onerror=.*cdn\.jsdelivr\.net\/npm\/mathjax@2/, tag);
    }
    for (const tag of tags.filter((t) => !/src="(file|https?):/.test(t))) {
      const local = /src="([^"?]+)/.exec(tag)![1];
      assert.ok(
        fs.existsSync(path.join(path.dirname(run.html), local)),
        `${local} beside the export`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing cell names notebook, cell and error, and keeps the previous report', async () => {
  const { file, dir } = tinyNotebook('98-failing', [
    "import { summarize } from 'milab';\nconsole.log('fine');",
    'summarize([]);',
    "console.log('never');",
  ]);
  try {
    const previous = path.join(reportsRoot, '98-failing');
    fs.mkdirSync(previous, { recursive: true });
    fs.writeFileSync(path.join(previous, 'results.json'), 'old');
    await assert.rejects(
      runNotebook(file, { profile: 'smoke', reportsRoot, log: () => {} }),
      (err: unknown) =>
        err instanceof NotebookFailure &&
        /98-failing\.ipynb: cell 3\/4 failed: MilabInputError: summarize needs at least one value\n {4}in: summarize\(\[\]\);$/.test(
          err.message,
        ),
    );
    assert.deepEqual(fs.readdirSync(previous), ['results.json']);
    assert.equal(fs.readFileSync(path.join(previous, 'results.json'), 'utf8'), 'old');
    assert.deepEqual(
      fs.readdirSync(reportsRoot).filter((f) => f.startsWith('.staging')),
      [],
      'no staging left',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a staging folder is stale only when its owner process is gone: a concurrent run's folder survives clean-up", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-staging-'));
  try {
    assert.equal(stagingIsStale(dir), true, 'no owner file: left by an old or crashed run');
    fs.writeFileSync(path.join(dir, '.owner'), String(process.pid));
    assert.equal(stagingIsStale(dir), false, 'owned by a live process');
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    fs.writeFileSync(path.join(dir, '.owner'), gone);
    assert.equal(stagingIsStale(dir), true, 'owned by a process that has exited');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--only picks a notebook by its full name or by its number', () => {
  const names = (only: string) => listNotebooks(only).map(notebookName);
  assert.deepEqual(names('00-tour'), ['00-tour']);
  assert.deepEqual(names('000-mmim.ipynb'), ['000-mmim']);
  assert.deepEqual(names('004'), ['004-mine-lenet']);
  assert.throws(
    () => listNotebooks('999'),
    /no notebook in notebooks\/ is named '999' or starts with '999-'/,
  );
});
