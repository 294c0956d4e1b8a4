// Distillation terms against hand computations: KD's T^2-scaled KL, FitNet's half mean squared
// error, VID's Gaussian negative log-likelihood (FitNet exactly when every variance is 1; each
// learned variance settles at its channel's mean squared residual); and the trainer pieces they
// need: an extra loss that sees the batch input (a frozen teacher on the same rows) and extra
// variables trained with the student.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  kdLoss,
  fitnetLoss,
  VidHead,
  LinearRegressor,
  vidTerms,
  vidLoss,
  mlpClassifier,
  trainClassifier,
} from 'milab';

const scalar = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test('kdLoss: T^2 KL of the softened distributions', async () => {
  await useBackend({ quiet: true });
  const s = tf.tensor2d([
    [1, 2, 0],
    [0.5, -1, 2],
  ]);
  const t = tf.tensor2d([
    [2, 0, 1],
    [0, 0, 3],
  ]);
  const soft = (row: number[], T: number) => {
    const e = row.map((v) => Math.exp(v / T));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / z);
  };
  const T = 2;
  let expected = 0;
  const [sa, ta] = [s.arraySync(), t.arraySync()];
  for (let i = 0; i < 2; i++) {
    const p = soft(ta[i], T);
    const q = soft(sa[i], T);
    expected += p.reduce((a, pv, j) => a + pv * Math.log(pv / q[j]), 0);
  }
  expected = (T * T * expected) / 2;
  assert.ok(Math.abs(scalar(kdLoss(s, t, T)) - expected) < 1e-5);
  assert.ok(Math.abs(scalar(kdLoss(t, t, T))) < 1e-6);
  assert.throws(
    () => kdLoss(s, tf.zeros([2, 2]), 1),
    /student logits \[2,3\] and teacher logits \[2,2\] differ/,
  );
  assert.throws(() => kdLoss(s, t, 0), /temperature must be a positive number/);
  tf.dispose([s, t]);
});

test('FitNet is half the mean squared error; VID with unit variances is FitNet', async () => {
  await useBackend({ quiet: true });
  const head = new VidHead(3, [2, 2], 1); // teacher: 2 positions x 2 channels
  head.regressor.weight.assign(
    tf.tensor2d([
      [1, 0, 0, 1],
      [0, 1, 1, 0],
      [1, 1, 0, 0],
    ]),
  );
  const s = tf.tensor2d([
    [1, 2, 3],
    [0, -1, 1],
  ]);
  const t = tf.tensor4d([1, 0, 2, 2, 0.5, 0.5, -1, 0], [2, 2, 1, 2]);
  // r(s) = [[4, 5, 2, 1], [1, 0, -1, 0]]; residuals [3, 5, 0, -1], [0.5, -0.5, 0, 0].
  const squares = [9, 25, 0, 1, 0.25, 0.25, 0, 0];
  const fit = scalar(fitnetLoss(head.regressor, s, t));
  assert.ok(Math.abs(fit - (0.5 * squares.reduce((a, b) => a + b, 0)) / 8) < 1e-5);
  // At the start sigma^2 = 5 for both channels.
  const v0 = head.variance().dataSync();
  assert.ok(Math.abs(v0[0] - 5) < 1e-5 && Math.abs(v0[1] - 5) < 1e-5);
  assert.ok(Math.abs(scalar(vidLoss(head, s, t)) - (fit / 5 + 0.5 * Math.log(5))) < 1e-5);
  head.alpha.assign(tf.fill([2], Math.log(Math.expm1(1 - VidHead.EPS))));
  const terms = vidTerms(head, s, t);
  assert.ok(Math.abs(terms.loss.dataSync()[0] - fit) < 1e-5);
  assert.ok(Math.abs(terms.logVariance.dataSync()[0]) < 1e-5);
  tf.dispose([terms.loss, terms.residual, terms.logVariance, s, t]);
  const wrong = tf.zeros([1, 2]);
  assert.throws(() => head.regressor.apply(wrong), /the regressor takes 3 features, got 2/);
  assert.throws(() => fitnetLoss(head.regressor, tf.zeros([1, 3]), wrong), /teacher layer has 2/);
  wrong.dispose();
  head.dispose();
});

