// The bench's contract: one JSON line with workload, backend, steps_per_s and a finite `last`, on
// the default backend and on webgpu (the software adapter in CI: slow, so very few steps); and
// compare's JSON: the peer at 1 and 2 threads and the ratio to the better (under --load, which
// takes the same path as a plain compare and adds the busy core).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { webgpuAvailable } from './webgpu-support';

const BENCH = path.join(__dirname, '..', 'bench', 'main.js');

function bench(args: string[], env: Record<string, string> = {}): Record<string, unknown> {
  const run = spawnSync(process.execPath, [BENCH, ...args, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, MILAB_QUIET: '1', ...env },
    timeout: 240_000,
  });
  assert.equal(
    run.status,
    0,
    `bench ${args.join(' ')} failed: ${run.stderr.trim().split('\n').pop()}`,
  );
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

function assertResult(result: Record<string, unknown>, workload: string, backend: string): void {
  assert.equal(result.workload, workload);
  assert.equal(result.backend, backend);
  assert.ok(
    Number.isFinite(result.steps_per_s) && (result.steps_per_s as number) > 0,
    'steps_per_s',
  );
  assert.ok(Number.isFinite(result.last), `last is ${result.last}`);
  assert.equal(
    result.tensors_after_run,
    result.tensors_after_warmup,
    'tensor count grew during the run',
  );
}

test('bench mine and ksg print one JSON line on wasm', () => {
  assertResult(
    bench(['mine', '--steps', '5', '--warmup', '1'], { MILAB_BACKEND: 'wasm' }),
    'mine',
    'wasm',
  );
  const ksg = bench(['ksg', '--steps', '1', '--warmup', '0'], { MILAB_BACKEND: 'wasm' });
  assert.equal(ksg.workload, 'ksg');
  assert.ok(
    Math.abs((ksg.last as number) - 0.5 * Math.log(1 / (1 - 0.81))) < 0.1,
    `KSG estimate ${ksg.last}`,
  );
});

test('bench mine and lenet report backend webgpu with a finite result', async (t) => {
  if (!(await webgpuAvailable(t))) return;
  assertResult(
    bench(['mine', '--steps', '2', '--warmup', '1'], { MILAB_BACKEND: 'webgpu' }),
    'mine',
    'webgpu',
  );
  assertResult(
    bench(['lenet', '--steps', '1', '--warmup', '1'], { MILAB_BACKEND: 'webgpu' }),
    'lenet',
    'webgpu',
  );
});

test('bench compare --json: milab, the peer at 1 and 2 threads, the ratio to each and the better', (t) => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, sklearn'], { stdio: 'ignore' });
  } catch {
    // environment/peers.sh would install them as root: not a test's business.
    return t.skip('the peers (python3-torch, python3-sklearn) are not installed');
  }
  const args = ['compare', '--only', 'ksg', '--steps', '1', '--warmup', '0', '--rounds', '1'];
  const out = bench([...args, '--load'], { MILAB_BACKEND: 'wasm' });
  assert.match(String(out.load), /one core held busy/);
  assert.deepEqual((out.peers as { threads: number[] }).threads, [1, 2]);
  // The kernels the run reports: the native ones when the addon is built, else wasm's.
  assert.match(
    (out.milab as { kernels: string }).kernels,
    /^(wasm|native \(oneDNN [\d.]+, \d thread)/,
  );
  const [r] = out.results as Array<{
    milab_steps_per_s: number;
    peer_steps_per_s: Record<string, number>;
    ratios: Record<string, number>;
    ratio: number;
    best_peer_threads: number;
  }>;
  const peer = r.peer_steps_per_s;
  assert.deepEqual(Object.keys(peer), ['1', '2']);
  const best = peer['1'] >= peer['2'] ? 1 : 2;
  assert.equal(r.best_peer_threads, best);
  assert.equal(r.ratio, r.milab_steps_per_s / peer[best]);
  assert.equal(r.ratios['1'], r.milab_steps_per_s / peer['1']);
  assert.ok(r.ratio <= r.ratios['1'] && r.ratio <= r.ratios['2'], 'the better peer');
});

test('bench compare: a peer that cannot run says why (a CUDA peer on a machine without one)', (t) => {
  try {
    // the Python compare runs (bench/machine.ts peerPython)
    const python = process.env.MILAB_PEER_PYTHON || '/usr/bin/python3';
    execFileSync(python, ['-c', 'import torch; assert not torch.cuda.is_available()'], {
      stdio: 'ignore',
    });
  } catch {
    return t.skip('PyTorch is missing, or it has a GPU here');
  }
  const run = spawnSync(
    process.execPath,
    [BENCH, 'compare', '--only', 'mine', '--steps', '1', '--warmup', '0', '--rounds', '1'],
    {
      encoding: 'utf8',
      env: { ...process.env, MILAB_QUIET: '1', MILAB_BACKEND: 'wasm', MILAB_PEER_DEVICE: 'cuda' },
      timeout: 240_000,
    },
  );
  assert.notEqual(run.status, 0);
  assert.match(
    run.stderr,
    /peer mine \(.*mine\.py\) failed: exit status 1: error: MILAB_PEER_DEVICE=cuda but this PyTorch sees no CUDA GPU/,
  );
});
