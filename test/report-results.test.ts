import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MilabInputError,
  committedResults,
  notRunRow,
  perProfile,
  resultRecords,
  profile,
  readResults,
  summarize,
  writeResults,
  type ResultRow,
  type Results,
} from 'milab';
import { validateResults } from 'milab/internal';

let dir: string;
const saved = { ...process.env };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-results-'));
  process.env.MILAB_REPORTS_DIR = path.join(dir, 'reports');
  process.env.MILAB_RESULTS_DIR = path.join(dir, 'results');
  delete process.env.MILAB_PROFILE;
});

afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(dir, { recursive: true, force: true });
});

const row = (over: Partial<ResultRow> = {}): ResultRow => ({
  table: 'Table 1',
  row: 'DNN baseline',
  metric: 'test accuracy %',
  paper: 89.15,
  ours: { mean: 88.9, sd: 0.2, n: 3 },
  verdict: 'reproduced',
  ...over,
});

function inputErrorMatching(pattern: RegExp) {
  return (err: unknown) =>
    err instanceof MilabInputError && !err.message.includes('\n') && pattern.test(err.message);
}

test('profile() reads MILAB_PROFILE, defaults to quick and rejects other values', () => {
  assert.equal(profile(), 'quick');
  process.env.MILAB_PROFILE = 'full';
  assert.equal(profile(), 'full');
  assert.equal(perProfile({ smoke: 1, quick: 2, full: 3 }), 3);
  process.env.MILAB_PROFILE = 'fast';
  assert.throws(
    () => profile(),
    inputErrorMatching(/MILAB_PROFILE must be one of smoke, quick, full; got 'fast'/),
  );
});

test('summarize gives mean, sample sd and n', () => {
  const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(s.mean, 5);
  assert.ok(Math.abs(s.sd - Math.sqrt(32 / 7)) < 1e-12);
  assert.equal(s.n, 8);
  assert.deepEqual(summarize([3.5]), { mean: 3.5, sd: 0, n: 1 });
  assert.throws(() => summarize([]), inputErrorMatching(/at least one value/));
  assert.throws(() => summarize([1, NaN]), inputErrorMatching(/value 1 is NaN/));
});

test('writeResults stamps profile, backend and commit and writes reports/<notebook>/results.json', () => {
  const written = writeResults({ notebook: '000-mmim', rows: [row()], backend: 'wasm' });
  assert.equal(written.path, path.join(dir, 'reports', '000-mmim', 'results.json'));
  assert.equal(written.committedPath, undefined, 'quick results are not committed');
  assert.ok(!fs.existsSync(path.join(dir, 'results')));
  const onDisk = JSON.parse(fs.readFileSync(written.path, 'utf8')) as Results;
  assert.deepEqual(Object.keys(onDisk), [
    'notebook',
    'profile',
    'backend',
    'commit',
    'rows',
    'claims',
  ]);
  assert.equal(onDisk.profile, 'quick');
  assert.equal(onDisk.backend, 'wasm');
  assert.match(onDisk.commit, /^([0-9a-f]{12}(\+dirty)?|unknown)$/);
  assert.deepEqual(onDisk.rows, [row()]);
  assert.deepEqual(onDisk.claims, []);
  assert.deepEqual(readResults(written.path), onDisk);
});

test('the full profile also writes results/<notebook>.json, identical', () => {
  process.env.MILAB_PROFILE = 'full';
  const claims = [
    {
      claim: 'MMIM beats the baseline',
      verdict: 'not reproduced' as const,
      evidence: 'paired t = 0.4 over 3 seeds',
    },
  ];
  const written = writeResults({ notebook: '000-mmim', rows: [row()], claims, backend: 'wasm' });
  assert.equal(written.committedPath, path.join(dir, 'results', '000-mmim.json'));
  assert.equal(
    fs.readFileSync(written.committedPath, 'utf8'),
    fs.readFileSync(written.path, 'utf8'),
  );
  assert.equal(written.results.profile, 'full');
});

test('committedResults reads the committed full-profile file (undefined before one exists); resultRecords flattens rows', () => {
  assert.equal(committedResults('000-mmim'), undefined);
  process.env.MILAB_PROFILE = 'full';
  writeResults({
    notebook: '000-mmim',
    rows: [
      row(),
      row({
        row: 'DNN with MMIM',
        paper: null,
        ours: { mean: 0.5, sd: 0, n: 1 },
        verdict: 'inconclusive',
      }),
    ],
    backend: 'wasm',
  });
  process.env.MILAB_PROFILE = 'quick';
  const committed = committedResults('000-mmim')!;
  assert.equal(committed.profile, 'full');
  assert.deepEqual(resultRecords(committed), [
    {
      table: 'Table 1',
      row: 'DNN baseline',
      metric: 'test accuracy %',
      paper: 89.15,
      ours: '88.90 ± 0.20',
      n: 3,
      verdict: 'reproduced',
    },
    {
      table: 'Table 1',
      row: 'DNN with MMIM',
      metric: 'test accuracy %',
      paper: '',
      ours: '0.5',
      n: 1,
      verdict: 'inconclusive',
    },
  ]);
  fs.writeFileSync(path.join(dir, 'results', '000-mmim.json'), '{"notebook": "000-mmim"}');
  assert.throws(
    () => committedResults('000-mmim'),
    inputErrorMatching(/000-mmim\.json: .*profile/),
  );
});

