// The multi-threaded wasm backend (MILAB_WASM_THREADS=2): it starts in Node, runs milab's kernels
// (their SIMD module on shared memory) to the same results as one thread, and lets the process
// exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

// Same computation in each child: gradients of a conv/pool/dense chain and one fused Adam step.
const SCRIPT = `
const { FusedAdam, Rng, tf, useBackend } = require('milab');
(async () => {
  const info = await useBackend({ backend: 'wasm', quiet: true });
  const r = new Rng(5);
  const x = tf.tensor4d(r.normals(2 * 12 * 12 * 3), [2, 12, 12, 3]);
  const f = tf.variable(tf.tensor4d(r.normals(3 * 3 * 3 * 8), [3, 3, 3, 8]));
  const w = tf.variable(tf.tensor2d(r.normals(200 * 5), [200, 5]));
  const loss = () => {
    const h = tf.maxPool(tf.relu(tf.conv2d(x, f, 1, 'valid')), 2, 2, 'valid');
    return tf.sum(tf.square(tf.matMul(tf.reshape(h, [2, 200]), w)));
  };
  const { grads } = tf.variableGrads(loss, [f, w]);
  const adam = new FusedAdam(0.01);
  adam.applyGradients(grads);
  const values = (t) => Array.from(t.dataSync());
  const [df, dw] = [values(grads[f.name]), values(grads[w.name])];
  const out = { detail: info.detail, df, dw, w: values(w) };
  process.stdout.write(JSON.stringify(out));
})();
`;

function run(threads: number) {
  const child = spawnSync(process.execPath, ['-e', SCRIPT], {
    // The native kernels would run wasm on one thread: this is about wasm's own pool.
    env: { ...process.env, MILAB_WASM_THREADS: String(threads), MILAB_NATIVE: '0' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(child.status, 0, `child with ${threads} thread(s) failed or hung: ${child.stderr}`);
  return JSON.parse(child.stdout) as { detail: string; df: number[]; dw: number[]; w: number[] };
}

test('2 wasm threads start, compute what 1 thread computes, and exit', () => {
  const one = run(1);
  const two = run(2);
  assert.match(one.detail, /1 thread/);
  assert.match(two.detail, /2 threads/);
  for (const key of ['df', 'dw', 'w'] as const) {
    const scale = Math.max(...one[key].map(Math.abs));
    const err = Math.max(...one[key].map((v, i) => Math.abs(v - two[key][i])));
    assert.ok(err <= 1e-5 * scale, `${key}: max difference ${err} (scale ${scale})`);
  }
});
