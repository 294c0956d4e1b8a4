// How the webgpu backend is chosen, checked in child processes (a process keeps its first backend
// set-up): auto-selection on a machine without a Vulkan driver must not load Dawn or print
// anything, and an explicit MILAB_BACKEND=webgpu process must be able to exit when its work is
// done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { webgpuAvailable } from './webgpu-support';

function runNode(script: string, env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, MILAB_QUIET: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

test('auto-selection without a Vulkan driver never loads Dawn and prints nothing', () => {
  const noDrivers = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-no-vulkan-'));
  try {
    const script = `
      const { useBackend } = require('milab');
      useBackend().then((info) => {
        const dawnLoaded = Object.keys(require.cache).some((f) => f.includes('node_modules/webgpu/'));
        console.log(JSON.stringify({ backend: info.name, dawnLoaded }));
      });`;
    // An empty driver directory stands in for a machine without a GPU driver, whatever this one
    // has.
    const run = runNode(script, {
      MILAB_BACKEND: undefined,
      VK_DRIVER_FILES: noDrivers,
      VK_ICD_FILENAMES: undefined,
    });
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
    assert.notEqual(report.backend, 'webgpu');
    assert.equal(report.dawnLoaded, false);
    assert.equal(run.stderr, '');
  } finally {
    fs.rmSync(noDrivers, { recursive: true, force: true });
  }
});

test('a MILAB_BACKEND=webgpu process computes, reads back and exits by itself', async (ctx) => {
  if (!(await webgpuAvailable(ctx))) return;
  const script = `
    const { tf, useBackend } = require('milab');
    useBackend().then(async (info) => {
      const product = tf.matMul(tf.ones([3, 4]), tf.ones([4, 2]));
      console.log(JSON.stringify({ backend: info.name, values: Array.from(await product.data()) }));
      let syncError = '';
      try { tf.add(product, 1).dataSync(); } catch (err) { syncError = err.message; }
      console.log(JSON.stringify({ syncError }));
    });`;
  const run = runNode(script, { MILAB_BACKEND: 'webgpu' });
  assert.equal(run.signal, null, `killed by ${run.signal}: the process did not exit by itself`);
  assert.equal(run.status, 0, run.stderr);
  const [computed, sync] = run.stdout
    .trim()
    .split('\n')
    .slice(-2)
    .map((line) => JSON.parse(line));
  assert.deepEqual(computed, { backend: 'webgpu', values: [4, 4, 4, 4, 4, 4] });
  assert.match(sync.syncError, /use `await tensor.data\(\)`/);
});
