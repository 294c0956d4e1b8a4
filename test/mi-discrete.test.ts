// Exact discrete information: Blahut-Arimoto against the closed forms of Cover & Thomas (binary and
// uniform M-ary sources under Hamming distortion; BSC, BEC and Z channel), monotone traces and one
// limit from many starts; the variational forms of MI on random joint tables (the optimum attains
// I, nothing else crosses it); f-MI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Rng,
  binaryEntropy,
  binaryRateDistortion,
  uniformRateDistortion,
  bscCapacity,
  becCapacity,
  zChannelCapacity,
  rateDistortion,
  rateDistortionCurve,
  channelCapacity,
  variationalMiLower,
  variationalMiUpper,
  posteriorTable,
  fMutualInformation,
  miFromJointTable,
} from 'milab';

const hamming = (m: number) =>
  Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 0 : 1)));
const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);

test('closed forms at their known points', () => {
  close(binaryEntropy(0.5), Math.log(2), 1e-15, 'H_b(1/2)');
  assert.equal(binaryEntropy(0), 0);
  close(bscCapacity(0), Math.log(2), 1e-15, 'BSC(0)');
  close(bscCapacity(0.5), 0, 1e-15, 'BSC(1/2)');
  close(becCapacity(0.25), 0.75 * Math.log(2), 1e-15, 'BEC(1/4)');
  close(zChannelCapacity(0.5), Math.log(1.25), 1e-15, 'Z(1/2)');
  assert.equal(binaryRateDistortion(0.3, 0.3), 0);
  close(uniformRateDistortion(2, 0.1), binaryRateDistortion(0.5, 0.1), 1e-15, 'M = 2 is binary');
  assert.throws(() => binaryEntropy(1.5), /p must be a probability in \[0, 1\], got 1.5/);
  assert.throws(() => uniformRateDistortion(1, 0.1), /symbols must be an integer >= 2/);
});

test('Blahut-Arimoto rate-distortion meets R(D) of a binary source, for every slope', () => {
  for (const p of [0.5, 0.3, 0.1]) {
    const curve = rateDistortionCurve([p, 1 - p], hamming(2), [0.5, 1, 2, 3, 5, 8]);
    let checked = 0;
    for (const point of curve) {
      if (point.distortion >= Math.min(p, 1 - p) - 1e-9) continue; // the zero-rate end
      close(
        point.rate,
        binaryRateDistortion(p, point.distortion),
        1e-6,
        `p = ${p}, beta ${point.beta}`,
      );
      checked++;
    }
    assert.ok(checked >= 3, `p = ${p}: ${checked} points below the zero-rate end`);
  }
});

test('... and of a uniform M-ary source', () => {
  for (const m of [4, 8]) {
    const source = new Array(m).fill(1 / m);
    for (const beta of [1, 2, 4]) {
      const r = rateDistortion(source, hamming(m), beta);
      assert.ok(r.converged);
      close(r.rate, uniformRateDistortion(m, r.distortion), 1e-6, `M = ${m}, beta ${beta}`);
    }
  }
});

test('the objective never increases, and 20 random starts reach one limit', () => {
  const source = [0.2, 0.5, 0.3];
  const d = [
    [0, 1, 4],
    [1, 0, 1],
    [4, 1, 0],
  ];
  const limits: number[] = [];
  for (let seed = 0; seed < 20; seed++) {
    const r = rateDistortion(source, d, 1.5, { init: 'random', seed });
    for (let i = 1; i < r.trace.length; i++)
      assert.ok(r.trace[i] <= r.trace[i - 1] + 1e-12, `seed ${seed}, step ${i} went up`);
    limits.push(r.trace[r.trace.length - 1]);
  }
  assert.ok(
    Math.max(...limits) - Math.min(...limits) < 1e-8,
    `limits ${Math.min(...limits)}..${Math.max(...limits)}`,
  );
});

