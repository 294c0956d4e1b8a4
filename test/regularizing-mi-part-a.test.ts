// Part A of notebook 002: every exact check lands where the mathematics says, and the verdicts
// follow: the identities, Blahut-Arimoto and Arimoto reproduced; the slide's update formula and
// its meta-learning identity not reproduced as printed; M8 untestable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regularizingMi } from 'milab';

test('identities hold to float precision and nothing crosses the variational bounds', () => {
  const c = regularizingMi.checkIdentities(50, 3);
  assert.ok(c.maxError.m1 < 1e-12 && c.maxError.m2 < 1e-12 && c.maxError.m3 < 1e-12);
  assert.equal(c.violations, 0);
});

test("the slide's normaliser makes the test channel ignore the source", () => {
  const { typo, correct } = regularizingMi.typoUpdateRate(2);
  assert.ok(Math.abs(typo) < 1e-12, `typo rate ${typo}`);
  assert.ok(correct > 0.2, `correct rate ${correct}`);
});

test('chi-square f-MI: the identity with full support, infinite divergence without', () => {
  const c = regularizingMi.checkChiSquare(20, 1);
  assert.ok(c.fullSupportError < 1e-12);
  assert.notEqual(c.usualConvention.usual.toFixed(6), c.usualConvention.slide.toFixed(6));
  assert.equal(c.partialSupport.divergence, Infinity);
  assert.ok(c.partialSupport.meanRatio < 1 && Number.isFinite(c.partialSupport.variance));
});

test('Part A verdicts', () => {
  const claims = regularizingMi.partAClaims();
  const verdict = (prefix: string) =>
    claims.filter((c) => c.claim.startsWith(prefix)).map((c) => c.verdict);
  for (const id of ['M1', 'M2', 'M3', 'M5', 'M6', 'M7'])
    assert.deepEqual(verdict(`${id}:`), ['reproduced'], id);
  assert.deepEqual(verdict('M4:'), ['reproduced', 'not reproduced']);
  assert.deepEqual(verdict('M8:'), ['inconclusive']);
  assert.deepEqual(verdict('M9:'), ['not reproduced']);
  assert.equal(claims.length, regularizingMi.PART_A_CLAIMS.length + 1);
});
