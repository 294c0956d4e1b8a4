// The exactly enumerated Gibbs learner of notebook 002 (M7, M9): the multiset sums agree with a
// brute-force sum over every ordered dataset, the Xu-Raginsky bound holds, and the meta-learning
// identity holds as corrected and misses KL(p* || p) as printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regularizingMi } from 'milab';

/** Brute force over all (2 * inputs)^n ordered datasets, written independently of the library. */
function bruteForce(n: number, gamma: number, inputs = 4, noise = 0.1) {
  const values = 2 * inputs;
  const p = (v: number) => {
    const x = v >> 1;
    const y = v & 1;
    return (1 / inputs) * (y === (x >= inputs / 2 ? 1 : 0) ? 1 - noise : noise);
  };
  const loss = (t: number, v: number) => ((v >> 1 >= t ? 1 : 0) === (v & 1) ? 0 : 1);
  const H = inputs + 1;
  const risk = Array.from({ length: H }, (_, t) => {
    let r = 0;
    for (let v = 0; v < values; v++) r += p(v) * loss(t, v);
    return r;
  });
  const sets: Array<{ prob: number; q: number[]; emp: number[] }> = [];
  const total = values ** n;
  for (let code = 0; code < total; code++) {
    const seq: number[] = [];
    let c = code;
    for (let i = 0; i < n; i++) {
      seq.push(c % values);
      c = Math.floor(c / values);
    }
    const prob = seq.reduce((a, v) => a * p(v), 1);
    const emp = Array.from({ length: H }, (_, t) => seq.reduce((a, v) => a + loss(t, v), 0) / n);
    const w = emp.map((l) => Math.exp(-gamma * n * l));
    const z = w.reduce((a, b) => a + b, 0);
    sets.push({ prob, q: w.map((x) => x / z), emp });
  }
  const qw = new Array(H).fill(0);
  for (const s of sets) s.q.forEach((v, w) => (qw[w] += s.prob * v));
  let mi = 0;
  let gap = 0;
  for (const s of sets)
    s.q.forEach((v, w) => {
      mi += s.prob * v * Math.log(v / qw[w]);
      gap += s.prob * v * (risk[w] - s.emp[w]);
    });
  return { mi, gap };
}

test('multiset sums equal the brute-force sums over ordered datasets', () => {
  for (const [n, gamma] of [
    [3, 0.7],
    [4, 2],
    [2, 10],
  ]) {
    const exact = regularizingMi.gibbsCase(n, gamma);
    const brute = bruteForce(n, gamma);
    assert.ok(Math.abs(exact.mi - brute.mi) < 1e-12, `n=${n} I ${exact.mi} vs ${brute.mi}`);
    assert.ok(Math.abs(exact.gap - brute.gap) < 1e-12, `n=${n} gap ${exact.gap} vs ${brute.gap}`);
  }
});

test('Xu-Raginsky: |gap| <= sqrt(I / 2n) on every case; a learner ignoring the data has I = 0', () => {
  for (const n of [4, 6, 8])
    for (const gamma of [0.5, 1, 2, 5, 20]) {
      const c = regularizingMi.gibbsCase(n, gamma);
      assert.ok(c.holds, `n=${n} gamma=${gamma}: gap ${c.gap} > bound ${c.bound}`);
      assert.ok(c.mi > 0 && c.gap > 0);
    }
  const blind = regularizingMi.gibbsCase(6, 0);
  assert.ok(Math.abs(blind.mi) < 1e-15 && Math.abs(blind.gap) < 1e-15);
});

test('the meta-learning identity: exact as corrected, off by KL(p* || p) as printed', () => {
  for (const modelNoise of [0.1, 0.3]) {
    const m = regularizingMi.metaLearningIdentity(5, 2, { modelNoise });
    assert.ok(Math.abs(m.lhs - m.corrected) < 1e-10, `${m.lhs} vs ${m.corrected}`);
    assert.ok(m.missing > 0.01);
    assert.ok(Math.abs(m.printed - m.lhs - m.missing) < 1e-10);
  }
});

test('bad arguments get one line', () => {
  assert.throws(() => regularizingMi.gibbsCase(0, 1), /n must be an integer in 1..12/);
  assert.throws(() => regularizingMi.gibbsCase(4, -1), /gamma must be a finite non-negative/);
  assert.throws(
    () => regularizingMi.gibbsCase(4, 1, { noise: 0.5 }),
    /noise must be in \(0, 0.5\)/,
  );
});
