// Priors for BayesDense networks: KL to another posterior in closed form (equal to gaussianKl for
// the N(0, s^2) snapshot), and KL to a mixture of posteriors by a one-sample estimate and by the
// variational upper bound: both 0 when every component is the posterior itself, the bound equal to
// the closed form for one component, the estimate unbiased and below the bound on average.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  bayesMlp,
  gaussianKl,
  snapshotPosterior,
  disposeSnapshot,
  posteriorKl,
  mixtureKl,
  type PosteriorSnapshot,
} from 'milab';

const small = (seed: number, rho = -2) =>
  bayesMlp({ inputShape: 3, hidden: [4], classes: 2, seed, initialRho: rho });

const value = (t: tf.Scalar) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test('posteriorKl: 0 to itself, gaussianKl against a N(0, s^2) snapshot', async () => {
  await useBackend({ quiet: true });
  const model = small(1);
  const self = snapshotPosterior(model);
  assert.ok(Math.abs(value(posteriorKl(model, self))) < 1e-5);
  const prior: PosteriorSnapshot = {
    means: self.means.map((m) => tf.zerosLike(m)),
    sds: self.sds.map((s) => tf.fill(s.shape, 0.7)),
  };
  const closed = value(gaussianKl(model, 0.7));
  assert.ok(Math.abs(value(posteriorKl(model, prior)) - closed) < 1e-4 * closed);
  disposeSnapshot(self);
  disposeSnapshot(prior);
  const other = small(2);
  const wrong = snapshotPosterior(bayesMlp({ inputShape: 3, hidden: [5], classes: 2 }));
  assert.throws(() => posteriorKl(other, wrong), /tensor 0 has shape \[3,5\], the model \[3,4\]/);
  disposeSnapshot(wrong);
  model.dispose();
  other.dispose();
});

test('mixtureKl: 0 when every component is the posterior; one component gives the closed form', async () => {
  await useBackend({ quiet: true });
  const model = small(3);
  const self = snapshotPosterior(model);
  const three = [self, self, self];
  assert.ok(Math.abs(value(mixtureKl(model, three, { estimator: 'upper' }))) < 1e-6);
  assert.ok(Math.abs(value(mixtureKl(model, three, { estimator: 'mc', seed: 4 }))) < 1e-3);
  const other = small(4, -1.5);
  const component = snapshotPosterior(other);
  const closed = value(posteriorKl(model, component));
  const upper = value(mixtureKl(model, [component], { estimator: 'upper' }));
  assert.ok(Math.abs(upper - closed) < 1e-4 * closed);
  // The one-sample estimate is unbiased: its mean over seeds is the closed form.
  const draws = Array.from({ length: 400 }, (_, s) =>
    value(mixtureKl(model, [component], { estimator: 'mc', seed: s })),
  );
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws.length - 1));
  assert.ok(Math.abs(mean - closed) < 4 * (sd / Math.sqrt(draws.length)), `${mean} vs ${closed}`);
  disposeSnapshot(self);
  disposeSnapshot(component);
  model.dispose();
  other.dispose();
});

test('two different components: the MC mean stays below the upper bound; gradients flow', async () => {
  await useBackend({ quiet: true });
  const model = small(5);
  const a = small(6, -1.8);
  const b = small(7, -2.2);
  const components = [snapshotPosterior(a), snapshotPosterior(b)];
  const upper = value(mixtureKl(model, components, { estimator: 'upper' }));
  const draws = Array.from({ length: 300 }, (_, s) =>
    value(mixtureKl(model, components, { estimator: 'mc', seed: s })),
  );
  const mean = draws.reduce((x, y) => x + y, 0) / draws.length;
  assert.ok(mean <= upper + 1e-6, `MC mean ${mean} above the bound ${upper}`);
  const tensors = tf.memory().numTensors;
  const { value: kl, grads } = tf.variableGrads(() =>
    mixtureKl(model, components, { estimator: 'mc', seed: 1 }),
  );
  const norms = tf.tidy(() => Object.values(grads).map((g) => tf.norm(g).dataSync()[0]));
  assert.ok(norms.length === 8 && norms.every((n) => Number.isFinite(n) && n > 0));
  tf.dispose([kl, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, tensors);
  assert.throws(() => mixtureKl(model, [], { estimator: 'mc' }), /at least one component/);
  components.forEach(disposeSnapshot);
  [model, a, b].forEach((m) => m.dispose());
});
