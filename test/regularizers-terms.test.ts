// Layer regularizers made of signed layer terms (TC, TC(h|Y), sum_i I(Y;h_i), I(Y;h)): finite,
// differentiable, leak-free, deterministic, and measuring what they claim to (correlated >
// independent; strata respected).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  Rng,
  MilabInputError,
  LayerMiRegularizer,
  TotalCorrelationTerm,
  ConditionalTotalCorrelationTerm,
  columnPermutations,
  stratifiedColumnPermutations,
  shuffleColumns,
} from 'milab';
import { checkLayerTermSigns } from 'milab/internal';

before(async () => {
  await useBackend({ quiet: true });
});

const SMALL = { hidden: [32, 32] };

/** n rows of d units sharing a common factor with weight rho (0 = independent). */
function correlated(n: number, d: number, rho: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.randomNormal([n, 1], 0, 1, 'float32', seed);
    const e = tf.randomNormal([n, d], 0, 1, 'float32', seed + 1);
    return tf.add(tf.mul(z, rho), tf.mul(e, Math.sqrt(1 - rho * rho))) as tf.Tensor2D;
  });
}

function cyclicLabels(n: number, classes: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i % classes);
}

test('shuffleColumns moves each column by its own permutation and routes gradients back exactly', () => {
  const rng = new Rng(4);
  const h = tf.tensor2d([
    [1, 10],
    [2, 20],
    [3, 30],
    [4, 40],
  ]);
  const perms = columnPermutations(4, 2, rng);
  const out = shuffleColumns(h, perms).arraySync();
  for (let j = 0; j < 2; j++)
    for (let i = 0; i < 4; i++) assert.equal(out[i][j], (perms[j][i] + 1) * (j === 0 ? 1 : 10));
  for (const p of perms)
    for (let i = 0; i < 4; i++) assert.notEqual(p[i], i, 'derangement: no row keeps its value');
  const w = tf.tensor2d([
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
  ]);
  const g = tf
    .grad((x: tf.Tensor) => tf.sum(tf.mul(shuffleColumns(x as tf.Tensor2D, perms), w)))(h)
    .arraySync() as number[][];
  const wd = w.arraySync();
  for (let j = 0; j < 2; j++) for (let i = 0; i < 4; i++) assert.equal(g[perms[j][i]][j], wd[i][j]);
  tf.dispose([h, w]);
  assert.throws(
    () =>
      shuffleColumns(tf.zeros([4, 2]) as tf.Tensor2D, [Int32Array.from([0, 0, 1, 2]), perms[1]]),
    MilabInputError,
  );
});

test('stratified permutations only exchange rows with the same label', () => {
  const labels = Int32Array.from([0, 1, 0, 2, 1, 0, 2, 2, 1, 1]);
  for (const p of stratifiedColumnPermutations(labels, 5, new Rng(9))) {
    for (let i = 0; i < labels.length; i++) assert.equal(labels[p[i]], labels[i]);
    assert.deepEqual(
      [...p].sort((a, b) => a - b),
      [...labels.keys()],
      'a permutation',
    );
  }
});

/** Each term alone with the sign a penalty gives it, and the three-term sum (= -I(Y;h) exactly). */
const SIGN_MAPS = [
  { tc: 1 },
  { conditionalTc: -1 },
  { unitLabelMi: -1 },
  { labelMi: -1 },
  { tc: 1, conditionalTc: -1, unitLabelMi: -1 },
] as const;

test('every signed term map is finite and differentiable w.r.t. the layer, and leaks no tensors', async () => {
  const h = tf.relu(tf.randomNormal([64, 12], 0, 1, 'float32', 3)) as tf.Tensor2D;
  const y = cyclicLabels(64, 4);
  for (const signs of SIGN_MAPS) {
    const kind = JSON.stringify(signs);
    const reg = new LayerMiRegularizer(signs, 12, 4, { seed: 1, critic: SMALL, criticSteps: 2 });
    reg.updateCritic(h, y);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 25; step++) {
      reg.updateCritic(h, y);
      const { value, grads } = tf.tidy(() => {
        const r = tf.valueAndGrads((x: tf.Tensor) => reg.estimate(x as tf.Tensor2D, y))([h]);
        return { value: r.value, grads: r.grads[0] };
      });
      if (step === 24) {
        assert.ok(Number.isFinite(value.dataSync()[0]), `${kind}: penalty is finite`);
        const g = grads.dataSync();
        assert.ok(g.every(Number.isFinite), `${kind}: gradient is finite`);
        assert.ok(
          g.some((v) => Math.abs(v) > 1e-6),
          `${kind}: gradient is not zero`,
        );
      }
      tf.dispose([value, grads]);
    }
    assert.equal(tf.memory().numTensors, before, `${kind}: tensor count is flat`);
    const estimates = await reg.takeEstimates();
    assert.deepEqual(Object.keys(estimates).sort(), [...reg.termNames].sort());
    for (const v of Object.values(estimates)) assert.ok(Number.isFinite(v));
    reg.dispose();
  }
  h.dispose();
});

