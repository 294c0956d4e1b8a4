import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  renameStoredRuns,
  reportDir,
  runCacheDir,
  runMany,
  runName,
  runOnce,
  useBackend,
  writeResults,
} from 'milab';
import { storedRunFileName, storedRunsStatus } from 'milab/internal';

let dir: string;
const saved = { ...process.env };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-runs-'));
  process.env.MILAB_RESULTS_DIR = dir;
  process.env.MILAB_RUN_POLL_MS = '20';
  process.env.MILAB_REPORTS_DIR = path.join(dir, 'reports');
  delete process.env.MILAB_FRESH;
});

afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(dir, { recursive: true, force: true });
});

test('in the full profile a finished run is stored and not computed again', async () => {
  process.env.MILAB_PROFILE = 'full';
  let calls = 0;
  const compute = async () => {
    calls += 1;
    return { accuracy: [0.5, 0.75], seed: 1, gap: NaN };
  };
  const first = await runOnce('000-mmim', 'dnn lambda=0.01 seed=1', compute);
  const second = await runOnce('000-mmim', 'dnn lambda=0.01 seed=1', compute);
  assert.equal(calls, 1);
  assert.deepEqual(
    first,
    { accuracy: [0.5, 0.75], seed: 1, gap: null },
    'JSON round trip, also when computed',
  );
  assert.deepEqual(second, first);
  const files = fs.readdirSync(runCacheDir('000-mmim'));
  assert.equal(files.length, 1);
  assert.match(files[0], /^dnn_lambda_0\.01_seed_1-[0-9a-f]{12}\.json$/);
  assert.equal(
    runCacheDir('000-mmim'),
    path.join(dir, 'runs', '000-mmim'),
    'stored beside the committed results',
  );

  await runOnce('000-mmim', 'dnn lambda=0.01 seed=2', compute);
  assert.equal(calls, 2, 'another key is another run');
  process.env.MILAB_FRESH = '1';
  await runOnce('000-mmim', 'dnn lambda=0.01 seed=1', compute);
  assert.equal(calls, 3, 'MILAB_FRESH recomputes');
});

test('quick and smoke runs always compute and store nothing', async () => {
  for (const p of ['quick', 'smoke']) {
    process.env.MILAB_PROFILE = p;
    let calls = 0;
    await runOnce('000-mmim', 'k', () => ++calls);
    await runOnce('000-mmim', 'k', () => ++calls);
    assert.equal(calls, 2);
  }
  assert.ok(!fs.existsSync(path.join(dir, 'runs')));
});

test('bad keys and unserialisable results are refused; a failed run stores nothing', async () => {
  process.env.MILAB_PROFILE = 'full';
  await assert.rejects(
    runOnce('000-mmim', '', () => 1),
    /non-empty key/,
  );
  await assert.rejects(
    runOnce('000-mmim', 'f', () => undefined),
    /not JSON-serialisable/,
  );
  await assert.rejects(
    runOnce('000-mmim', 'g', () => {
      throw new Error('diverged');
    }),
    /diverged/,
  );
  assert.deepEqual(
    fs.existsSync(runCacheDir('000-mmim')) ? fs.readdirSync(runCacheDir('000-mmim')) : [],
    [],
  );
  assert.equal(reportDir('000-mmim'), path.join(dir, 'reports', '000-mmim'));
  assert.ok(fs.statSync(reportDir('000-mmim')).isDirectory());
});

test('runMany: values in job order; runs claimed by a live process are awaited, dead claims taken over', async () => {
  process.env.MILAB_PROFILE = 'full';
  const order: string[] = [];
  const job = (key: string) => ({
    key,
    compute: () => {
      order.push(key);
      return key.toUpperCase();
    },
  });
  // Another process (a sleeping child) holds 'b'; a process that no longer exists holds 'c'.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => dead.on('exit', resolve));
  // The stored file is <key slug>-<hash>.json, the claim <hash>.claim (12 hex of sha256(key)).
  const hash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);
  const claimFor = (key: string, pid: number) => {
    const file = path.join(runCacheDir('004-x'), `${hash(key)}.claim`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({ pid, host: os.hostname(), started: new Date().toISOString(), key }),
    );
    return file;
  };
  const bClaim = claimFor('b', other.pid!);
  claimFor('c', dead.pid!);
  const pending = runMany('004-x', [job('a'), job('b'), job('c')]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(
    order,
    ['a', 'c'],
    "'b' is left to its live owner; the dead owner's 'c' is taken over",
  );
  const status = storedRunsStatus('004-x');
  assert.deepEqual(status.stored.map((r) => r.key).sort(), ['a', 'c']);
  assert.deepEqual(
    status.claimed.map((c) => [c.key, c.pid, c.alive]),
    [['b', other.pid, true]],
    'the status shows who computes what',
  );
  // The owner finishes 'b': the waiting process reads its stored value.
  const stored = { key: 'b', commit: 'x', finished: new Date().toISOString(), value: 'FROM OTHER' };
  fs.writeFileSync(path.join(runCacheDir('004-x'), `b-${hash('b')}.json`), JSON.stringify(stored));
  fs.rmSync(bClaim);
  assert.deepEqual(await pending, ['A', 'FROM OTHER', 'C']);
  other.kill();
  assert.ok(
    !fs.readdirSync(runCacheDir('004-x')).some((f) => f.endsWith('.claim')),
    'no claim is left behind',
  );
  await assert.rejects(runMany('004-x', [job('d'), job('d')]), /unique; 'd' repeats/);
});

