// Upper bounds (CLUB, L1Out), the Barber-Agakov bound, and the bounds used inside another model's
// training (critic with its own optimiser, gradients w.r.t. the inputs only).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  Rng,
  correlatedGaussianTask,
  gaussianMi,
  neuralUpperBound,
  barberAgakov,
  NeuralMiLowerBound,
  NeuralMiUpperBound,
  GaussianRegression,
  baLowerBound,
} from 'milab';

before(async () => {
  await useBackend({ quiet: true });
});

const rho = 0.5;
const d = 5;
const task = correlatedGaussianTask(d, rho); // I = 0.719 nats
const sample = task.sample(1500, 21);
// CLUB with the exact q(y|x) on standardised data: (d/2) [(1 + rho^2) - (1 - rho^2)] / (1 - rho^2).
const clubAtOptimum = (d * rho * rho) / (1 - rho * rho);
const FIT = {
  seed: 1,
  maxSteps: 300,
  minSteps: 100,
  evalEvery: 25,
  patience: 4,
  learningRate: 3e-3,
};

test('CLUB lies above the true MI (at its own closed-form value for Gaussians); L1Out close to it', async () => {
  const club = await neuralUpperBound(sample.x, sample.y, { ...FIT, bound: 'club' });
  assert.ok(club.mi >= task.mi, `CLUB ${club.mi.toFixed(3)} below the MI ${task.mi.toFixed(3)}`);
  assert.ok(
    Math.abs(club.mi - clubAtOptimum) < 0.25,
    `CLUB ${club.mi.toFixed(3)} vs ${clubAtOptimum.toFixed(3)} at the optimum`,
  );
  // The fitted q is close to the true conditional: per-dimension log-likelihood of N(0.5 x, 0.75).
  const bestLogLik = -0.5 * d * (Math.log(2 * Math.PI * (1 - rho * rho)) + 1);
  assert.ok(
    club.logLikelihood > bestLogLik - 0.1,
    `log-likelihood ${club.logLikelihood.toFixed(3)} vs ${bestLogLik.toFixed(3)}`,
  );
  const l1out = await neuralUpperBound(sample.x, sample.y, { ...FIT, bound: 'l1out' });
  assert.ok(
    l1out.mi > task.mi - 0.1 && l1out.mi < task.mi + 0.15,
    `L1Out ${l1out.mi.toFixed(3)} vs ${task.mi.toFixed(3)}`,
  );
});

test('Barber-Agakov stays below the true MI and close to it for Gaussians', async () => {
  const ba = await barberAgakov(sample.x, sample.y, FIT);
  assert.equal(ba.entropySource, 'gaussian fit');
  assert.ok(ba.mi <= task.mi + 0.05, `BA ${ba.mi.toFixed(3)} above the MI ${task.mi.toFixed(3)}`);
  assert.ok(ba.mi > task.mi - 0.15, `BA ${ba.mi.toFixed(3)} far below ${task.mi.toFixed(3)}`);
  // A given H(Y) is used as is (here the true entropy of N(0, I_5)): same answer up to sampling.
  const trueEntropy = 0.5 * d * Math.log(2 * Math.PI * Math.E);
  const given = await barberAgakov(sample.x, sample.y, { ...FIT, entropyY: trueEntropy });
  assert.equal(given.entropyY, trueEntropy);
  assert.ok(Math.abs(given.mi - ba.mi) < 0.1);
});

