// The milab CLI, run as a user would: node lib/dist/cli/main.js (the package's bin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { conditionalGaussianTask, correlatedGaussianTask } from 'milab';

const MAIN = resolve(__dirname, '..', '..', 'lib', 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'milab-cli-'));

function milab(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, MILAB_QUIET: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

// a, b: correlated Gaussian (rho 0.8); c: noise; "q x": a quoted header; k: constant; t: text;
// then a conditional triple (cx, cy | cz).
const task = correlatedGaussianTask(1, 0.8);
const { x, y } = task.sample(2000, 1);
const cond = conditionalGaussianTask(1, 0.6).sample(2000, 2);
const lines = ['a,b,c,"q x",k,t,cx,cy,cz'];
for (let i = 0; i < 2000; i++) {
  const noise = Math.sin(i * 12.9898) * 43758.5453;
  lines.push(
    [
      x.data[i],
      y.data[i],
      noise - Math.floor(noise),
      x.data[i] * 2,
      5,
      '"hello, world"',
      cond.x.data[i],
      cond.y.data[i],
      cond.z!.data[i],
    ].join(','),
  );
}
writeFileSync(join(dir, 'data.csv'), lines.join('\r\n') + '\r\n');
writeFileSync(join(dir, 'tiny.csv'), 'a,b\n1,2\n2,1\n3,3\n');
writeFileSync(join(dir, 'bad.csv'), 'a,b\n1,2\n2,oops\n3,3\n4,1\n5,0\n');
writeFileSync(join(dir, 'nan.csv'), 'a,b\n1,2\n2,NaN\n3,3\n4,1\n5,0\n');
writeFileSync(join(dir, 'inf.csv'), 'a,b\n1,2\n2,3\n3,-Infinity\n4,1\n5,0\n');
writeFileSync(join(dir, 'ragged.csv'), 'a,b\n1,2\n2\n');
writeFileSync(join(dir, 'quote.csv'), 'a,b\n1,2\n2,"3\n');
writeFileSync(join(dir, 'empty.csv'), '');
writeFileSync(join(dir, 'one.csv'), 'a,b\n1,2\n');
// Cells JavaScript's Number() reads but a data file should not: each is refused, naming the rule.
const NOT_NUMBERS = ['0x10', '0b1', '0o7', '1_0', '+-1', '1e', '.', '1,5'];
NOT_NUMBERS.forEach((cell, i) => {
  writeFileSync(join(dir, `cell${i}.csv`), `a,b\n1,2\n2,"${cell}"\n3,3\n4,1\n5,0\n`);
});
writeFileSync(join(dir, 'blank.csv'), 'a,b\n1,2\n2, \n3,3\n4,1\n5,0\n');
writeFileSync(join(dir, 'huge.csv'), 'a,b\n1,2\n2,1e999\n3,3\n4,1\n5,0\n');
// Decimal literals in every accepted spelling, with the same numbers as plain.csv.
writeFileSync(join(dir, 'plain.csv'), 'a,b\n1,2\n2,0.5\n3,-0.5\n4,0.001\n5,3\n6,1\n');
writeFileSync(join(dir, 'spelt.csv'), 'a,b\n 1 ,+2\n2.,.5\n3.0,-.5\n4e0,1e-3\n5,3.\n6,1E0\n');
// One table, four line-end conventions: LF, CRLF, a lone CR (old Mac), and CR after a BOM.
const TABLE = ['a,b', ...Array.from({ length: 40 }, (_, i) => `${i},${(i * 7) % 11}`)];
writeFileSync(join(dir, 'lf.csv'), TABLE.join('\n') + '\n');
writeFileSync(join(dir, 'crlf.csv'), TABLE.join('\r\n') + '\r\n');
writeFileSync(join(dir, 'cr.csv'), TABLE.join('\r') + '\r');
writeFileSync(join(dir, 'bomcr.csv'), '\ufeff' + TABLE.join('\r'));
// 20001 rows: one more than kde takes.
const bigRows = Array.from({ length: 20001 }, (_, i) => `${Math.sin(i)},${Math.cos(i)}`);
writeFileSync(join(dir, 'big.csv'), ['a,b', ...bigRows].join('\n'));

/** estimate on data.csv with --x a --y b, or with the columns given, or on another file. */
const ab = (...rest: string[]) => ['estimate', 'data.csv', '--x', 'a', '--y', 'b', ...rest];
const xyz = (x: string, y: string, z?: string) => [
  'estimate',
  'data.csv',
  '--x',
  x,
  '--y',
  y,
  ...(z ? ['--z', z] : []),
];
const file = (name: string, ...rest: string[]) => [
  'estimate',
  name,
  '--x',
  'a',
  '--y',
  'b',
  ...rest,
];

test('estimate --json prints estimator, mi (nats), n and ci on the last line', () => {
  const r = milab(...ab('--estimator', 'ksg', '--ci', '--resamples', '40', '--json'));
  assert.equal(r.status, 0, r.stderr);
  const out = lastJson(r.stdout);
  assert.equal(out.estimator, 'ksg');
  assert.equal(out.n, 2000);
  assert.ok(Math.abs((out.mi as number) - task.mi) < 0.06, `mi ${out.mi}`);
  const ci = out.ci as number[];
  assert.ok(ci[0] < (out.mi as number) && (out.mi as number) < ci[1]);
});

test('human output; quoted header names; default estimator ksg; --k and --seed', () => {
  const r = milab('estimate', 'data.csv', '--x', 'q x', '--y=b', '--k', '5', '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /estimator\s+ksg \(k = 5\)/);
  assert.match(r.stdout, /I\(X;Y\)\s+0\.\d+ nats/);
});

test('--z gives conditional MI; --permutations gives a p-value; other estimators', () => {
  const c = lastJson(
    milab('estimate', 'data.csv', '--x', 'cx', '--y', 'cy', '--z', 'cz', '--json').stdout,
  );
  assert.equal(c.conditional, true);
  assert.ok(Math.abs((c.mi as number) - conditionalGaussianTask(1, 0.6).mi) < 0.06, `cmi ${c.mi}`);
  const p = lastJson(
    milab('estimate', 'data.csv', '--x', 'a', '--y', 'b', '--permutations', '19', '--json').stdout,
  );
  assert.equal(p.pValue, 0.05);
  for (const name of ['gaussian', 'binning', 'kde']) {
    const r = milab('estimate', 'data.csv', '--x', 'a', '--y', 'b', '--estimator', name, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Math.abs((lastJson(r.stdout).mi as number) - task.mi) < 0.08, name);
  }
  // binning tolerates a constant column (it is one bin); --option reaches the estimator.
  const b = milab(
    'estimate',
    'data.csv',
    '--x',
    'a',
    '--y',
    'k',
    '--estimator',
    'binning',
    '--option',
    'millerMadow=false',
    '--json',
  );
  assert.equal(b.status, 0, b.stderr);
  assert.ok(Math.abs(lastJson(b.stdout).mi as number) < 1e-12);
});

test('--help and estimators list the usage and the registered estimators', () => {
  const h = milab('--help');
  assert.equal(h.status, 0);
  assert.match(h.stdout, /milab estimate FILE\.csv --x COLS --y COLS/);
  assert.match(h.stdout, /ksg\s+Kraskov/);
  const e = milab('estimate', '--help');
  assert.equal(e.status, 0);
  assert.match(e.stdout, /--permutations B/);
  assert.match(milab('estimators').stdout, /gaussian/);
});

const BAD: [string, string[], RegExp][] = [
  [
    'missing file',
    ['estimate', 'nothere.csv', '--x', 'a', '--y', 'b'],
    /cannot read 'nothere\.csv': no such file/,
  ],
  ['unknown column', ['estimate', 'data.csv', '--x', 'a', '--y', 'zz'], /--y: no column 'zz'/],
  [
    'non-numeric cell',
    ['estimate', 'bad.csv', '--x', 'a', '--y', 'b'],
    /row 3, column 'b': 'oops' is not a number/,
  ],
  [
    'text column',
    ['estimate', 'data.csv', '--x', 'a', '--y', 't'],
    /column 't': 'hello, world' is not a number/,
  ],
  ['NaN', ['estimate', 'nan.csv', '--x', 'a', '--y', 'b'], /'NaN' is not a finite number/],
  ['Inf', ['estimate', 'inf.csv', '--x', 'a', '--y', 'b'], /'-Infinity' is not a finite number/],
  [
    'too few rows',
    ['estimate', 'tiny.csv', '--x', 'a', '--y', 'b'],
    /needs at least 4 rows, got 3/,
  ],
  ['empty selection', ['estimate', 'data.csv', '--x', ',', '--y', 'b'], /--x selects no columns/],
  ['missing --y', ['estimate', 'data.csv', '--x', 'a'], /missing --y/],
  [
    'constant column',
    ['estimate', 'data.csv', '--x', 'a', '--y', 'k'],
    /column 'k' \(--y\) is constant/,
  ],
  [
    'gaussian singular',
    ['estimate', 'data.csv', '--x', 'a,q x', '--y', 'b', '--estimator', 'gaussian'],
    /singular/,
  ],
  [
    'unknown estimator',
    ['estimate', 'data.csv', '--x', 'a', '--y', 'b', '--estimator', 'nope'],
    /unknown estimator 'nope'; known estimators: ksg/,
  ],
  [
    'unknown flag',
    ['estimate', 'data.csv', '--x', 'a', '--y', 'b', '--frobnicate'],
    /unknown option '--frobnicate'/,
  ],
  [
    'bad k',
    ['estimate', 'data.csv', '--x', 'a', '--y', 'b', '--k', 'two'],
    /--k must be an integer/,
  ],
  [
    'ragged',
    ['estimate', 'ragged.csv', '--x', 'a', '--y', 'b'],
    /row 3 has 1 fields, the header has 2/,
  ],
  [
    'no --z support',
    ['estimate', 'data.csv', '--x', 'a', '--y', 'b', '--z', 'c', '--estimator', 'kde'],
    /does not estimate conditional MI/,
  ],
  ['unclosed quote', ['estimate', 'quote.csv', '--x', 'a', '--y', 'b'], /unterminated/],
  ['empty file', ['estimate', 'empty.csv', '--x', 'a', '--y', 'b'], /'empty\.csv' is empty/],
  ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
  ['same column in --x and --y', xyz('a', 'a'), /column 'a' is in both --x and --y: .*infinite/],
  ['same column in --y and --z', xyz('cx', 'cy', 'cy'), /column 'cy' is in both --y and --z/],
  ['a column twice in --x', xyz('a,b,a', 'c'), /--x names column 'a' twice/],
  ['blank cell', file('blank.csv'), /row 3, column 'b': empty cell/],
  ['overflowing cell', file('huge.csv'), /'1e999' is not a finite number/],
  ['one row, binning', file('one.csv', '--estimator', 'binning'), /'binning' needs at least 5/],
  ['one row, gaussian', file('one.csv', '--estimator', 'gaussian'), /'gaussian' needs at least 3/],
  ['--k with gaussian', ab('--estimator', 'gaussian', '--k', '3'), /'gaussian' has no option 'k'/],
  ['--bins with ksg', ab('--bins', '4'), /'ksg' has no option 'bins'/],
  ['--resamples without --ci', ab('--resamples', '50'), /--resamples is only used with --ci/],
  ['--level without --ci', ab('--level', '0.9'), /--level is only used with --ci/],
  ['1 resample', ab('--ci', '--resamples', '1'), /resamples must be an integer >= 40/],
  ['hex level', ab('--ci', '--level', '0x0'), /--level must be a number between 0 and 1/],
  ['1 permutation', ab('--permutations', '1'), /permutations must be an integer >= 19/],
  ['hex k', ab('--k', '0x3'), /--k must be an integer/],
  ['misspelt option', ab('--option', 'jiter=0'), /no option 'jiter' \(did you mean 'jitter'\?\)/],
  ['option key not a word', ab('--option', '__proto__=1'), /--option key must be a word/],
  ['option given twice', ab('--option', 'jitter=0', '--option', 'jitter=1'), /jitter is given/],
  ['seed as an option', ab('--option', 'seed=1'), /--option seed: use the --seed flag/],
  ['hex option value', ab('--option', 'jitter=0x1'), /option jitter must be a number, got "0x1"/],
  ['kde over its limit', file('big.csv', '--estimator', 'kde'), /at most 20000 rows .*; use ksg/],
  // Neural: found before the backend banner, so still one line on stderr.
  ['emaRate out of range', ab('--estimator', 'mine', '--option', 'emaRate=2'), /emaRate must be/],
  ['tau with mine', ab('--estimator', 'mine', '--option', 'tau=2'), /'mine' has no option 'tau'/],
  ['heldOut out of range', ab('--estimator', 'infonce', '--option', 'heldOut=2'), /heldOut must/],
  ['too few rows, neural', file('tiny.csv', '--estimator', 'nwj'), /too few/],
  ...NOT_NUMBERS.map((cell, i): [string, string[], RegExp] => [
    `cell '${cell}'`,
    file(`cell${i}.csv`),
    new RegExp(`'b': '${cell.replace(/[.+]/g, '\\$&')}' is not a number \\(a number is a decimal`),
  ]),
];
test('numeric cells are decimal literals in any spelling; LF, CRLF, CR, BOM read alike', () => {
  const mi = (file: string) => {
    const r = milab('estimate', file, '--x', 'a', '--y', 'b', '--estimator', 'gaussian', '--json');
    assert.equal(r.status, 0, `${file}: ${r.stderr}`);
    return lastJson(r.stdout).mi;
  };
  assert.equal(mi('spelt.csv'), mi('plain.csv'));
  const lf = mi('lf.csv');
  for (const file of ['crlf.csv', 'cr.csv', 'bomcr.csv']) assert.equal(mi(file), lf, file);
});

for (const [what, args, pattern] of BAD) {
  test(`bad input exits 2 with one 'error:' line: ${what}`, () => {
    const r = milab(...args);
    assert.equal(r.status, 2, `${what}: status ${r.status}, stderr ${r.stderr}`);
    const errLines = r.stderr.trim().split('\n');
    assert.equal(errLines.length, 1, r.stderr);
    assert.match(errLines[0], /^error: /);
    assert.match(errLines[0], pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}
