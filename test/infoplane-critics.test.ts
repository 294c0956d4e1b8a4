// The three kinds of statistics network (concat, conv-first, nonlinear-first) and the preparation
// of layer activations: shapes, consistency of the two scoring routes, seeded (re-)initialisation,
// standardisation and the noise ceiling, errors, and no tensor left behind. (Noise on L is tested
// through MINE in infoplane-measurer.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  MilabInputError,
  Rng,
  buildStatisticsNetwork,
  gaussianChannelCeiling,
  kdeLayerBounds,
  statisticsNetworkSpec,
  oneHotLabels,
  standardizeGlobally,
  standardizeUnits,
  tf,
  useBackend,
  type StatisticsNetworkSpec,
} from 'milab';

before(async () => {
  await useBackend({ quiet: true });
});

const spec = (
  architecture: StatisticsNetworkSpec['architecture'],
  hidden = 6,
): StatisticsNetworkSpec => ({
  label: architecture,
  architecture,
  hidden,
  noiseSigma: 0,
});

function randomRows(n: number, d: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(new Rng(seed).normals(n * d), [n, d]);
}

async function values(vars: readonly tf.Variable[]): Promise<Float32Array[]> {
  return Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
}

// An image-like side (X or a pooled feature map) against a map and against a vector, for each
// architecture.
const pairs = [
  { a: [12, 12, 1], l: [4, 4, 3] },
  { a: [10], l: [9, 9, 2] },
  { a: [5], l: [7] },
];

for (const architecture of ['concat', 'conv-first', 'nonlinear-first'] as const) {
  for (const shapes of pairs) {
    test(`${architecture} [${shapes.a}] x [${shapes.l}]: pair scores [n], score matrix [n, m] whose diagonal is the pair scores`, () => {
      const before = tf.memory().numTensors;
      const net = buildStatisticsNetwork(spec(architecture), shapes, 7);
      const da = shapes.a.reduce((p, s) => p * s, 1);
      const dl = shapes.l.reduce((p, s) => p * s, 1);
      const a = randomRows(5, da, 1);
      const l = randomRows(5, dl, 2);
      const pair = net.pairScores(a, l);
      const matrix = net.scoreMatrix(a, l);
      assert.deepEqual(pair.shape, [5]);
      assert.deepEqual(matrix.shape, [5, 5]);
      const diagonal = tf.tidy(() => tf.sum(tf.mul(matrix, tf.eye(5)), 1));
      const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(diagonal, pair))).dataSync()[0]);
      assert.ok(gap < 1e-4, `diagonal differs from pair scores by ${gap}`);
      const head = tf.slice(l, [0, 0], [3, dl]) as tf.Tensor2D;
      const rect = net.scoreMatrix(a, head);
      assert.deepEqual(rect.shape, [5, 3]);
      assert.ok(Array.from(pair.dataSync()).every(Number.isFinite));
      for (const t of [a, l, head, pair, matrix, diagonal, rect]) t.dispose();
      net.dispose();
      assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    });
  }
}

test('variables: Arch 1 has only the Dense layers; Arch 2 adds a conv per feature map; Arch 3 a Dense per side', () => {
  const shapes = { a: [12, 12, 1], l: [6] };
  const count = (architecture: StatisticsNetworkSpec['architecture']) => {
    const net = buildStatisticsNetwork(spec(architecture, 4), shapes, 1);
    const n = net.variables.length;
    const sizes = net.variables.map((v) => v.size).reduce((p, s) => p + s, 0);
    net.dispose();
    return { n, sizes };
  };
  assert.deepEqual(count('concat'), { n: 4, sizes: (144 + 6) * 4 + 4 + 4 + 1 });
  // Conv 5x5 stride 2 on 12x12 -> 4x4x8 = 128 features, plus ReLU(l) with 6.
  assert.deepEqual(count('conv-first'), { n: 6, sizes: 5 * 5 * 8 + 8 + (128 + 6) * 4 + 4 + 4 + 1 });
  assert.deepEqual(count('nonlinear-first'), {
    n: 8,
    sizes: 144 * 4 + 4 + 6 * 4 + 4 + (4 + 4) * 4 + 4 + 4 + 1,
  });
});

test('seeded: same seed same weights; reinitialise draws new ones and the old seed brings them back', async () => {
  const shapes = { a: [8], l: [4, 4, 2] };
  const one = buildStatisticsNetwork(spec('conv-first'), shapes, 11);
  const two = buildStatisticsNetwork(spec('conv-first'), shapes, 11);
  assert.deepEqual(await values(one.variables), await values(two.variables));
  const identity = one.variables.slice();
  one.reinitialise(12);
  const changed = await values(one.variables);
  const original = await values(two.variables);
  assert.notDeepEqual(changed[0], original[0]);
  assert.ok(
    one.variables.every((v, i) => v === identity[i]),
    'reinitialise must keep the variables',
  );
  one.reinitialise(11);
  assert.deepEqual(await values(one.variables), original);
  one.dispose();
  two.dispose();
});

