import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listNotebooks, notebookName, ROOT } from '../scripts/notebook-runner';
import { readRunStatus, writeIndex, writeRunStatus } from '../scripts/report-index';
import { runAndRecord } from '../scripts/run-notebooks';

function tempDirs(): { root: string; results: string; done: () => void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-index-'));
  const root = path.join(base, 'reports');
  const results = path.join(base, 'results');
  fs.mkdirSync(root);
  fs.mkdirSync(results);
  return { root, results, done: () => fs.rmSync(base, { recursive: true, force: true }) };
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

const row = (name: string, paper: number | null, verdict: string, n = 2) => ({
  table: 'T <1>',
  row: name,
  metric: 'acc %',
  paper,
  ours: { mean: 83.94, sd: 1.838, n },
  verdict,
});

test('reports/index.html links every notebook and shows its headline table', () => {
  const { root, results, done } = tempDirs();
  try {
    const names = listNotebooks().map(notebookName);
    assert.ok(names.includes('00-tour'));
    const dir = path.join(root, '00-tour');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '00-tour.html'), '<html></html>');
    writeJson(path.join(dir, 'results.json'), {
      notebook: '00-tour',
      profile: 'quick',
      backend: 'wasm',
      commit: 'abc123',
      rows: [row('MLP', 90, 'inconclusive')],
      claims: [{ claim: 'reaches 90 %', verdict: 'not reproduced', evidence: '83.9 over 2 seeds' }],
    });
    const html = fs.readFileSync(writeIndex(root, { resultsRoot: results }), 'utf8');
    assert.match(html, /<a href="00-tour\/00-tour.html">00-tour<\/a>/);
    assert.match(html, /<a href="00-tour\/00-tour.ipynb">executed notebook<\/a>/);
    assert.match(
      html,
      /<td>T &lt;1&gt;<\/td><td>MLP<\/td><td>acc %<\/td><td class="num">90<\/td><td class="num">83.9 ± 1.8 <span class="n">\(n=2\)<\/span><\/td><td[^>]*>inconclusive<\/td>/,
    );
    assert.match(
      html,
      /<td>reaches 90 %<\/td><td[^>]*>not reproduced<\/td><td>83.9 over 2 seeds<\/td>/,
    );
    for (const other of names.filter((n) => n !== '00-tour')) {
      assert.match(
        html,
        new RegExp(
          `<section id="${other}"><h2>${other}</h2>\\n<p class="run">Last run: not run yet</p>`,
        ),
      );
    }
    assert.deepEqual(fs.readdirSync(root).sort(), ['00-tour', 'index.html']);
  } finally {
    done();
  }
});

test('the landing page leads with the committed paper-scale results, claims before rows, and folds rows without a paper number', () => {
  const { root, results, done } = tempDirs();
  try {
    const [first] = listNotebooks().map(notebookName);
    writeJson(path.join(results, `${first}.json`), {
      notebook: first,
      profile: 'full',
      backend: 'wasm',
      commit: 'fb70056402af',
      rows: [
        row('paper row', 90, 'not reproduced', 3),
        row('measured A', null, 'inconclusive', 3),
        row('measured B', null, 'inconclusive', 3),
      ],
      claims: [
        { claim: 'the big claim', verdict: 'reproduced', evidence: 'p = 0.01 over 3 seeds' },
      ],
    });
    writeJson(path.join(root, first, 'results.json'), {
      notebook: first,
      profile: 'quick',
      backend: 'wasm',
      commit: 'abc123',
      rows: [row('quick row', 90, 'inconclusive')],
      claims: [{ claim: 'the big claim', verdict: 'inconclusive', evidence: 'quick' }],
    });
    fs.writeFileSync(path.join(root, first, `${first}.html`), '<html></html>');
    writeRunStatus(root, {
      notebook: first,
      profile: 'quick',
      outcome: 'ok',
      finished: '2026-01-02T03:04:05.000Z',
      seconds: 61,
    });
    const html = fs.readFileSync(writeIndex(root, { resultsRoot: results }), 'utf8');
    // The summary line: the committed verdicts with their commit and runs per row.
    assert.match(
      html,
      new RegExp(
        `<td><a href="#${first}">${first}</a></td><td>claims: 1 reproduced; rows: 1 not reproduced, 2 inconclusive <span class="n">\\(commit <code>fb70056402af</code> · n = 3 runs per row\\)</span></td><td>ok \\(quick profile, 2026-01-02 03:04 UTC, 61 s\\)</td></tr>`,
      ),
    );
    const section = html.slice(html.indexOf(`<section id="${first}">`));
    const at = (s: string) => section.indexOf(s);
    assert.ok(at("At the paper's scale") > 0, 'committed results shown');
    assert.ok(at('the big claim') < at('paper row'), 'claims before rows');
    assert.match(
      section,
      /<details><summary>2 more measurements with no paper number to compare \(inconclusive\)<\/summary>/,
    );
    assert.ok(
      at('paper row') < at('2 more measurements') && at('2 more measurements') < at('measured A'),
      'measurements folded after the headline rows',
    );
    assert.ok(
      at('paper row') < at('quick run: claims 1 inconclusive; rows 1 inconclusive'),
      'the quick run comes after the committed results, folded',
    );
    assert.match(
      section,
      /<details><summary>quick run: claims 1 inconclusive; rows 1 inconclusive<\/summary>/,
    );
  } finally {
    done();
  }
});

