// Priors for BayesDense networks: KL to another posterior in closed form (equal to gaussianKl for
// the N(0, s^2) snapshot), and KL to a mixture of posteriors by a one-sample estimate and by the
// variational upper bound: both 0 when every component is the posterior itself, the bound equal to
// the closed form for one component, the estimate unbiased and below the bound on average. The
// implementation saves passes over the weights (precomputed 1/sd and mean/sd, a backward pass
// through the components that carry weight only): values and gradients are checked against the
// textbook formulas written as plain tf ops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  bayesMlp,
  gaussianKl,
  snapshotPosterior,
  gaussianSnapshot,
  disposeSnapshot,
  posteriorKl,
  mixtureKl,
  seededNormal,
  type Classifier,
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
  const prior: PosteriorSnapshot = gaussianSnapshot(
    self.means.map((m) => tf.zerosLike(m)),
    self.sds.map((s) => tf.fill(s.shape, 0.7)),
  );
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
  assert.ok(Math.abs(value(mixtureKl(model, three, { estimator: 'upper' }))) < 1e-5); // float32
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

// The textbook formulas as tf ops over the model's posterior variables (kernel then bias).
function posterior(model: Classifier) {
  const vars = model.trainableVariables;
  const mus = vars.filter((v) => /_mu/.test(v.name));
  const rhos = vars.filter((v) => /_rho/.test(v.name));
  return { mus, sds: () => rhos.map((r) => tf.softplus(r)), all: [...mus, ...rhos] };
}

function refPairKl(mus: tf.Tensor[], sds: tf.Tensor[], p: PosteriorSnapshot): tf.Scalar {
  return tf.addN(
    mus.map((mu, i) => {
      const [m2, s2, s1] = [p.means[i], p.sds[i], sds[i]];
      const ratio = tf.div(
        tf.add(tf.square(s1), tf.square(tf.sub(mu, m2))),
        tf.mul(2, tf.square(s2)),
      );
      return tf.sum(tf.sub(tf.add(tf.log(tf.div(s2, s1)), ratio), 0.5));
    }),
  ) as tf.Scalar;
}

function refMixtureMc(mus: tf.Tensor[], sds: tf.Tensor[], cs: PosteriorSnapshot[], seed: number) {
  const eps = mus.map((m, i) => seededNormal(m.shape, (seed * 7919 + i) >>> 0));
  const w = mus.map((m, i) => tf.add(m, tf.mul(sds[i], eps[i])));
  const logQ = tf.neg(
    tf.addN(sds.map((s, i) => tf.add(tf.sum(tf.log(s)), tf.mul(0.5, tf.sum(tf.square(eps[i])))))),
  );
  const logC = cs.map((c) =>
    tf.neg(
      tf.addN(
        w.map((wi, i) => {
          const z = tf.div(tf.sub(wi, c.means[i]), c.sds[i]);
          return tf.add(tf.sum(tf.log(c.sds[i])), tf.mul(0.5, tf.sum(tf.square(z))));
        }),
      ),
    ),
  );
  return tf.sub(logQ, tf.sub(tf.logSumExp(tf.stack(logC)), Math.log(cs.length))) as tf.Scalar;
}

test('values and gradients match the textbook formulas, one or two components weighted', async () => {
  await useBackend({ quiet: true });
  const model = small(8);
  const { mus, sds, all } = posterior(model);
  const prior = gaussianSnapshot(
    mus.map((m) => tf.zeros(m.shape)),
    mus.map((m) => tf.fill(m.shape, 0.8)),
  );
  const near = snapshotPosterior(model);
  // Two components at the same distance share the weight: the gradient needs both.
  const twins = [snapshotPosterior(small(9, -1.7)), snapshotPosterior(small(9, -1.7))];
  const mixed = [snapshotPosterior(small(9, -1.7)), snapshotPosterior(small(10, -2.4)), near];
  const tensors = tf.memory().numTensors;
  const cases: Array<[string, () => tf.Scalar, () => tf.Scalar]> = [
    ['gaussianKl', () => gaussianKl(model, 0.8), () => refPairKl(mus, sds(), prior)],
    ['posteriorKl', () => posteriorKl(model, twins[0]), () => refPairKl(mus, sds(), twins[0])],
  ];
  for (const cs of [twins, mixed]) {
    cases.push([
      `mixtureKl upper, K = ${cs.length}`,
      () => mixtureKl(model, cs, { estimator: 'upper' }),
      () => {
        const s = sds();
        const negKl = tf.stack(cs.map((c) => tf.neg(refPairKl(mus, s, c))));
        return tf.sub(Math.log(cs.length), tf.logSumExp(negKl)) as tf.Scalar;
      },
    ]);
    cases.push([
      `mixtureKl mc, K = ${cs.length}`,
      () => mixtureKl(model, cs, { estimator: 'mc', seed: 11 }),
      () => refMixtureMc(mus, sds(), cs, 11),
    ]);
  }
  for (const [name, ours, reference] of cases) {
    const a = tf.variableGrads(ours, all);
    const b = tf.variableGrads(reference, all);
    const [va, vb] = [a.value.dataSync()[0], b.value.dataSync()[0]];
    assert.ok(Math.abs(va - vb) <= 1e-4 * Math.max(1, Math.abs(vb)), `${name}: ${va} vs ${vb}`);
    for (const v of all) {
      const ga = a.grads[v.name].dataSync();
      const gb = b.grads[v.name].dataSync();
      const scale = Math.max(1e-3, ...Array.from(gb, Math.abs));
      const worst = Math.max(...Array.from(ga, (g, i) => Math.abs(g - gb[i])));
      assert.ok(worst <= 1e-3 * scale, `${name}: gradient of ${v.name} off by ${worst}`);
    }
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
  }
  assert.equal(tf.memory().numTensors, tensors);
  [prior, near, ...twins, ...mixed.slice(0, 2)].forEach(disposeSnapshot);
  model.dispose();
});
