// Neural estimators that diverge, never train, or see too few samples: each either recovers and
// says so in `warning`, or fails with one clear line; none returns a dubious number silently.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  Rng,
  MilabInputError,
  NeuralTrainingError,
  NEURAL_MIN_ROWS,
  MIN_HELD_OUT_ROWS,
  MI_BOUND_LIMITS,
  correlatedGaussianTask,
  independentTask,
  estimate,
  mine,
  nwj,
  infonce,
  neuralMi,
  neuralUpperBound,
  barberAgakov,
  neuralTotalCorrelation,
  neuralConditionalMi,
  trainToPlateau,
  NeuralMiLowerBound,
  NeuralMiUpperBound,
  type NeuralMiOptions,
  type TrainTask,
} from 'milab';

before(async () => {
  await useBackend({ quiet: true });
});

const SMALL: NeuralMiOptions = {
  hidden: [16],
  embedDim: 8,
  maxSteps: 200,
  evalEvery: 25,
  minSteps: 50,
  patience: 4,
  seed: 0,
};
const gaussian = correlatedGaussianTask(2, 0.5).sample(300, 1); // I = 0.288 nats
const independent = independentTask(2, 2).sample(300, 2);

const isTrainingError = (pattern: RegExp) => (err: Error) => {
  assert.ok(err instanceof NeuralTrainingError, `${err.name}: ${err.message}`);
  assert.ok(err instanceof MilabInputError, 'the CLI prints it as one error line, exit 2');
  assert.match(err.message, pattern);
  assert.ok(!err.message.includes('\n'));
  return true;
};

