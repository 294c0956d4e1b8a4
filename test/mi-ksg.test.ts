// KSG (Kraskov algorithm 1) against closed-form truth, against a brute-force O(N^2) evaluation of
// the same formula, and on the self-consistency checks of Song & Ermon (2020).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  additiveTask,
  correlatedGaussianTask,
  cubicTask,
  digamma,
  gaussianTaskWithMi,
  independentTask,
  ksgMi,
  Matrix,
  MilabInputError,
  Rng,
  standardize,
} from 'milab';

/** KSG straight from the definition: every pair, no tree. */
function bruteForceKsg(x: Matrix, y: Matrix, k: number): number {
  const n = x.rows;
  const dist = (m: Matrix, i: number, j: number) => {
    let d = 0;
    for (let a = 0; a < m.cols; a++)
      d = Math.max(d, Math.abs(m.data[i * m.cols + a] - m.data[j * m.cols + a]));
    return d;
  };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const joint: number[] = [];
    for (let j = 0; j < n; j++) if (j !== i) joint.push(Math.max(dist(x, i, j), dist(y, i, j)));
    joint.sort((a, b) => a - b);
    const eps = joint[k - 1];
    let nx = 0;
    let ny = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      if (dist(x, i, j) < eps) nx++;
      if (dist(y, i, j) < eps) ny++;
    }
    sum += digamma(nx + 1) + digamma(ny + 1);
  }
  return digamma(k) + digamma(n) - sum / n;
}

test('k-d tree KSG equals the brute-force definition (d = 1, 3, 8; k = 1, 3, 6)', () => {
  for (const [d, k] of [
    [1, 3],
    [3, 1],
    [3, 6],
    [8, 3],
  ]) {
    const { x, y } = correlatedGaussianTask(d, 0.6).sample(400, d * 10 + k);
    const fast = ksgMi(x, y, { k, jitter: false }).mi;
    const slow = bruteForceKsg(standardize(x, 'x'), standardize(y, 'y'), k);
    assert.ok(Math.abs(fast - slow) < 1e-12, `d=${d} k=${k}: tree ${fast} vs brute force ${slow}`);
  }
});

// Tolerances. KSG is nearly unbiased in low dimension but biased DOWNWARDS as the joint dimension
// grows (the k-NN ball stops being small relative to the density's variation). Measured at
// N = 2000, truth 1 nat, five seeds: d = 1: 0.97..1.02; d = 5: 0.73..0.76; d = 10: 0.43..0.47
// (scipy/sklearn-style reference code gives the same). The bounds below allow for that bias and
// would catch both an upward error and a collapse.
const TOLERANCE: Record<number, [number, number]> = {
  1: [0.92, 1.08],
  5: [0.6, 1.05],
  10: [0.35, 1.05],
};
for (const d of [1, 5, 10]) {
  test(`KSG on correlated Gaussians, d = ${d}, truth 1 nat, within [${TOLERANCE[d]}]`, () => {
    const task = gaussianTaskWithMi(d, 1);
    const { x, y } = task.sample(2000, 100 + d);
    const { mi, k, n } = ksgMi(x, y);
    assert.equal(k, 3);
    assert.equal(n, 2000);
    const [lo, hi] = TOLERANCE[d];
    assert.ok(mi >= lo * task.mi && mi <= hi * task.mi, `d=${d}: ${mi} vs truth ${task.mi}`);
  });
}

test('KSG agrees with scikit-learn (mutual_info_regression, 1.2.1) on a fixed sample', () => {
  // Reference values from Python: i = arange(60); x = sin(1.3 i) * 3 + 0.1 i; y = x + 1.5 cos(2.1
  // i); mutual_info_regression(x[:, None], y, n_neighbors=k, random_state=0). sklearn adds 1e-10
  // noise too, which cannot reorder these distances.
  const x = Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.3) * 3 + i * 0.1);
  const y = x.map((v, i) => v + Math.cos(i * 2.1) * 1.5);
  assert.ok(Math.abs(ksgMi(x, y, { k: 3 }).mi - 1.2543269749082997) < 1e-9);
  assert.ok(Math.abs(ksgMi(x, y, { k: 5 }).mi - 1.0526616114047007) < 1e-9);
});

test('KSG is invariant to the cubic transform y -> y^3 (same MI)', () => {
  const task = correlatedGaussianTask(1, 0.8);
  const cubic = cubicTask(task);
  const plain = ksgMi(task.sample(3000, 4).x, task.sample(3000, 4).y).mi;
  const s = cubic.sample(3000, 4);
  const cubed = ksgMi(s.x, s.y).mi;
  assert.ok(Math.abs(cubed - cubic.mi) < 0.06, `cubic ${cubed} vs truth ${cubic.mi}`);
  // Max-norm ranks are preserved by a monotone map of a 1-D marginal, so the counts barely move.
  assert.ok(Math.abs(cubed - plain) < 0.03, `cubic ${cubed} vs plain ${plain}`);
});

test('KSG on independent data is ~0 (it may be slightly negative: the raw estimate is returned)', () => {
  // Sampling sd at N = 2000: ~0.01 for 1+1 dims, ~0.02 for 4+4 (measured over seeds).
  for (const [d, tolerance] of [
    [1, 0.03],
    [4, 0.07],
  ]) {
    const { x, y } = independentTask(d).sample(2000, 9 + d);
    const { mi } = ksgMi(x, y);
    assert.ok(Math.abs(mi) < tolerance, `d=${d}: ${mi}`);
  }
});

