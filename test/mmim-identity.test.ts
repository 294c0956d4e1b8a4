// MMIM's identity TC(h) - TC(h|Y) = sum_i I(Y;h_i) - I(Y;h) and the estimators used to check it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBackend, Rng, MilabInputError, knnLabelMi, mmim } from 'milab';

const { prepareFeatures, gaussianLayerTerms, knnLayerTerms, identitySides, identityOverParts } =
  mmim;

before(async () => {
  await useBackend({ quiet: true });
});

/** Units that depend on the class and on a shared factor (ReLU, like a hidden layer). */
function synthetic(
  n: number,
  d: number,
  classes: number,
  seed: number,
): { rows: number[][]; labels: number[] } {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const z = rng.normal();
    labels.push(c);
    rows.push(
      Array.from({ length: d }, (_, j) =>
        Math.max(0, (c % (j + 2)) * 0.8 + 0.7 * z + rng.normal()),
      ),
    );
  }
  return { rows, labels };
}

test('Gaussian-entropy terms satisfy the identity to rounding error', () => {
  const { rows, labels } = synthetic(3000, 5, 4, 1);
  const f = prepareFeatures(rows, { seed: 2 });
  const terms = gaussianLayerTerms(f, labels);
  const sides = identitySides(terms);
  assert.ok(Math.abs(sides.residual) < 1e-9, `residual ${sides.residual}`);
  assert.ok(terms.tc > 0.05 && terms.labelMi > 0.05, 'the example is not trivial');
});

test('Gaussian terms of a jointly Gaussian layer match the closed form', () => {
  // y independent of h: labelMi ~ 0, TC(h|Y) ~ TC(h); two units with correlation 0.6: TC = -0.5
  // log(1 - 0.36)
  const rng = new Rng(3);
  const rows = Array.from({ length: 20000 }, () => {
    const a = rng.normal();
    return [a, 0.6 * a + 0.8 * rng.normal()];
  });
  const labels = rows.map((_, i) => i % 2);
  const t = gaussianLayerTerms(rows, labels);
  const truth = -0.5 * Math.log(1 - 0.36);
  assert.ok(Math.abs(t.tc - truth) < 0.02, `TC ${t.tc} vs ${truth}`);
  assert.ok(Math.abs(t.labelMi) < 0.01, `I(Y;h) ${t.labelMi}`);
});

test("Ross's k-NN label MI: log 2 for separated classes, ~0 for independent ones", () => {
  const rng = new Rng(5);
  const labels = Array.from({ length: 2000 }, (_, i) => i % 2);
  const separated = labels.map((y) => [y * 10 + rng.normal()]);
  const independent = labels.map(() => [rng.normal()]);
  assert.ok(Math.abs(knnLabelMi(separated, labels) - Math.log(2)) < 0.02, 'separated classes');
  assert.ok(Math.abs(knnLabelMi(independent, labels)) < 0.03, 'independent');
  assert.throws(() => knnLabelMi(separated, labels.slice(1)), MilabInputError);
});

test('direct k-NN estimates of the two sides agree within their spread on a few units', () => {
  const { rows, labels } = synthetic(4000, 3, 4, 7);
  const f = prepareFeatures(rows, { seed: 8 });
  const check = identityOverParts(f, labels, 4, (h, y) => knnLayerTerms(h, y));
  const spread = Math.hypot(check.lhs.sd, check.rhs.sd);
  assert.ok(
    Math.abs(check.lhs.mean - check.rhs.mean) < 3 * spread + 0.05,
    `lhs ${check.lhs.mean} rhs ${check.rhs.mean} spread ${spread}`,
  );
  assert.equal(check.lhs.values.length, 4);
});

test('prepareFeatures drops dead units and keeps the most variable ones', () => {
  const rows = Array.from({ length: 60 }, (_, i) => [0, i % 7, (i % 3) * 5, 2, i % 2]);
  const f = prepareFeatures(rows, { units: 2, noise: 0 });
  assert.deepEqual(f.columns, [1, 2]);
  const mean = f.data.reduce((a, v) => a + v, 0) / f.data.length;
  assert.ok(Math.abs(mean) < 1e-12, 'standardised');
  assert.throws(() => prepareFeatures(rows, { units: 4 }), /only 3 of 5 units vary/);
});

test('summaries over repetitions keep the shape the stored runs hold: mean, sd and every value', () => {
  const terms = (x: number) => ({ tc: x, conditionalTc: x / 2, unitLabelMi: 1, labelMi: 0.5 });
  const check = mmim.summarizeIdentity([terms(1), terms(3)]);
  assert.deepEqual(check.terms.tc, { mean: 2, sd: Math.SQRT2, values: [1, 3] });
  assert.deepEqual(Object.keys(check.residual), ['mean', 'sd', 'values']);
  // A failed repetition is not dropped: the summary says so.
  assert.ok(Number.isNaN(mmim.summarizeIdentity([terms(1), terms(NaN)]).lhs.mean));
});