test('MILAB_STORED_ONLY rebuilds from stored runs and names a missing one instead of computing it', async () => {
  process.env.MILAB_PROFILE = 'full';
  let calls = 0;
  await runOnce('000-mmim', 'stored run', () => ++calls);
  process.env.MILAB_STORED_ONLY = '1';
  assert.deepEqual(await runOnce('000-mmim', 'stored run', () => ++calls), 1);
  await assert.rejects(
    runMany('000-mmim', [
      { key: 'stored run', compute: () => ++calls },
      { key: 'never computed', compute: () => ++calls },
    ]),
    /MILAB_STORED_ONLY: 1 of 2 runs are not stored .*the first: never computed/,
  );
  assert.equal(calls, 1, 'nothing computed');
});

test('a named run is stored under its name, and found by its hash whatever the file is called', async () => {
  process.env.MILAB_PROFILE = 'full';
  const key = JSON.stringify({
    epochs: 10,
    batchSize: 128,
    net: 'CNN',
    method: 'C4',
    lambda: 0.001,
    seed: 2,
  });
  const name = runName('CNN', 'C4', { lambda: 0.001, seed: 2 });
  assert.equal(name, 'CNN C4 lambda=0.001 seed=2');
  assert.equal(runName('LeNet-5 + MINE', { seed: 1 }), 'LeNet-5 + MINE seed=1');
  let calls = 0;
  const compute = () => ++calls;
  assert.equal(await runOnce('000-mmim', key, compute, { name }), 1);
  const dir = runCacheDir('000-mmim');
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  assert.deepEqual(fs.readdirSync(dir), [`CNN_C4_lambda_0.001_seed_2-${hash}.json`]);
  assert.equal(storedRunFileName(key, name), `CNN_C4_lambda_0.001_seed_2-${hash}.json`);
  assert.match(
    storedRunFileName(key),
    new RegExp(`^epochs_10_batchSize_128_net_CNN.*-${hash}\\.json$`),
  );

  // Renamed by hand: still found, in every mode, and nothing is computed or written again.
  fs.renameSync(
    path.join(dir, `CNN_C4_lambda_0.001_seed_2-${hash}.json`),
    path.join(dir, `anything-${hash}.json`),
  );
  assert.equal(await runOnce('000-mmim', key, compute), 1);
  assert.equal(
    await runMany('000-mmim', [{ key, name: 'another name', compute }]).then((v) => v[0]),
    1,
  );
  process.env.MILAB_STORED_ONLY = '1';
  assert.equal(await runOnce('000-mmim', key, compute, { name }), 1);
  delete process.env.MILAB_STORED_ONLY;
  assert.equal(calls, 1);
  assert.deepEqual(fs.readdirSync(dir), [`anything-${hash}.json`]);

  // A file whose hash suffix is right but whose key is another is not this run.
  fs.writeFileSync(
    path.join(dir, `decoy-${hash}.json`),
    JSON.stringify({ key: 'other', commit: 'x', finished: '9', value: 99 }),
  );
  assert.equal(await runOnce('000-mmim', key, compute), 1);

  // MILAB_FRESH recomputes into the run's existing file, whatever it is called.
  process.env.MILAB_FRESH = '1';
  assert.equal(await runOnce('000-mmim', key, compute, { name }), 2);
  assert.deepEqual(fs.readdirSync(dir).sort(), [`anything-${hash}.json`, `decoy-${hash}.json`]);
  await assert.rejects(
    runMany('000-mmim', [{ key: 'k', name: ' ', compute }]),
    /name must be a non-empty string/,
  );
});