test('GaussianRegression: a VID-style q with an input-independent variance, differentiable in x and y', () => {
  const q = new GaussianRegression(3, 2, { seed: 1, hidden: [] });
  assert.equal(q.variables.filter((v) => v.trainable).length, 0, 'variables are non-trainable');
  const x = tf.randomNormal([16, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
  const y = tf.randomNormal([16, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
  const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    baLowerBound(q, a as tf.Tensor2D, b as tf.Tensor2D, 1.5),
  )([x, y]);
  assert.ok(tf.tidy(() => tf.sum(tf.abs(gx)).dataSync()[0]) > 0);
  assert.ok(tf.tidy(() => tf.sum(tf.abs(gy)).dataSync()[0]) > 0);
  const variance = q.variance();
  assert.deepEqual(variance.shape, [2]);
  tf.dispose([x, y, gx, gy, variance]);
  q.dispose();
});

/** x ~ N(0, I_2); the host model's representation z = a * x + noise with a learnable scale a
 * (`represent` recomputes z inside the host's gradient tape). */
function hostBatch(rng: Rng, a: tf.Variable, n = 64) {
  const x = tf.tensor2d(rng.normals(n * 2), [n, 2]);
  const noise = tf.tensor2d(rng.normals(n * 2), [n, 2]);
  const represent = () => tf.add(tf.mul(x, a), noise) as tf.Tensor2D;
  return { x, z: represent(), represent };
}

test('a lower bound as a regulariser: the critic learns, the host gradient reaches the inputs only', async () => {
  const rng = new Rng(31);
  const bound = new NeuralMiLowerBound(2, 2, {
    bound: 'infonce',
    hidden: [32],
    embedDim: 8,
    seed: 3,
  });
  assert.ok(bound.critic.variables.every((v) => !v.trainable));
  const a = tf.variable(tf.scalar(1)); // the host's parameter: trainable
  const host = tf.train.adam(0.05);
  const start = tf.memory().numTensors;
  const fixed = hostBatch(new Rng(99), a, 128);
  const before = tf.tidy(() => bound.estimate(fixed.x, fixed.z).dataSync()[0]);
  for (let step = 0; step < 150; step++) {
    tf.tidy(() => {
      const { x, z } = hostBatch(rng, a);
      bound.updateCritic(x, z);
    });
  }
  const trained = tf.tidy(() => bound.estimate(fixed.x, fixed.z).dataSync()[0]);
  const truth = 2 * 0.5 * Math.log(2); // a = 1, unit noise: 0.5 log(1 + a^2) per coordinate
  assert.ok(
    trained > before + 0.2 && trained < truth + 0.15,
    `InfoNCE ${before.toFixed(3)} -> ${trained.toFixed(3)} (truth ${truth.toFixed(3)})`,
  );

  // Host step: maximise the bound w.r.t. a. Only a moves; the critic does not.
  const criticBefore = bound.critic.variables.map((v) => v.clone());
  for (let step = 0; step < 30; step++) {
    tf.tidy(() => {
      const { x, z, represent } = hostBatch(rng, a);
      bound.updateCritic(x, z);
      host.minimize(() => tf.neg(bound.estimate(x, represent())) as tf.Scalar);
    });
  }
  assert.ok(
    a.dataSync()[0] > 1.2,
    `maximising information grows the signal scale: a = ${a.dataSync()[0]}`,
  );
  const moved = bound.critic.variables.some(
    (v, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(v, criticBefore[i]))).dataSync()[0]) > 0,
  );
  assert.ok(moved, 'updateCritic moved the critic');
  tf.dispose(criticBefore);
  const snapshot = bound.critic.variables.map((v) => v.clone());
  tf.tidy(() => {
    const { x, represent } = hostBatch(rng, a);
    host.minimize(() => tf.neg(bound.estimate(x, represent())) as tf.Scalar);
  });
  bound.critic.variables.forEach((v, i) =>
    assert.equal(
      tf.tidy(() => tf.max(tf.abs(tf.sub(v, snapshot[i]))).dataSync()[0]),
      0,
    ),
  );
  tf.dispose(snapshot);
  fixed.x.dispose();
  fixed.z.dispose();
  assert.ok(tf.memory().numTensors - start < 60, 'host and critic optimiser state only');
  host.dispose();
  bound.dispose();
  a.dispose();
});

test('an upper bound as a regulariser: minimising CLUB shrinks the information the host keeps', async () => {
  for (const name of ['club', 'l1out'] as const) {
    const rng = new Rng(41);
    const bound = new NeuralMiUpperBound(2, 2, {
      bound: name,
      hidden: [16],
      learningRate: 5e-3,
      seed: 4,
    });
    const a = tf.variable(tf.scalar(2));
    const host = tf.train.adam(0.05);
    const miAt = (scale: number) => 2 * 0.5 * Math.log(1 + scale * scale);
    const initial = miAt(a.dataSync()[0]);
    for (let step = 0; step < 200; step++) {
      tf.tidy(() => {
        const { x, z, represent } = hostBatch(rng, a);
        for (let k = 0; k < 2; k++) bound.updateCritic(x, z);
        host.minimize(() => bound.estimate(x, represent()));
      });
    }
    const final = miAt(a.dataSync()[0]);
    assert.ok(final < initial / 2, `${name}: MI ${initial.toFixed(3)} -> ${final.toFixed(3)}`);
    // Once q has caught up with the host (the host can exploit a lagging q), the bound lies above
    // the information that is left.
    for (let step = 0; step < 100; step++) {
      tf.tidy(() => {
        const { x, z } = hostBatch(rng, a);
        bound.updateCritic(x, z);
      });
    }
    const check = hostBatch(new Rng(5), a, 256);
    const value = tf.tidy(() => bound.estimate(check.x, check.z).dataSync()[0]);
    const estimate = gaussianMi(check.x.arraySync(), check.z.arraySync()).mi;
    assert.ok(
      value > estimate - 0.1,
      `${name} ${value.toFixed(3)} vs Gaussian MI ${estimate.toFixed(3)}`,
    );
    tf.dispose([check.x, check.z]);
    host.dispose();
    bound.dispose();
    a.dispose();
  }
});

test('regularisers reject malformed batches in one line', () => {
  const bound = new NeuralMiLowerBound(2, 3, { seed: 1 });
  const x = tf.zeros([8, 2]) as tf.Tensor2D;
  const y = tf.zeros([8, 2]) as tf.Tensor2D;
  assert.throws(() => bound.updateCritic(x, y), /y must be \[batch, 3\]/);
  assert.throws(
    () => new NeuralMiUpperBound(2, 2, { bound: 'vub' as never }),
    /bound must be one of club, l1out/,
  );
  assert.throws(() => new NeuralMiLowerBound(2, 2, { learningRate: 0 }), /learningRate/);
  tf.dispose([x, y]);
  bound.dispose();
});