test("Arimoto's capacity: BSC, BEC and Z channel; the bracket closes from any start", () => {
  const cases: Array<[string, number[][], number]> = [
    [
      'BSC 0.1',
      [
        [0.9, 0.1],
        [0.1, 0.9],
      ],
      bscCapacity(0.1),
    ],
    [
      'BEC 0.3',
      [
        [0.7, 0.3, 0],
        [0, 0.3, 0.7],
      ],
      becCapacity(0.3),
    ],
    [
      'Z 0.5',
      [
        [1, 0],
        [0.5, 0.5],
      ],
      zChannelCapacity(0.5),
    ],
  ];
  for (const [name, w, exact] of cases) {
    for (const seed of [0, 1, 2]) {
      const c = channelCapacity(w, { init: seed === 0 ? 'uniform' : 'random', seed });
      assert.ok(c.converged, name);
      close(c.capacity, exact, 1e-9, name);
      assert.ok(c.upperBound >= c.capacity - 1e-15);
      for (let i = 1; i < c.trace.length; i++) assert.ok(c.trace[i] >= c.trace[i - 1] - 1e-12);
    }
  }
  // The Z channel's best input is not uniform: 1 is sent less, it is the noisy one.
  const z = channelCapacity([
    [1, 0],
    [0.5, 0.5],
  ]);
  close(z.p[1], 0.4, 1e-6, 'Z(1/2) optimal P(1) = 2/5');
});

test('variational forms on 200 random tables: the optimum attains I, nothing else crosses it', () => {
  const rng = new Rng(11);
  const simplex = (n: number) => {
    const v = Array.from({ length: n }, () => -Math.log(1 - rng.uniform()));
    const s = v.reduce((a, b) => a + b, 0);
    return v.map((x) => x / s);
  };
  let violations = 0;
  for (let t = 0; t < 200; t++) {
    const rows = 2 + rng.int(7);
    const cols = 2 + rng.int(7);
    const flat = simplex(rows * cols);
    const pxy = Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
    const mi = miFromJointTable(pxy);
    const py = Array.from({ length: cols }, (_, j) => pxy.reduce((a, r) => a + r[j], 0));
    close(variationalMiLower(pxy, posteriorTable(pxy)), mi, 1e-10, `table ${t} lower`);
    close(variationalMiUpper(pxy, py), mi, 1e-10, `table ${t} upper`);
    const phi = Array.from({ length: cols }, () => simplex(rows));
    if (variationalMiLower(pxy, phi) > mi + 1e-12) violations++;
    if (variationalMiUpper(pxy, simplex(cols)) < mi - 1e-12) violations++;
    close(
      fMutualInformation(pxy, (r) => r * Math.log(r)),
      mi,
      1e-10,
      `table ${t} f = t ln t`,
    );
  }
  assert.equal(violations, 0);
});

test('f-MI with f(t) = (t - 1)^2 is the chi-square information', () => {
  const pxy = [
    [0.3, 0.1],
    [0.2, 0.4],
  ];
  const px = [0.4, 0.6];
  const py = [0.5, 0.5];
  let chi2 = -1;
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) chi2 += pxy[i][j] ** 2 / (px[i] * py[j]);
  close(
    fMutualInformation(pxy, (t) => (t - 1) ** 2),
    chi2,
    1e-14,
    'chi-square',
  );
});

test('bad tables get one line naming the problem', () => {
  assert.throws(
    () => rateDistortion([0.5, 0.6], hamming(2), 1),
    /source distribution must sum to 1, sums to 1.1/,
  );
  assert.throws(() => rateDistortion([0.5, 0.5], [[0, 1]], 1), /needs 2 rows/);
  assert.throws(
    () => rateDistortion([0.5, 0.5], hamming(2), -1),
    /beta must be a finite non-negative/,
  );
  assert.throws(
    () => channelCapacity([[0.5, 0.5], [1]]),
    /channel row 1 has 1 entries, expected 2/,
  );
  assert.throws(
    () => variationalMiUpper([[0.5, 0.5]], [1]),
    /m has 1 entries, the table 2 columns/,
  );
  assert.throws(
    () => variationalMiLower([[0.5, NaN]], [[1], [1]]),
    /finite non-negative probability, got NaN/,
  );
});