test('data processing: a lossy map of y does not increase the estimate', () => {
  const task = correlatedGaussianTask(1, 0.9);
  const { x, y } = task.sample(3000, 21);
  const full = ksgMi(x, y).mi;
  const rng = new Rng(5);
  const noisy = { ...y, data: y.data.map((v) => v + rng.normal()) }; // Y -> Y + noise
  // Y -> floor(Y): ties, jitter breaks them
  const quantised = { ...y, data: y.data.map((v) => Math.floor(v)) };
  const viaNoise = ksgMi(x, noisy).mi;
  const viaFloor = ksgMi(x, quantised).mi;
  assert.ok(viaNoise < full - 0.2, `I(X; Y + e) = ${viaNoise} vs I(X;Y) = ${full}`);
  assert.ok(viaFloor < full - 0.05, `I(X; floor Y) = ${viaFloor} vs I(X;Y) = ${full}`);
  // The noisy channel's own truth: correlation 0.9 / sqrt(2).
  const r = 0.9 / Math.SQRT2;
  assert.ok(Math.abs(viaNoise - -0.5 * Math.log(1 - r * r)) < 0.06);
});

test('additivity over independent pairs: I([X1,X2];[Y1,Y2]) = I(X1;Y1) + I(X2;Y2)', () => {
  const a = correlatedGaussianTask(1, 0.6);
  const b = correlatedGaussianTask(1, 0.8);
  const both = additiveTask(a, b);
  const s = both.sample(3000, 8);
  const joint = ksgMi(s.x, s.y).mi;
  const col = (m: Matrix, j: number) =>
    Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]);
  const sum = ksgMi(col(s.x, 0), col(s.y, 0)).mi + ksgMi(col(s.x, 1), col(s.y, 1)).mi;
  assert.ok(Math.abs(both.mi - (a.mi + b.mi)) < 1e-12);
  // The 4-D joint estimate carries a little of KSG's dimension bias.
  assert.ok(
    Math.abs(joint - sum) < 0.08,
    `joint ${joint} vs sum of parts ${sum} (truth ${both.mi})`,
  );
  assert.ok(Math.abs(joint - both.mi) < 0.1, `joint ${joint} vs truth ${both.mi}`);
});

test('discrete-valued data: the tie-breaking jitter gives a finite, sensible estimate', () => {
  // X uniform on 4 values, Y = X: I = H(X) = log 4. Without jitter every distance within a value is
  // 0.
  const rng = new Rng(3);
  const x = Array.from({ length: 2000 }, () => rng.int(4));
  const withJitter = ksgMi(x, x.slice()).mi;
  assert.ok(Math.abs(withJitter - Math.log(4)) < 0.1, `${withJitter} vs log 4 = ${Math.log(4)}`);
  assert.ok(Number.isFinite(ksgMi(x, x.slice(), { jitter: false }).mi));
});

test('same seed, same estimate; k is honoured', () => {
  const { x, y } = correlatedGaussianTask(2, 0.5).sample(1500, 2);
  assert.equal(ksgMi(x, y, { seed: 4 }).mi, ksgMi(x, y, { seed: 4 }).mi);
  assert.notEqual(ksgMi(x, y, { k: 3 }).mi, ksgMi(x, y, { k: 7 }).mi);
  assert.equal(ksgMi(x, y, { k: 7 }).k, 7);
});

test('KSG input errors: too few rows for k, bad k, constant column, NaN, mismatched rows', () => {
  const isInput = (pattern: RegExp) => (e: Error) =>
    e instanceof MilabInputError && pattern.test(e.message);
  assert.throws(() => ksgMi([1, 2, 3], [3, 1, 2]), isInput(/at least 4 rows/));
  assert.throws(
    () => ksgMi([1, 2, 3, 4, 5], [3, 1, 2, 5, 4], { k: 0 }),
    isInput(/k must be a positive integer/),
  );
  assert.throws(() => ksgMi([1, 2, 3, 4, 5], [2, 2, 2, 2, 2]), isInput(/y column 0 is constant/));
  assert.throws(() => ksgMi([1, 2, NaN, 4, 5], [3, 1, 2, 5, 4]), isInput(/x has NaN at row 2/));
  assert.throws(() => ksgMi([1, 2, Infinity, 4, 5], [3, 1, 2, 5, 4]), isInput(/x has Inf/));
  assert.throws(() => ksgMi([1, 2, 3, 4, 5], [3, 1, 2, 5]), isInput(/mismatched lengths/));
  assert.throws(() => ksgMi([], []), isInput(/empty/));
});

test('KSG time grows like N log N: N = 20000 costs well under 16x N = 5000', () => {
  const task = correlatedGaussianTask(1, 0.8);
  const small = task.sample(5000, 1);
  const large = task.sample(20000, 1);
  const time = (s: { x: Matrix; y: Matrix }) => {
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      ksgMi(s.x, s.y);
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  time(small); // warm up the JIT
  const ratio = time(large) / time(small);
  // N log N predicts ~4.7, N^2 predicts 16; the margin absorbs a busy shared machine.
  assert.ok(ratio < 10, `time ratio 20k/5k = ${ratio.toFixed(2)}`);
});