test('a notebook whose last run failed shows as failed with its reason, not as "not run yet"', () => {
  const { root, results, done } = tempDirs();
  try {
    const [first, second] = listNotebooks().map(notebookName);
    writeRunStatus(root, {
      notebook: first,
      profile: 'quick',
      outcome: 'failed',
      finished: '2026-01-02T03:04:05.000Z',
      seconds: 3,
      reason: `notebooks/${first}.ipynb: cell 3/9 failed: MilabInputError: bad <input>`,
    });
    const html = fs.readFileSync(writeIndex(root, { resultsRoot: results }), 'utf8');
    const failed = `<span class="failed">FAILED</span> \\(quick profile, 2026-01-02 03:04 UTC\\): notebooks/${first}.ipynb: cell 3/9 failed: MilabInputError: bad &lt;input&gt;`;
    assert.match(
      html,
      new RegExp(
        `<td><a href="#${first}">${first}</a></td><td><span class="meta">none committed</span></td><td>${failed}</td>`,
      ),
    );
    assert.match(
      html,
      new RegExp(
        `<section id="${first}"><h2>${first}</h2>\\n<p class="run">Last run: ${failed}</p>`,
      ),
    );
    assert.match(
      html,
      new RegExp(
        `<section id="${second}"><h2>${second}</h2>\\n<p class="run">Last run: not run yet</p>`,
      ),
    );
  } finally {
    done();
  }
});

test("npm start records each notebook's outcome: a failing notebook as failed with its one-line reason", async () => {
  const { root, done } = tempDirs();
  fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  // Inside the repository so that tslab resolves 'milab' from the notebook's folder.
  const dir = fs.mkdtempSync(path.join(ROOT, '.cache', 'status-notebook-'));
  try {
    const cell = (source: string) => ({
      cell_type: 'code',
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    });
    const write = (name: string, cells: string[]) => {
      const file = path.join(dir, `${name}.ipynb`);
      writeJson(file, {
        nbformat: 4,
        nbformat_minor: 4,
        metadata: {
          kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
        },
        cells: cells.map(cell),
      });
      return file;
    };
    const options = { profile: 'smoke' as const, reportsRoot: root, env: {}, workers: 1 };
    const quiet = { log: console.log, error: console.error };
    console.log = console.error = () => {};
    let failure: string | undefined;
    let success: string | undefined;
    try {
      failure = await runAndRecord(
        write('94-fails', ["import { summarize } from 'milab';\nsummarize([]);"]),
        options,
      );
      success = await runAndRecord(write('93-runs', ["console.log('fine');"]), options);
    } finally {
      Object.assign(console, quiet);
    }
    assert.match(
      failure!,
      /94-fails\.ipynb: cell 1\/1 failed: MilabInputError: summarize needs at least one value$/,
    );
    assert.equal(success, undefined);
    const failed = readRunStatus(root, '94-fails')!;
    assert.equal(failed.outcome, 'failed');
    assert.equal(failed.reason, failure);
    assert.equal(failed.profile, 'smoke');
    assert.ok(Date.now() - Date.parse(failed.finished) < 600_000);
    assert.equal(readRunStatus(root, '93-runs')!.outcome, 'ok');
    assert.equal(
      fs.existsSync(path.join(root, '94-fails')),
      false,
      'no report for the failed notebook',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    done();
  }
});