test('the TC estimate is larger for correlated units than for independent ones', () => {
  const y = cyclicLabels(128, 4);
  const estimateAfterTraining = (rho: number) => {
    const term = new TotalCorrelationTerm(6, 4, { ...SMALL, seed: 2, learningRate: 3e-3 });
    for (let step = 0; step < 100; step++) {
      const h = correlated(128, 6, rho, 100 + 2 * step);
      term.updateCritic(h, y);
      h.dispose();
    }
    const h = correlated(512, 6, rho, 7);
    const value = term.estimate(h, cyclicLabels(512, 4));
    const v = value.dataSync()[0];
    tf.dispose([h, value]);
    term.dispose();
    return v;
  };
  const independent = estimateAfterTraining(0);
  // true TC of 6 units with correlation 0.64: 1.9 nats
  const dependent = estimateAfterTraining(0.8);
  assert.ok(
    Math.abs(independent) < 0.15,
    `independent units: TC estimate ${independent} should be near 0`,
  );
  assert.ok(dependent > independent + 0.6, `correlated ${dependent} vs independent ${independent}`);
});

test('the conditional TC respects the label strata: units dependent only through Y have TC > 0, TC(h|Y) ~ 0', () => {
  // h = mean(y) + independent noise: dependent marginally, independent given y.
  const classes = 4;
  const means = tf.tensor2d(
    Array.from({ length: classes }, (_, c) => Array.from({ length: 6 }, () => (c - 1.5) * 1.2)),
  );
  const batch = (n: number, seed: number) => {
    const y = Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % classes);
    const h = tf.tidy(
      () =>
        tf.add(
          tf.gather(means, tf.tensor1d(y, 'int32')),
          tf.randomNormal([n, 6], 0, 1, 'float32', seed),
        ) as tf.Tensor2D,
    );
    return { h, y };
  };
  const train = (term: TotalCorrelationTerm | ConditionalTotalCorrelationTerm) => {
    for (let step = 0; step < 100; step++) {
      const { h, y } = batch(128, 200 + step);
      term.updateCritic(h, y);
      h.dispose();
    }
    const { h, y } = batch(512, 5);
    const value = term.estimate(h, y);
    const v = value.dataSync()[0];
    tf.dispose([h, value]);
    term.dispose();
    return v;
  };
  const tc = train(new TotalCorrelationTerm(6, classes, { ...SMALL, seed: 3, learningRate: 3e-3 }));
  const ctc = train(
    new ConditionalTotalCorrelationTerm(6, classes, { ...SMALL, seed: 3, learningRate: 3e-3 }),
  );
  means.dispose();
  assert.ok(Math.abs(ctc) < 0.2, `TC(h|Y) = ${ctc} should be near 0`);
  assert.ok(tc > ctc + 0.5, `TC(h) = ${tc} should exceed TC(h|Y) = ${ctc}`);
});

test('the same seed gives the same penalty; another seed a different one', () => {
  const h = tf.relu(tf.randomNormal([32, 8], 0, 1, 'float32', 11)) as tf.Tensor2D;
  const y = cyclicLabels(32, 3);
  const run = (seed: number) => {
    const reg = new LayerMiRegularizer({ tc: 1, conditionalTc: -1, unitLabelMi: -1 }, 8, 3, {
      seed,
      critic: SMALL,
    });
    for (let s = 0; s < 5; s++) reg.updateCritic(h, y);
    const p = reg.estimate(h, y);
    const v = p.dataSync()[0];
    p.dispose();
    reg.dispose();
    return v;
  };
  assert.equal(run(5), run(5));
  assert.notEqual(run(5), run(6));
  h.dispose();
});

test('bad input gives one-line input errors', () => {
  const inputError = (pattern: RegExp) => (e: Error) =>
    e instanceof MilabInputError && pattern.test(e.message);
  assert.throws(
    () => new LayerMiRegularizer({ tv: 1 } as never, 8, 3),
    inputError(/unknown layer term 'tv' \(expected tc, conditionalTc, unitLabelMi, labelMi\)/),
  );
  assert.throws(
    () => new LayerMiRegularizer({ tc: 2 } as never, 8, 3),
    inputError(/sign of layer term 'tc' must be 1 or -1, got 2/),
  );
  assert.throws(() => new LayerMiRegularizer({}, 8, 3), inputError(/at least one of tc/));
  assert.throws(
    () => new LayerMiRegularizer('tc' as never, 8, 3),
    inputError(/map of term to sign/),
  );
  // The order of the map does not matter: the terms run in a fixed order.
  assert.deepEqual(Object.keys(checkLayerTermSigns({ unitLabelMi: -1, tc: 1 })), [
    'tc',
    'unitLabelMi',
  ]);
  const reg = new LayerMiRegularizer({ conditionalTc: -1 }, 8, 3, { critic: SMALL });
  const h = tf.zeros([16, 8]) as tf.Tensor2D;
  assert.throws(
    () => reg.estimate(tf.zeros([16, 5]) as tf.Tensor2D, cyclicLabels(16, 3)),
    /shape \[batch, 8\]/,
  );
  assert.throws(() => reg.estimate(h, cyclicLabels(15, 3)), /16 rows but 15 labels/);
  assert.throws(
    () =>
      reg.estimate(
        h,
        Int32Array.from({ length: 16 }, () => 3),
      ),
    /outside 0\.\.2/,
  );
  assert.throws(() => new LayerMiRegularizer({ tc: 1 }, 8, 3, { criticSteps: 0 }), /criticSteps/);
  h.dispose();
  reg.dispose();
});
