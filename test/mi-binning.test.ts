// Plug-in estimators: exact MI of joint tables, discrete samples with Miller-Madow, equal-width
// binning of continuous data, and the information-plane quantities of a binned layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binnedConditionalMi,
  binnedLayerInformation,
  binnedMi,
  correlatedGaussianTask,
  discreteConditionalMi,
  discreteMi,
  discreteTableTask,
  independentTask,
  miFromJointTable,
  MilabInputError,
  Rng,
} from 'milab';
import { binColumns, entropyFromCounts } from 'milab/internal';

test('miFromJointTable is exact on tables with known MI', () => {
  assert.equal(
    miFromJointTable([
      [0.5, 0],
      [0, 0.5],
    ]),
    Math.log(2),
  ); // Y = X, fair bit
  assert.equal(
    miFromJointTable([
      [1, 1],
      [1, 1],
    ]),
    0,
  ); // independent (counts work too)
  const identity4 = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)));
  assert.ok(Math.abs(miFromJointTable(identity4) - Math.log(4)) < 1e-15);
  // Binary symmetric channel with flip probability e and a fair input: I = log 2 - H_b(e).
  const e = 0.1;
  const bsc = [
    [0.5 * (1 - e), 0.5 * e],
    [0.5 * e, 0.5 * (1 - e)],
  ];
  const hb = -e * Math.log(e) - (1 - e) * Math.log(1 - e);
  assert.ok(Math.abs(miFromJointTable(bsc) - (Math.log(2) - hb)) < 1e-15);
  // A product table (rank one) is independent whatever its margins.
  const px = [0.2, 0.3, 0.5];
  const py = [0.6, 0.1, 0.1, 0.2];
  assert.ok(miFromJointTable(px.map((a) => py.map((b) => a * b))) < 1e-15);
});

test('plug-in MI of samples from a table converges to the exact value; Miller-Madow reduces the bias', () => {
  const table = [
    [0.2, 0.05, 0.05],
    [0.02, 0.3, 0.03],
    [0.1, 0.05, 0.2],
  ];
  const task = discreteTableTask(table);
  assert.equal(task.mi, miFromJointTable(table));
  const big = task.sample(50000, 1);
  assert.ok(Math.abs(discreteMi(big.x, big.y).mi - task.mi) < 0.01);
  // At small N the plug-in is biased up by ~ (3-1)(3-1)/(2N); Miller-Madow removes most of it.
  let plugIn = 0;
  let corrected = 0;
  const reps = 200;
  for (let s = 0; s < reps; s++) {
    const { x, y } = task.sample(60, 100 + s);
    const r = discreteMi(x, y);
    plugIn += r.plugIn / reps;
    corrected += r.mi / reps;
  }
  assert.ok(plugIn - task.mi > 0.015, `plug-in bias ${plugIn - task.mi}`);
  assert.ok(
    Math.abs(corrected - task.mi) < Math.abs(plugIn - task.mi) / 2,
    `corrected ${corrected}, plug-in ${plugIn}, truth ${task.mi}`,
  );
});

test('entropyFromCounts: uniform counts give log m; Miller-Madow adds (m - 1) / 2N', () => {
  assert.ok(Math.abs(entropyFromCounts([5, 5, 5, 5]) - Math.log(4)) < 1e-15);
  assert.ok(
    Math.abs(entropyFromCounts([5, 5, 5, 5, 0], { millerMadow: true }) - (Math.log(4) + 3 / 40)) <
      1e-15,
  );
});

test('discrete MI: independent symbols ~ 0, data processing, additivity of independent pairs', () => {
  const rng = new Rng(2);
  const n = 20000;
  const a = Array.from({ length: n }, () => rng.int(6));
  const noisyA = a.map((v) => (rng.uniform() < 0.3 ? rng.int(6) : v));
  const b = Array.from({ length: n }, () => rng.int(3));
  const noisyB = b.map((v) => (rng.uniform() < 0.2 ? rng.int(3) : v));
  assert.ok(Math.abs(discreteMi(a, b).mi) < 0.002);
  const full = discreteMi(a, noisyA).mi;
  const coarse = discreteMi(
    a,
    noisyA.map((v) => Math.floor(v / 2)),
  ).mi; // lossy f(Y)
  assert.ok(coarse < full - 0.1);
  const pairs = discreteMi(
    a.map((v, i) => [v, b[i]]),
    noisyA.map((v, i) => [v, noisyB[i]]),
  ).mi;
  const sum = discreteMi(a, noisyA).mi + discreteMi(b, noisyB).mi;
  assert.ok(Math.abs(pairs - sum) < 0.01, `pairs ${pairs} vs sum ${sum}`);
});

