// MINE measurements with a statistics network: a sane value on a pair with known MI, the noise
// on L lowering the measured MI as theory says, warm start keeping the weights and
// re-initialisation replacing them, and no tensor left behind. About 10 s on an idle 2-core
// machine.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  MineMeasurer,
  correlatedGaussianTask,
  gaussianMiForRho,
  tf,
  useBackend,
  type StatisticsNetworkSpec,
} from 'milab';

before(async () => {
  await useBackend({ quiet: true });
});

const d = 2;
const rho = 0.8;
const task = correlatedGaussianTask(d, rho);
const sample = task.sample(1500, 5);
const toTensor = (m: { data: Float64Array; rows: number; cols: number }) =>
  tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
const spec = (noiseSigma: number): StatisticsNetworkSpec => ({
  label: '1(3)',
  architecture: 'concat',
  hidden: 20,
  noiseSigma,
});

test('MINE on a correlated Gaussian pair: near the true MI, below it plus noise; noise on L lowers it to its own truth', async () => {
  const a = toTensor(sample.x);
  const l = toTensor(sample.y);
  const before = tf.memory().numTensors;
  for (const sigma of [0, 1]) {
    // I(X; rho X + e + sigma e') has correlation rho / sqrt(1 + sigma^2) per coordinate.
    const truth = gaussianMiForRho(rho / Math.sqrt(1 + sigma * sigma), d);
    const measurer = new MineMeasurer({
      spec: spec(sigma),
      shapes: { a: [d], l: [d] },
      seed: 3,
      warmStart: false,
    });
    const m = await measurer.measure(a, l, { epochs: 40, learningRate: 3e-3, batchSize: 100 });
    measurer.dispose();
    assert.ok(
      m.estimate > 0.75 * truth && m.estimate < truth + 0.12,
      `sigma ${sigma}: estimate ${m.estimate} vs truth ${truth}`,
    );
    assert.equal(m.curve.length, m.trainCurve.length);
    assert.ok(m.curve.length >= 5 && m.curve.length <= 40);
    assert.equal(m.diverged, false);
  }
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  a.dispose();
  l.dispose();
});

test('warm start keeps the weights between measurements; re-initialisation replaces them', async () => {
  const a = toTensor(sample.x);
  const l = toTensor(sample.y);
  // A learning rate this small leaves the weights where each measurement starts them.
  const still = { epochs: 2, minEpochs: 2, learningRate: 1e-12, batchSize: 200 };
  const weights = async (m: MineMeasurer) =>
    Promise.all(m.network.variables.map(async (v) => Array.from(await v.data())));
  const distance = (p: number[][], q: number[][]) =>
    Math.max(...p.flat().map((v, i) => Math.abs(v - q.flat()[i])));

  for (const warmStart of [true, false]) {
    const measurer = new MineMeasurer({
      spec: spec(0.5),
      shapes: { a: [d], l: [d] },
      seed: 9,
      warmStart,
    });
    await measurer.measure(a, l, still);
    const first = await weights(measurer);
    const second = await measurer.measure(a, l, still);
    assert.equal(second.index, 1);
    const moved = distance(first, await weights(measurer));
    if (warmStart) assert.ok(moved < 1e-6, `warm start moved the weights by ${moved}`);
    else assert.ok(moved > 1e-2, `re-initialisation left the weights within ${moved}`);
    measurer.dispose();
  }
  a.dispose();
  l.dispose();
});

test('fine-tuning starts near the previous plateau; a fresh network starts lower', async () => {
  const a = toTensor(sample.x);
  const l = toTensor(sample.y);
  const options = { epochs: 20, learningRate: 3e-3, batchSize: 100 };
  const firstEpoch: Record<string, number> = {};
  for (const warmStart of [true, false]) {
    const measurer = new MineMeasurer({
      spec: spec(0),
      shapes: { a: [d], l: [d] },
      seed: 4,
      warmStart,
    });
    await measurer.measure(a, l, options);
    // Only the first epoch of the second measurement matters here.
    const again = await measurer.measure(a, l, { ...options, epochs: 1 });
    firstEpoch[String(warmStart)] = again.curve[0];
    measurer.dispose();
  }
  assert.ok(firstEpoch.true > task.mi * 0.8, `warm first epoch ${firstEpoch.true}`);
  assert.ok(
    firstEpoch.true > firstEpoch.false + 0.1,
    `warm ${firstEpoch.true} vs fresh ${firstEpoch.false}`,
  );
  a.dispose();
  l.dispose();
});

test('mismatched inputs are one-line input errors', async () => {
  const measurer = new MineMeasurer({
    spec: spec(0),
    shapes: { a: [d], l: [d] },
    seed: 1,
    warmStart: false,
  });
  const a = tf.zeros([10, d]) as tf.Tensor2D;
  const l = tf.zeros([9, d]) as tf.Tensor2D;
  await assert.rejects(measurer.measure(a, l, { epochs: 1 }), /mismatched lengths: 10 vs 9/);
  await assert.rejects(measurer.measure(a, a, { epochs: 0 }), /epochs must be a positive integer/);
  assert.throws(
    () =>
      new MineMeasurer({
        spec: spec(0),
        shapes: { a: [d], l: [d] },
        seed: 1,
        warmStart: 'yes' as never,
      }),
    /warmStart/,
  );
  measurer.dispose();
  a.dispose();
  l.dispose();
});
