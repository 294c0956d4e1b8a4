// MI-Dropout's experiment: the MI step and its controls treat the same number of units, the same
// seed gives the same numbers, nothing leaks; the released code's scrambled re-initialisation does
// what its np.delete + append does; the verdict rules decide as protocol §1e says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, tf, useBackend, miDropout, mlpClassifier } from 'milab';

const smoke = miDropout.CONFIGS.smoke;

async function smokeImdb() {
  const t = smoke.text;
  return miDropout.loadTextData({
    dataset: 'imdb',
    trainSize: t.trainSize,
    valSize: t.valSize,
    testSize: t.testSize,
    vocabSize: t.vocabSize,
    sequenceLength: t.sequenceLength,
  });
}

test('runMiStep: every method treats the same number of units, reproducibly, without leaks', async () => {
  await useBackend({ quiet: true });
  const { data } = await smokeImdb();
  const before = tf.memory().numTensors;
  const a = await miDropout.runMiStep(data, smoke.text, 1);
  assert.equal(tf.memory().numTensors, before);
  const b = await miDropout.runMiStep(data, smoke.text, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(b.before)), JSON.parse(JSON.stringify(a.before)));
  assert.equal(b.base.testAccuracy, a.base.testAccuracy);
  const prune = miDropout.stepRun(a, 'prune')!;
  assert.ok(smoke.text.fractions.includes(a.chosenFraction));
  for (const variant of a.variants) {
    for (const layer of miDropout.HEAD_LAYERS) {
      assert.equal(
        variant.units[layer].length,
        prune.units[layer].length,
        `${variant.method} ${layer}`,
      );
    }
    assert.equal(variant.run.curve.length, smoke.text.retrainEpochs);
  }
  // Pruned layers are narrower after the step; re-initialised ones keep their width.
  const reinit = a.variants.find((v) => v.method === 'reinit')!;
  miDropout.HEAD_LAYERS.forEach((layer, i) => {
    const width = a.before[i].knn.length;
    assert.equal(prune.after[i].knn.length, width - prune.units[layer].length);
    assert.equal(reinit.after[i].knn.length, width);
  });
  // The method removes the lowest-MI units and the inverse control the highest: every unit the
  // method keeps scores at least as high as every one it removes, and the reverse for the control.
  const l1 = a.before[0].knn;
  const inverse = a.variants.find((v) => v.method === 'inverse')!;
  const split = (removed: number[]) => {
    const gone = new Set(removed);
    return {
      removed: removed.map((u) => l1[u]),
      kept: l1.filter((_, u) => !gone.has(u)),
    };
  };
  const mi = split(prune.units.L1);
  assert.ok(Math.max(...mi.removed) <= Math.min(...mi.kept));
  const inv = split(inverse.units.L1);
  assert.ok(Math.min(...inv.removed) >= Math.max(...inv.kept));
  miDropout.disposeData(data);
});

test('scrambledReinit: kernel columns deleted and appended, bias and next rows left in place', async () => {
  await useBackend({ quiet: true });
  const model = mlpClassifier({ inputShape: 4, hidden: [6, 5], classes: 3, seed: 2 });
  const before = tf.memory().numTensors;
  const scrambled = miDropout.scrambledReinit(model, 'hidden1', [1, 3], 7);
  const weights = (m: typeof model, name: string) =>
    m.layers
      .find((l) => l.name === name)!
      .layer.getWeights()
      .map((w) => w.arraySync() as number[][]);
  const [k0, b0] = weights(model, 'hidden1');
  const [k1, b1] = weights(scrambled, 'hidden1');
  const kept = [0, 2, 4, 5];
  for (let r = 0; r < 4; r++) {
    kept.forEach((c, j) => assert.equal(k1[r][j], k0[r][c]));
  }
  // The fresh columns, pinned: 0.01 N(0, 1) draws from Rng(seed), column by column, row by row.
  const rng = new Rng(7);
  for (const j of [4, 5])
    for (let r = 0; r < 4; r++) assert.equal(k1[r][j], Math.fround(0.01 * rng.normal()));
  assert.deepEqual(b1, b0); // the bias stays where it was: unit 1 now has unit 1's old bias
  assert.deepEqual(weights(scrambled, 'hidden2'), weights(model, 'hidden2'));
  scrambled.dispose();
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});