test('a malformed result is refused in one line naming the field, and the old file survives', () => {
  const first = writeResults({ notebook: '004-mine-lenet', rows: [row()], backend: 'wasm' });
  const before = fs.readFileSync(first.path, 'utf8');
  const cases: Array<[unknown, RegExp]> = [
    [
      { notebook: '004-mine-lenet', rows: [row({ verdict: 'yes' as never })] },
      /rows\[0\]\.verdict must be one of 'reproduced', 'not reproduced', 'inconclusive', 'not run here'; got "yes"/,
    ],
    [
      { notebook: '004-mine-lenet', rows: [row({ ours: { mean: NaN, sd: 0, n: 3 } })] },
      /rows\[0\]\.ours\.mean must be a finite number, got NaN/,
    ],
    [
      { notebook: '004-mine-lenet', rows: [row({ ours: { mean: 1, sd: 0, n: 0 } })] },
      /rows\[0\]\.ours\.n must be an integer >= 1, got 0/,
    ],
    [
      { notebook: '004-mine-lenet', rows: [row({ paper: Infinity })] },
      /rows\[0\]\.paper must be a finite number, a string or null/,
    ],
    [
      { notebook: '004-mine-lenet', rows: [{ ...row(), extra: 1 }] },
      /rows\[0\] has unknown field 'extra'/,
    ],
    [
      { notebook: '004-mine-lenet', rows: [{ ...row(), table: undefined }] },
      /rows\[0\]\.table is missing/,
    ],
    [
      { notebook: '004-mine-lenet', rows: [], claims: [{ claim: 'x', verdict: 'reproduced' }] },
      /claims\[0\]\.evidence is missing/,
    ],
    [{ notebook: '004-mine-lenet', rows: 'none' }, /rows must be an array, got "none"/],
    [{ notebook: '004-mine-lenet.ipynb', rows: [] }, /notebook name must look like '000-mmim'/],
  ];
  for (const [input, pattern] of cases) {
    assert.throws(() => writeResults(input as never), inputErrorMatching(pattern), String(pattern));
  }
  assert.equal(fs.readFileSync(first.path, 'utf8'), before);
  assert.deepEqual(
    fs.readdirSync(path.dirname(first.path)),
    ['results.json'],
    'no temporary files',
  );
});

test('validateResults and readResults check files written elsewhere', () => {
  const good: Results = {
    notebook: '003-dmi',
    profile: 'quick',
    backend: 'cpu',
    commit: 'abc',
    rows: [row({ paper: null })],
    claims: [],
  };
  assert.deepEqual(validateResults(good), good);
  assert.throws(
    () => validateResults({ ...good, profile: 'huge' }),
    inputErrorMatching(/profile must be one of/),
  );
  const file = path.join(dir, 'bad.json');
  fs.writeFileSync(file, '{"notebook": ');
  assert.throws(() => readResults(file), inputErrorMatching(/cannot read results .*bad\.json/));
  fs.writeFileSync(file, JSON.stringify({ ...good, rows: [{}] }));
  assert.throws(
    () => readResults(file),
    inputErrorMatching(/bad\.json: rows\[0\]\.table is missing/),
  );
});

test('a row the paper reports but this machine cannot run stays in the results as "not run here", with its reason', () => {
  process.env.MILAB_PROFILE = 'full';
  const missing = notRunRow(
    { table: 'Table 2', row: 'AG_NEWS, MI-Dropout', metric: 'test accuracy %', paper: 94.1 },
    'data not available offline',
  );
  const written = writeResults({ notebook: '001-mi-dropout', rows: [row(), missing] });
  assert.deepEqual(readResults(written.path).rows[1], {
    table: 'Table 2',
    row: 'AG_NEWS, MI-Dropout',
    metric: 'test accuracy %',
    paper: 94.1,
    ours: null,
    verdict: 'not run here',
    reason: 'data not available offline',
  });
  const records = resultRecords(readResults(written.path));
  assert.equal(records[1].ours, 'not run here: data not available offline');
  assert.equal(records[1].n, 0);
  const base = { notebook: '001-mi-dropout', profile: 'full', backend: 'wasm', commit: 'abc' };
  const bad = (r: unknown) => () => validateResults({ ...base, rows: [r], claims: [] });
  assert.throws(bad({ ...missing, reason: '' }), /rows\[0\]\.reason must be a non-empty string/);
  assert.throws(
    bad({ ...missing, ours: { mean: 1, sd: 0, n: 1 } }),
    /rows\[0\]\.ours must be null for a row not run here/,
  );
  assert.throws(bad({ ...row(), ours: null }), /rows\[0\]\.ours must be an object, got null/);
  assert.throws(bad({ ...row(), reason: 'x' }), /rows\[0\] has unknown field 'reason'/);
  assert.throws(bad({ ...missing, verdict: 'skipped' }), /rows\[0\] has unknown field 'reason'/);
});
