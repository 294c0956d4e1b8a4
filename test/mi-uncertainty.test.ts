// Permutation test and bootstrap confidence intervals, through the registry and with a function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapCi,
  correlatedGaussianTask,
  gaussianMi,
  independentTask,
  Matrix,
  MilabInputError,
  permutationTest,
  Rng,
} from 'milab';

test('permutation test: p is minimal for dependent data and not small for independent data', async () => {
  const dep = correlatedGaussianTask(1, 0.5).sample(500, 1); // 0.14 nats, ~5 null sd
  const r = await permutationTest('ksg', dep.x, dep.y, { permutations: 99, seed: 1 });
  assert.equal(r.pValue, 1 / 100); // no shuffle reaches the observed estimate
  assert.ok(r.mi > r.nullMean + 4 * r.nullSd);
  const ind = independentTask(1).sample(500, 2);
  const q = await permutationTest('ksg', ind.x, ind.y, { permutations: 99, seed: 1 });
  assert.ok(q.pValue > 0.1, `p = ${q.pValue}`);
  assert.ok(Math.abs(q.nullMean) < 0.02);
});

test('permutation p-values are roughly uniform under independence (few below 0.05)', async () => {
  let small = 0;
  const trials = 20;
  for (let s = 0; s < trials; s++) {
    const { x, y } = independentTask(1).sample(200, 100 + s);
    const { pValue } = await permutationTest('gaussian', x, y, { permutations: 49, seed: s });
    if (pValue <= 0.05) small++;
  }
  assert.ok(small <= 4, `${small} of ${trials} p-values <= 0.05`);
});

test('conditional permutation test shuffles within strata of a discrete z', async () => {
  const rng = new Rng(3);
  const n = 600;
  const z = Array.from({ length: n }, () => rng.int(3));
  const x = z.map((v) => v + rng.normal());
  const y = z.map((v) => v + rng.normal()); // dependent on x only through z
  const r = await permutationTest('ksg', x, y, { z, permutations: 49, seed: 2 });
  assert.ok(r.pValue > 0.05, `p = ${r.pValue}`);
  const continuousZ = x.map(() => rng.normal());
  const shuffled = permutationTest('ksg', x, y, { z: continuousZ, permutations: 19 });
  await assert.rejects(shuffled, /z must be discrete/);
});

test('bootstrap CIs cover the truth at about the nominal rate (gaussian: replacement; ksg: half-samples)', async () => {
  const task = correlatedGaussianTask(1, 0.6);
  let coveredGaussian = 0;
  let coveredKsg = 0;
  const trials = 20;
  for (let s = 0; s < trials; s++) {
    const { x, y } = task.sample(400, 200 + s);
    const g = await bootstrapCi('gaussian', x, y, { resamples: 100, seed: s });
    assert.equal(g.resampling, 'replacement');
    if (g.ci[0] <= task.mi && task.mi <= g.ci[1]) coveredGaussian++;
    const k = await bootstrapCi('ksg', x, y, { resamples: 60, seed: s });
    assert.equal(k.resampling, 'subsample');
    assert.ok(k.ci[0] <= k.mi && k.mi <= k.ci[1]);
    if (k.ci[0] <= task.mi && task.mi <= k.ci[1]) coveredKsg++;
  }
  // 95% intervals: 20 trials should rarely miss more than 4 times.
  assert.ok(coveredGaussian >= 16, `gaussian covered ${coveredGaussian}/${trials}`);
  assert.ok(coveredKsg >= 16, `ksg covered ${coveredKsg}/${trials}`);
});

test('same seed, same interval and p-value; a different seed changes them', async () => {
  const { x, y } = correlatedGaussianTask(1, 0.3).sample(300, 7);
  const a = await bootstrapCi('ksg', x, y, { resamples: 40, seed: 5 });
  const b = await bootstrapCi('ksg', x, y, { resamples: 40, seed: 5 });
  const c = await bootstrapCi('ksg', x, y, { resamples: 40, seed: 6 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.ci, c.ci);
  const p = await permutationTest('gaussian', x, y, { permutations: 20, seed: 1 });
  assert.deepEqual(p, await permutationTest('gaussian', x, y, { permutations: 20, seed: 1 }));
});

test('uncertainty works with an estimator function too, and rejects bad settings', async () => {
  const fn = (x: Matrix, y: Matrix) => gaussianMi(x, y);
  const { x, y } = correlatedGaussianTask(1, 0.5).sample(300, 1);
  const r = await bootstrapCi(fn, x, y, { resamples: 50, level: 0.9 });
  assert.equal(r.level, 0.9);
  assert.ok(r.ci[0] < r.mi && r.mi < r.ci[1]);
  await assert.rejects(bootstrapCi('ksg', x, y, { resamples: 0 }), MilabInputError);
  await assert.rejects(bootstrapCi('ksg', x, y, { level: 1.5 }), MilabInputError);
  await assert.rejects(permutationTest('nope', x, y), /unknown estimator 'nope'/);
});
