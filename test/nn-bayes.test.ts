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
  MIN_SD,
  Rng,
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

test('gaussianKl: value and gradients in double precision; the wasm kernel matches the cpu composite', async () => {
  // rho spread over [-20, 4] (some under the floor, where the gradient is 0), a prior sd of 0.5;
  // 5 x 7 + 7 x 3 weights and 7 + 3 biases (no multiple of 4 but one: the kernel's tails).
  const rng = new Rng(7);
  const rhoValues = [35, 7, 21, 3].map((n) =>
    Array.from({ length: n }, () => -20 + 24 * rng.uniform()),
  );
  const priorSd = 0.5;
  const run = async (backend: 'wasm' | 'cpu') => {
    await useBackend({ backend, quiet: true });
    const model = bayesMlp({ inputShape: 5, hidden: [7], classes: 3, seed: 4 });
    // [mu, rho] of the first kernel, first bias, second kernel, second bias.
    const pairs = bayesLayers(model).flatMap((l) => {
      const [kMu, kRho, bMu, bRho] = l.posteriorVariables();
      return [
        [kMu, kRho],
        [bMu, bRho],
      ];
    });
    pairs.forEach(([, rho], i) => rho.write(tf.tensor(rhoValues[i], rho.read().shape)));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => gaussianKl(model, priorSd));
    const read = (v: tf.LayerVariable) => {
      assert.ok(grads[v.name], `no gradient for ${v.name}`);
      return Array.from(grads[v.name].dataSync());
    };
    const out = {
      value: value.dataSync()[0],
      mus: pairs.map(([mu]) => Array.from(mu.read().dataSync())),
      dmu: pairs.map(([mu]) => read(mu)),
      drho: pairs.map(([, rho]) => read(rho)),
    };
    tf.dispose([value, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    model.dispose();
    return out;
  };
  const wasm = await run('wasm');
  const cpu = await run('cpu');
  await useBackend({ backend: 'wasm', quiet: true });
  // The value against a double-precision sum of the closed form.
  let exact = 0;
  wasm.mus.forEach((mu, t) =>
    mu.forEach((m, i) => {
      const sd = Math.max(Math.log1p(Math.exp(rhoValues[t][i])), MIN_SD);
      exact += Math.log(priorSd / sd) + (sd * sd + m * m) / (2 * priorSd * priorSd) - 0.5;
    }),
  );
  assert.ok(Math.abs(wasm.value / exact - 1) < 1e-6, `wasm KL ${wasm.value} vs ${exact}`);
  assert.ok(Math.abs(cpu.value / exact - 1) < 1e-4, `cpu KL ${cpu.value} vs ${exact}`);
  // Gradients: d/d mu = mu / priorSd^2 exactly; d/d rho against the cpu composite where its sigma
  // is accurate (rho > -10), and 0 under the floor.
  wasm.mus.forEach((mu, t) =>
    mu.forEach((m, i) => {
      const r = rhoValues[t][i];
      const dmu = wasm.dmu[t][i];
      assert.ok(
        Math.abs(dmu - m / priorSd ** 2) <= 1e-6 * Math.max(1, Math.abs(dmu)),
        `dmu ${t}/${i}`,
      );
      assert.ok(
        Math.abs(dmu - cpu.dmu[t][i]) <= 1e-5 * Math.max(1, Math.abs(dmu)),
        `cpu dmu ${t}/${i}`,
      );
      const sd = Math.log1p(Math.exp(r));
      const exactRho = sd < MIN_SD ? 0 : (sd / priorSd ** 2 - 1 / sd) / (1 + Math.exp(-r));
      const drho = wasm.drho[t][i];
      assert.ok(
        Math.abs(drho - exactRho) <= 1e-5 * Math.max(1, Math.abs(exactRho)),
        `drho ${t}/${i} (rho ${r}): ${drho} vs ${exactRho}`,
      );
      if (r > -10)
        assert.ok(
          Math.abs(drho - cpu.drho[t][i]) <= 1e-3 * Math.max(1, Math.abs(drho)),
          `cpu drho ${t}/${i}`,
        );
    }),
  );
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

test('posteriorSd is softplus floored at MIN_SD; gradient sigmoid(rho), 0 under the floor', async () => {
  // wasm: the fused kernel (MilabSoftplusSd), exact to float32 over the whole range; cpu: the
  // composite -ln sigmoid(-rho), whose float32 sigmoid loses digits as rho falls.
  for (const backend of ['wasm', 'cpu'] as const) {
    await useBackend({ backend, quiet: true });
    const fused = backend === 'wasm';
    // 601 values (not a multiple of 4: the kernel's last lanes), -30..30; the floor 1e-7 holds
    // below rho ~ -16.1.
    const rho = Array.from({ length: 601 }, (_, i) => -30 + i * 0.1);
    const x = tf.tensor1d(rho);
    const before = tf.memory().numTensors;
    const sd = posteriorSd(x);
    const g = tf.grad((r: tf.Tensor) => tf.sum(posteriorSd(r)))(x);
    const [values, grads] = [sd.dataSync(), g.dataSync()];
    tf.dispose([sd, g]);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    rho.forEach((r, i) => {
      const soft = Math.log1p(Math.exp(r));
      const exact = Math.max(soft, MIN_SD);
      const error = Math.abs(values[i] / exact - 1);
      const bound = fused ? 1e-6 : r > -7 ? 2e-5 : r > -10 ? 1e-3 : Infinity;
      assert.ok(error < bound, `${backend} rho ${r.toFixed(1)}: relative error ${error}`);
      if (soft < 0.5 * MIN_SD)
        assert.equal(grads[i], 0, `${backend} rho ${r}: gradient under the floor`);
      else if (soft > 2 * MIN_SD) {
        const sigmoid = 1 / (1 + Math.exp(-r));
        const gError = Math.abs(grads[i] / sigmoid - 1);
        const gBound = fused ? 1e-6 : r > -7 ? 2e-5 : 1e-3;
        if (fused || r > -10)
          assert.ok(gError < gBound, `${backend} rho ${r.toFixed(1)}: gradient error ${gError}`);
      }
    });
    x.dispose();
  }
  await useBackend({ backend: 'wasm', quiet: true });
  // Every tail length of the kernel's 4-wide loop, and NaN passes through (never a silent number).
  for (const n of [1, 2, 3, 4, 5, 7]) {
    const r = tf.tensor1d(Array.from({ length: n }, (_, i) => i - 2));
    const v = posteriorSd(r);
    Array.from(v.dataSync()).forEach((got, i) => {
      const exact = Math.log1p(Math.exp(i - 2));
      assert.ok(Math.abs(got / exact - 1) < 1e-6, `length ${n}, index ${i}: ${got} vs ${exact}`);
    });
    tf.dispose([r, v]);
  }
  const nanRho = tf.tensor1d([NaN, 0]);
  const nan = posteriorSd(nanRho);
  const nanValues = nan.dataSync();
  assert.ok(Number.isNaN(nanValues[0]) && Math.abs(nanValues[1] - Math.LN2) < 1e-6);
  tf.dispose([nanRho, nan]);
});
