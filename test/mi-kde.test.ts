// Kernel estimators: the generic KDE MI estimate, and the Kolchinsky-Tracey bounds on I(X;T) for a
// noisy layer T = h(X) + N(0, sigma^2 I) (Saxe et al. 2018).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  correlatedGaussianTask,
  independentTask,
  kdeLayerBounds,
  kdeMi,
  MilabInputError,
  Rng,
} from 'milab';

test('kdeMi: close to the truth for a 1-D Gaussian pair, ~0 for independent data', () => {
  const task = correlatedGaussianTask(1, 0.8);
  const { x, y } = task.sample(1500, 1);
  const r = kdeMi(x, y);
  // Kernel smoothing biases it down a little at this N (measured 0.48 for truth 0.51).
  assert.ok(Math.abs(r.mi - task.mi) < 0.08, `${r.mi} vs ${task.mi}`);
  assert.ok(Math.abs(r.bandwidth - Math.pow(1500, -1 / 6)) < 1e-12);
  const ind = independentTask(1).sample(1500, 2);
  assert.ok(Math.abs(kdeMi(ind.x, ind.y).mi) < 0.04);
});

test('kdeLayerBounds: well-separated clusters give log(#clusters); lower <= upper <= log N', () => {
  const rng = new Rng(4);
  const n = 400;
  const clusters = 4;
  const labels = Array.from({ length: n }, (_, i) => i % clusters);
  const h = labels.map((c) => [10 * c + 0.01 * rng.normal(), -10 * c + 0.01 * rng.normal()]);
  const b = kdeLayerBounds(h, { noiseSd: 0.5, labels });
  assert.ok(b.lower <= b.upper + 1e-12);
  assert.ok(Math.abs(b.upper - Math.log(clusters)) < 0.01, `upper ${b.upper}`);
  assert.ok(Math.abs(b.lower - Math.log(clusters)) < 0.01, `lower ${b.lower}`);
  // The labels are the clusters, so T tells Y completely: I(T;Y) = H(Y) = log 4.
  assert.ok(Math.abs((b.ity ?? NaN) - Math.log(clusters)) < 0.01, `I(T;Y) ${b.ity}`);
});

test('kdeLayerBounds: tiny noise saturates at log N, huge noise goes to 0, monotone in between', () => {
  const { x } = correlatedGaussianTask(3, 0).sample(300, 2);
  const tiny = kdeLayerBounds(x, { noiseSd: 1e-4 });
  assert.ok(Math.abs(tiny.upper - Math.log(300)) < 1e-6);
  const huge = kdeLayerBounds(x, { noiseSd: 1e4 });
  assert.ok(huge.upper < 1e-6 && huge.lower >= 0);
  let previous = Infinity;
  for (const sd of [0.05, 0.2, 1, 3]) {
    const { upper, lower } = kdeLayerBounds(x, { noiseSd: sd });
    assert.ok(upper < previous && lower <= upper);
    previous = upper;
  }
});

test('kde input errors', () => {
  assert.throws(
    () => kdeLayerBounds([[1], [2]], { noiseSd: 0 }),
    (e: Error) => e instanceof MilabInputError,
  );
  assert.throws(
    () => kdeMi([1, 2, 3, 4], [1, 1, 1, 1]),
    (e: Error) => e instanceof MilabInputError && /constant/.test(e.message),
  );
  assert.throws(
    () => kdeMi([1, 2], [2, 1]),
    (e: Error) => e instanceof MilabInputError,
  );
});