test('renameStoredRuns renames stored runs to their names and keeps them found', async () => {
  process.env.MILAB_PROFILE = 'full';
  const keys = [1, 2].map((seed) =>
    JSON.stringify({ epochs: 10, net: 'DNN', method: 'MMIM', lambda: 0.01, seed }),
  );
  await runMany(
    '000-mmim',
    keys.map((key) => ({ key, compute: () => JSON.parse(key).seed })),
  );
  const dir = runCacheDir('000-mmim');
  const before = fs.readdirSync(dir).sort();
  assert.ok(before.every((f) => f.startsWith('epochs_10_net_DNN_method_MMIM_lambda_0.01_seed_')));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a run');
  const nameOf = (key: string) => {
    const k = JSON.parse(key) as { net: string; method: string; lambda: number; seed: number };
    return k.seed === 2 ? undefined : runName(k.net, k.method, { lambda: k.lambda, seed: k.seed });
  };
  const renamed = renameStoredRuns('000-mmim', nameOf);
  assert.equal(renamed.length, 1, 'the run nameOf leaves unnamed keeps its file');
  assert.match(renamed[0].to, /^DNN_MMIM_lambda_0\.01_seed_1-[0-9a-f]{12}\.json$/);
  assert.equal(renamed[0].from.slice(-17), renamed[0].to.slice(-17), 'the hash is kept');
  assert.ok(
    fs.existsSync(path.join(dir, renamed[0].to)) && !fs.existsSync(path.join(dir, renamed[0].from)),
  );
  assert.deepEqual(renameStoredRuns('000-mmim', nameOf), [], 'a second rename has nothing to do');
  process.env.MILAB_STORED_ONLY = '1';
  assert.deepEqual(
    await runMany(
      '000-mmim',
      keys.map((key) => ({ key, compute: () => -1 })),
    ),
    [1, 2],
  );
  assert.deepEqual(renameStoredRuns('not-run-yet', nameOf), []);
});

test('a stored run records its backend and kernels; results say what their runs ran on', async (t) => {
  const { name } = await useBackend({ backend: 'cpu', quiet: true });
  assert.equal(name, 'cpu');
  const warnings: string[] = [];
  t.mock.method(console, 'warn', (line: string) => warnings.push(line));
  const row = {
    table: 'Table 1',
    row: 'r',
    metric: 'm',
    paper: 1,
    ours: { mean: 1, sd: 0, n: 1 },
    verdict: 'reproduced' as const,
  };
  const backendOf = (notebook: string) => writeResults({ notebook, rows: [row] }).results.backend;
  const job = (key: string) => ({ key, compute: () => key });
  const hash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);
  const store = (notebook: string, key: string, fields: object) => {
    fs.mkdirSync(runCacheDir(notebook), { recursive: true });
    const run = { key, commit: 'x', finished: '2026-01-01T00:00:00.000Z', ...fields, value: key };
    fs.writeFileSync(
      path.join(runCacheDir(notebook), `${key}-${hash(key)}.json`),
      JSON.stringify(run),
    );
  };

  // Computed in any profile: the active backend's name, as before.
  process.env.MILAB_PROFILE = 'quick';
  await runMany('100-quick', [job('a')]);
  assert.equal(backendOf('100-quick'), 'cpu');
  assert.equal(backendOf('100-no-runs'), 'cpu', 'no runs: the active backend');

  // Stored in the full profile with backend and kernels, in that order before the value.
  process.env.MILAB_PROFILE = 'full';
  await runMany('101-full', [job('a'), job('b')]);
  const file = fs.readdirSync(runCacheDir('101-full')).find((f) => f.startsWith('a-'))!;
  const stored = fs.readFileSync(path.join(runCacheDir('101-full'), file), 'utf8');
  assert.match(stored, /^\{"key":"a","commit":"[^"]+","finished":"[^"]+","backend":"cpu",/);
  assert.match(stored, /"kernels":"cpu","value":"a"\}\n$/);
  assert.equal(backendOf('101-full'), 'cpu');

  // Rebuilt from stored runs of other kernels: their names, not the backend that rebuilds them.
  store('102-native', 'n', { backend: 'wasm', kernels: 'native (test)' });
  await runMany('102-native', [job('n')]);
  assert.equal(backendOf('102-native'), 'wasm (kernels: native (test))');

  // Runs stored before kernels were recorded: the writing backend, kernels 'unrecorded'.
  store('103-old', 'o', {});
  await runMany('103-old', [job('o')]);
  assert.equal(backendOf('103-old'), 'cpu (kernels: unrecorded)');
  assert.deepEqual(warnings, [], 'one backend and one kernel set: no warning');

  // Mixed: every backend and kernel set is named, and one line warns.
  store('104-mixed', 'o', {});
  store('104-mixed', 'n', { backend: 'wasm', kernels: 'native (test)' });
  await runMany('104-mixed', [job('a'), job('b'), job('o'), job('n')]);
  assert.equal(backendOf('104-mixed'), 'cpu; wasm (kernels: cpu; native (test); unrecorded)');
  assert.deepEqual(warnings, [
    'milab: warning: 104-mixed: results from runs on different kernels ' +
      '(2 on cpu, 1 on cpu (kernels: unrecorded), 1 on wasm (kernels: native (test)))',
  ]);
  assert.equal(
    writeResults({ notebook: '104-mixed', rows: [row], backend: 'given' }).results.backend,
    'given',
    'an explicit backend still wins',
  );
});
