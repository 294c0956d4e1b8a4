// Neural conditional MI (discrete z) and total correlation against Gaussian truth. The tolerances
// are loose on purpose: a few hundred steps on ~2,000 samples; the point is that the estimates land
// near the truth and respond to conditioning the way the truth does.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBackend,
  Rng,
  gaussianTcTask,
  neuralConditionalMi,
  neuralTotalCorrelation,
  neuralMi,
  MilabInputError,
} from 'milab';

before(async () => {
  await useBackend({ quiet: true });
});

const FAST = {
  hidden: [64],
  maxSteps: 400,
  minSteps: 100,
  evalEvery: 25,
  patience: 4,
  learningRate: 2e-3,
  seed: 1,
};

/**
 * z uniform on {0, 1, 2}; x = 2z + a, y = -1.5z + b with corr(a_k, b_k) = rho, all else
 * independent. I(X;Y|Z) = I(A;B) = -(d/2) log(1 - rho^2); the shared z adds unconditional MI on
 * top.
 */
function stratifiedGaussian(n: number, d: number, rho: number, seed: number) {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  const z: number[] = [];
  for (let i = 0; i < n; i++) {
    const zi = rng.int(3);
    const xi: number[] = [];
    const yi: number[] = [];
    for (let k = 0; k < d; k++) {
      const a = rng.normal();
      xi.push(2 * zi + a);
      yi.push(-1.5 * zi + rho * a + Math.sqrt(1 - rho * rho) * rng.normal());
    }
    x.push(xi);
    y.push(yi);
    z.push(zi);
  }
  return { x, y, z, cmi: -(d / 2) * Math.log(1 - rho * rho) };
}

test('conditional MI with a discrete z: near I(A;B), and near zero when x and y only share z', async () => {
  const dependent = stratifiedGaussian(2000, 3, 0.6, 1);
  const cmi = await neuralConditionalMi(dependent.x, dependent.y, dependent.z, FAST);
  assert.ok(
    Math.abs(cmi.mi - dependent.cmi) < 0.15,
    `I(X;Y|Z) ${cmi.mi.toFixed(3)} vs ${dependent.cmi.toFixed(3)}`,
  );

  const onlyZ = stratifiedGaussian(2000, 3, 0, 2);
  const conditional = await neuralConditionalMi(onlyZ.x, onlyZ.y, onlyZ.z, FAST);
  const unconditional = await neuralMi(onlyZ.x, onlyZ.y, { ...FAST, bound: 'smile' });
  assert.ok(
    Math.abs(conditional.mi) < 0.08,
    `I(X;Y|Z) = 0 but estimated ${conditional.mi.toFixed(3)}`,
  );
  assert.ok(
    unconditional.mi > 0.4,
    `I(X;Y) through z estimated only ${unconditional.mi.toFixed(3)}`,
  );
});

test('total correlation of equicorrelated Gaussians, and conditional TC given labels', async () => {
  const task = gaussianTcTask(6, 0.4);
  const h = task.sample(2000, 3);
  const tc = await neuralTotalCorrelation(h, FAST);
  assert.ok(Math.abs(tc.mi - task.tc) < 0.25, `TC ${tc.mi.toFixed(3)} vs ${task.tc.toFixed(3)}`);

  // Label 0: correlated block (TC of rho = 0.6); label 1: independent coordinates. Means differ by
  // label, which adds unconditional TC but none given the label.
  const correlated = gaussianTcTask(4, 0.6);
  const rng = new Rng(4);
  const a = correlated.sample(1000, 5);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 1000; i++) {
    rows.push(Array.from(a.data.subarray(i * 4, i * 4 + 4), (v) => v + 1.5));
    labels.push(0);
    rows.push(Array.from({ length: 4 }, () => rng.normal() - 1.5));
    labels.push(1);
  }
  const conditionalTruth = 0.5 * correlated.tc;
  const given = await neuralTotalCorrelation(rows, { ...FAST, labels });
  assert.ok(
    Math.abs(given.mi - conditionalTruth) < 0.2,
    `TC(h|y) ${given.mi.toFixed(3)} vs ${conditionalTruth.toFixed(3)}`,
  );
  const marginal = await neuralTotalCorrelation(rows, FAST);
  assert.ok(
    marginal.mi > given.mi + 0.3,
    `the label-driven means add TC: ${marginal.mi.toFixed(3)} vs ${given.mi.toFixed(3)}`,
  );
});

test('continuous or malformed conditioning variables are input errors', async () => {
  const rng = new Rng(6);
  const x = Array.from({ length: 100 }, () => [rng.normal()]);
  const continuous = Array.from({ length: 100 }, () => rng.normal());
  await assert.rejects(
    neuralConditionalMi(x, x, continuous),
    (e: Error) =>
      e instanceof MilabInputError && /must be discrete|looks continuous/.test(e.message),
  );
  await assert.rejects(neuralTotalCorrelation(x), /at least 2 columns/);
  await assert.rejects(
    neuralTotalCorrelation(
      [
        [1, 2],
        [3, 4],
        [5, 7],
        [6, 1],
      ],
      { bound: 'tuba' },
    ),
    /not tuba/,
  );
});