test('statisticsNetworkSpec: a checked spec with a default label', () => {
  assert.deepEqual(statisticsNetworkSpec('conv-first', 8), {
    label: 'conv-first h=8',
    architecture: 'conv-first',
    hidden: 8,
    noiseSigma: 0,
  });
  assert.equal(statisticsNetworkSpec('concat', 20, 0.1).label, 'concat h=20 σ=0.1');
  assert.equal(statisticsNetworkSpec('concat', 20, 0.1, '1(3)').label, '1(3)');
  assert.throws(() => statisticsNetworkSpec('concat', 0), MilabInputError);
  assert.throws(
    () => statisticsNetworkSpec('dense' as never, 4),
    /architecture must be one of concat, conv-first, nonlinear-first/,
  );
});

test('bad specs and inputs give one-line input errors', () => {
  const shapes = { a: [4], l: [3] };
  assert.throws(
    () => buildStatisticsNetwork({ ...spec('concat'), hidden: 0 }, shapes, 1),
    MilabInputError,
  );
  assert.throws(
    () => buildStatisticsNetwork({ ...spec('concat'), noiseSigma: -1 }, shapes, 1),
    MilabInputError,
  );
  assert.throws(
    () => buildStatisticsNetwork({ ...spec('concat'), architecture: 'mlp' as never }, shapes, 1),
    /architecture/,
  );
  assert.throws(() => buildStatisticsNetwork(spec('concat'), { a: [4, 4], l: [3] }, 1), /shapes.a/);
  const net = buildStatisticsNetwork(spec('concat'), shapes, 1);
  const a = randomRows(3, 4, 1);
  const wrong = randomRows(3, 5, 2);
  assert.throws(() => net.pairScores(a, wrong), /input l must be \[n, 3\]/);
  a.dispose();
  wrong.dispose();
  net.dispose();
});

test('standardizeUnits: per-unit z-scores over sqrt(live units), so E||row||^2 = 1; dead units become 0', async () => {
  const raw = tf.tensor2d([
    [1, 5, 0, 100],
    [2, 5, 0, 300],
    [3, 5, 0, 200],
    [6, 5, 0, 400],
  ]);
  const z = await standardizeUnits(raw);
  const { mean, variance } = tf.moments(z, 0);
  const m = Array.from(mean.dataSync());
  const v = Array.from(variance.dataSync());
  assert.ok(
    m.every((x) => Math.abs(x) < 1e-5),
    `means ${m}`,
  );
  // Two live units: each carries half of the unit mean squared norm.
  assert.deepEqual(
    v.map((x) => Math.round(x * 1e4) / 1e4),
    [0.5, 0, 0, 0.5],
  );
  const norm = tf.tidy(() => tf.mean(tf.sum(tf.square(z), 1)).dataSync()[0]);
  assert.ok(Math.abs(norm - 1) < 1e-5, `mean squared norm ${norm}`);
  const g = await standardizeGlobally(raw);
  const gm = tf.moments(g);
  assert.ok(
    Math.abs(gm.mean.dataSync()[0]) < 1e-5 && Math.abs(gm.variance.dataSync()[0] - 1 / 4) < 1e-4,
  );
  for (const t of [raw, z, mean, variance, g, gm.mean, gm.variance]) t.dispose();
  await assert.rejects(() => standardizeUnits(tf.zeros([1, 3]) as tf.Tensor2D), /at least 2 rows/);
  await assert.rejects(
    () => standardizeUnits(tf.ones([4, 3]) as tf.Tensor2D),
    /every unit of the layer is constant/,
  );
});

test('gaussianChannelCeiling: 1/(2 sigma^2); the KDE lower bound on a standardised layer never exceeds it', async () => {
  assert.equal(gaussianChannelCeiling(0.5), 2);
  assert.throws(() => gaussianChannelCeiling(0), MilabInputError);
  const rng = new Rng(8);
  const layer = tf.tensor2d(rng.normals(300 * 40), [300, 40]);
  const z = await standardizeUnits(layer);
  for (const sigma of [0.3, 0.5, 1]) {
    // Both are upper bounds on the truth, so only the lower bound is held to the ceiling.
    const { lower } = kdeLayerBounds(z, { noiseSd: sigma });
    assert.ok(lower <= gaussianChannelCeiling(sigma), `sigma ${sigma}: KDE lower ${lower}`);
  }
  layer.dispose();
  z.dispose();
});

test('oneHotLabels: rows of the identity; out-of-range labels are rejected', () => {
  const y = oneHotLabels([2, 0, 1], 3);
  assert.deepEqual(y.arraySync(), [
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0],
  ]);
  y.dispose();
  assert.throws(() => oneHotLabels([0, 3], 3), /label 1 is 3/);
});