test('MINE and NWJ at learningRate 1 explode, restart slower and say so, or fail', async () => {
  for (const fn of [mine, nwj]) {
    const r = await fn(gaussian.x, gaussian.y, { ...SMALL, learningRate: 1 });
    assert.ok(r.recoveries >= 1, `recoveries ${r.recoveries}`);
    assert.ok(r.mi > 0.1 && r.mi < 0.45, `recovered estimate ${r.mi}`);
    const exploded = /diverged \d time\(s\) \(training objective exploded to -[\d.e+]+ at step 25/;
    assert.match(r.warning ?? '', exploded);
    assert.match(r.warning ?? '', /learning rate lowered to 0\.063/);
    await assert.rejects(
      fn(gaussian.x, gaussian.y, { ...SMALL, learningRate: 1, maxRecoveries: 0 }),
      isTrainingError(/exploded.*step 25.*smaller learningRate or clipGradNorm, or a bounded/),
    );
  }
});

test('a finite but exploding objective or collapsing held-out value is a divergence', async () => {
  // Maximise -(w - 3)^2. `poison` corrupts some steps' objective or some evaluations, finitely.
  const run = (poison: 'objective' | 'heldOut', limits?: typeof MI_BOUND_LIMITS) => {
    const w = tf.variable(tf.scalar(0), false);
    let evaluations = 0;
    const task: TrainTask = {
      variables: [w],
      objective: (step) => {
        const shift = poison === 'objective' && step === 60 ? 1e6 : 0;
        return tf.tidy(() => tf.sub(tf.neg(tf.square(tf.sub(w, 3))), shift) as tf.Scalar);
      },
      evaluate: () => {
        const shift = poison === 'heldOut' && ++evaluations === 4 ? 30 : 0;
        return tf.tidy(() => tf.sub(tf.neg(tf.square(tf.sub(w, 3))), shift) as tf.Scalar);
      },
      limits,
    };
    const options = { maxSteps: 200, evalEvery: 25, smoothing: 1, learningRate: 0.05 };
    const fit = trainToPlateau(task, { ...options, earlyStopping: false }, 'toy');
    return fit.finally(() => w.dispose());
  };
  const exploded = await run('objective', MI_BOUND_LIMITS);
  assert.equal(exploded.recoveries, 1);
  assert.match(exploded.divergences[0], /training objective exploded to -[\d.e+]+ at step 75/);
  assert.equal(exploded.learningRate, 0.05 / 4);
  const collapsed = await run('heldOut', MI_BOUND_LIMITS);
  assert.equal(collapsed.recoveries, 1);
  assert.match(collapsed.divergences[0], /held-out value collapsed to -3\d\.\d.* at step 75/);
  // Without limits only NaN and Infinity count, as before (other users of the loop opt in).
  assert.equal((await run('heldOut')).recoveries, 0);
});

test('an estimate at the untrained critic says so; a negative one is flagged, kept', async () => {
  // learningRate 1e-9: the critic cannot move, so the estimate is the untrained critic's value.
  const untrained = { ...SMALL, learningRate: 1e-9 };
  const n = await nwj(independent.x, independent.y, untrained);
  assert.ok(Math.abs(n.mi + 1 / Math.E) < 1e-6, `NWJ of T = 0 is -1/e, got ${n.mi}`);
  assert.equal(n.bestStep, 0);
  assert.match(n.warning ?? '', /never improved on the untrained critic \(held-out -0\.368\)/);
  assert.match(n.warning ?? '', /lower bound -0\.368 is below 0/);
  const m = await mine(independent.x, independent.y, untrained);
  assert.equal(m.mi, 0);
  assert.match(m.warning ?? '', /never improved/);
  assert.doesNotMatch(m.warning ?? '', /below 0/);
  // Every evaluation diverged (learningRate 1000, two restarts): no curve, yet the estimate is the
  // untrained critic's, and the warning says so as well as naming the divergences.
  const wild = await mine(independent.x, independent.y, {
    ...SMALL,
    learningRate: 1e3,
    maxSteps: 50,
  });
  assert.equal(wild.curve.length, 0);
  assert.equal(wild.mi, 0);
  assert.match(wild.warning ?? '', /diverged 2 time\(s\).*; training never improved/);
  // A healthy fit carries no warning.
  const healthy = await mine(gaussian.x, gaussian.y, { ...SMALL, learningRate: 5e-3 });
  assert.ok(healthy.mi > 0.1 && healthy.warning === undefined, `${healthy.mi} ${healthy.warning}`);
});

test('Barber-Agakov and the upper bounds flag the same failures', async () => {
  const ba = await barberAgakov(independent.x, independent.y, { ...SMALL, learningRate: 1e-9 });
  assert.ok(ba.mi < 0);
  assert.match(ba.warning ?? '', /never improved on the untrained q \(held-out -0\.3\d+\)/);
  assert.match(ba.warning ?? '', /lower bound -0\.3\d+ is below 0/);
  const club = { ...SMALL, bound: 'club' as const };
  await assert.rejects(
    neuralUpperBound(gaussian.x, gaussian.y, { ...club, learningRate: 1e3, maxRecoveries: 0 }),
    isTrainingError(/club: training diverged .*smaller learningRate or clipGradNorm$/),
  );
  // learningRate 10: q explodes twice, restarts from its untrained weights and never beats them.
  const restarted = await neuralUpperBound(gaussian.x, gaussian.y, { ...club, learningRate: 10 });
  assert.equal(restarted.bestStep, 0);
  assert.match(restarted.warning ?? '', /training diverged 2 time\(s\).*lowered to 0\.63/);
  assert.match(restarted.warning ?? '', /never improved on the untrained q \(held-out log-lik/);
});

test('neural estimators refuse < NEURAL_MIN_ROWS rows or < MIN_HELD_OUT_ROWS a split', async () => {
  assert.equal(NEURAL_MIN_ROWS, 100);
  assert.equal(MIN_HELD_OUT_ROWS, 20);
  const rng = new Rng(5);
  const rows = (count: number) => Array.from({ length: count }, () => [rng.normal(), rng.normal()]);
  const x10 = rows(10);
  const y10 = x10.map(([a, b]) => [a + rng.normal(), b + rng.normal()]);
  const x99 = rows(99);
  const z99 = x99.map((_, i) => i % 2);
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => mine(x10, y10), /at least 100 rows .*got 10/],
    [() => estimate('mine', x10, y10), /at least 100 rows/],
    [() => infonce(x99, x99), /at least 100 rows .*got 99/],
    [() => neuralUpperBound(x99, x99, { bound: 'l1out' }), /at least 100 rows/],
    [() => barberAgakov(x99, x99), /at least 100 rows/],
    [() => neuralTotalCorrelation(x99), /at least 100 rows/],
    [() => neuralConditionalMi(x99, x99, z99), /at least 100 rows/],
    [
      () => mine(gaussian.x, gaussian.y, { heldOut: 0.05 }),
      /heldOut 0\.05 of 300 rows leaves 285 training and 15 held-out rows; each needs at least 20/,
    ],
    [() => mine(gaussian.x, gaussian.y, { heldOut: 0.95 }), /leaves 15 training and 285 held-out/],
  ];
  for (const [run, message] of cases) {
    await assert.rejects(run, (err: Error) => {
      assert.ok(err instanceof MilabInputError, `${err.name}: ${err.message}`);
      assert.match(err.message, message);
      return true;
    });
  }
  // Exactly the minimum is accepted.
  const x100 = rows(100);
  const y100 = x100.map(([a, b]) => [a + rng.normal(), b]);
  const r = await neuralMi(x100, y100, { ...SMALL, bound: 'smile', maxSteps: 25 });
  assert.equal(r.heldOutN, 20);
});

