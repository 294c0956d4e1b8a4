import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { reportDir, runCacheDir, runMany, runOnce } from 'milab';
import { storedRunsStatus } from 'milab/internal';

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
  assert.deepEqual(first, { accuracy: [0.5, 0.75], seed: 1, gap: null }, 'JSON round trip, also when computed');
  assert.deepEqual(second, first);
  const files = fs.readdirSync(runCacheDir('000-mmim'));
  assert.equal(files.length, 1);
  assert.match(files[0], /^dnn_lambda_0\.01_seed_1-[0-9a-f]{12}\.json$/);
  assert.equal(runCacheDir('000-mmim'), path.join(dir, 'runs', '000-mmim'), 'stored beside the committed results');

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
  await assert.rejects(runOnce('000-mmim', '', () => 1), /non-empty key/);
  await assert.rejects(runOnce('000-mmim', 'f', () => undefined), /not JSON-serialisable/);
  await assert.rejects(runOnce('000-mmim', 'g', () => { throw new Error('diverged'); }), /diverged/);
  assert.deepEqual(fs.existsSync(runCacheDir('000-mmim')) ? fs.readdirSync(runCacheDir('000-mmim')) : [], []);
  assert.equal(reportDir('000-mmim'), path.join(dir, 'reports', '000-mmim'));
  assert.ok(fs.statSync(reportDir('000-mmim')).isDirectory());
});

test('runMany: values in job order; runs claimed by a live process are awaited, dead claims taken over', async () => {
  process.env.MILAB_PROFILE = 'full';
  const order: string[] = [];
  const job = (key: string) => ({ key, compute: () => { order.push(key); return key.toUpperCase(); } });
  // Another process (a sleeping child) holds 'b'; a process that no longer exists holds 'c'.
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => dead.on('exit', resolve));
  // The stored file is <key slug>-<first 12 hex of sha256(key)>.json; a claim adds .claim.
  const claimFor = (key: string, pid: number) => {
    const file = path.join(runCacheDir('004-x'), `${key}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}.json.claim`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ pid, host: os.hostname(), started: new Date().toISOString(), key }));
    return file;
  };
  const bClaim = claimFor('b', other.pid!);
  claimFor('c', dead.pid!);
  const pending = runMany('004-x', [job('a'), job('b'), job('c')]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(order, ['a', 'c'], "'b' is left to its live owner; the dead owner's 'c' is taken over");
  const status = storedRunsStatus('004-x');
  assert.deepEqual(status.stored.map((r) => r.key).sort(), ['a', 'c']);
  assert.deepEqual(status.claimed.map((c) => [c.key, c.pid, c.alive]), [['b', other.pid, true]], 'the status shows who computes what');
  // The owner finishes 'b': the waiting process reads its stored value.
  const stored = { key: 'b', commit: 'x', finished: new Date().toISOString(), value: 'FROM OTHER' };
  fs.writeFileSync(bClaim.replace(/\.claim$/, ''), JSON.stringify(stored));
  fs.rmSync(bClaim);
  assert.deepEqual(await pending, ['A', 'FROM OTHER', 'C']);
  other.kill();
  assert.ok(!fs.readdirSync(runCacheDir('004-x')).some((f) => f.endsWith('.claim')), 'no claim is left behind');
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
