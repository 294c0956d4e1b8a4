// Shared by the webgpu tests: the webgpu backend (a hardware adapter, else Dawn's software one on
// Mesa llvmpipe), or why it is unavailable. Without a usable adapter the tests skip and say why;
// MILAB_TEST_WEBGPU=1 (set in CI) makes that a failure instead.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { tf, useBackend, type BackendName } from 'milab';

const required = process.env.MILAB_TEST_WEBGPU === '1';
let availability: Promise<string | null> | undefined;

function probe(): Promise<string | null> {
  availability ??= useBackend({ backend: 'webgpu', quiet: true }).then(
    () => null,
    (err: Error) => err.message,
  );
  return availability;
}

/** True when webgpu can run; otherwise skips the test (or fails it under MILAB_TEST_WEBGPU=1). */
export async function webgpuAvailable(t: TestContext): Promise<boolean> {
  const reason = await probe();
  if (reason === null) return true;
  if (required) assert.fail(`MILAB_TEST_WEBGPU=1, and ${reason}`);
  t.skip(`${reason} (MILAB_TEST_WEBGPU=1 makes this a failure)`);
  return false;
}

/**
 * Runs fn with `backend` active and returns the values of the tensors it returns, read
 * asynchronously.
 */
export async function valuesOn(
  backend: BackendName,
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await useBackend({ backend, quiet: true });
  const before = tf.memory().numTensors;
  const out = tf.tidy(fn);
  const tensors = Array.isArray(out) ? out : [out];
  const values = await Promise.all(tensors.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(tensors);
  assert.equal(tf.memory().numTensors, before, `tensors leaked on ${backend}`);
  return values;
}

/**
 * Largest |actual - expected| over the largest |expected|, per tensor (so entries that should be
 * zero are judged on the tensor's scale); Infinity when shapes differ or NaN appears on one side
 * only.
 */
export function relativeError(actual: Float32Array[], expected: Float32Array[]): number {
  let worst = 0;
  assert.equal(actual.length, expected.length, 'different number of outputs');
  for (const [k, e] of expected.entries()) {
    const a = actual[k]!;
    if (a.length !== e.length) return Infinity;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < e.length; i++) {
      if (Number.isNaN(a[i]!) !== Number.isNaN(e[i]!)) return Infinity;
      if (Number.isFinite(e[i]!)) scale = Math.max(scale, Math.abs(e[i]!));
      // equal infinities would give a NaN difference
      if (Number.isNaN(e[i]!) || a[i] === e[i]) continue;
      diff = Math.max(diff, Math.abs(a[i]! - e[i]!));
    }
    worst = Math.max(worst, diff / Math.max(scale, 1e-12));
  }
  return worst;
}
