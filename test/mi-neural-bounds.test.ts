// The bounds as pure functions of critic scores, checked against direct double-precision formulas
// on random score matrices, plus their structural properties (InfoNCE <= log N, gradient surgery of
// MINE/JS/SMILE, batched critics = sum of single ones). No training here: fast.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  Rng,
  scoresFromMatrix,
  logSumExp,
  dvBound,
  nwjBound,
  infonceBound,
  tubaBound,
  jsBound,
  jsFganObjective,
  smileBound,
  interpolatedBound,
  mineBound,
  MineEma,
  permuteRows,
  derangement,
  type CriticScores,
} from 'milab';
import { stopGradient } from 'milab/internal';

before(async () => {
  await useBackend({ quiet: true });
});

function randomMatrix(n: number, rng: Rng, scale = 2, diagShift = 1.5): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => scale * rng.normal() + (i === j ? diagShift : 0)),
  );
}

const lse = (v: number[]) => {
  const m = Math.max(...v);
  return m + Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0));
};
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const diag = (s: number[][]) => s.map((r, i) => r[i]);
const offDiag = (s: number[][]) => s.flatMap((r, i) => r.filter((_, j) => j !== i));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

function value(f: (s: CriticScores) => tf.Scalar, s: number[][]): number {
  return tf.tidy(() => f(scoresFromMatrix(tf.tensor2d(s))).dataSync()[0]);
}

test('scoresFromMatrix splits the diagonal and the off-diagonal rows', () => {
  const s = [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ];
  const { joint, marginal } = scoresFromMatrix(tf.tensor2d(s));
  assert.deepEqual(Array.from(joint.dataSync()), [1, 5, 9]);
  assert.deepEqual(marginal.arraySync(), [
    [2, 3],
    [4, 6],
    [7, 8],
  ]);
  tf.dispose([joint, marginal]);
});

test('each bound matches its formula on random score matrices', () => {
  const rng = new Rng(1);
  for (let trial = 0; trial < 3; trial++) {
    const n = 6 + trial * 5;
    const s = randomMatrix(n, rng);
    const j = diag(s);
    const m = offDiag(s);
    const logMeanExpM = lse(m) - Math.log(m.length);
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) < 1e-4 * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);

    close(value(dvBound, s), mean(j) - logMeanExpM, 'DV');
    close(value(nwjBound, s), mean(j) - mean(m.map((t) => Math.exp(t - 1))), 'NWJ');
    const nce = mean(s.map((row, i) => row[i] - lse(row))) + Math.log(n);
    close(value(infonceBound, s), nce, 'InfoNCE');
    const fgan = mean(j.map((t) => -softplus(-t))) - mean(m.map(softplus));
    close(value(jsFganObjective, s), fgan, 'JS f-GAN');
    // JS reports NWJ on T + 1.
    close(
      value(jsBound, s),
      mean(j.map((t) => t + 1)) - mean(m.map((t) => Math.exp(t))),
      'JS readout',
    );
    const tau = 1.5;
    const clipped = m.map((t) => Math.min(tau, Math.max(-tau, t)));
    close(
      value((sc) => smileBound(sc, tau), s),
      mean(j) - (lse(clipped) - Math.log(m.length)),
      'SMILE',
    );
    const logA = Array.from({ length: n }, () => rng.normal());
    const tuba =
      1 +
      mean(j.map((t, i) => t - logA[i])) -
      mean(s.flatMap((row, i) => row.filter((_, k) => k !== i).map((t) => Math.exp(t - logA[i]))));
    close(
      value((sc) => tubaBound(sc, tf.tensor1d(logA)), s),
      tuba,
      'TUBA',
    );
    close(
      value((sc) => interpolatedBound(sc, tf.tensor1d(logA), 0.3), s),
      interpolatedReference(s, logA, 0.3),
      'interpolated',
    );
  }
});

