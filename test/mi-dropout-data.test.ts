// MI-Dropout's data: IMDB's fixed stratified split, the vocabulary fitted on training texts only,
// seeded subsets, and AG_NEWS / Yelp reported unavailable (one line) when their files are absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, useBackend, miDropout, MilabInputError } from 'milab';

test('mi-dropout data: IMDB subsets are stratified, encoded, reproducible and leak-free', async () => {
  await useBackend({ backend: 'cpu', quiet: true });
  const before = tf.memory().numTensors;
  const options = {
    dataset: 'imdb' as const,
    trainSize: 200,
    valSize: 50,
    testSize: 100,
    vocabSize: 500,
    sequenceLength: 32,
  };
  const a = await miDropout.loadTextData(options);
  const b = await miDropout.loadTextData(options);
  assert.deepEqual(a.data.train.x.shape, [200, 32]);
  assert.equal(a.data.train.x.dtype, 'int32');
  assert.deepEqual(a.data.test.y.shape, [100]);
  assert.equal(a.info.fullScale, false);
  const positives = (labels: Int32Array) => labels.reduce((s, v) => s + v, 0);
  assert.equal(positives(a.data.train.labels), 100);
  assert.equal(positives(a.data.val.labels), 25);
  assert.equal(positives(a.data.test.labels), 50);
  assert.deepEqual(a.data.train.x.dataSync(), b.data.train.x.dataSync());
  assert.deepEqual(a.vocabulary.tokens, b.vocabulary.tokens);
  assert.ok(a.vocabulary.size <= 500);
  const ids = a.data.test.x.dataSync();
  assert.ok(ids.every((v) => v >= 0 && v < a.vocabulary.size));
  miDropout.disposeData(a.data);
  miDropout.disposeData(b.data);
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(
    miDropout.loadTextData({ ...options, trainSize: 1 }),
    (err: Error) =>
      err instanceof MilabInputError && /trainSize must be an integer/.test(err.message),
  );
});

test('mi-dropout data: AG_NEWS and Yelp are reported unavailable without their files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-nodata-'));
  try {
    for (const dataset of ['ag_news', 'yelp_polarity'] as const) {
      const status = await miDropout.textDataAvailable(dataset, dir);
      assert.equal(status.available, false);
      assert.ok(status.reason.length > 0 && !status.reason.includes('\n'));
    }
    assert.deepEqual(await miDropout.textDataAvailable('imdb'), { available: true, reason: '' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
