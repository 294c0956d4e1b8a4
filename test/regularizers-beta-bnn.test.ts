// The beta-BNN outer loop on a small learnable task: every variant trains its E[w] network above
// chance, reports a finite KL and posterior sd per pass, is reproducible from its seed and leaves
// no tensor behind; the KL term pulls the posterior towards the prior (a larger beta, a smaller
// KL); bad settings get one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tf,
  useBackend,
  bayesMlp,
  trainBetaBnn,
  BETA_BNN_VARIANTS,
  type BetaBnnConfig,
} from 'milab';

function task(n: number, seed: number) {
  const x = tf.randomNormal([n, 8], 0, 1, 'float32', seed);
  const labels = Int32Array.from(
    tf
      .tidy(() => tf.argMax(tf.matMul(x, tf.randomNormal([8, 3], 0, 1, 'float32', 99)), 1))
      .dataSync(),
  );
  return { x, labels };
}

const build = (seed: number) => bayesMlp({ inputShape: 8, hidden: [32], classes: 3, seed });

const base: BetaBnnConfig = {
  variant: 'beta-bnn',
  components: 2,
  beta: 1e-3,
  epochs: 6,
  batchSize: 32,
  optimizer: { name: 'adam', learningRate: 1e-2 },
  seed: 1,
};

test('every variant learns, reports its terms, and is reproducible without leaks', async () => {
  await useBackend({ quiet: true });
  const train = task(512, 1);
  const test_ = task(256, 2);
  try {
    for (const variant of BETA_BNN_VARIANTS) {
      const config = { ...base, variant, beta: variant === 'vanilla' ? 1 / 512 : base.beta };
      const before = tf.memory().numTensors;
      const a = await trainBetaBnn(build, train, config, { evaluation: test_ });
      a.mean.dispose();
      assert.equal(tf.memory().numTensors, before, `${variant} leaked`);
      const last = a.epochs[a.epochs.length - 1];
      assert.ok(last.accuracy! > 0.6, `${variant}: accuracy ${last.accuracy}`);
      assert.ok(a.epochs.every((e) => Number.isFinite(e.kl) && e.kl > 0 && e.meanSd > 0));
      assert.equal(a.steps, 6 * 16);
      const b = await trainBetaBnn(build, train, config, { evaluation: test_ });
      b.mean.dispose();
      assert.deepEqual(
        b.epochs.map((e) => [e.kl, e.nll, e.accuracy]),
        a.epochs.map((e) => [e.kl, e.nll, e.accuracy]),
        `${variant} is not reproducible`,
      );
    }
  } finally {
    tf.dispose([train.x, test_.x]);
  }
});

test('a larger beta keeps the posterior closer to the N(0, 1) prior', async () => {
  await useBackend({ quiet: true });
  const train = task(512, 3);
  try {
    const kl = async (beta: number) => {
      const r = await trainBetaBnn(build, train, { ...base, variant: 'fixed-prior', beta });
      r.mean.dispose();
      return r.epochs[r.epochs.length - 1].kl;
    };
    assert.ok((await kl(1e-1)) < (await kl(1e-5)));
  } finally {
    train.x.dispose();
  }
});

test('the components start from one initialisation, so averaging their means is meaningful', async () => {
  await useBackend({ quiet: true });
  const train = task(256, 5);
  try {
    const seeds: number[] = [];
    const spy = (seed: number) => (seeds.push(seed), build(seed));
    let hookCalls = 0;
    const r = await trainBetaBnn(
      spy,
      train,
      { ...base, variant: 'fixed-prior', components: 3, epochs: 2 },
      { onEpochEnd: (_summary, mean) => void (hookCalls += mean.model.countParams() > 0 ? 1 : 0) },
    );
    r.mean.dispose();
    assert.equal(seeds.length, 4); // three components and the E[w] network
    assert.ok(
      seeds.every((s) => s === seeds[0]),
      `seeds ${seeds}`,
    );
    assert.equal(hookCalls, 2);
  } finally {
    train.x.dispose();
  }
});

test('bad settings get one line', async () => {
  await useBackend({ quiet: true });
  const train = task(64, 4);
  try {
    await assert.rejects(
      trainBetaBnn(build, train, { ...base, beta: 0 }),
      /beta must be a finite positive/,
    );
    await assert.rejects(
      trainBetaBnn(build, train, { ...base, components: 4, batchSize: 32 }),
      /batchSize x components <= 64 rows, got 32 x 4/,
    );
    await assert.rejects(
      trainBetaBnn(build, train, { ...base, variant: 'bayes' as never }),
      /variant must be one of vanilla, fixed-prior, beta-bnn, online/,
    );
  } finally {
    train.x.dispose();
  }
});
