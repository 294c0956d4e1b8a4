// seededNormal: standard normal in distribution (moments, Kolmogorov-Smirnov, no lag correlation,
// unrelated streams for nearby seeds), the same draws for the same seed, on every backend (the
// wasm kernel against the JavaScript arithmetic), every length (the kernel's 8-value blocks and
// their tails), mean and sd, bad input in one line, no tensor left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededNormal, tf, useBackend } from 'milab';

/** Standard normal CDF (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return 0.5 * (1 + (x >= 0 ? erf : -erf));
}

function draws(
  shape: number[],
  seed: number,
  options?: { mean?: number; sd?: number },
): Float32Array {
  const t = seededNormal(shape, seed, options);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

test('seededNormal is standard normal: moments, KS, lag-1 and cross-seed correlation', async () => {
  await useBackend({ backend: 'wasm', quiet: true });
  const n = 1_000_000;
  const z = draws([n], 20240611);
  let [m1, m2, m3, m4, lag, max] = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const v = z[i];
    m1 += v;
    m2 += v * v;
    m3 += v ** 3;
    m4 += v ** 4;
    if (i > 0) lag += v * z[i - 1];
    max = Math.max(max, Math.abs(v));
  }
  // Each within 5 standard errors of its expectation.
  assert.ok(Math.abs(m1 / n) < 5 / Math.sqrt(n), `mean ${m1 / n}`);
  assert.ok(Math.abs(m2 / n - 1) < 5 * Math.sqrt(2 / n), `variance ${m2 / n}`);
  assert.ok(Math.abs(m3 / n) < 5 * Math.sqrt(15 / n), `third moment ${m3 / n}`);
  assert.ok(Math.abs(m4 / n - 3) < 5 * Math.sqrt(96 / n), `fourth moment ${m4 / n}`);
  assert.ok(Math.abs(lag / n) < 5 / Math.sqrt(n), `lag-1 correlation ${lag / n}`);
  assert.ok(max > 4.4 && max <= 5.78, `largest |z| ${max}`);
  // Kolmogorov-Smirnov on 100k draws: D below the 0.1 % critical value 1.95 / sqrt(m).
  const m = 100_000;
  const sorted = Float64Array.from(z.subarray(0, m)).sort();
  let d = 0;
  sorted.forEach((x, i) => {
    const c = normalCdf(x);
    d = Math.max(d, Math.abs(c - i / m), Math.abs(c - (i + 1) / m));
  });
  assert.ok(d < 1.95 / Math.sqrt(m), `KS D ${d}`);
  // Nearby seeds give unrelated streams (a shifted copy would correlate at some lag).
  const a = draws([50_000], 7);
  const b = draws([50_000], 8);
  for (const shift of [0, 1, 2, 3]) {
    let c = 0;
    for (let i = 0; i + shift < a.length; i++) c += a[i + shift] * b[i];
    assert.ok(Math.abs(c / a.length) < 5 / Math.sqrt(a.length), `seeds 7, 8 at lag ${shift}: ${c}`);
  }
});

test('seededNormal: same seed same draws; wasm kernel = JavaScript arithmetic; every length', async () => {
  const cases: Array<[number[], number]> = [
    [[0], 1],
    [[1], 2],
    [[3], 3],
    [[7], 4],
    [[8], 5],
    [[9], 6],
    [[13, 11], 7],
    [[2, 3, 5], 2 ** 40 + 5],
  ];
  const run = async (backend: 'wasm' | 'cpu') => {
    await useBackend({ backend, quiet: true });
    const before = tf.memory().numTensors;
    const out = cases.map(([shape, seed]) => {
      const t = seededNormal(shape, seed, { mean: 2, sd: 3 });
      assert.deepEqual(t.shape, shape);
      const values = Array.from(t.dataSync());
      t.dispose();
      return values;
    });
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    return out;
  };
  const wasm = await run('wasm');
  const cpu = await run('cpu');
  await useBackend({ backend: 'wasm', quiet: true });
  cases.forEach(([shape], c) => {
    wasm[c].forEach((v, i) =>
      assert.ok(
        Math.abs(v - cpu[c][i]) < 1e-5,
        `[${shape}] value ${i}: wasm ${v}, js ${cpu[c][i]}`,
      ),
    );
  });
  // A shorter draw is a prefix of a longer one of the same seed; the same seed repeats exactly.
  const long = draws([16], 11);
  for (const n of [1, 5, 8, 15])
    assert.deepEqual(Array.from(draws([n], 11)), Array.from(long.subarray(0, n)));
  assert.deepEqual(Array.from(draws([16], 11)), Array.from(long));
  assert.notDeepEqual(Array.from(draws([16], 12)), Array.from(long));
  // mean + sd z, sd 0 gives the mean.
  const z = draws([64], 3);
  draws([64], 3, { mean: -1, sd: 0.5 }).forEach((v, i) =>
    assert.ok(Math.abs(v - (-1 + 0.5 * z[i])) < 1e-6),
  );
  assert.ok(draws([9], 3, { mean: 4, sd: 0 }).every((v) => v === 4));
});

test('seededNormal: bad input is one line naming it', () => {
  assert.throws(() => seededNormal([3], NaN), /seed must be a finite number, got NaN/);
  assert.throws(
    () => seededNormal([2, -1], 1),
    /shape must be non-negative integers, got \[2, -1\]/,
  );
  assert.throws(() => seededNormal([2], 1, { sd: -1 }), /sd >= 0/);
});