test('a bound above what held-out rows certify, or InfoNCE at its cap, is flagged', async () => {
  // y is x up to 0.1% noise: the MI (~14 nats) is far above log 20 = 3.0, what 100 rows (20 held
  // out) can certify.
  const rng = new Rng(4);
  const x = Array.from({ length: 100 }, () => [rng.normal(), rng.normal()]);
  const y = x.map(([a, b]) => [a + 0.001 * rng.normal(), b + 0.001 * rng.normal()]);
  const long: NeuralMiOptions = { hidden: [64], critic: 'joint', maxSteps: 200, evalEvery: 25 };
  Object.assign(long, { earlyStopping: false, learningRate: 1e-2, seed: 0 });
  const dv = await neuralMi(x, y, { ...long, bound: 'dv' });
  assert.ok(dv.mi > Math.log(20), `DV ${dv.mi}`);
  assert.match(dv.warning ?? '', /exceeds log\(20\) = 3\.00, the most that 20 held-out rows can/);
  const nce = await infonce(x, y, { ...long, batchSize: 8 });
  assert.ok(nce.mi > Math.log(8) - 1 && nce.mi <= Math.log(8), `InfoNCE ${nce.mi}`);
  assert.match(nce.warning ?? '', /InfoNCE [\d.]+ is near its ceiling log\(8\) = 2\.08/);
});

test('the regulariser bounds throw once their critic diverges, and leak nothing', async () => {
  const rng = new Rng(6);
  const batch = () =>
    tf.tidy(() => {
      const x = tf.tensor2d(rng.normals(64 * 2), [64, 2]);
      return { x, y: tf.add(x, tf.tensor2d(rng.normals(64 * 2), [64, 2])) as tf.Tensor2D };
    });
  const start = tf.memory().numTensors;
  for (const make of [
    () => new NeuralMiLowerBound(2, 2, { bound: 'nwj', hidden: [16], learningRate: 1e3, seed: 1 }),
    () => new NeuralMiUpperBound(2, 2, { bound: 'club', hidden: [16], learningRate: 1e3, seed: 1 }),
  ]) {
    const regulariser = make();
    let thrown: Error | undefined;
    for (let step = 0; step < 200 && !thrown; step++) {
      try {
        tf.tidy(() => {
          const { x, y } = batch();
          regulariser.updateCritic(x, y);
        });
      } catch (err) {
        thrown = err as Error;
      }
      await tf.nextFrame();
    }
    assert.ok(thrown, `${regulariser.direction}: a critic at learningRate 1000 must be reported`);
    isTrainingError(/the critic diverged \(its training value reached .*\); its bound is/)(thrown);
    const { x, y } = batch();
    assert.throws(() => regulariser.estimate(x, y), NeuralTrainingError);
    tf.dispose([x, y]);
    regulariser.dispose();
  }
  assert.equal(tf.memory().numTensors, start);
});
