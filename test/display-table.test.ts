import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as dfd from 'danfojs-node';
import { MilabInputError, saveTable, showTable } from 'milab';
import { tableBundle } from 'milab/internal';
import { installFakeKernel } from './display-fake-kernel';

test('a danfojs DataFrame becomes an HTML table and aligned text', () => {
  const df = new dfd.DataFrame([
    { method: 'DNN <baseline>', accuracy: 89.15123, seeds: 3 },
    { method: 'MMIM', accuracy: 90.8, seeds: 3 },
  ]);
  const bundle = tableBundle(df, { caption: 'Table 1' });
  const html = bundle['text/html'];
  assert.match(
    html,
    /^<table class="milab-table"><caption>Table 1<\/caption><thead><tr><th>method<\/th><th style="text-align:right">accuracy<\/th>/,
  );
  assert.match(
    html,
    /<td>DNN &lt;baseline&gt;<\/td><td style="text-align:right">89.15<\/td><td style="text-align:right">3<\/td>/,
  );
  assert.equal(
    bundle['text/plain'],
    [
      'Table 1',
      'method          accuracy  seeds',
      'DNN <baseline>     89.15      3',
      'MMIM                90.8      3',
    ].join('\n'),
  );
});

test('an array of row objects works too, with missing cells left empty', () => {
  const bundle = tableBundle([{ a: 1 }, { a: 2, b: 'x' }]);
  assert.match(bundle['text/html'], /<tr><td style="text-align:right">1<\/td><td><\/td><\/tr>/);
  assert.throws(
    () => tableBundle([1 as unknown as Record<string, unknown>]),
    (err: Error) => err instanceof MilabInputError && /row 0 must be an object/.test(err.message),
  );
  assert.throws(
    () => tableBundle({ columns: ['a'] } as never),
    /danfojs DataFrame or an array of row objects/,
  );
});

test('showTable sends HTML and text in a kernel, prints text elsewhere', (t) => {
  const kernel = installFakeKernel();
  try {
    showTable([{ x: 1 }]);
  } finally {
    kernel.uninstall();
  }
  assert.equal(kernel.sent.length, 1);
  assert.deepEqual(Object.keys(kernel.sent[0].data).sort(), ['text/html', 'text/plain']);
  const lines: string[] = [];
  t.mock.method(console, 'log', (line: string) => lines.push(line));
  showTable([{ x: 1 }]);
  assert.deepEqual(lines, ['x\n1']);
});

test('saveTable writes RFC 4180 CSV at full precision, atomically', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-table-'));
  try {
    const df = new dfd.DataFrame([
      { name: 'plain', value: 0.123456789 },
      { name: 'has, comma and "quotes"', value: -1 },
    ]);
    const file = saveTable(df, path.join(dir, 'sub', 't.csv'));
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      'name,value\nplain,0.123456789\n"has, comma and ""quotes""",-1\n',
    );
    assert.deepEqual(
      fs.readdirSync(path.dirname(file)),
      ['t.csv'],
      'no temporary file left behind',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
