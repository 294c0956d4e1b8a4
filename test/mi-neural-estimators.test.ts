// One-call neural estimators against known truth on small problems (small critics, a few hundred
// steps: seconds each), plus determinism, input errors, the divergence guard and tensor hygiene.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  Rng,
  MilabInputError,
  NeuralTrainingError,
  correlatedGaussianTask,
  cubicTask,
  independentTask,
  estimate,
  estimatorNames,
  mine,
  smile,
  infonce,
  nwj,
  neuralMi,
  trainToPlateau,
  type NeuralMiOptions,
} from 'milab';

before(async () => {
  await useBackend({ quiet: true });
});

// Small and quick, enough for d = 5 at ~0.7 nats. 3,000 samples: the 600 held out make the
// held-out estimate's own sampling error (~0.05 nats) small against the tolerances.
const FAST: NeuralMiOptions = {
  hidden: [64],
  learningRate: 2e-3,
  maxSteps: 300,
  minSteps: 100,
  evalEvery: 25,
  patience: 4,
};

const gaussian5 = correlatedGaussianTask(5, 0.5); // I = 0.719 nats
const sample5 = gaussian5.sample(3000, 11);

test('MINE, SMILE and InfoNCE recover the MI of a 5+5-dim correlated Gaussian within 0.15 nats', async () => {
  for (const [name, fn] of [
    ['mine', mine],
    ['smile', smile],
    ['infonce', infonce],
  ] as const) {
    const r = await fn(sample5.x, sample5.y, { ...FAST, seed: 1 });
    assert.ok(
      Math.abs(r.mi - gaussian5.mi) < 0.15,
      `${name}: ${r.mi.toFixed(3)} vs truth ${gaussian5.mi.toFixed(3)}`,
    );
    assert.equal(r.estimator, name);
    assert.equal(r.n, 3000);
    assert.equal(r.trainN + r.heldOutN, 3000);
    assert.ok(
      r.curve.length >= 2 &&
        r.curve.every((p) => Number.isFinite(p.train) && Number.isFinite(p.heldOut)),
    );
    // The estimate is the best moving average of 3 held-out evaluations, ending at bestStep.
    const end = r.curve.findIndex((p) => p.step === r.bestStep);
    const window = r.curve.slice(end - 2, end + 1).map((p) => p.heldOut);
    assert.ok(
      Math.abs(r.mi - window.reduce((a, v) => a + v, 0) / 3) < 1e-9,
      'the estimate is the smoothed held-out value at bestStep',
    );
  }
});

test('an invertible transform of y (cubic) keeps the MI: the estimate stays a lower bound, degraded but not lost', async () => {
  // Known behaviour (Poole et al. 2019, Fig. 3): the heavy tails of y^3 make the critic's job
  // harder, so a short run recovers part of the information; it must not exceed the truth.
  const cubic = cubicTask(gaussian5).sample(3000, 11);
  const r = await smile(cubic.x, cubic.y, { ...FAST, seed: 1 });
  assert.ok(
    r.mi < gaussian5.mi + 0.1 && r.mi > 0.4 * gaussian5.mi,
    `cubic: ${r.mi.toFixed(3)} vs ${gaussian5.mi.toFixed(3)}`,
  );
});

test('independent variables give an estimate near zero', async () => {
  const s = independentTask(5, 5).sample(3000, 12);
  for (const fn of [smile, nwj]) {
    const r = await fn(s.x, s.y, { ...FAST, seed: 2 });
    assert.ok(Math.abs(r.mi) < 0.06, `independent: ${r.mi.toFixed(3)}`);
  }
});

test('the same seed gives the same estimate; another seed does not', async () => {
  const options = { hidden: [16], maxSteps: 60, evalEvery: 20, earlyStopping: false };
  const a = await mine(sample5.x, sample5.y, { ...options, seed: 7 });
  const b = await mine(sample5.x, sample5.y, { ...options, seed: 7 });
  const c = await mine(sample5.x, sample5.y, { ...options, seed: 8 });
  assert.equal(a.mi, b.mi);
  assert.deepEqual(a.curve, b.curve);
  assert.notEqual(a.mi, c.mi);
});

