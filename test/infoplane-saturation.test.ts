// The saturation curve: a layer of independent uniform units on 30 bins has 30^w symbols, so
// H(T)/log N climbs to 1 once 30^w is far above N, and stays low for one unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, Rng, saturationCurve } from 'milab';

test('saturationCurve: H(T)/log N rises with width to 1, and w* = log N / log bins', () => {
  const rng = new Rng(1);
  const rows = Array.from({ length: 2000 }, () => Array.from({ length: 8 }, () => rng.uniform()));
  const curve = saturationCurve(rows, { widths: [1, 2, 8], sampleSizes: [500, 2000], bins: 30 });
  assert.equal(curve.length, 6);
  const at = (w: number, n: number) => curve.find((p) => p.width === w && p.n === n)!;
  // One unit: at most 30 symbols, H <= log 30, far below log 2000.
  assert.ok(at(1, 2000).ratio <= Math.log(30) / Math.log(2000) + 1e-12);
  assert.equal(at(1, 2000).saturated, false);
  // Eight units: 30^8 symbols for 2000 samples: every sample its own symbol.
  assert.ok(at(8, 2000).ratio > 0.999);
  assert.equal(at(8, 2000).saturated, true);
  assert.ok(at(2, 500).ratio > at(1, 500).ratio);
  assert.ok(Math.abs(at(8, 2000).expectedWidth - Math.log(2000) / Math.log(30)) < 1e-12);
  assert.throws(() => saturationCurve(rows, { widths: [9], sampleSizes: [10] }), MilabInputError);
  assert.throws(() => saturationCurve(rows, { widths: [1], sampleSizes: [5000] }), MilabInputError);
});
