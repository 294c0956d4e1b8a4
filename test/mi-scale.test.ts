// Estimates must not depend on the units of a column: every cheap estimator (and its conditional
// and total-correlation variants) gives the same number when a column is rescaled by 1e-300 ..
// 1e300 or shifted by a large offset, and the statistics underneath stay exact at those magnitudes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  binnedLayerInformation,
  conditionalGaussianTask,
  correlatedGaussianTask,
  estimate,
  gaussianEntropy,
  gaussianMi,
  gaussianTcTask,
  gaussianTotalCorrelation,
  kdeLayerBounds,
  kdeMi,
  ksgMi,
  ksgTotalCorrelation,
  Matrix,
  MilabInputError,
  Rng,
  standardize,
  tf,
  useBackend,
} from 'milab';
import { binColumns, columnStats, matrixToTensor, toFloat32 } from 'milab/internal';

before(async () => {
  await useBackend({ quiet: true });
});

const SCALES = [1e-300, 1e-150, 1e-6, 1, 1e6, 1e150, 1e300];

/** m with column j multiplied by scales[j % scales.length] (each column in its own units). */
function rescaled(m: Matrix, scales: readonly number[], offset = 0): Matrix {
  const data = m.data.map((v, i) => v * scales[(i % m.cols) % scales.length] + offset);
  return { data, rows: m.rows, cols: m.cols };
}

/** Values on a 2^-9 grid: adding 1e12 (< 2^40) to them is exact, so an offset changes nothing. */
function gridded(m: Matrix): Matrix {
  return { ...m, data: m.data.map((v) => Math.round(v * 512) / 512) };
}

/** One column. */
function col(values: ArrayLike<number>): Matrix {
  return { data: Float64Array.from(values), rows: values.length, cols: 1 };
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Number.isFinite(actual), `${what}: ${actual}`);
  const message = `${what}: ${actual} vs ${expected} at scale 1`;
  assert.ok(Math.abs(actual - expected) <= tolerance, message);
}

const pair = correlatedGaussianTask(2, 0.6).sample(300, 1);
const cond = conditionalGaussianTask(1, 0.6).sample(300, 2);
const labels = Float64Array.from({ length: 300 }, (_, i) => (pair.y.data[2 * i] > 0 ? 1 : 0));
const classes: Matrix = { data: labels, rows: 300, cols: 1 };

/** Every cheap registered estimator, unconditional and conditional, on (possibly rescaled) data. */
async function allEstimates(t: (m: Matrix) => Matrix): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ['ksg', 'gaussian', 'binning', 'kde']) {
    out[name] = (await estimate(name, t(pair.x), t(pair.y))).mi;
  }
  out['knn-label'] = (await estimate('knn-label', t(pair.x), classes)).mi;
  for (const name of ['ksg', 'gaussian', 'binning']) {
    out[`${name} | z`] = (await estimate(name, t(cond.x), t(cond.y), { z: t(cond.z!) })).mi;
  }
  const tc = gaussianTcTask(3, 0.5).sample(300, 3);
  out['ksg tc'] = ksgTotalCorrelation(t(tc)).mi;
  out['gaussian tc'] = gaussianTotalCorrelation(t(tc)).mi;
  return out;
}

test('every cheap estimator gives the scale-1 estimate at scales 1e-300 .. 1e300', async () => {
  const reference = await allEstimates((m) => m);
  for (const scale of SCALES) {
    const got = await allEstimates((m) => rescaled(m, [scale]));
    for (const name of Object.keys(reference)) {
      close(got[name], reference[name], 1e-9, `${name} at ${scale}`);
    }
  }
  // Each column in different units at once (the max-norm and the covariance mix columns).
  const mixed = await allEstimates((m) => rescaled(m, [1e-300, 1e300, 1e-6]));
  for (const name of Object.keys(reference)) {
    close(mixed[name], reference[name], 1e-9, `${name} mixed units`);
  }
  // Subnormal data keeps ~28 significant bits at 1e-315: the same estimates to that precision.
  const subnormal = await allEstimates((m) => rescaled(m, [1e-315]));
  for (const name of Object.keys(reference)) {
    close(subnormal[name], reference[name], 1e-6, `${name} subnormal`);
  }
});

test('an offset (1e12 + small values) changes no estimate: the centring is exact', async () => {
  const grid = (m: Matrix) => gridded(m);
  const reference = await allEstimates(grid);
  const shifted = await allEstimates((m) => rescaled(gridded(m), [1], 1e12));
  for (const name of Object.keys(reference)) {
    close(shifted[name], reference[name], 1e-12, `${name} + 1e12`);
  }
});

test('discrete MI of symbols is unchanged by the units of the symbols', async () => {
  const sym = (m: Matrix) => ({ ...m, data: m.data.map((v) => Math.floor(v)) });
  const x = sym(pair.x);
  const y = sym(pair.y);
  const reference = (await estimate('discrete', x, y)).mi;
  for (const scale of SCALES) {
    const got = await estimate('discrete', rescaled(x, [scale]), rescaled(y, [scale]));
    close(got.mi, reference, 0, `${scale}`);
  }
});