/** Poole et al.'s interpolated bound written out with loops (rows: x_i, baseline a(x_i)). */
function interpolatedReference(s: number[][], logA: number[], alpha: number): number {
  const n = s.length;
  const mix = (logMulti: number, i: number) =>
    lse([Math.log(alpha) + logMulti, Math.log(1 - alpha) + logA[i]]);
  let marginal = 0;
  let joint = 0;
  for (let i = 0; i < n; i++) {
    const negatives = s[i].filter((_, j) => j !== i);
    const baseII = mix(lse(negatives) - Math.log(n - 1), i);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      marginal += Math.exp(s[i][j] - baseII);
      const leaveOut = s[i].filter((_, k) => k !== j);
      joint += s[i][i] - mix(lse(leaveOut) - Math.log(n - 1), i);
    }
  }
  const pairs = n * (n - 1);
  return 1 + joint / pairs - marginal / pairs;
}

test('InfoNCE never exceeds log N, however large the critic scores', () => {
  const rng = new Rng(2);
  for (const n of [4, 16, 64]) {
    const s = randomMatrix(n, rng, 1, 1e4); // joint pairs scored absurdly high
    const v = value(infonceBound, s);
    assert.ok(v <= Math.log(n) + 1e-5, `InfoNCE ${v} > log ${n}`);
    assert.ok(v > Math.log(n) - 1e-3, `InfoNCE should saturate at log N, got ${v}`);
  }
});

test('MINE: the DV value with the gradient of E_p[T] - E_q[e^T] / moving average', () => {
  const rng = new Rng(3);
  const n = 8;
  const s1 = tf.tensor2d(randomMatrix(n, rng));
  const s2 = tf.tensor2d(randomMatrix(n, rng));
  const ema = new MineEma(0.1);
  const grad = tf.grad((s: tf.Tensor) => mineBound(scoresFromMatrix(s as tf.Tensor2D), ema));
  grad(s1).dispose(); // first batch initialises the average to its own mean of e^T
  const g2 = grad(s2);
  const v2 = tf.tidy(() => dvBound(scoresFromMatrix(s2)).dataSync()[0]);
  const m1 = offDiag(s1.arraySync());
  const m2 = offDiag(s2.arraySync());
  const avg = 0.9 * mean(m1.map(Math.exp)) + 0.1 * mean(m2.map(Math.exp));
  const g = g2.arraySync() as number[][];
  const arr = s2.arraySync();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const expected = i === j ? 1 / n : -Math.exp(arr[i][j]) / (m2.length * avg);
      assert.ok(
        Math.abs(g[i][j] - expected) < 1e-5,
        `d/dT[${i}][${j}] = ${g[i][j]}, expected ${expected}`,
      );
    }
  }
  const value2 = tf.tidy(() => mineBound(scoresFromMatrix(s2), ema, false).dataSync()[0]);
  assert.ok(Math.abs(value2 - v2) < 1e-5, 'MINE reports the DV value');
  tf.dispose([s1, s2, g2]);
  ema.dispose();
});

test('JS and SMILE train with the JS gradient; stopGradient blocks gradients', () => {
  const rng = new Rng(4);
  const s = tf.tensor2d(randomMatrix(6, rng));
  const gJs = tf.grad((t: tf.Tensor) => jsFganObjective(scoresFromMatrix(t as tf.Tensor2D)))(s);
  const gBound = tf.grad((t: tf.Tensor) => jsBound(scoresFromMatrix(t as tf.Tensor2D)))(s);
  const gSmile = tf.grad((t: tf.Tensor) => smileBound(scoresFromMatrix(t as tf.Tensor2D), 2))(s);
  const gStop = tf.grad((t: tf.Tensor) => tf.sum(stopGradient(t)))(s);
  const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
    tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  assert.ok(maxDiff(gJs, gBound) < 1e-6);
  assert.ok(maxDiff(gJs, gSmile) < 1e-6);
  assert.equal(
    tf.tidy(() => tf.max(tf.abs(gStop)).dataSync()[0]),
    0,
  );
  tf.dispose([s, gJs, gBound, gSmile, gStop]);
});

