import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listNotebooks, notebookName } from '../scripts/notebook-runner';
import { writeIndex } from '../scripts/report-index';

test('reports/index.html links every notebook and shows its headline table', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-index-'));
  try {
    const names = listNotebooks().map(notebookName);
    assert.ok(names.includes('00-tour'));
    const dir = path.join(root, '00-tour');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '00-tour.html'), '<html></html>');
    fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify({
      notebook: '00-tour', profile: 'quick', backend: 'wasm', commit: 'abc123',
      rows: [{ table: 'T <1>', row: 'MLP', metric: 'acc %', paper: 90, ours: { mean: 83.94, sd: 1.838, n: 2 }, verdict: 'inconclusive' }],
      claims: [{ claim: 'reaches 90 %', verdict: 'not reproduced', evidence: '83.9 over 2 seeds' }],
    }));
    const html = fs.readFileSync(writeIndex(root), 'utf8');
    assert.match(html, /<a href="00-tour\/00-tour.html">00-tour<\/a>/);
    assert.match(html, /<a href="00-tour\/00-tour.ipynb">executed notebook<\/a>/);
    assert.match(html, /<td>T &lt;1&gt;<\/td><td>MLP<\/td><td>acc %<\/td><td class="num">90<\/td><td class="num">83.94 ± 1.838 <span class="n">\(n=2\)<\/span><\/td><td[^>]*>inconclusive<\/td>/);
    assert.match(html, /<td>reaches 90 %<\/td><td[^>]*>not reproduced<\/td><td>83.9 over 2 seeds<\/td>/);
    for (const other of names.filter((n) => n !== '00-tour')) {
      assert.match(html, new RegExp(`<h2>${other}</h2><p class="meta">not run yet</p>`));
    }
    assert.deepEqual(fs.readdirSync(root).sort(), ['00-tour', 'index.html']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