test('columnStats: exact at 1e-300, 1e300, under an offset, subnormal, ranges past 1e308', () => {
  const sd4 = Math.sqrt(1.25); // population sd of 1, 2, 3, 4
  for (const scale of [1e-300, 1e-160, 1e160, 1e300]) {
    const { mean, sd } = columnStats(col([1, 2, 3, 4].map((v) => v * scale)));
    const exact = Math.abs(sd[0] / scale - sd4) < 1e-12 && Math.abs(mean[0] / scale - 2.5) < 1e-12;
    assert.ok(exact, `${scale}: ${sd[0]}`);
  }
  // 1e15 + k / 8 is exact; a plain sum of these rows rounds to 0.5 and loses the spread.
  const offset = columnStats(col([1, 2, 3, 4].map((v) => 1e15 + v / 8)));
  assert.ok(Math.abs(offset.sd[0] * 8 - sd4) < 1e-12, `offset sd ${offset.sd[0]}`);
  const wide = columnStats(col([-1e308, 1e308, -1e308, 1e308]));
  assert.equal(wide.mean[0], 0);
  assert.equal(wide.sd[0], 1e308);
  // Subnormal and one-value-off columns vary, so they are not constant; equal values are.
  assert.ok(columnStats(col([0, 5e-324, 0, 0])).sd[0] > 0);
  assert.ok(columnStats(col([1e300, 1e300, 1e300, 1e300 * (1 + 2 ** -52)])).sd[0] > 0);
  assert.equal(columnStats(col([1e-300, 1e-300, 1e-300])).sd[0], 0);
  const logSd = columnStats(col([1, 2, 3, 4].map((v) => v * 1e-300))).logSd[0];
  assert.ok(Math.abs(logSd - Math.log(sd4 * 1e-300)) < 1e-12);
});

test('standardize: scale-free values; a constant column, at any magnitude, is an error', () => {
  const m: Matrix = { data: Float64Array.from([1, 5, 2, 8, 3]), rows: 5, cols: 1 };
  const unit = standardize(m, 'x').data;
  for (const scale of [1e-310, 1e-300, 1e300]) {
    const z = standardize(rescaled(m, [scale]), 'x').data;
    z.forEach((v, i) => assert.ok(Math.abs(v - unit[i]) < 1e-9, `${scale}: ${v} vs ${unit[i]}`));
  }
  const wide = standardize(col([-1.7e308, 1.7e308, 0, 0]), 'x').data;
  [-Math.SQRT2, Math.SQRT2, 0, 0].forEach((v, i) => {
    assert.ok(Math.abs(wide[i] - v) < 1e-12, `${wide[i]}`);
  });
  // One value off a constant column is information, not a constant.
  const oneOff = standardize(col([7e300, 7e300, 7e300, 8e300]), 'x').data;
  assert.ok(oneOff.every(Number.isFinite) && oneOff[3] > 1.7);
  for (const v of [1e-300, 1e300, 0]) {
    assert.throws(
      () => standardize(col([v, v, v]), 'y'),
      (e: Error) => e instanceof MilabInputError && /y column 0 is constant/.test(e.message),
    );
  }
});

test('gaussian: a column with sd 1e-6 is informative; exact collinearity is an input error', () => {
  const { x, y } = correlatedGaussianTask(1, 0.9).sample(500, 4);
  const reference = gaussianMi(x, y).mi;
  close(gaussianMi(x, rescaled(y, [1e-6], 1)).mi, reference, 1e-9, 'sd 1e-6 around 1');
  const opposite = gaussianMi(rescaled(x, [1e300]), rescaled(y, [1e-300])).mi;
  close(opposite, reference, 1e-9, '1e300 vs 1e-300');
  const twice = { ...x, data: x.data.map((v) => 2 * v) };
  const singular = (e: Error) => e instanceof MilabInputError && /singular/.test(e.message);
  assert.throws(() => gaussianMi(x, twice), singular);
  const columns = Array.from(x.data).flatMap((v) => [v, 3 * v]);
  const dependent: Matrix = { data: Float64Array.from(columns), rows: 500, cols: 2 };
  assert.throws(() => gaussianTotalCorrelation(dependent), singular);
});

test('KSG, standardize: false: the jitter scales with the data, rescaling changes nothing', () => {
  const options = { standardize: false };
  const reference = ksgMi(pair.x, pair.y, options).mi;
  for (const scale of [1e-300, 1e300]) {
    const got = ksgMi(rescaled(pair.x, [scale]), rescaled(pair.y, [scale]), options).mi;
    close(got, reference, 1e-9, `${scale}`);
  }
  const wide = col([-1e308, 1e308, 0, 1, 2]);
  const tooWide = (e: Error) => e instanceof MilabInputError && /spans more than/.test(e.message);
  assert.throws(() => ksgMi(wide, [1, 2, 3, 4, 5], { ...options, k: 1 }), tooWide);
  // Standardised (the default), the same overflowing range is fine.
  assert.ok(Number.isFinite(ksgMi(wide, [1, 2, 3, 4, 5], { k: 1 }).mi));
});