test("each learned variance settles at its channel's mean squared residual", async () => {
  await useBackend({ quiet: true });
  const head = new VidHead(2, [3, 2], 4);
  const s = tf.randomNormal([64, 2], 0, 1, 'float32', 1);
  // Teacher: channel 0 far from anything the regressor gives, channel 1 close to it.
  const r = head.regressor.apply(s);
  const noise = tf.randomNormal([64, 6], 0, 1, 'float32', 2);
  const scale = tf.tile(tf.tensor1d([2, 0.3]), [3]);
  const t = tf.add(r, tf.mul(noise, scale));
  const optimizer = tf.train.adam(0.05);
  for (let i = 0; i < 600; i++) {
    optimizer.minimize(() => vidLoss(head, s, t), false, [head.alpha]);
  }
  const v = head.variance().dataSync();
  const residual = tf.tidy(() =>
    tf.mean(tf.reshape(tf.square(tf.sub(t, r)), [64 * 3, 2]), 0).dataSync(),
  );
  for (let c = 0; c < 2; c++)
    assert.ok(Math.abs(v[c] / residual[c] - 1) < 0.02, `channel ${c}: ${v[c]} vs ${residual[c]}`);
  tf.dispose([s, r, noise, scale, t]);
  optimizer.dispose();
  head.dispose();
});

test('the trainer: an extra loss sees the batch input, extra variables train with the student', async () => {
  await useBackend({ quiet: true });
  const x = tf.randomNormal([256, 5], 0, 1, 'float32', 3);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32'));
  const projection = tf.randomNormal([5, 4], 0, 1, 'float32', 4);
  const teacher = (input: tf.Tensor) => tf.tanh(tf.matMul(input as tf.Tensor2D, projection));
  const student = mlpClassifier({ inputShape: 5, hidden: [16], classes: 2, seed: 1 });
  const head = new VidHead(16, [4], 2);
  const before = head.variables.map((v) => v.dataSync().slice());
  const vid = () =>
    tf.tidy(() => {
      const a = student.forward(x);
      return scalar(vidLoss(head, a.hidden1, teacher(x)));
    });
  const start = vid();
  const tensors = tf.memory().numTensors;
  await trainClassifier(
    student,
    { x, y },
    {
      epochs: 10,
      batchSize: 32,
      learningRate: 1e-2,
      capExtraGradient: false,
      extraVariables: head.variables,
      extraLoss: (activations, _labels, _ids, input) =>
        tf.tidy(() => vidLoss(head, activations.hidden1, teacher(input))),
    },
  );
  assert.equal(tf.memory().numTensors, tensors);
  head.variables.forEach((v, i) =>
    assert.ok(
      v.dataSync().some((value, j) => value !== before[i][j]),
      `${v.name} did not move`,
    ),
  );
  assert.ok(vid() < start);
  await assert.rejects(
    trainClassifier(
      student,
      { x, y },
      { epochs: 1, batchSize: 32, extraVariables: head.variables },
    ),
    /extraVariables are trained by an extraLoss/,
  );
  tf.dispose([x, y, projection]);
  head.dispose();
  student.dispose();
});

test('the heads own their variables only: making and disposing them leaves no tensor', async () => {
  await useBackend({ quiet: true });
  const before = tf.memory().numTensors;
  const head = new VidHead(16, [3, 3, 4], 5);
  const regressor = new LinearRegressor(16, 8, 6);
  assert.equal(tf.memory().numTensors, before + head.variables.length + regressor.variables.length);
  head.dispose();
  regressor.dispose();
  assert.equal(tf.memory().numTensors, before);
});
