// BayesDense and bayesMlp: the closed-form KL against a hand computation, the local
// reparametrisation's moments against x mu + b and x^2 sigma^2 + sigma_b^2, posterior means at
// inference, reproducible draws per step seed, gradients into every posterior variable, the KL
// scale the beta-BNN paper reports (~1e6 for 784-400-400-10), and training without leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  bayesMlp,
  bayesLayers,
  bayesParameterCount,
  gaussianKl,
  trainClassifier,
  evaluateAccuracy,
  posteriorSd,
} from 'milab';

test('KL to N(0, s^2) in closed form, summed over every weight and bias', async () => {
  await useBackend({ quiet: true });
  const model = bayesMlp({ inputShape: 3, hidden: [2], classes: 2, seed: 1, initialRho: -2 });
  const sigma = Math.log1p(Math.exp(-2));
  let expected = 0;
  for (const layer of bayesLayers(model)) {
    const { mean, sd } = layer.posterior();
    for (let k = 0; k < 2; k++) {
      const mu = mean[k].dataSync();
      const s = sd[k].dataSync();
      for (let i = 0; i < mu.length; i++) {
        assert.ok(Math.abs(s[i] - sigma) < 1e-6);
        expected += Math.log(2 / s[i]) + (s[i] ** 2 + mu[i] ** 2) / (2 * 4) - 0.5;
      }
    }
    tf.dispose([...mean, ...sd]);
  }
  const kl = gaussianKl(model, 2);
  assert.ok(Math.abs(kl.dataSync()[0] - expected) < 1e-4 * Math.abs(expected));
  kl.dispose();
  assert.equal(bayesParameterCount(model), 3 * 2 + 2 + 2 * 2 + 2);
  assert.throws(() => gaussianKl(model, 0), /priorSd must be a positive number/);
  model.dispose();
});

test('local reparametrisation: moments of the sampled pre-activation; means at inference', async () => {
  await useBackend({ quiet: true });
  const model = bayesMlp({ inputShape: 4, hidden: [], classes: 3, seed: 2, initialRho: -1 });
  const [layer] = bayesLayers(model);
  const x = tf.tensor2d([[1, -2, 0.5, 3]]);
  const { mean, sd } = layer.posterior();
  const expectedMean = tf.tidy(() => tf.add(tf.matMul(x, mean[0]), mean[1]).dataSync());
  const expectedVar = tf.tidy(() =>
    tf.add(tf.matMul(tf.square(x), tf.square(sd[0])), tf.square(sd[1])).dataSync(),
  );
  const draws = 4000;
  const samples = tf.tidy(() =>
    tf.concat(
      Array.from({ length: draws }, (_, s) => model.forward(x, { training: true, seed: s }).logits),
    ),
  );
  const m = tf.moments(samples, 0);
  const [gotMean, gotVar] = [m.mean.dataSync(), m.variance.dataSync()];
  for (let j = 0; j < 3; j++) {
    const se = Math.sqrt(expectedVar[j] / draws);
    assert.ok(Math.abs(gotMean[j] - expectedMean[j]) < 5 * se, `mean ${j}`);
    assert.ok(Math.abs(gotVar[j] / expectedVar[j] - 1) < 0.1, `variance ${j}`);
  }
  // Inference: exactly the means. Same step seed, same draw; another seed, another draw.
  const inference = tf.tidy(() => model.forward(x).logits.dataSync());
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(inference[j] - expectedMean[j]) < 1e-5);
  const a = tf.tidy(() => model.forward(x, { training: true, seed: 7 }).logits.dataSync());
  const b = tf.tidy(() => model.forward(x, { training: true, seed: 7 }).logits.dataSync());
  const c = tf.tidy(() => model.forward(x, { training: true, seed: 8 }).logits.dataSync());
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.notDeepEqual(Array.from(a), Array.from(c));
  layer.meanMode = true;
  const meanMode = tf.tidy(() => model.forward(x, { training: true, seed: 7 }).logits.dataSync());
  assert.deepEqual(Array.from(meanMode), Array.from(inference));
  tf.dispose([x, samples, m.mean, m.variance, ...mean, ...sd]);
  model.dispose();
});

test("the paper's network: KL to N(0, I) at the start is about 1e6 (2.5 nats per weight)", async () => {
  await useBackend({ quiet: true });
  const model = bayesMlp({ inputShape: 784, hidden: [400, 400], seed: 0 });
  const count = bayesParameterCount(model);
  assert.equal(count, 784 * 400 + 400 + 400 * 400 + 400 + 4010);
  const kl = gaussianKl(model);
  const perWeight = kl.dataSync()[0] / count;
  kl.dispose();
  assert.ok(perWeight > 2.4 && perWeight < 2.7, `${perWeight} nats per weight`);
  model.dispose();
});

test('training with the KL as extraLoss: every posterior variable moves, nothing leaks', async () => {
  await useBackend({ quiet: true });
  const n = 256;
  const xs = tf.randomNormal([n, 6], 0, 1, 'float32', 3);
  const ys = tf.tidy(() => tf.cast(tf.greater(tf.sum(xs, 1), 0), 'int32'));
  const model = bayesMlp({ inputShape: 6, hidden: [16], classes: 2, seed: 5 });
  const before = model.trainableVariables.map((v) => v.dataSync().slice());
  const tensors = tf.memory().numTensors;
  const history = await trainClassifier(
    model,
    { x: xs, y: ys },
    {
      epochs: 8,
      batchSize: 32,
      seed: 1,
      learningRate: 1e-2,
      extraLoss: () => tf.mul(1 / n, gaussianKl(model)),
      capExtraGradient: false,
    },
  );
  assert.equal(tf.memory().numTensors, tensors);
  model.trainableVariables.forEach((v, i) =>
    assert.ok(
      v.dataSync().some((x, j) => x !== before[i][j]),
      `${v.name} did not move`,
    ),
  );
  assert.ok(history.epochs[7].loss < history.epochs[0].loss);
  assert.ok((await evaluateAccuracy(model, { x: xs, y: ys })) > 0.85);
  tf.dispose([xs, ys]);
  model.dispose();
});

test('posteriorSd is softplus: relative error < 2e-5 for rho > -7, < 1e-3 down to -10', async () => {
  await useBackend({ quiet: true });
  const rho = Array.from({ length: 301 }, (_, i) => -10 + i * 0.1);
  const sd = posteriorSd(tf.tensor1d(rho));
  const values = sd.dataSync();
  sd.dispose();
  rho.forEach((r, i) => {
    const exact = Math.log1p(Math.exp(r));
    const error = Math.abs(values[i] / exact - 1);
    assert.ok(error < (r > -7 ? 2e-5 : 1e-3), `rho ${r.toFixed(1)}: relative error ${error}`);
  });
  // The gradient is sigmoid(rho).
  const g = tf.grad((x: tf.Tensor) => tf.sum(posteriorSd(x)))(tf.tensor1d([-3, 0, 2]));
  const expected = [-3, 0, 2].map((r) => 1 / (1 + Math.exp(-r)));
  Array.from(g.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6));
  g.dispose();
});