test('a leading axis of independent critics gives the sum of their bounds', () => {
  const rng = new Rng(5);
  const mats = [randomMatrix(7, rng), randomMatrix(7, rng), randomMatrix(7, rng)];
  for (const f of [
    dvBound,
    nwjBound,
    infonceBound,
    jsBound,
    (sc: CriticScores) => smileBound(sc, 1),
  ]) {
    const separate = mats.reduce((a, m) => a + value(f, m), 0);
    const batched = tf.tidy(() => f(scoresFromMatrix(tf.tensor3d(mats))).dataSync()[0]);
    assert.ok(Math.abs(batched - separate) < 1e-4, `${batched} vs ${separate}`);
  }
});

test('permuteRows reorders rows and sends gradients back through the inverse permutation', () => {
  const rng = new Rng(6);
  const n = 9;
  const perm = derangement(n, rng);
  assert.ok(
    Array.from(perm).every((p, i) => p !== i),
    'a derangement has no fixed point',
  );
  assert.deepEqual(
    [...perm].sort((a, b) => a - b),
    Array.from({ length: n }, (_, i) => i),
  );
  const t = tf.tensor2d(Array.from({ length: n }, () => [rng.normal(), rng.normal()]));
  const w = tf.tensor2d(Array.from({ length: n }, () => [rng.normal(), rng.normal()]));
  const shuffled = permuteRows(t, perm).arraySync();
  const rows = t.arraySync();
  for (let i = 0; i < n; i++) assert.deepEqual(shuffled[i], rows[perm[i]]);
  // d/dt sum(w * t[perm]) = w[inverse perm]
  const g = tf
    .grad((x: tf.Tensor) => tf.sum(tf.mul(w, permuteRows(x as tf.Tensor2D, perm))))(t)
    .arraySync() as number[][];
  const wa = w.arraySync();
  for (let i = 0; i < n; i++) assert.deepEqual(g[perm[i]], wa[i]);
  tf.dispose([t, w]);
});

test('bounds leave no tensors behind', () => {
  const rng = new Rng(7);
  const s = tf.tensor2d(randomMatrix(5, rng));
  const start = tf.memory().numTensors;
  for (const f of [dvBound, nwjBound, infonceBound, jsBound, jsFganObjective]) {
    const sc = scoresFromMatrix(s);
    f(sc).dispose();
    tf.dispose([sc.joint, sc.marginal]);
  }
  assert.equal(tf.memory().numTensors, start);
  s.dispose();
});

test('logSumExp: the value of tf.logSumExp and the softmax as gradient, for every axis form', () => {
  const x = tf.tensor3d(
    Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * 30),
    [2, 3, 4],
  );
  for (const [axis, keepDims] of [
    [undefined, false],
    [-1, false],
    [2, true],
    [[1, 2], false],
    [0, true],
  ] as const) {
    const ours = logSumExp(x, axis as number | number[] | undefined, keepDims);
    const reference = tf.logSumExp(x, axis as number | number[] | undefined, keepDims);
    assert.deepEqual(ours.shape, reference.shape, `shape for axis ${JSON.stringify(axis)}`);
    const diff = tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0];
    assert.ok(diff < 1e-4, `value differs by ${diff} for axis ${JSON.stringify(axis)}`);
    // A weighted sum makes the upstream gradient non-uniform.
    const weights = tf.randomUniform(reference.shape, 0.5, 2, 'float32', 7);
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(logSumExp(t, axis as number | number[] | undefined, keepDims), weights)),
    )(x);
    const gRef = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.logSumExp(t, axis as number | number[] | undefined, keepDims), weights)),
    )(x);
    const gDiff = tf.max(tf.abs(tf.sub(g, gRef))).dataSync()[0];
    assert.ok(gDiff < 1e-5, `gradient differs by ${gDiff} for axis ${JSON.stringify(axis)}`);
    tf.dispose([ours, reference, weights, g, gRef]);
  }
  x.dispose();
});