test('KDE: distances are in bandwidths, so raw data and bandwidth in any units agree', () => {
  const raw = { standardize: false, bandwidth: 0.4 };
  const reference = kdeMi(pair.x, pair.y, raw).mi;
  for (const scale of [1e-200, 1e200]) {
    const options = { standardize: false, bandwidth: 0.4 * scale };
    const scaled = kdeMi(rescaled(pair.x, [scale]), rescaled(pair.y, [scale]), options);
    close(scaled.mi, reference, 1e-9, `${scale}`);
  }
  assert.throws(
    () => kdeMi(rescaled(pair.x, [1e200]), pair.y, raw),
    (e: Error) => e instanceof MilabInputError && /bandwidth .* too small/.test(e.message),
  );
  const layer = pair.x;
  const bounds = kdeLayerBounds(layer, { noiseSd: 0.5 });
  for (const scale of [1e-200, 1e200]) {
    const b = kdeLayerBounds(rescaled(layer, [scale]), { noiseSd: 0.5 * scale });
    close(b.upper, bounds.upper, 1e-9, `upper at ${scale}`);
    close(b.lower, bounds.lower, 1e-9, `lower at ${scale}`);
  }
});

test('binning: ranges past 1e308 and subnormal ranges bin; a constant layer is one bin', () => {
  const wide = col([-1.5e308, -1e307, 1e307, 1.5e308]);
  assert.deepEqual(Array.from(binColumns(wide, 2).data), [0, 0, 1, 1]);
  const tiny = col([0, 5e-324, 1e-323, 1.5e-323]);
  assert.deepEqual(Array.from(binColumns(tiny, 4).data), [0, 1, 2, 3]);
  const constant: Matrix = { data: new Float64Array(8).fill(1e300), rows: 4, cols: 2 };
  const info = binnedLayerInformation(constant, [0, 1, 0, 1]);
  assert.equal(info.ixt, 0);
  assert.equal(info.distinctT, 1);
});

test('float32: out-of-range raw data is refused, standardised data always converts', async () => {
  const big = rescaled(pair.x, [1e300]);
  const outOfRange = (e: Error) =>
    e instanceof MilabInputError && /column 0 .*float32/.test(e.message);
  assert.throws(() => toFloat32(big, 'x'), outOfRange);
  assert.throws(() => toFloat32(rescaled(pair.x, [1e-300]), 'x'), outOfRange);
  // Float32 values themselves (activations read from a tensor) pass, even subnormal ones.
  assert.ok(toFloat32(col([Math.fround(1e-40), 0]), 'x'));
  const before = tf.memory().numTensors;
  const t = matrixToTensor(standardize(big, 'x'), 'x');
  assert.ok((t.dataSync() as Float32Array).every(Number.isFinite));
  t.dispose();
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(
    estimate('mine', big, pair.y, { standardize: false, maxSteps: 10 }),
    (e: Error) => e instanceof MilabInputError && /float32/.test(e.message),
  );
});

test('gaussianEntropy (Barber-Agakov) is scale-free: H(c y) = H(y) + log c per column', () => {
  const h = gaussianEntropy(pair.y);
  close(gaussianEntropy(rescaled(pair.y, [1e200])), h + 2 * Math.log(1e200), 1e-9, '1e200');
  close(gaussianEntropy(rescaled(pair.y, [1e-200])), h + 2 * Math.log(1e-200), 1e-9, '1e-200');
});

test('MINE gives the scale-1 estimate at 1e-300 and 1e300 (the float32 path)', async () => {
  const options = { seed: 3, hidden: [16], maxSteps: 40, minSteps: 40, evalEvery: 10 };
  const before = tf.memory().numTensors;
  const reference = (await estimate('mine', pair.x, pair.y, options)).mi;
  assert.ok(Number.isFinite(reference) && reference !== 0);
  for (const scale of [1e-300, 1e300]) {
    const [x, y] = [rescaled(pair.x, [scale]), rescaled(pair.y, [scale])];
    const got = await estimate('mine', x, y, options);
    close(got.mi, reference, 1e-3, `mine at ${scale}`);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('neural conditional MI standardises within strata scale-free (1e300 data)', async () => {
  const rng = new Rng(5);
  const n = 200;
  const z = Float64Array.from({ length: n }, (_, i) => i % 2);
  const x = Float64Array.from({ length: n }, () => rng.normal());
  const y = Float64Array.from(x, (v) => v + 0.5 * rng.normal());
  const options = { seed: 1, z: col(z), hidden: [8], maxSteps: 20, minSteps: 20, evalEvery: 10 };
  const reference = (await estimate('smile', col(x), col(y), options)).mi;
  const huge = (d: Float64Array) => col(d.map((v) => v * 1e300));
  const big = await estimate('smile', huge(x), huge(y), options);
  close(big.mi, reference, 1e-3, 'smile | z at 1e300');
});