test('discrete conditional MI: I(X;Y|Z) = 0 when X and Y only share Z, and = H(X) when Y = X', () => {
  const rng = new Rng(8);
  const n = 20000;
  const z = Array.from({ length: n }, () => rng.int(4));
  const x = z.map((v) => (rng.uniform() < 0.5 ? v : rng.int(4)));
  const y = z.map((v) => (rng.uniform() < 0.5 ? v : rng.int(4)));
  assert.ok(discreteMi(x, y).mi > 0.05);
  assert.ok(Math.abs(discreteConditionalMi(x, y, z).mi) < 0.005);
  const bits = Array.from({ length: n }, () => rng.int(2));
  assert.ok(Math.abs(discreteConditionalMi(bits, bits, z).mi - Math.log(2)) < 0.005);
});

test('binnedMi on a correlated Gaussian is close to the truth in 1-D, ~0 when independent', () => {
  const task = correlatedGaussianTask(1, 0.8);
  const { x, y } = task.sample(20000, 3);
  const r = binnedMi(x, y);
  assert.equal(r.bins, 63); // floor(sqrt(20000 / 5))
  assert.ok(Math.abs(r.mi - task.mi) < 0.05, `${r.mi} vs ${task.mi}`);
  // Miller-Madow leaves a small upward bias when many cells are sparse (measured ~0.02 here).
  const ind = independentTask(1).sample(20000, 4);
  assert.ok(Math.abs(binnedMi(ind.x, ind.y).mi) < 0.035);
  const cond = binnedConditionalMi(ind.x, ind.y, x, { bins: 8 });
  assert.ok(Math.abs(cond.mi) < 0.03);
});

test('binnedMi warns when the histogram is too fine for the sample', () => {
  const { x, y } = correlatedGaussianTask(6, 0.3).sample(300, 1);
  assert.match(binnedMi(x, y).warning ?? '', /too few samples per cell/);
  const ok = correlatedGaussianTask(1, 0.3).sample(3000, 1);
  assert.equal(binnedMi(ok.x, ok.y).warning, undefined);
});

test('binColumns: equal-width codes, fixed range clamps outliers, constant column is one bin', () => {
  const m = { data: Float64Array.from([0, 10, 1, 10, 2, 10, 3, 10, 4, 10]), rows: 5, cols: 2 };
  assert.deepEqual(Array.from(binColumns(m, 4).data), [0, 0, 1, 0, 2, 0, 3, 0, 3, 0]);
  const clamped = binColumns(
    { data: Float64Array.from([-5, 0.1, 5]), rows: 3, cols: 1 },
    2,
    [-1, 1],
  );
  assert.deepEqual(Array.from(clamped.data), [0, 1, 1]);
});

test('binnedLayerInformation: I(X;T) = H(T), I(T;Y) <= H(Y), saturation at log N for wide layers', () => {
  const rng = new Rng(5);
  const n = 2000;
  const labels = Array.from({ length: n }, () => rng.int(2));
  // A 1-unit layer that encodes the label in its sign plus noise.
  const narrow = labels.map((c) => [(c ? 0.5 : -0.5) + 0.2 * rng.normal()]);
  const info = binnedLayerInformation(narrow, labels, { bins: 30 });
  assert.ok(info.ixt > 2 && info.ixt < Math.log(30));
  assert.ok(info.ity > 0.6 && info.ity <= Math.log(2) + 1e-12, `I(T;Y) = ${info.ity}`);
  assert.equal(info.saturated, false);
  // 20 independent units: every sample becomes its own symbol.
  const wide = labels.map(() => Array.from({ length: 20 }, () => rng.normal()));
  const w = binnedLayerInformation(wide, labels);
  assert.ok(Math.abs(w.ixt - Math.log(n)) < 1e-9);
  assert.equal(w.saturated, true);
  assert.equal(w.distinctT, n);
});

test('plug-in input errors', () => {
  const isInput = (e: Error) => e instanceof MilabInputError;
  assert.throws(
    () =>
      miFromJointTable([
        [0.5, -0.1],
        [0.3, 0.3],
      ]),
    isInput,
  );
  assert.throws(() => miFromJointTable([[1, 2], [3]]), isInput);
  assert.throws(() => miFromJointTable([[0, 0]]), isInput);
  assert.throws(() => binnedMi([1, 2, 3], [1, 2, 3], { bins: 0 }), isInput);
  assert.throws(() => discreteMi([1, 2, 3], [1, 2]), isInput);
});