test('bad input is a one-line MilabInputError', async () => {
  const x = sample5.x;
  const withNaN = {
    ...sample5.y,
    data: Float64Array.from(sample5.y.data, (v, i) => (i === 7 ? NaN : v)),
  };
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => mine(x, withNaN), /y has NaN at row 1, column 2/],
    [() => mine(x, { ...x, rows: 100, data: x.data.subarray(0, 500) }), /mismatched lengths/],
    [() => neuralMi(x, sample5.y, { bound: 'mine2' as never }), /bound must be one of/],
    [() => mine(x, sample5.y, { batchSize: 1 }), /batchSize/],
    [() => mine(x, sample5.y, { learningRate: -1 }), /learningRate/],
    [() => mine(x, sample5.y, { critic: 'bilinear' as never }), /critic must be one of/],
    [() => mine(x, sample5.y, { hidden: [0] }), /hidden/],
    [() => mine(x, sample5.y, { heldOut: 1.5 }), /heldOut/],
    [() => mine([[1], [2], [3]], [[1], [1], [1]]), /constant/],
    [
      () =>
        mine(
          [
            [1, 2],
            [2, 3],
            [3, 1],
            [4, 5],
          ],
          [[1], [2], [4], [3]],
        ),
      /too few/,
    ],
  ];
  for (const [run, message] of cases) {
    await assert.rejects(run, (err: Error) => {
      assert.ok(err instanceof MilabInputError, `${err.name}: ${err.message}`);
      assert.match(err.message, message);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  }
});

test('the divergence guard restores best weights, lowers the rate, or fails clearly', async () => {
  // Maximise -(w - 3)^2; steps 100..109 are poisoned with NaN, which Adam writes into w.
  const run = (maxRecoveries: number) => {
    const w = tf.variable(tf.scalar(0), false);
    return trainToPlateau(
      {
        variables: [w],
        objective: (step) =>
          tf.tidy(
            () =>
              tf.mul(
                tf.neg(tf.square(tf.sub(w, 3))),
                step >= 100 && step < 110 ? NaN : 1,
              ) as tf.Scalar,
          ),
      },
      {
        maxSteps: 400,
        evalEvery: 50,
        smoothing: 1,
        learningRate: 0.05,
        earlyStopping: false,
        maxRecoveries,
      },
      'toy',
    ).finally(() => w.dispose());
  };
  const recovered = await run(3);
  assert.equal(recovered.recoveries, 1);
  assert.equal(recovered.learningRate, 0.05 / 4);
  assert.ok(Number.isFinite(recovered.best) && recovered.best > -0.01, `best ${recovered.best}`);
  assert.ok(recovered.curve.every((p) => Number.isFinite(p.train)));
  await assert.rejects(
    run(0),
    (err: Error) => err instanceof NeuralTrainingError && /diverged.*step 150/.test(err.message),
  );
});

test('tensor count stays flat over a 1000-step run, and progress is reported', async () => {
  const rng = new Rng(3);
  const x = Array.from({ length: 300 }, () => [rng.normal(), rng.normal()]);
  const y = x.map(([a, b]) => [a + 0.5 * rng.normal(), b * b + 0.5 * rng.normal()]);
  const startTensors = tf.memory().numTensors;
  let progressCalls = 0;
  let lastStep = 0;
  let peak = 0;
  const r = await neuralMi(x, y, {
    bound: 'mine',
    hidden: [8],
    embedDim: 4,
    batchSize: 32,
    maxSteps: 1000,
    evalEvery: 100,
    earlyStopping: false,
    seed: 3,
    onProgress: (p) => {
      progressCalls++;
      lastStep = p.step;
      assert.equal(p.total, 1000);
      assert.ok(Number.isFinite(p.metrics.heldOut));
      peak = Math.max(peak, tf.memory().numTensors);
    },
  });
  assert.equal(r.steps, 1000);
  assert.equal(progressCalls, 10);
  assert.equal(lastStep, 1000);
  assert.equal(tf.memory().numTensors, startTensors, 'no tensor outlives the estimate');
  // During training: the variables, Adam's two moments per variable, one best-weights snapshot.
  assert.ok(peak - startTensors < 40, `tensors grew by ${peak - startTensors} during training`);
});

test('the neural estimators are registered and run through estimate()', async () => {
  for (const name of [
    'mine',
    'nwj',
    'infonce',
    'smile',
    'js',
    'tuba',
    'alpha',
    'dv',
    'club',
    'l1out',
    'ba',
  ]) {
    assert.ok(estimatorNames().includes(name), `${name} is registered`);
  }
  const r = await estimate('infonce', sample5.x, sample5.y, {
    seed: 1,
    maxSteps: 100,
    hidden: '16',
    earlyStopping: false,
  });
  assert.equal(r.estimator, 'infonce');
  assert.ok(r.mi > 0.2 && r.mi < 1.0, `infonce via the registry: ${r.mi}`);
  await assert.rejects(estimate('mine', sample5.x, sample5.y, { hidden: 'wide' }), /option hidden/);
});
